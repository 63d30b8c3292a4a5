"""Partners of the API (job boards, a university's careers office): an administrator registers one with its
scopes and deactivates it; its key is stored as a SHA-256 hash and compared in constant time; every call it
makes is logged as an exchange."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError, NotFoundError
from talentpool.core.inserts import insert_row
from talentpool.core.models import AuditAction
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.engines.matching import clean_text
from talentpool.registry.models import Enterprise

from ..models import PARTNER_SCOPES, ExchangeDirection, Partner, PartnerExchange

KEY_PREFIX = "tpk"
LAST_USED_EVERY = dt.timedelta(minutes=1)  # how stale a key's "last used" may be


def _key_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _scopes(scopes: Iterable[str]) -> list[str]:
    scopes = list(dict.fromkeys(scopes or []))
    bad = [s for s in scopes if s not in PARTNER_SCOPES]
    if bad or not scopes:
        raise ApplicationError(_("Scopes are some of %(scopes)s.") % {"scopes": ", ".join(PARTNER_SCOPES)},
                               code="invalid", field="scopes")
    return scopes


def partner_create(*, actor, name: str, scopes: Iterable[str], enterprise_id: int | None = None,
                   enterprise_code: str = "", request=None) -> tuple[Partner, str]:
    """An administrator registers a partner. Returns the partner and its key, which is shown this once: only
    its SHA-256 hash is kept. Its enterprise is given by record number (API) or credit code (the page's picker)."""
    ensure_role(actor, Role.ADMIN)
    name = clean_text(name, 100, single_line=True)
    if not name:
        raise ApplicationError(_("Name the partner."), code="required", field="name")
    scopes = _scopes(scopes)
    enterprise_code = (enterprise_code or "").strip().upper()[:18]
    if enterprise_code:
        enterprise = Enterprise.objects.filter(credit_code=enterprise_code).first()
        enterprise_id = enterprise.pk if enterprise else -1
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first() if enterprise_id else None
    if enterprise_id and enterprise is None:
        raise ApplicationError(_("No such enterprise."), code="invalid", field="enterprise_id")
    if "jobs:write" in scopes and enterprise is None:
        raise ApplicationError(_("A partner writing jobs writes them for one enterprise: choose it."),
                               code="required", field="enterprise_id")
    prefix = secrets.token_hex(4)
    token = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with audited(actor=actor, action=AuditAction.USER_CHANGE, request=request,
                 detail={"partner": "create", "scopes": scopes, "enterprise": enterprise_id}) as entry:
        partner = Partner.objects.create(name=name, key_prefix=prefix, key_hash=_key_hash(token), scopes=scopes,
                                         enterprise=enterprise, created_by=actor)
        entry.target = f"partner:{partner.pk}"
    return partner, token


def partner_deactivate(*, actor, partner_id: int, request=None) -> Partner:
    """An administrator withdraws a partner's key (it stops working at once); deactivating twice changes
    nothing."""
    ensure_role(actor, Role.ADMIN)
    with audited(actor=actor, action=AuditAction.USER_CHANGE, target=f"partner:{partner_id}", request=request,
                 detail={"partner": "deactivate"}) as entry:
        partner = Partner.objects.select_for_update().filter(pk=partner_id).first()
        if partner is None:
            raise NotFoundError()
        entry.skip = not partner.active
        if partner.active:
            partner.active = False
            partner.save(update_fields=["active"])
    return partner


def partner_authenticate(token: str | None) -> Partner | None:
    """The active partner whose key this is, or None (compared by hash, in constant time). Marks when the key
    was last used, to the minute (bookkeeping of the key, not a change anyone made: the call itself is logged as an
    exchange, to the second; one write per call and key less than the every-call update did)."""
    parts = (token or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    partner = Partner.objects.select_related("enterprise").filter(key_prefix=parts[1], active=True).first()
    if partner is None or not hmac.compare_digest(partner.key_hash, _key_hash(token.strip())):
        return None
    now = timezone.now()
    if partner.last_used_at is None or now - partner.last_used_at >= LAST_USED_EVERY:
        Partner.objects.filter(pk=partner.pk).update(last_used_at=now)
        partner.last_used_at = now
    return partner


def partner_exchange_log(*, partner_id: int, method: str, path: str, direction: str, object_type: str = "",
                         object_ids: Iterable[int] = (), status: int = 200) -> None:
    """One call of a partner: what it read or wrote (the partner's own audit trail). One prepared INSERT
    (``core.inserts``): a kept read writes it again on each serve."""
    ids = [int(i) for i in object_ids]
    insert_row(PartnerExchange, partner_id=partner_id, method=method[:8], path=path[:300],
               direction=ExchangeDirection(direction).value, object_type=object_type, object_ids=ids, count=len(ids),
               status=status)
