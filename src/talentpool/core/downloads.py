"""File downloads: the one way a page or an API operation hands a person a file.

Every file the platform serves (bank files, reports, import error files and templates, calendar invitations)
carries personal data or may: it is sent as an attachment with ``Cache-Control: no-store``, so neither the
browser nor a proxy keeps a copy. Serving a file never changes anything; a state change is its own POST.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response
