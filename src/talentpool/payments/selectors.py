"""Reads on the ledger, narrowed to what the user may see: officers their district scope, talents their own
lines, nobody else anything."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from talentpool.accounts.models import Role
from talentpool.eligibility.models import Entitlement, EntitlementEvent, Status
from talentpool.eligibility.selectors import entitlements_visible_to
from talentpool.eligibility.totals import ledger_totals
from talentpool.engines.tabular.writing import Sheet, xlsx_bytes

from .models import BatchStatus, PaymentBatch


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def batches_visible_to(user) -> QuerySet[PaymentBatch]:
    if not _active(user) or user.role != Role.OFFICER or not user.scope_prefix:
        return PaymentBatch.objects.none()
    return PaymentBatch.objects.filter(scope__startswith=user.scope_prefix).select_related(
        "created_by", "approved_by", "sent_by")


@dataclass
class QueueFilter:
    status: str = Status.CANDIDATE
    policy: str = ""
    degree: str = ""
    district: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    first_time: bool = False
    changed: bool = False
    review: str = ""          # "", "yes" (manual review only), "no" (bulk-approvable only)
    mine: bool = False        # routed to me
    run: int | None = None
    q: str = ""               # name prefix

    def counted(self) -> bool:
        """Whether the maintained totals answer this filter (status, policy, degree, district, review: the keys
        of ``eligibility.totals``); the others (amounts, flags, routing, run, name) are aggregated exactly."""
        return not (self.amount_min is not None or self.amount_max is not None or self.first_time or self.changed
                    or self.mine or self.run or self.q)


_TALENT_UNSHOWN = ("id_number_encrypted", "honours")


def _queue_base(user) -> QuerySet[Entitlement]:
    """An officer's queue holds the lines recorded in the scope's districts (the talent's district when the run
    made the line, as the maintained totals count them: the list, its totals and "all shown" agree); a decision
    still goes through the services, which act only on lines of talents in the scope today."""
    if _active(user) and user.role == Role.OFFICER and user.scope_prefix:
        return Entitlement.objects.filter(district__startswith=user.scope_prefix)
    return entitlements_visible_to(user)


def entitlement_queue(user, f: QueueFilter) -> QuerySet[Entitlement]:
    # a list shows the person's name and masked number only: the rest of the talent row and the line's stored
    # explanation (decoded per row) are left in the database
    qs = (_queue_base(user).select_related("talent", "policy", "assigned_to", "batch")
          .defer("explanation", *(f"talent__{name}" for name in _TALENT_UNSHOWN)))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.policy:
        qs = qs.filter(policy__code=f.policy)
    if f.degree:
        qs = qs.filter(degree=f.degree)
    if f.district:
        qs = qs.filter(district__startswith=f.district)
    if f.amount_min is not None:
        qs = qs.filter(amount__gte=f.amount_min)
    if f.amount_max is not None:
        qs = qs.filter(amount__lte=f.amount_max)
    if f.first_time:
        qs = qs.filter(first_time=True)
    if f.changed:
        qs = qs.filter(changed=True)
    if f.review == "yes":
        qs = qs.filter(review_required=True)
    elif f.review == "no":
        qs = qs.filter(review_required=False)
    if f.mine:
        qs = qs.filter(assigned_to=user)
    if f.run:
        qs = qs.filter(run_id=f.run)
    if f.q:
        qs = qs.filter(talent__name__startswith=f.q)
    return qs.order_by("due", "pk")


def queue_totals(user, f: QueueFilter, qs: QuerySet[Entitlement]) -> dict[str, Any]:
    """Lines, amount and lines for manual review shown by the queue's filter ``f`` (``qs`` is
    ``entitlement_queue(user, f)``): read from the maintained totals when they hold the filter's keys (a few
    hundred rows, whatever the ledger's size), else aggregated exactly over ``qs``."""
    if f.counted() and _active(user) and user.role == Role.OFFICER and user.scope_prefix:
        district = user.scope_prefix
        if f.district:
            if not (f.district.startswith(district) or district.startswith(f.district)):
                return {"count": 0, "amount": Decimal("0.00"), "review": 0}
            district = max(district, f.district, key=len)
        found = ledger_totals(district=district, status=f.status, policy_code=f.policy, degree=f.degree,
                              review={"yes": True, "no": False}.get(f.review))
        return {"count": found.count, "amount": found.amount, "review": found.review}
    return lines_totals(qs)


def lines_totals(qs: QuerySet[Entitlement]) -> dict[str, Any]:
    """Lines, amount and lines for manual review of ``qs``, aggregated (for sets without maintained totals)."""
    agg = qs.order_by().aggregate(n=Count("pk"), amount=Sum("amount"),
                                  review=Count("pk", filter=Q(review_required=True)))
    return {"count": agg["n"], "amount": agg["amount"] or Decimal("0.00"), "review": agg["review"]}


def entitlement_get(user, pk: int) -> Entitlement | None:
    """One line with what its page and the API show. Six joins, not nine: PostgreSQL spent longer planning the
    nine-way join (~12 ms) than running it; the run, the corrected and the replaced line are shown by id (a
    correction's original is read when the page names it)."""
    found = list(entitlements_visible_to(user).select_related("talent", "policy", "policy_version", "assigned_to",
                                                              "batch", "decided_by").filter(pk=pk).order_by()[:1])
    return found[0] if found else None  # (the id is unique: no ORDER BY, which ``first()`` would add)


# what a line's page reads: the line's shown columns, the person's name and masked number, the policy's titles,
# the version's number (and what its explanation is kept under), who the line is routed to, the batch's number
LINE_PAGE_COLUMNS = (
    "id", "talent_id", "policy_id", "policy_version_id", "instalment", "kind", "corrects_id", "amount", "due",
    "status", "reason", "bank_reason", "explanation", "review_required", "assigned_to_id", "first_time", "changed",
    "flag", "run_id", "batch_id", "paid_on", "imported", "created_at", "talent__name", "talent__id_masked",
    "policy__code", "policy__title_zh", "policy__title_en", "policy_version__version", "policy_version__source",
    "policy_version__updated_at", "assigned_to__username", "assigned_to__display_name", "batch__number")


def entitlement_page_get(user, pk: int, *, with_account: bool = False) -> Entitlement | None:
    """One line with what its page shows (``LINE_PAGE_COLUMNS``; the API reads ``entitlement_get``): 34 columns
    of five tables rather than ~135 of seven, which cost ~1 ms more to compile and build per request. With
    ``with_account`` the person's bank account (bank and masked number) comes in the same statement
    (``line.talent.bank_account``, raising ``BankAccount.DoesNotExist`` when there is none)."""
    related = ["talent", "policy", "policy_version", "assigned_to", "batch"]
    columns = list(LINE_PAGE_COLUMNS)
    if with_account:
        related.append("talent__bank_account")
        columns += ["talent__bank_account__bank_name", "talent__bank_account__number_masked"]
    found = list(entitlements_visible_to(user).select_related(*related).only(*columns).filter(pk=pk).order_by()[:1])
    return found[0] if found else None


def entitlement_history(line: Entitlement) -> list[EntitlementEvent]:
    """The line's events, oldest first, with who made each (the page and the API show no more of them)."""
    return list(EntitlementEvent.objects.filter(entitlement=line).select_related("actor"))


def entitlement_history_shown(line: Entitlement) -> list[dict[str, Any]]:
    """The line's events as its page shows them, oldest first: ``at``, ``to_status``, ``reason`` and ``actor`` (the
    name a user is shown by, or None), read as plain values (no model instances)."""
    rows = EntitlementEvent.objects.filter(entitlement_id=line.pk).values_list(
        "at", "to_status", "reason", "actor__display_name", "actor__username")
    return [{"at": at, "to_status": to_status, "reason": reason, "actor": display_name or username or None}
            for at, to_status, reason, display_name, username in rows]


def talent_lines(user) -> QuerySet[Entitlement]:
    """A talent's own lines, newest first (withdrawn and superseded ones are the office's history)."""
    return (entitlements_visible_to(user).exclude(status__in=[Status.WITHDRAWN, Status.SUPERSEDED])
            .select_related("policy", "batch").order_by("-due", "-pk"))


def batch_lines(batch: PaymentBatch) -> QuerySet[Entitlement]:
    return batch.lines.select_related("talent", "policy", "talent__bank_account").order_by("pk")


def batch_open_count(user) -> int:
    return batches_visible_to(user).filter(status__in=[BatchStatus.AWAITING_APPROVAL, BatchStatus.READY,
                                                       BatchStatus.SENT]).count()


# --- reports ------------------------------------------------------------------------------------------------------

REPORT_DIMENSIONS = ("policy", "degree", "district")


def paid_report(user, *, year: int) -> dict[str, list[dict[str, Any]]]:
    """Paid in ``year`` (by bank date) in the user's scope: headcount (distinct people) and amount, by policy,
    by degree and by district, and the total."""
    qs = entitlements_visible_to(user).filter(status=Status.PAID, paid_on__year=year).order_by()
    out: dict[str, list[dict[str, Any]]] = {}
    columns = {"policy": "policy__code", "degree": "degree", "district": "district"}
    for name, column in columns.items():
        rows = (qs.values(column).annotate(headcount=Count("talent_id", distinct=True), lines=Count("pk"),
                                           amount=Sum("amount")).order_by(column))
        out[name] = [{"key": r[column] or "", "headcount": r["headcount"], "lines": r["lines"],
                      "amount": r["amount"] or Decimal("0.00")} for r in rows]
    total = qs.aggregate(headcount=Count("talent_id", distinct=True), lines=Count("pk"), amount=Sum("amount"))
    out["total"] = [{"key": "", "headcount": total["headcount"], "lines": total["lines"],
                     "amount": total["amount"] or Decimal("0.00")}]
    return out


def paid_report_xlsx(report: dict[str, list[dict[str, Any]]], *, year: int, labels: dict[str, Any]) -> bytes:
    """The report as a workbook: one sheet per dimension, amounts as numbers with two decimals."""
    sheets = []
    for name in (*REPORT_DIMENSIONS, "total"):
        rows = [[labels["names"][name](row["key"]) if row["key"] else "", row["headcount"], row["lines"],
                 row["amount"]] for row in report[name]]
        sheets.append(Sheet(labels["sheets"][name], [labels["key"][name], labels["headcount"], labels["lines"],
                                                     labels["amount"]], rows, widths={"A": 36, "D": 16},
                            number_formats={3: "#,##0.00"}, bold_headers=False))
    sheets.append(Sheet(labels["about"], [labels["year"], year], [], bold_headers=False))
    return xlsx_bytes(sheets, keep=True)  # totals per policy, degree and district: no person in it
