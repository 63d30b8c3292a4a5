"""Policies stored for tests: the living subsidy alone without running its cases, or the whole shipped set as the
sync stores it (the suite runs every shipped case on its own)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from talentpool.core.models import AuditEvent
from talentpool.policies.models import Policy, PolicyVersion
from talentpool.policies.services import policy_sync_shipped


def publish_living_policy(*, owner: str = "330100", delivery: str = "bank_transfer"):
    """The living subsidy version in force now, stored as published; returns the PolicyVersion. ``owner`` is the
    division that owns it (the shipped document says the city, 330100; a district makes scope tests simple);
    ``delivery`` its channel (``in_kind`` turns it into a benefit issued in kind, for the ledger's tests)."""
    from talentpool.engines.policy import parse_documents
    from talentpool.policies.documents import SHIPPED_DIR, _split_documents
    from talentpool.policies.models import Policy, PolicyVersion

    text = _split_documents((SHIPPED_DIR / "hz-graduate-living.yaml").read_text(encoding="utf-8"))[-1]
    text = text.replace("owner: 330100", f"owner: {owner}", 1).replace("delivery: bank_transfer",
                                                                       f"delivery: {delivery}", 1)
    (doc,) = parse_documents(text)
    policy = Policy.objects.create(code=doc.code, title_zh=doc.title.zh, title_en=doc.title.en, owner_division=owner)
    return PolicyVersion.objects.create(policy=policy, version=doc.version, status="published", source=text,
                                        effective_from=doc.effective_from, tests_passed=True)


def store_shipped(code: str, *, version: int | None = None):
    """One shipped version (the file's last unless ``version`` is given) stored as published without running
    its cases, owned by the division its document names; returns the PolicyVersion."""
    from talentpool.engines.policy import parse_documents
    from talentpool.policies.documents import SHIPPED_DIR, _split_documents
    from talentpool.policies.models import Policy, PolicyVersion

    texts = _split_documents((SHIPPED_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
    docs = [(text, parse_documents(text)[0]) for text in texts]
    text, doc = docs[-1] if version is None else next((t, d) for t, d in docs if d.version == version)
    policy, _created = Policy.objects.get_or_create(code=doc.code, defaults={
        "title_zh": doc.title.zh, "title_en": doc.title.en, "owner_division": doc.owner})
    return PolicyVersion.objects.create(policy=policy, version=doc.version, status="published", source=text,
                                        effective_from=doc.effective_from, effective_to=doc.effective_to,
                                        tests_passed=True)


@dataclass(frozen=True)
class _SyncedRows:
    result: dict[str, list[str]]
    policies: list[dict]
    versions: list[dict]
    events: list[dict]


# What the first sync of this test process wrote, by the local date it ran on (its checks compile "today").
# One pytest-xdist worker is one process, so each worker runs the real sync once.
_SYNCED: dict[dt.date, _SyncedRows] = {}


def shipped_policies() -> dict[str, list[str]]:
    """The shipped policy set stored exactly as ``policy_sync_shipped()`` stores it (published versions with their
    case reports, one audit event each), and that call's result.

    Running the shipped cases takes seconds, so only the first call in a test process (and local day) runs the
    real sync; it keeps the rows the sync wrote, and later calls write copies of them (new keys, timestamps of
    now). When policies are already stored the real sync runs, since its outcome then depends on them."""
    if Policy.objects.exists():
        return policy_sync_shipped()
    today = timezone.localdate()
    synced = _SYNCED.get(today)
    if synced is None:
        last_event = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0
        result = policy_sync_shipped()
        _SYNCED[today] = _SyncedRows(
            result=copy.deepcopy(result),
            policies=list(Policy.objects.order_by("pk").values()),
            versions=list(PolicyVersion.objects.order_by("pk").values()),
            events=list(AuditEvent.objects.filter(pk__gt=last_event).order_by("pk").values()),
        )
        return result
    _write_copies(copy.deepcopy(synced))
    return copy.deepcopy(synced.result)


def _write_copies(synced: _SyncedRows) -> None:
    with transaction.atomic():
        policy_ids = {}
        for row in synced.policies:
            old = row.pop("id")
            policy_ids[old] = Policy.objects.create(**row).pk  # created_at: now, as in a sync
        version_ids = []
        for row in synced.versions:
            assert row["based_on_id"] is None and row["created_by_id"] is None, "a sync stores neither"
            row.pop("id")
            row["policy_id"] = policy_ids[row["policy_id"]]
            version_ids.append(PolicyVersion.objects.create(**row).pk)  # created_at, updated_at: now
        # A sync publishes as it creates.
        PolicyVersion.objects.filter(pk__in=version_ids, published_at__isnull=False).update(published_at=F("created_at"))
        for row in synced.events:
            row.pop("id")
            AuditEvent.objects.create(**row)  # at: now


def run_draft_checks() -> list:
    """Run every waiting draft check, as the task would once the saving transaction commits (tests run inside
    one transaction, so the commit never comes); returns the checks run."""
    from talentpool.policies.checks import policy_check_run
    from talentpool.policies.models import PolicyCheck

    return [policy_check_run(pk) for pk in PolicyCheck.objects.filter(status="pending").order_by("pk")
            .values_list("pk", flat=True)]
