"""A logging filter that removes personal identity codes from every log record.

URLs carry only random codes, and no view logs personal data on purpose; this filter is the last
line of defence for anything that slips into an exception message.
"""

from __future__ import annotations

import logging
import re

HETU_RX = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", re.IGNORECASE)


def scrub(text: str) -> str:
    return HETU_RX.sub("[hetu]", text)


class ScrubPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
