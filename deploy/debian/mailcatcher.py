#!/usr/bin/python3
"""A mail catcher for the compose stack where the Mailpit image cannot be pulled, built from
Debian's packages (python3-aiosmtpd and the standard library).

    /mailpit            SMTP on port 1025, web page and API on port 8025
    /mailpit readyz     exit 0 when the API answers (the stack's healthcheck, as Mailpit's)

It answers the part of Mailpit's API that the stack's tests and a person use, in Mailpit's JSON
format: GET /api/v1/messages (newest first; ?start=&limit=), GET /api/v1/message/{ID} (or
"latest"), GET /api/v1/message/{ID}/raw, DELETE /api/v1/messages, GET /readyz, and a list of
the messages at /. Messages are kept in memory, like Mailpit without a database file.

One addition Mailpit does not have: POST /api/v1/hold {"hold": true} holds every delivery at
its DATA command, before the message is taken, until {"hold": false}. A sender killed while its
delivery is held has been told nothing, so the message is not stored: this is how the stack's
tests stop a worker at a known point of its sending.
"""

import asyncio
import json
import sys
import threading
import urllib.request
import uuid
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from email.utils import getaddresses
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SMTP_PORT = 1025
HTTP_PORT = 8025

_messages: list[dict] = []  # oldest first
_lock = threading.Lock()
_hold = threading.Event()


def _addresses(value) -> list[dict]:
    return [{"Name": name, "Address": address} for name, address in getaddresses([value or ""])]


def _store(raw: bytes) -> dict:
    message = message_from_bytes(raw, policy=default_policy)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    attachments = [
        {"FileName": part.get_filename() or "", "ContentType": part.get_content_type()}
        for part in message.iter_attachments()
    ]
    from_ = _addresses(message["From"])
    entry = {
        "ID": uuid.uuid4().hex,
        "MessageID": (message["Message-ID"] or "").strip().strip("<>"),
        "Read": False,
        "From": from_[0] if from_ else {"Name": "", "Address": ""},
        "To": _addresses(message["To"]),
        "Cc": _addresses(message["Cc"]) if message["Cc"] else [],
        "Bcc": [],
        "ReplyTo": _addresses(message["Reply-To"]) if message["Reply-To"] else [],
        "Subject": str(message["Subject"] or ""),
        "Created": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "Date": str(message["Date"] or ""),
        "Tags": [],
        "Size": len(raw),
        "Attachments": len(attachments),
        "Text": text.get_content() if text is not None else "",
        "HTML": html.get_content() if html is not None else "",
        "AttachmentList": attachments,
        "Raw": raw,
    }
    entry["Snippet"] = " ".join(entry["Text"].split())[:250]
    with _lock:
        _messages.append(entry)
    return entry


def _summary(entry: dict) -> dict:
    keys = ("ID", "MessageID", "Read", "From", "To", "Cc", "Bcc", "ReplyTo", "Subject")
    keys += ("Created", "Tags", "Size", "Attachments", "Snippet")
    return {key: entry[key] for key in keys}


def _detail(entry: dict) -> dict:
    detail = {key: entry[key] for key in ("ID", "MessageID", "From", "To", "Cc", "Bcc")}
    detail.update(
        ReplyTo=entry["ReplyTo"],
        ReturnPath=entry["From"]["Address"],
        Subject=entry["Subject"],
        Date=entry["Date"],
        Tags=entry["Tags"],
        Text=entry["Text"],
        HTML=entry["HTML"],
        Size=entry["Size"],
        Inline=[],
        Attachments=entry["AttachmentList"],
    )
    return detail


class Handler:
    """aiosmtpd handler: take every message (any sender, any recipient)."""

    async def handle_DATA(self, server, session, envelope):
        while _hold.is_set():
            # Cancelled by aiosmtpd when the sender's connection drops: nothing is stored.
            await asyncio.sleep(0.05)
        if server.transport is None or server.transport.is_closing():
            return "451 4.3.0 Connection closed"
        _store(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class Api(BaseHTTPRequestHandler):
    server_version = "mailcatcher"

    def log_message(self, format, *args):  # noqa: A002 - the name of the overridden method
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, value, status: int = 200) -> None:
        self._send(status, json.dumps(value).encode(), "application/json")

    def _find(self, message_id: str) -> dict | None:
        with _lock:
            if message_id == "latest":
                return _messages[-1] if _messages else None
            return next((m for m in _messages if m["ID"] == message_id), None)

    def do_GET(self):  # noqa: N802 - http.server's method name
        path, _, query = self.path.partition("?")
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        if path in ("/readyz", "/livez"):
            return self._send(200, b"ok\n", "text/plain")
        if path == "/api/v1/messages":
            with _lock:
                newest_first = list(reversed(_messages))
            start, limit = int(params.get("start", 0)), int(params.get("limit", 50))
            page = newest_first[start : start + limit]
            return self._json(
                {
                    "total": len(newest_first),
                    "unread": sum(not m["Read"] for m in newest_first),
                    "count": len(page),
                    "messages_count": len(newest_first),
                    "start": start,
                    "tags": [],
                    "messages": [_summary(m) for m in page],
                }
            )
        if path == "/api/v1/hold":
            return self._json({"hold": _hold.is_set()})
        if path.startswith("/api/v1/message/"):
            parts = path[len("/api/v1/message/") :].split("/")
            entry = self._find(parts[0])
            if entry is None:
                return self._send(404, b"message not found\n", "text/plain")
            if parts[1:] == ["raw"]:
                return self._send(200, entry["Raw"], "text/plain; charset=utf-8")
            entry["Read"] = True
            return self._json(_detail(entry))
        if path == "/":
            with _lock:
                rows = "".join(
                    f"<tr><td>{escape(m['Created'])}</td>"
                    f"<td>{escape(', '.join(t['Address'] for t in m['To']))}</td>"
                    f"<td><a href='/api/v1/message/{m['ID']}/raw'>{escape(m['Subject'])}</a></td></tr>"
                    for m in reversed(_messages)
                )
            page = (
                "<!doctype html><html lang='en'><meta charset='utf-8'><title>Mail catcher</title>"
                f"<h1>Mail catcher: {len(_messages)} messages</h1><table>"
                f"<tr><th>Received</th><th>To</th><th>Subject</th></tr>{rows}</table></html>"
            )
            return self._send(200, page.encode(), "text/html; charset=utf-8")
        return self._send(404, b"not found\n", "text/plain")

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def do_POST(self):  # noqa: N802 - http.server's method name
        if self.path == "/api/v1/hold":
            if self._body().get("hold"):
                _hold.set()
            else:
                _hold.clear()
            return self._json({"hold": _hold.is_set()})
        return self._send(404, b"not found\n", "text/plain")

    def do_DELETE(self):  # noqa: N802 - http.server's method name
        if self.path == "/api/v1/messages":
            ids = set(self._body().get("IDs") or [])
            with _lock:
                _messages[:] = [m for m in _messages if ids and m["ID"] not in ids]
            return self._send(200, b"ok", "text/plain")
        return self._send(404, b"not found\n", "text/plain")


def serve() -> None:
    from aiosmtpd.controller import Controller

    smtp = Controller(Handler(), hostname="0.0.0.0", port=SMTP_PORT, server_hostname="mailpit")
    smtp.start()
    http = ThreadingHTTPServer(("0.0.0.0", HTTP_PORT), Api)
    print(f"SMTP on port {SMTP_PORT}, web and API on port {HTTP_PORT}", flush=True)
    try:
        http.serve_forever()
    finally:
        smtp.stop()


def readyz() -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{HTTP_PORT}/readyz", timeout=3) as answer:
            return 0 if answer.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    if sys.argv[1:] == ["readyz"]:
        sys.exit(readyz())
    serve()
