"""The payment queue's maintained totals (``eligibility.totals``) equal the exact aggregate of the ledger after
any sequence of what changes lines: runs, approvals (single, bulk, "all shown"), rejections, reopening, batches
(made, cancelled, sent), bank returns (paid and failed), retries, corrections, and plain ORM writes (bulk
inserts, amount and district edits, deletes) — random sequences from fixed seeds, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories.registry import make_talent
from openpyxl import Workbook

from talentpool.core.crypto import encrypt_text
from talentpool.core.errors import ApplicationError
from talentpool.eligibility import totals
from talentpool.eligibility.models import Entitlement, LedgerTotal, Status
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.eligibility.totals import FOLD_ABOVE, ledger_totals_compact, ledger_totals_rebuild
from talentpool.payments import selectors, services
from talentpool.payments.models import BankAccount, BatchStatus, PaymentBatch

KEY = ("status", "policy_id", "district", "degree", "review_required")
DISTRICTS = ("330106", "330106", "330106", "330110")
DEGREES = ("bachelor", "master", "doctor", "")


def _exact() -> dict[tuple, tuple[int, int]]:
    found: dict[tuple, list[int]] = {}
    for *key, amount in Entitlement.objects.values_list(*KEY, "amount"):
        n, cents = found.setdefault(tuple(key), [0, 0]), int(amount * 100)
        n[0], n[1] = n[0] + 1, n[1] + cents
    return {k: (v[0], v[1]) for k, v in found.items()}


def _counted() -> dict[tuple, tuple[int, int]]:
    found: dict[tuple, list[int]] = {}
    for *key, lines, cents in LedgerTotal.objects.values_list(*KEY, "lines", "cents"):
        n = found.setdefault(tuple(key), [0, 0])
        n[0], n[1] = n[0] + lines, n[1] + cents
    return {k: (v[0], v[1]) for k, v in found.items() if v != [0, 0]}


def _check(officer, policy_code: str, step: str) -> None:
    assert _counted() == _exact(), f"after {step}"
    for f in (selectors.QueueFilter(), selectors.QueueFilter(status=""),
              selectors.QueueFilter(status=Status.APPROVED, policy=policy_code, review="no"),
              selectors.QueueFilter(status=Status.PAID, degree="master", district="3301"),
              selectors.QueueFilter(status=Status.CANDIDATE, review="yes", district="330106")):
        qs = selectors.entitlement_queue(officer, f)
        assert selectors.queue_totals(officer, f, qs) == selectors.lines_totals(qs), f"after {step}: {f}"


def _return_file(tmp_path, lines, rng) -> str:
    wb = Workbook()
    ws = wb.active
    ws.append(["参考号", "金额", "结果", "原因"])
    for line in lines:
        ok = rng.random() < 0.7
        ws.append([line.reference, f"{line.amount:.2f}", "成功" if ok else "失败", "" if ok else "账户已销户"])
    path = tmp_path / f"return-{rng.random():.9f}.xlsx"
    wb.save(path)
    return str(path)


class Ops:
    """The operations a sequence draws from; each picks its lines at random among those it applies to."""

    def __init__(self, world, version, rng, tmp_path):
        self.world, self.version, self.rng, self.tmp = world, version, rng, tmp_path
        self.officer = world.officer
        self.people = [world.talent, world.colleague] + [
            make_talent(name=f"测试{i}", district=DISTRICTS[i % len(DISTRICTS)], birth=date(1995 + i % 6, 1 + i % 12, 3))
            for i in range(10)]
        for i, person in enumerate(self.people[:-2]):
            BankAccount.objects.create(talent=person, holder=person.name, bank_name="杭州银行",
                                       number_encrypted=encrypt_text(f"62123456789012{i:05d}"),
                                       number_masked=f"6212 **** {i:04d}")
        self.instalment = 100

    def _ids(self, status: str, k: int | None = None) -> list[int]:
        ids = list(Entitlement.objects.filter(status=status).order_by("pk").values_list("pk", flat=True))
        return self.rng.sample(ids, min(len(ids), k or self.rng.randint(1, 4)))

    def insert(self):  # a plain bulk insert (as a fixture or a script would)
        rows = []
        for _ in range(self.rng.randint(1, 6)):
            person = self.rng.choice(self.people)
            self.instalment += 1
            rows.append(Entitlement(
                subject=f"t{person.pk}", talent=person, policy=self.version.policy, policy_version=self.version,
                instalment=self.instalment, amount=Decimal(self.rng.randint(0, 2_000_000)) / 100, due=date(2025, 3, 1),
                district=person.district, degree=self.rng.choice(DEGREES), review_required=self.rng.random() < 0.3,
                status=self.rng.choice([Status.CANDIDATE] * 4 + [Status.APPROVED, Status.PAID])))
        Entitlement.objects.bulk_create(rows)

    def run(self):
        run_execute(run_create(as_of=date(2025, self.rng.randint(1, 12), 1), scope="330106").pk)

    def approve_one(self):
        for pk in self._ids(Status.CANDIDATE, 1):
            Entitlement.objects.filter(pk=pk).update(assigned_to=None)
            services.entitlements_approve(actor=self.officer, ids=[pk])

    def approve_some(self):
        services.entitlements_approve(actor=self.officer, ids=self._ids(Status.CANDIDATE))

    def approve_all_shown(self):
        f = selectors.QueueFilter(degree=self.rng.choice(DEGREES[:3]))
        services.entitlements_approve(actor=self.officer, queryset=selectors.entitlement_queue(self.officer, f))

    def reject(self):
        services.entitlements_reject(actor=self.officer, reason="材料不符", ids=self._ids(Status.CANDIDATE))

    def reopen(self):
        services.entitlements_reopen(actor=self.officer, ids=self._ids(Status.REJECTED))

    def batch(self):
        services.batch_create(actor=self.officer, ids=self._ids(Status.APPROVED, 6))

    def cancel(self):
        batch = PaymentBatch.objects.filter(status__in=[BatchStatus.READY, BatchStatus.AWAITING_APPROVAL]).first()
        if batch:
            services.batch_cancel(actor=self.officer, batch_id=batch.pk)

    def bank_return(self):
        batch = PaymentBatch.objects.filter(status__in=[BatchStatus.READY, BatchStatus.AWAITING_APPROVAL]).first()
        if batch is None:
            return
        if batch.status == BatchStatus.AWAITING_APPROVAL:
            PaymentBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.READY)
        services.batch_mark_sent(actor=self.officer, batch_id=batch.pk)
        path = _return_file(self.tmp, list(batch.lines.all()), self.rng)
        services.batch_return_import(actor=self.officer, batch_id=batch.pk, path=path, filename="r.xlsx")

    def retry(self):
        ids = self._ids(Status.FAILED)
        for line in Entitlement.objects.filter(pk__in=ids).select_related("talent"):
            BankAccount.objects.filter(talent=line.talent).update(number_masked="6212 **** 9999")  # updated_at moves
        services.entitlements_retry(actor=self.officer, ids=ids)

    def correct(self):
        for line in Entitlement.objects.filter(pk__in=self._ids(Status.PAID, 1)):
            services.entitlement_correct(actor=self.officer, line_id=line.pk, amount=line.amount + Decimal("10.05"),
                                         reason="少付")

    def edit(self):  # an amount and a district changed in place, then a line deleted (with its events)
        for pk in self._ids(Status.CANDIDATE, 2):
            Entitlement.objects.filter(pk=pk).update(amount=Decimal(self.rng.randint(1, 900_000)) / 100,
                                                     district=self.rng.choice(DISTRICTS))
        doomed = Entitlement.objects.filter(status=Status.CANDIDATE, corrections__isnull=True).order_by("-pk").first()
        if doomed is not None and self.rng.random() < 0.5:
            doomed.delete()


OPS = [name for name in vars(Ops) if not name.startswith("_")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_totals_equal_the_ledger_after_any_sequence_of_changes(world, living, tmp_path, seed):
    rng = random.Random(seed)
    world.officer.is_payment_officer = True
    world.officer.save()
    ops = Ops(world, living, rng, tmp_path)
    done = Counter()
    _check(world.officer, living.policy.code, "start")
    for step in range(40):
        name = OPS[step] if step < len(OPS) else rng.choice(OPS)  # each operation at least once
        try:
            getattr(ops, name)()
        except ApplicationError:
            done[name + " refused"] += 1
        else:
            done[name] += 1
        _check(world.officer, living.policy.code, f"step {step}: {name}")
    assert {"run", "bank_return", "correct", "approve_all_shown"} <= set(done), done
    assert Entitlement.objects.filter(status=Status.PAID).exists()
    assert LedgerTotal.objects.count() > 0
    ledger_totals_compact()
    assert _counted() == _exact()


def test_the_totals_fold_and_rebuild_to_the_same_figures(world, living, settings):
    ops = Ops(world, living, random.Random(7), None)
    for _ in range(5):
        ops.insert()
    ops.approve_some()
    before = _counted()
    ledger_totals_compact()
    assert _counted() == before and not LedgerTotal.objects.filter(lines=0, cents=0).exists()
    LedgerTotal.objects.all().delete()
    assert _counted() == {}
    ledger_totals_rebuild()
    assert _counted() == before == _exact()
    assert FOLD_ABOVE >= 1000  # reads fold only when the deltas pile up


def test_the_queue_reads_the_totals_not_the_ledger(world, living):
    """The unfiltered queue's totals come from the maintained table: no aggregate over the ledger."""
    ops = Ops(world, living, random.Random(3), None)
    ops.insert()
    f = selectors.QueueFilter()
    with CaptureQueriesContext(connection) as ctx:
        totals = selectors.queue_totals(world.officer, f, selectors.entitlement_queue(world.officer, f))
    assert len(ctx.captured_queries) == 1
    assert "ledgertotal" in ctx.captured_queries[0]["sql"] and "payments_entitlement" not in ctx.captured_queries[0]["sql"]
    assert totals["count"] == Entitlement.objects.filter(status=Status.CANDIDATE, district__startswith="330106").count()


def test_a_read_over_many_delta_rows_folds_them(world, living, monkeypatch):
    """Past ``FOLD_ABOVE`` rows a read folds the deltas (PostgreSQL: one row per key left; SQLite: empty keys
    dropped), and what it reads is the same before and after."""
    ops = Ops(world, living, random.Random(11), None)
    for _ in range(4):
        ops.insert()
    ops.approve_some()
    ops.reject()
    exact = _exact()
    before = totals.ledger_totals(district="330106")
    monkeypatch.setattr(totals, "FOLD_ABOVE", 0)
    assert totals.ledger_totals(district="330106") == before
    keys = list(LedgerTotal.objects.values_list(*KEY))
    assert len(keys) == len(set(keys)) == len(exact) and _counted() == exact
    assert totals.ledger_totals(district="330106") == before
