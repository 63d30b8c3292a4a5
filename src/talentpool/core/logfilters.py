"""Log records as an operator wants to read them.

A request refused with a 4xx (a denied page, a missing record) is the platform working as meant: Django logs it
as a warning *with* the exception, so the console showed a whole traceback for every 403. ``ClientErrorsBrief``
keeps the one line ("Forbidden (Permission denied): /payments/") and drops the traceback; a 5xx keeps it.
"""

from __future__ import annotations

import logging


class ClientErrorsBrief(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
