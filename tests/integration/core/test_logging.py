"""The console log: each line once (Django's own handler does not print it beside the root's), and a refused
request (4xx) in one line without its traceback, while a server error keeps it."""

import logging
import sys

from django.utils.log import configure_logging

from talentpool.core.logfilters import ClientErrorsBrief


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("denied")
    except PermissionError:
        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /x/", (), info)
    record.status_code = status
    return record


def test_a_refused_request_has_no_traceback_and_a_server_error_keeps_it():
    brief = ClientErrorsBrief()
    denied, broken = _record(403), _record(500)
    assert brief.filter(denied) and denied.exc_info is None
    assert brief.filter(broken) and broken.exc_info is not None


def test_a_django_line_is_printed_once_and_a_403_without_traceback(capsys, settings):
    settings.DEBUG = True  # Django's own console handler only speaks in DEBUG
    try:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        logging.getLogger("django.request").warning("Forbidden (Permission denied): %s", "/payments/",
                                                    exc_info=_record(403).exc_info, extra={"status_code": 403})
        err = capsys.readouterr().err
        assert err.count("Forbidden (Permission denied): /payments/") == 1
        assert "Traceback" not in err
    finally:
        settings.DEBUG = False
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
