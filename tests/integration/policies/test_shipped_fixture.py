"""The ``shipped`` fixture copies what the first sync of the test process wrote: the copy must be what a real sync
stores, or the tests that use it would test something else."""

from __future__ import annotations

import pytest
from django.db import transaction
from factories.policies import shipped_policies

from talentpool.core.models import AuditEvent
from talentpool.policies.models import Policy, PolicyVersion
from talentpool.policies.services import policy_sync_shipped

KEYS_AND_TIMES = {"id", "policy_id", "created_at", "updated_at", "published_at"}


def stored() -> tuple[list[dict], list[dict], list[tuple]]:
    """Everything a sync writes, but keys and timestamps (of which only whether it is set)."""
    def plain(row: dict) -> dict:
        return {k: v for k, v in row.items() if k not in KEYS_AND_TIMES} | {"published": row.get("published_at") is not None}

    policies = [plain(row) for row in Policy.objects.order_by("code").values()]
    versions = [plain(row) | {"code": code} for row, code in zip(
        PolicyVersion.objects.order_by("policy__code", "version").values(),
        PolicyVersion.objects.order_by("policy__code", "version").values_list("policy__code", flat=True), strict=True)]
    events = list(AuditEvent.objects.order_by("target").values_list("actor_id", "action", "target", "detail"))
    return policies, versions, events


@pytest.mark.django_db
def test_the_copied_shipped_set_equals_what_the_sync_stores():
    with transaction.atomic():  # make sure this process has synced once, whatever ran before
        shipped_policies()
        transaction.set_rollback(True)
    assert not Policy.objects.exists()
    copied_result = shipped_policies()  # a copy now
    copied = stored()
    assert len(copied[1]) == len(copied_result["created"]) >= 8
    assert all(v["tests_passed"] and v["published"] for v in copied[1]) and len(copied[2]) == len(copied[1])

    Policy.objects.all().delete()
    AuditEvent.objects.all().delete()
    assert policy_sync_shipped() == copied_result
    assert stored() == copied
