"""Logging filters. Links that carry a secret (invitations, password resets, e-mail
confirmations) work like passwords: they never reach a log file."""

import logging
import re

SECRET_PATHS = re.compile(
    r"(/invite/|/accounts/password/reset/key/|/accounts/confirm-email/|/accounts/login/code/confirm/)[^/\s\"?]+"
)


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1[redacted]", text)


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
