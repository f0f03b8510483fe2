"""An SMTP server's handler for the benchmark: one line per received message (its decoded
subject) appended to a file, so the harness counts what really left the outbox.

``python -m aiosmtpd -n -l 127.0.0.1:PORT -c bench.region.smtp_sink.Recorder FILE``
"""

from email import policy
from email.parser import BytesParser

# Only the headers: parsing each whole message (the .ics included) with the modern policy cost
# the sink ~0.9 ms CPU per message, taken from the same two cores as the worker being measured.
HEADERS = BytesParser(policy=policy.default)


class Recorder:
    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - process-long

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(*args)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = HEADERS.parsebytes(envelope.original_content, headersonly=True)
        subject = " ".join(str(message.get("Subject", "")).split())
        for recipient in envelope.rcpt_tos:
            self.file.write(f"{recipient}\t{subject}\n")
        return "250 Message accepted for delivery"
