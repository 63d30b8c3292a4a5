"""File downloads: the one way a page or an API operation hands a person a file.

Every file the platform serves (bank files, reports, import error files and templates, calendar invitations)
carries personal data or may: it is sent as an attachment with ``Cache-Control: no-store``, so neither the
browser nor a proxy keeps a copy. Only a file that holds no secret may be kept by the server (``kept``). Serving a file never changes anything; a state change is its own POST.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def file_response(content: bytes | str, *, filename: str, content_type: str, kept: bool = False) -> HttpResponse:
    """``kept``: the file holds no secret (no account or ID number, no uploaded document; a calendar invitation, a
    certificate, a report of totals), so this server's kept responses (``core.pagecache``) may hold it while
    nothing it read changes. Without it a file is made for each download and held nowhere. Browsers and proxies
    keep no copy either way."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    response.kept_on_server = kept
    return response
