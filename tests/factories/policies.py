"""Policies stored for tests without running their cases (the suite runs every shipped case on its own)."""

from __future__ import annotations


def publish_living_policy():
    """The living subsidy version in force now, stored as published; returns the PolicyVersion."""
    from talentpool.engines.policy import parse_documents
    from talentpool.policies.models import Policy, PolicyVersion
    from talentpool.policies.services import SHIPPED_DIR, _split_documents

    text = _split_documents((SHIPPED_DIR / "hz-graduate-living.yaml").read_text(encoding="utf-8"))[-1]
    (doc,) = parse_documents(text)
    policy = Policy.objects.create(code=doc.code, title_zh=doc.title.zh, title_en=doc.title.en)
    return PolicyVersion.objects.create(policy=policy, version=doc.version, status="published", source=text,
                                        effective_from=doc.effective_from, tests_passed=True)
