"""The benchmark's mail server: one line per recipient of each received message (its decoded
subject) appended to a file, so the harness counts what really left the outbox.

``python -m bench.region.smtp_sink PORT FILE``

It stands in for the mail relay that production has on another host, yet it runs on the same two
cores as the worker being measured, so it must cost as little as possible: aiosmtpd spent about
0.9 ms of CPU per message (its generic session machinery, even with only the headers parsed),
which in the 10,000-reminders run was 8.7 s of the 40 s of CPU the whole stack used. This one
speaks just the commands Python's smtplib (Django's SMTP backend) sends and reads each message's
data in one piece.
"""

from __future__ import annotations

import asyncio
import sys
from email.header import decode_header, make_header

# Django's largest message here is an e-mail with a PDF; the stream buffer must hold a whole one.
MESSAGE_LIMIT = 32 * 1024 * 1024


def subject_of(data: bytes) -> str:
    """The decoded Subject of a message's data (headers folded over several lines included)."""
    headers = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    value, taking = [], False
    for line in headers.split("\r\n"):
        if taking and line[:1] in (" ", "\t"):
            value.append(line)
            continue
        taking = line[:8].lower() == "subject:"
        if taking:
            value.append(line[8:])
    raw = " ".join(part.strip() for part in value)
    try:
        return " ".join(str(make_header(decode_header(raw))).split())
    except (ValueError, LookupError):
        return raw


async def serve_session(reader, writer, out) -> None:
    writer.write(b"220 bench-sink ESMTP\r\n")
    recipients: list[str] = []
    try:
        while line := await reader.readline():
            command = line[:4].upper()
            if command == b"EHLO":
                writer.write(b"250-bench-sink\r\n250-8BITMIME\r\n250 SIZE 33554432\r\n")
            elif command == b"HELO":
                writer.write(b"250 bench-sink\r\n")
            elif command == b"MAIL":
                recipients = []
                writer.write(b"250 OK\r\n")
            elif command == b"RCPT":
                address = line.split(b":", 1)[1].split(b">", 1)[0].strip(b" <\r\n")
                recipients.append(address.decode("utf-8", "replace"))
                writer.write(b"250 OK\r\n")
            elif command == b"DATA":
                writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                await writer.drain()
                data = await reader.readuntil(b"\r\n.\r\n")
                subject = subject_of(data)
                out.write("".join(f"{recipient}\t{subject}\n" for recipient in recipients))
                out.flush()
                writer.write(b"250 Message accepted for delivery\r\n")
            elif command in (b"RSET", b"NOOP"):
                recipients = [] if command == b"RSET" else recipients
                writer.write(b"250 OK\r\n")
            elif command == b"QUIT":
                writer.write(b"221 Bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"502 Command not implemented\r\n")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main(port: int, path: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        server = await asyncio.start_server(
            lambda reader, writer: serve_session(reader, writer, out),
            "127.0.0.1",
            port,
            limit=MESSAGE_LIMIT,
        )
        async with server:
            await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
