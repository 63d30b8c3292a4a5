"""Attachments: accepted by their first bytes (not their name) and size, stored AES-GCM encrypted in the database
(never as a clear file under MEDIA_ROOT), read back only through a permission-checked view."""

from __future__ import annotations

import base64

from django.utils.translation import gettext as _

from talentpool.core.crypto import decrypt_text, encrypt_text
from talentpool.core.errors import ApplicationError

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
# content type by signature
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class AttachmentError(ApplicationError):
    def __init__(self, message: str, *, code: str):
        super().__init__(message, code=code, field="files")


def attachment_size_check(name: str, size: int) -> None:
    """Refuse a file over the limit by its size alone (an upload is checked before it is read)."""
    if size > MAX_BYTES:
        raise AttachmentError(_("%(name)s: %(size)s bytes, more than the 5 MB allowed")
                              % {"name": name, "size": f"{size:,}"}, code="too_large")


def attachment_check(name: str, data: bytes) -> str:
    """The file's content type, or AttachmentError saying which file and why."""
    attachment_size_check(name, len(data))
    if not data:
        raise AttachmentError(_("%(name)s is empty") % {"name": name}, code="empty")
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise AttachmentError(_("%(name)s is not a PDF, PNG or JPEG file (judged by its content, not its name)")
                          % {"name": name}, code="bad_type")


def seal(data: bytes) -> str:
    return encrypt_text(base64.b64encode(data).decode())


def unseal(token: str) -> bytes:
    return base64.b64decode(decrypt_text(token))
