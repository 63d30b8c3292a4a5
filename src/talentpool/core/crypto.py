"""Encryption at rest and keyed look-up hashes for identity numbers.

An ID number is stored three ways: AES-GCM ciphertext (to show it on an audited reveal), an HMAC-SHA256
under a separate key (to find a person by the full number without decrypting anything), and a masked form
(first six and last four characters for resident IDs) that pages may show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_VERSION = "v1"


def _key(value: str) -> bytes:
    raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    if len(raw) < 32:
        raw = hashlib.sha256(raw).digest()
    return raw[:32]


@cache
def _aead(data_key: str) -> AESGCM:
    return AESGCM(_key(data_key))


@cache
def _lookup_key(lookup_key: str) -> bytes:
    return _key(lookup_key)


def encrypt_text(plain: str) -> str:
    nonce = os.urandom(12)
    sealed = _aead(settings.TALENTPOOL_DATA_KEY).encrypt(nonce, plain.encode(), _VERSION.encode())
    return f"{_VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt_text(token: str) -> str:
    version, _, body = token.partition(":")
    if version != _VERSION:
        raise ValueError(f"unknown ciphertext version {version!r}")
    raw = base64.urlsafe_b64decode(body)
    return _aead(settings.TALENTPOOL_DATA_KEY).decrypt(raw[:12], raw[12:], version.encode()).decode()


def lookup_hash(kind: str, value: str) -> str:
    """Keyed hash of ``kind:value``; equal inputs give equal hashes, nothing can be read back from it."""
    message = f"{kind}:{value}".encode()
    return hmac.new(_lookup_key(settings.TALENTPOOL_LOOKUP_KEY), message, hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """330106199001011234 -> 330106********1234; short numbers keep one character at each end."""
    n = len(value)
    if n >= 15:
        return value[:6] + "*" * (n - 10) + value[-4:]
    if n >= 6:
        return value[:2] + "*" * (n - 4) + value[-2:]
    return "*" * n
