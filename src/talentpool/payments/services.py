"""Money on the ledger: decisions on lines, payment batches, bank files and return files, retries, corrections
and bank accounts. Every change of a line's state goes through ``eligibility.ledger.entitlements_move``: it locks
the lines it expects in the state it expects, moves them, and writes one event per line."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from stdnum import luhn

from talentpool.accounts.models import Role
from talentpool.core.audit import audit_record, audited
from talentpool.core.crypto import decrypt_text, encrypt_text
from talentpool.core.errors import ApplicationError, FieldErrors, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditAction
from talentpool.core.notices import Message, notify
from talentpool.core.permissions import ensure_role
from talentpool.eligibility.ledger import chunked, entitlement_correction_add, entitlements_move
from talentpool.eligibility.models import (
    LIVE,
    REASON_BANK_RETURN,
    REASON_BATCH_CANCELLED,
    REASON_REOPENED,
    REASON_RETRY,
    Channel,
    Entitlement,
    EntitlementEvent,
    Kind,
    Status,
    line_reference,
)
from talentpool.engines.tabular.messages import FileProblem
from talentpool.engines.tabular.reading import read_table
from talentpool.engines.tabular.writing import CSV_TYPE, XLSX_TYPE, Sheet, csv_bytes, xlsx_bytes
from talentpool.engines.text import clean_text

from .bank_return import RETURN_SPEC, ReturnLine, bank_return_read
from .models import BankAccount, BatchStatus, PaymentBatch, ReturnImport
from .selectors import batches_visible_to, entitlements_visible_to


def two_person_above() -> Decimal:
    """Batches whose total is above this many yuan need a second officer's approval (0 = always)."""
    return Decimal(str(getattr(settings, "TALENTPOOL_TWO_PERSON_ABOVE", "100000.00")))


def _officer(actor) -> None:
    ensure_role(actor, Role.OFFICER)


def _notify_lines(ids: list[int], kind: str) -> int:
    """A notice (and email) to each talent with an account, for lines just approved, paid or failed."""
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for chunk in chunked(ids):
            for line in (Entitlement.objects.filter(pk__in=chunk, talent__user__isnull=False)
                         .select_related("policy").values("pk", "talent__user_id", "policy__title_zh", "amount",
                                                          "instalment", "bank_reason")):
                params = {"policy": line["policy__title_zh"], "amount": f"{line['amount']:,.2f}",
                          "n": line["instalment"], "reason": line["bank_reason"]}
                if kind == "approved":
                    title = _("Approved: %(policy)s, instalment %(n)s, %(amount)s yuan") % params
                    body = _("The talent office approved this payment from the data it holds; you need not apply. "
                             "You will be told when the money is paid.")
                elif kind == "paid":
                    title = _("Paid: %(policy)s, instalment %(n)s, %(amount)s yuan") % params
                    body = _("The money was paid into your bank account.")
                else:
                    title = _("Payment failed: %(policy)s, instalment %(n)s") % params
                    body = _("The bank could not pay: %(reason)s. Please check your bank account in the portal; the "
                             "office will pay again once it is updated.") % params
                messages.append(Message(line["talent__user_id"], f"entitlement_{kind}", title, body,
                                        reverse("payments:mine") + f"#line-{line['pk']}"))
    return notify(messages)


# --- decisions ----------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    done: int
    skipped: int = 0
    note: str = ""


class _Decision:
    """The audit entry of a decision over many lines; ``lines`` records which moved (none: no event)."""

    def __init__(self, entry):
        self.entry = entry

    def lines(self, moved: list[int]) -> list[int]:
        self.entry.target = f"entitlements:{len(moved)}"
        self.entry.detail.update({"count": len(moved), "first": moved[:20]})
        self.entry.skip = not moved
        return moved


@contextmanager
def _decided(actor, request, decision: str, **detail):
    """One decision over lines: the moves, the notices (sent on commit) and the audit event in one transaction."""
    with audited(actor=actor, action=AuditAction.ENTITLEMENT_DECISION, request=request,
                 detail={"decision": decision, **detail}) as entry:
        yield _Decision(entry)


def _selected(actor, ids: list[int] | None, queryset: QuerySet | None) -> QuerySet[Entitlement]:
    qs = entitlements_visible_to(actor)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if queryset is not None:
        qs = qs.filter(pk__in=queryset.values("pk"))
    return qs


def entitlements_approve(*, actor, ids: list[int] | None = None, queryset: QuerySet | None = None,
                         request=None) -> Outcome:
    """Approve candidates. In bulk (more than one line) lines marked for manual review are skipped; one such
    line is approved on its own, by the officer it is routed to (or any officer when it is routed to no one)."""
    _officer(actor)
    qs = _selected(actor, ids, queryset).filter(status=Status.CANDIDATE)
    rows = list(qs.values_list("pk", "review_required", "assigned_to_id"))
    single = queryset is None and ids is not None and len(set(ids)) == 1
    allowed = [pk for pk, review, assignee in rows
               if not review or (single and assignee in (None, actor.pk))]
    if single and rows and not allowed:
        raise PermissionDeniedError(_("This line is routed to another officer for manual review."))
    with _decided(actor, request, "approve") as decision:
        moved = decision.lines(entitlements_move(allowed, expect=[Status.CANDIDATE], to=Status.APPROVED, actor=actor,
                                                 extra={"decided_by_id": actor.pk, "decided_at": timezone.now()}))
        _notify_lines(moved, "approved")
    return Outcome(len(moved), len(rows) - len(moved),
                   _("lines for manual review are approved one by one") if len(rows) > len(moved) else "")


def entitlements_reject(*, actor, reason: str, ids: list[int] | None = None, queryset: QuerySet | None = None,
                        request=None) -> Outcome:
    _officer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for rejecting."), field="reason", code="reason_required")
    rows = list(_selected(actor, ids, queryset).filter(status=Status.CANDIDATE)
                .values_list("pk", "review_required", "assigned_to_id"))
    allowed = [pk for pk, review, assignee in rows if not review or assignee in (None, actor.pk)]
    with _decided(actor, request, "reject", reason=reason) as decision:
        moved = decision.lines(entitlements_move(
            allowed, expect=[Status.CANDIDATE], to=Status.REJECTED, actor=actor, reason=reason,
            extra={"decided_by_id": actor.pk, "decided_at": timezone.now(), "reason": reason[:300]}))
    return Outcome(len(moved), len(rows) - len(moved))


def entitlements_reopen(*, actor, ids: list[int], request=None) -> Outcome:
    """Rejected lines go back to candidates (a decision reconsidered); the event keeps who and when."""
    _officer(actor)
    rows = list(entitlements_visible_to(actor).filter(pk__in=ids, status=Status.REJECTED).values_list("pk", flat=True))
    with _decided(actor, request, "reopen") as decision:
        moved = decision.lines(entitlements_move(rows, expect=[Status.REJECTED], to=Status.CANDIDATE, actor=actor,
                                                 reason=REASON_REOPENED, extra={"reason": ""}))
    return Outcome(len(moved), len(ids) - len(moved))


def entitlement_correct(*, actor, line_id: int, amount: Decimal, reason: str, request=None) -> Entitlement:
    """A paid line's amount was wrong: a correction line for the difference goes through approval and payment
    like any other line; the paid line is not touched."""
    _officer(actor)
    line = entitlements_visible_to(actor).filter(pk=line_id, kind=Kind.ENTITLEMENT).first()
    if line is None:
        raise NotFoundError()
    if line.status != Status.PAID:
        raise ApplicationError(_("Only a paid line is corrected; change a candidate by rerunning."), code="not_paid")
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for the correction."), field="reason", code="reason_required")
    delta = (Decimal(amount) - line.amount).quantize(Decimal("0.01"))
    if delta == 0:
        raise ApplicationError(_("The corrected amount equals the amount paid."), field="amount", code="no_change")
    if delta < 0:
        raise ApplicationError(_("Overpayments are recovered outside the platform; a correction only pays more."),
                               field="amount", code="negative_correction")
    with audited(actor=actor, action=AuditAction.ENTITLEMENT_DECISION, target=f"entitlement:{line.pk}",
                 subject_talent_id=line.talent_id, request=request,
                 detail={"decision": "correct", "difference": f"{delta:.2f}", "reason": reason.strip()}):
        existing = Entitlement.objects.filter(corrects=line, kind=Kind.CORRECTION, status__in=LIVE).first()
        if existing is not None:  # one live correction per line (a database constraint too)
            raise ApplicationError(_("This line already has a correction (%(status)s).") % {
                "status": existing.get_status_display()}, code="correction_exists")
        fix = entitlement_correction_add(line, amount=delta, reason=reason.strip()[:300], flag=_(
            "correction of %(ref)s") % {"ref": line.reference})
    return fix


def entitlements_retry(*, actor, ids: list[int], request=None) -> Outcome:
    """Failed lines go back to approved (to join a new batch) once the talent has updated the bank account
    since the failure; others stay failed."""
    _officer(actor)
    rows = list(entitlements_visible_to(actor).filter(pk__in=ids, status=Status.FAILED)
                .values_list("pk", "talent__bank_account__updated_at"))
    failed_at = dict(EntitlementEvent.objects.filter(entitlement_id__in=[r[0] for r in rows], to_status=Status.FAILED)
                     .values("entitlement_id").annotate(at=Max("at")).values_list("entitlement_id", "at"))
    ready = [pk for pk, updated in rows if updated is not None and updated > failed_at.get(pk, updated)]
    with _decided(actor, request, "retry") as decision:
        moved = decision.lines(entitlements_move(ready, expect=[Status.FAILED], to=Status.APPROVED, actor=actor,
                                                 reason=REASON_RETRY, extra={"batch_id": None}))
    return Outcome(len(moved), len(rows) - len(moved),
                   _("the talent has not updated the bank account since the failure") if len(rows) > len(moved) else "")


# --- batches ------------------------------------------------------------------------------------------------------

def batch_create(*, actor, ids: list[int] | None = None, queryset: QuerySet | None = None,
                 request=None) -> PaymentBatch:
    """Put approved bank-transfer lines (with a bank account on file) into a new batch. Lines issued in kind and
    lines of 0.00 yuan never become bank lines: they are left out (refused when nothing else was chosen). Above the
    two-person amount the batch waits for a second officer."""
    _officer(actor)
    qs = _selected(actor, ids, queryset).filter(status=Status.APPROVED, batch__isnull=True)
    bank = qs.filter(channel=Channel.BANK_TRANSFER, amount__gt=0)
    candidates = list(bank.filter(talent__bank_account__isnull=False).values_list("pk", flat=True))
    if not candidates and qs.exists() and not bank.exists():
        raise ApplicationError(_("These lines are issued in kind or of 0.00 yuan: they never go to the bank. Mark "
                                 "in-kind lines issued instead."), code="not_bank_lines")
    if not candidates:
        raise ApplicationError(_("No approved lines with a bank account on file to put in a batch."),
                               code="nothing_to_batch")
    today = timezone.localdate()
    with audited(actor=actor, action=AuditAction.PAYMENT_BATCH, request=request) as entry:
        batch = PaymentBatch.objects.create(number=f"new-{uuid.uuid4().hex[:18]}", scope=actor.scope_prefix,
                                            created_by=actor)
        batch.number = f"PB{today:%Y%m%d}-{batch.pk:06d}"  # from the key: two batches at once never collide
        batch.save(update_fields=["number"])
        moved = entitlements_move(candidates, expect=[Status.APPROVED], to=Status.BATCHED, actor=actor, batch=batch,
                      extra={"batch_id": batch.pk})
        if not moved:
            raise ApplicationError(_("The lines were changed meanwhile; nothing was put in a batch."),
                                   code="nothing_to_batch")
        total = Entitlement.objects.filter(batch=batch).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        batch.line_count, batch.total = len(moved), total
        batch.status = BatchStatus.AWAITING_APPROVAL if total > two_person_above() else BatchStatus.READY
        batch.save(update_fields=["line_count", "total", "status"])
        entry.target = f"batch:{batch.number}"
        entry.detail = {"action": "create", "lines": batch.line_count, "total": f"{batch.total:.2f}"}
    return batch


def _batch_for(actor, batch_id: int) -> PaymentBatch:
    batch = batches_visible_to(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFoundError()
    return batch


def batch_approve(*, actor, batch_id: int, request=None) -> PaymentBatch:
    """The second person: an officer other than the one who made the batch."""
    _officer(actor)
    with audited(actor=actor, action=AuditAction.PAYMENT_BATCH, request=request) as entry:
        batch = _batch_for(actor, batch_id)
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != BatchStatus.AWAITING_APPROVAL:
            raise ApplicationError(_("This batch is not waiting for approval."), code="batch_state")
        if batch.created_by_id == actor.pk:
            raise PermissionDeniedError(_("A second officer must approve a batch you made (two-person rule)."),
                                        code="two_person_rule")
        batch.status, batch.approved_by, batch.approved_at = BatchStatus.READY, actor, timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at"])
        entry.target, entry.detail = f"batch:{batch.number}", {"action": "approve", "total": f"{batch.total:.2f}"}
    return batch


def batch_cancel(*, actor, batch_id: int, request=None) -> PaymentBatch:
    """A batch not yet sent: its lines go back to approved."""
    _officer(actor)
    with audited(actor=actor, action=AuditAction.PAYMENT_BATCH, request=request, detail={"action": "cancel"}) as entry:
        batch = PaymentBatch.objects.select_for_update().get(pk=_batch_for(actor, batch_id).pk)
        if batch.status not in (BatchStatus.AWAITING_APPROVAL, BatchStatus.READY):
            raise ApplicationError(_("Only a batch not yet sent to the bank can be cancelled."), code="batch_state")
        ids = list(batch.lines.filter(status=Status.BATCHED).values_list("pk", flat=True))
        entitlements_move(ids, expect=[Status.BATCHED], to=Status.APPROVED, actor=actor, batch=batch,
                          reason=REASON_BATCH_CANCELLED, extra={"batch_id": None})
        batch.status = BatchStatus.CANCELLED
        batch.save(update_fields=["status"])
        entry.target = f"batch:{batch.number}"
    return batch


BANK_FILE_HEADERS = ["参考号", "户名", "账号", "开户行", "金额", "用途", "批次号"]


def batch_file(*, actor, batch_id: int, fmt: str, request=None) -> tuple[str, bytes, str]:
    """The payment file for the bank (XLSX or CSV): reference, holder, full account number, bank, amount,
    purpose, batch. Only payment officers; each download is audited. Reading the file changes nothing: the
    officer marks the batch sent (``batch_mark_sent``) once the bank has it. Returns (name, bytes, type)."""
    _officer(actor)
    # the batch's number and state, and its lines as plain values: no user joins, no model instances (a file of
    # 20 lines spent more on compiling and building the ORM's rows than on reading them)
    found = batches_visible_to(actor).filter(pk=batch_id).values_list("number", "status")[:1]
    if not found:
        raise NotFoundError()
    number, status = found[0]
    if not actor.is_payment_officer:
        raise PermissionDeniedError(_("Only payment officers may export bank files, which carry account numbers."),
                                    code="not_payment_officer")
    if fmt not in ("xlsx", "csv"):
        raise ApplicationError(_("Choose xlsx or csv."), field="format")
    if status not in (BatchStatus.READY, BatchStatus.SENT, BatchStatus.CLOSED):
        raise ApplicationError(_("This batch needs a second officer's approval before it goes to the bank."),
                               code="batch_state")
    lines = (Entitlement.objects.filter(batch_id=batch_id).order_by("pk").values_list(
        "pk", "amount", "instalment", "policy__title_zh", "talent__bank_account__holder",
        "talent__bank_account__number_encrypted", "talent__bank_account__bank_name"))
    rows = []
    for pk, amount, instalment, title, holder, number_encrypted, bank_name in lines:
        has_account = number_encrypted is not None
        rows.append([line_reference(pk), holder if has_account else "",
                     decrypt_text(number_encrypted) if has_account else "", bank_name if has_account else "",
                     amount, f"{title} 第{instalment}期", number])
    audit_record(actor=actor, action=AuditAction.EXPORT, target=f"batch:{number}", request=request,
                 detail={"file": "bank payment file", "format": fmt, "lines": len(rows)})
    name = f"{number}.{fmt}"
    if fmt == "csv":
        return name, csv_bytes(BANK_FILE_HEADERS, rows), CSV_TYPE
    sheet = Sheet("代发", BANK_FILE_HEADERS, rows, widths={"B": 12, "C": 24, "D": 28, "E": 14, "F": 36},
                  number_formats={4: "0.00"})
    return name, xlsx_bytes([sheet]), XLSX_TYPE


def batch_mark_sent(*, actor, batch_id: int, request=None) -> PaymentBatch:
    """The payment officer says the bank has the file: a ready batch becomes sent (and may take a return file)."""
    _officer(actor)
    batch = _batch_for(actor, batch_id)
    if not actor.is_payment_officer:
        raise PermissionDeniedError(_("Only payment officers send batches to the bank."), code="not_payment_officer")
    with audited(actor=actor, action=AuditAction.PAYMENT_BATCH, target=f"batch:{batch.number}", request=request,
                 detail={"action": "sent"}):
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != BatchStatus.READY:
            raise ApplicationError(_("Only a batch ready for the bank can be marked as sent."), code="batch_state")
        batch.status, batch.sent_by, batch.sent_at = BatchStatus.SENT, actor, timezone.now()
        batch.save(update_fields=["status", "sent_by", "sent_at"])
    return batch


def _account_number(line) -> str | None:
    account = getattr(line.talent, "bank_account", None)
    return decrypt_text(account.number_encrypted) if account is not None else None


def batch_return_import(*, actor, batch_id: int, path, filename: str, request=None) -> ReturnImport:
    """Read the bank's return file and mark lines paid or failed. A line the file gets wrong (unknown or
    foreign reference, a repeat, an amount or account that does not match, an unreadable result, a change to a
    line already settled) is rejected with its row and reason; the valid lines are applied together; a paid
    line never changes."""
    _officer(actor)
    batch = _batch_for(actor, batch_id)
    if batch.status not in (BatchStatus.SENT, BatchStatus.CLOSED):
        raise ApplicationError(_("Mark the batch as sent to the bank before importing its return."),
                               code="batch_state")
    try:  # read in a child process under memory and time ceilings, after the checks of ReadLimits
        table = read_table(path, spec=RETURN_SPEC, max_bytes=20 * 1024 * 1024)
    except FileProblem as exc:
        raise ApplicationError(exc.reason(_), code="file_invalid", field="file") from exc
    hasher = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            hasher.update(block)
    digest = hasher.hexdigest()
    lines = {line.pk: ReturnLine(amount=line.amount, status=line.status, status_label=line.get_status_display(),
                                 account=_account_number(line)) for line in batch.lines.select_related(
                                     "talent__bank_account")}
    reading = bank_return_read(table, lines, batch_number=batch.number, today=timezone.localdate())
    paid, failed, problems, unchanged = reading.paid, reading.failed, reading.problems, reading.unchanged
    with audited(actor=actor, action=AuditAction.IMPORT, target=f"batch:{batch.number}", request=request) as entry:
        moved_paid: list[int] = []
        by_day: dict[dt.date, list[int]] = {}
        for pk, day in paid.items():
            by_day.setdefault(day, []).append(pk)
        for day, ids in by_day.items():
            moved_paid += entitlements_move(ids, expect=[Status.BATCHED], to=Status.PAID, actor=actor, batch=batch,
                                reason=REASON_BANK_RETURN, extra={"paid_on": day})
        moved_failed: list[int] = []
        by_reason: dict[str, list[int]] = {}
        for pk, reason in failed.items():
            by_reason.setdefault(reason, []).append(pk)
        for reason, ids in by_reason.items():
            moved_failed += entitlements_move(ids, expect=[Status.BATCHED], to=Status.FAILED, actor=actor, batch=batch,
                                  reason=reason, extra={"bank_reason": reason})
        record = ReturnImport.objects.create(batch=batch, filename=filename[:200], sha256=digest, imported_by=actor,
                                             paid=len(moved_paid), failed=len(moved_failed), unchanged=unchanged,
                                             rejected=len(problems), problems=problems)
        batch.paid_count = batch.lines.filter(status=Status.PAID).count()
        batch.failed_count = batch.lines.filter(status=Status.FAILED).count()
        if not batch.lines.filter(status=Status.BATCHED).exists():
            batch.status, batch.closed_at = BatchStatus.CLOSED, batch.closed_at or timezone.now()
        batch.save(update_fields=["paid_count", "failed_count", "status", "closed_at"])
        if moved_paid:
            _notify_lines(moved_paid, "paid")
        if moved_failed:
            _notify_lines(moved_failed, "failed")
        entry.detail = {"file": "bank return", "paid": record.paid, "failed": record.failed,
                        "rejected": record.rejected, "sha256": digest}
    return record


# --- bank accounts ------------------------------------------------------------------------------------------------

def account_number_masked(number: str) -> str:
    return f"{number[:4]} **** **** {number[-4:]}" if len(number) > 8 else "****" + number[-2:]


def bank_account_set(*, actor, talent, holder: str, bank_name: str, number: str, request=None) -> BankAccount:
    """A talent records where to be paid (the holder must be the talent: the bank pays only the named
    person). The number is kept encrypted; screens show it masked."""
    if not (actor.role == Role.TALENT and talent.user_id == actor.pk):
        raise PermissionDeniedError()
    holder = (holder or "").strip()
    bank_name = clean_text(bank_name, 100, single_line=True, fold=False)
    number = re.sub(r"[\s-]", "", number or "")
    errors = FieldErrors("number")  # every field checked: the form shows each refusal beside its field at once
    if holder != talent.name:
        errors.refuse("holder", _("The account holder must be %(name)s, the person the subsidy is paid to.") % {
            "name": talent.name}, "holder_mismatch")
    if not bank_name:
        errors.refuse("bank_name", _("Name the bank (and branch)."), "required")
    if not number.isdigit() or not 12 <= len(number) <= 30:
        errors.refuse("number", _("An account number is 12 to 30 digits."), "account_invalid")
    elif 16 <= len(number) <= 19 and not luhn.is_valid(number):
        errors.refuse("number", _("The card number's check digit is wrong; please copy it again."), "account_invalid")
    errors.raise_any()
    masked = account_number_masked(number)
    with audited(actor=actor, action=AuditAction.BANK_ACCOUNT, target=f"talent:{talent.pk}",
                 subject_talent_id=talent.pk, request=request, detail={"account": masked}):
        account, _created = BankAccount.objects.update_or_create(talent=talent, defaults={
            "holder": holder, "bank_name": bank_name[:100], "number_encrypted": encrypt_text(number),
            "number_masked": masked, "updated_by": actor})
    return account
