"""Policies as code, the Django side: stored policy versions (drafts, published, retired), the registry→facts
adapter, eligibility reads (explain, what-if) and objections. The rules themselves live in
``talentpool.engines.policy`` (no Django there)."""
