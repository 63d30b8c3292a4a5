"""Policies stored for tests without running their cases (the suite runs every shipped case on its own)."""

from __future__ import annotations


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
