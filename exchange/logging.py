"""Logging filter that keeps identity numbers out of log lines.

Any run of exactly 12 digits (an IIN or a BIN) in a log message is masked like ``mask_iin``
does for employers: six asterisks and the last six digits.
"""

import logging
import re

TWELVE_DIGITS = re.compile(r"(?<!\d)\d{6}(\d{6})(?!\d)")


def redact(text: str) -> str:
    return TWELVE_DIGITS.sub(r"******\1", text)


class RedactIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
