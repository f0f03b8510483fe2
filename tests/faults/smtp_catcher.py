"""aiosmtpd handler for the fault tests: a Maildir catcher that can hold one delivery open.

    python -m aiosmtpd -n -l 127.0.0.1:PORT -c tests.faults.smtp_catcher.StallingMailbox MAILDIR CONTROL

While the file CONTROL/arm exists, the next message's RCPT TO is held (the file is removed and
CONTROL/stalled written with the address and the client's port): the sending worker sits in the middle of its task until the test kills
it, when the dropped connection ends the hold and nothing is stored. Every other message is
stored once, like aiosmtpd's Mailbox handler does. While CONTROL/slow exists (it holds a number
of seconds), the next message's RCPT TO is held that long and then taken: a slow mail server.
"""

import asyncio
from pathlib import Path

from aiosmtpd.handlers import Mailbox


class StallingMailbox(Mailbox):
    def __init__(self, mail_dir, control):
        super().__init__(mail_dir)
        self.control = Path(control)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("StallingMailbox needs MAILDIR and CONTROL directories")
        return cls(args[0], args[1])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        arm = self.control / "arm"
        if arm.exists():
            arm.unlink()
            # Who is sending: the address, and the client's port to find its process by.
            (self.control / "stalled").write_text(f"{address} {session.peer[1]}")
            # The client waits for our answer; the test kills it meanwhile. A lost connection
            # cancels this coroutine, so the message is never taken.
            await asyncio.sleep(60)
            return "451 4.3.0 Try again later"
        slow = self.control / "slow"
        if slow.exists():
            # A slow server: hold this delivery for the given seconds, then take it.
            seconds = float(slow.read_text())
            slow.unlink()
            (self.control / "stalled").write_text(f"{address} {session.peer[1]}")
            await asyncio.sleep(seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"
