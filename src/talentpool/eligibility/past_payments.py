"""Payments made before the platform: rows of (ID number, policy code, instalment, amount, date paid, basis)
stored as paid ledger lines marked ``imported``, so "once per person, ever", instalment counts and household
limits hold from the first day of use (the ledger facts count them like any paid line).

Every row is checked before anything is written; a file with any refused row writes nothing, and each refusal
names the row, the column and the reason (docs/imports.md, "Past payments")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction
from talentpool.core.permissions import ensure_role
from talentpool.core.roles import Role
from talentpool.policies.models import PolicyVersion, VersionStatus
from talentpool.policies.selectors import policy_version_document
from talentpool.registry.selectors import talent_by_id_number

from .models import LIVE, Channel, Entitlement, Kind, Status

# column key → accepted headers (Chinese first, as in the template)
COLUMNS = {
    "id_number": ("证件号码", "id_number"),
    "policy": ("政策编码", "policy"),
    "instalment": ("期次", "instalment"),
    "amount": ("金额", "amount"),
    "paid_on": ("发放日期", "paid_on"),
    "basis": ("依据", "basis"),
}
TEMPLATE = "证件号码,政策编码,期次,金额,发放日期,依据\n"
MAX_ROWS = 50_000
MAX_BYTES = 10_000_000


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class PastPayments:
    created: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def past_payments_text(upload) -> str:
    """The text of an uploaded CSV (UTF-8 with or without BOM, else GB18030 as Excel in China saves it)."""
    if upload is None:
        raise ApplicationError(_("Choose a CSV file."), code="empty_file", field="file")
    if upload.size > MAX_BYTES:
        raise ApplicationError(_("At most %(n)s MB per file.") % {"n": MAX_BYTES // 1_000_000},
                               code="file_too_large", field="file")
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ApplicationError(_("The file is not a CSV text (UTF-8 or GB18030)."), code="file_unreadable",
                                   field="file") from None


def _header_map(header: list[str]) -> dict[str, int]:
    where = {}
    for key, names in COLUMNS.items():
        for i, text in enumerate(header):
            if text.strip().lstrip("\ufeff") in names:
                where[key] = i
    missing = [COLUMNS[k][0] for k in COLUMNS if k not in where and k != "basis"]
    if missing:
        raise ApplicationError(_("The file lacks the columns: %(names)s.") % {"names": ", ".join(missing)},
                               code="columns_missing", field="file")
    return where


def _version_paid_under(versions: list[PolicyVersion], day: dt.date) -> PolicyVersion | None:
    """The published version in force on the day paid (else the earliest, for a payment before the first)."""
    inside = [v for v in versions if v.effective_from <= day and (v.effective_to is None or day <= v.effective_to)]
    return inside[0] if inside else (versions[0] if versions else None)


def _read_row(cells: list[str], where: dict[str, int], line: int, out: PastPayments, versions_of) -> dict | None:
    def cell(key: str) -> str:
        i = where.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def refuse(key: str, message: str) -> None:
        out.problems.append(RowProblem(line, COLUMNS[key][0], message))

    before = len(out.problems)
    talent = talent_by_id_number(cell("id_number")) if cell("id_number") else None
    if talent is None:
        refuse("id_number", _("no talent with this ID number in the registry"))
    versions = versions_of(cell("policy"))
    if not versions:
        refuse("policy", _("no published policy with this code"))
    try:
        instalment = int(cell("instalment"))
        if not 1 <= instalment <= 60:
            raise ValueError
    except ValueError:
        refuse("instalment", _("a whole number from 1 to 60"))
        instalment = 0
    try:
        amount = Decimal(cell("amount")).quantize(Decimal("0.01"))
        if amount < 0 or amount >= Decimal("1e12"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        refuse("amount", _("an amount in yuan such as 10000.00, not negative"))
        amount = None
    try:
        paid_on = dt.date.fromisoformat(cell("paid_on"))
    except ValueError:
        refuse("paid_on", _("a date such as 2021-08-20"))
        paid_on = None
    if len(out.problems) > before:
        return None
    version = _version_paid_under(versions, paid_on)
    doc = policy_version_document(version)
    household = talent.pk if not talent.spouse_id else min(talent.pk, talent.spouse_id)
    return {"talent": talent, "version": version, "instalment": instalment, "amount": amount, "paid_on": paid_on,
            "basis": cell("basis")[:250], "subject": f"h{household}" if doc.entity == "household" else f"t{talent.pk}",
            "channel": doc.delivery}


def past_payments_import(*, actor, text: str, request=None) -> PastPayments:
    """Store the rows of a CSV text (``TEMPLATE``'s columns) as paid, imported ledger lines. An officer may
    import payments of talents in their scope; ``actor=None`` is the system (the command line). Nothing is written
    when any row is refused; the outcome lists each refusal with its row and column."""
    if actor is not None:
        ensure_role(actor, Role.OFFICER)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ApplicationError(_("The file is empty."), code="empty_file", field="file")
    if len(rows) > MAX_ROWS + 1:
        raise ApplicationError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS}, code="file_too_large", field="file")
    where = _header_map(rows[0])
    cache: dict[str, list[PolicyVersion]] = {}

    def versions_of(code: str) -> list[PolicyVersion]:
        if code not in cache:
            cache[code] = list(PolicyVersion.objects.filter(policy__code=code, status__in=[
                VersionStatus.PUBLISHED, VersionStatus.RETIRED]).select_related("policy").order_by("effective_from"))
        return cache[code]

    out = PastPayments()
    parsed = []
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row = _read_row(cells, where, line, out, versions_of)
        if row is not None:
            if actor is not None and not (row["talent"].district or "").startswith(actor.scope_prefix or "-"):
                out.problems.append(RowProblem(line, COLUMNS["id_number"][0], _("this talent is outside your scope")))
                continue
            parsed.append((line, row))
    _check_duplicates(parsed, out)
    if out.problems:
        return out
    with audited(actor=actor, action=AuditAction.IMPORT, target="ledger:past_payments", request=request,
                 detail={"kind": "past_payments", "rows": len(parsed)}) as entry:
        for line, r in parsed:
            try:
                Entitlement.objects.create(
                    subject=r["subject"], talent=r["talent"], policy_id=r["version"].policy_id,
                    policy_version=r["version"], instalment=r["instalment"], kind=Kind.ENTITLEMENT,
                    amount=r["amount"], due=r["paid_on"], paid_on=r["paid_on"],
                    status=Status.ISSUED if r["channel"] == Channel.IN_KIND else Status.PAID, imported=True,
                    channel=r["channel"], reason=(_("paid before the platform: %(basis)s") % {"basis": r["basis"]})[:300],
                    explanation={"imported": True, "basis": r["basis"], "paid_on": r["paid_on"].isoformat()},
                    degree="", district=r["talent"].district or "", tier=r["talent"].tier or "")
            except IntegrityError:
                raise ApplicationError(_("Row %(row)s: this instalment is already in the ledger.") % {"row": line},
                                       code="already_in_ledger", field="instalment") from None
        entry.detail["created"] = out.created = len(parsed)
    return out


def _check_duplicates(parsed: list[tuple[int, dict]], out: PastPayments) -> None:
    """A row whose (subject, policy, instalment) repeats in the file or already holds a live line is refused."""
    seen: dict[tuple[str, int, int], int] = {}
    for line, r in parsed:
        key = (r["subject"], r["version"].policy_id, r["instalment"])
        if key in seen:
            out.problems.append(RowProblem(line, COLUMNS["instalment"][0],
                                           _("the same instalment as row %(row)s") % {"row": seen[key]}))
            continue
        seen[key] = line
        if Entitlement.objects.filter(subject=key[0], policy_id=key[1], instalment=key[2], kind=Kind.ENTITLEMENT,
                                      status__in=LIVE).exists():
            out.problems.append(RowProblem(line, COLUMNS["instalment"][0], _("this instalment is already in the ledger")))
