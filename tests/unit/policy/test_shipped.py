"""The shipped policy set (src/talentpool/policies/shipped): every file parses, the set is consistent, every version
compiles on several dates and to another SQL dialect, and every policy's own test cases pass — one pytest case per
policy test case, so a failure names the policy, its version and the case."""

import datetime as dt
from pathlib import Path

import pytest
import sqlglot

from talentpool.engines.policy import check_policy_set, compile_policy, parse_documents, version_in_force
from talentpool.engines.policy.facts import LEDGER_FACTS
from talentpool.engines.policy.testcases import run_case

SHIPPED = Path(__file__).resolve().parents[3] / "src" / "talentpool" / "policies" / "shipped"
FILES = sorted(SHIPPED.glob("*.yaml"))
VERSIONS = [v for f in FILES for v in parse_documents(f.read_text(encoding="utf-8"))]
EXPECTED_CODES = {"hz-graduate-living", "hz-graduate-living-outer", "hz-graduate-rent", "hz-youth-station", "hz-youth-welcome-pack",
                  "hz-talent-home-purchase", "yh-living-settling"}


def _vid(v) -> str:
    return f"{v.code}-v{v.version}"


CASES = [pytest.param(v, case, id=f"{_vid(v)}: {case.name}") for v in VERSIONS for case in v.tests]


def test_the_policies_of_policies_md_are_shipped_one_file_each_named_by_code():
    assert {v.code for v in VERSIONS} == EXPECTED_CODES
    for f in FILES:
        assert {v.code for v in parse_documents(f.read_text(encoding="utf-8"))} == {f.stem}


def test_the_set_has_no_overlapping_versions_no_unknown_exclusion_and_no_cycle():
    check_policy_set(VERSIONS)


def test_the_yuhang_versions_meet_on_new_year_2022():
    assert version_in_force(VERSIONS, "yh-living-settling", dt.date(2020, 12, 31)) is None
    assert version_in_force(VERSIONS, "yh-living-settling", dt.date(2021, 1, 1)).version == 1
    assert version_in_force(VERSIONS, "yh-living-settling", dt.date(2021, 12, 31)).version == 1
    assert version_in_force(VERSIONS, "yh-living-settling", dt.date(2022, 1, 1)).version == 2
    assert version_in_force(VERSIONS, "yh-living-settling", dt.date(2030, 1, 1)).version == 2


@pytest.mark.parametrize("version", VERSIONS, ids=_vid)
def test_every_version_compiles_on_several_dates_and_prints_for_spark(version):
    days = {version.effective_from, version.effective_from - dt.timedelta(days=1), dt.date(2024, 6, 30),
            dt.date(2028, 2, 29)}
    if version.effective_to:
        days |= {version.effective_to, version.effective_to + dt.timedelta(days=1)}
    for day in sorted(days):
        compiled = compile_policy(version, day)
        for dialect in ("duckdb", "spark"):
            sql = compiled.select_sql(dialect=dialect, detail=True)
            assert sqlglot.parse_one(sql, read=dialect) is not None


@pytest.mark.parametrize("version", VERSIONS, ids=_vid)
def test_every_version_cites_its_basis_and_labels_everything_in_both_languages(version):
    assert version.basis and all(b.document.strip() for b in version.basis)
    assert version.title.zh and version.title.en and version.title.zh != version.title.en
    assert version.summary.zh and version.summary.en and version.issuer.zh
    for c in version.criteria:
        assert c.label.zh and c.label.en and c.label.zh != c.label.en, c.id
    for p in version.parameters.values():
        assert p.label.zh and p.label.en and p.label.zh != p.label.en, p.name
    for i in version.instalments:
        assert i.label.zh and i.label.en, i.id


@pytest.mark.parametrize("version", VERSIONS, ids=_vid)
def test_every_version_has_at_least_eight_cases_including_cannot_decide_and_ledger_history(version):
    assert len(version.tests) >= 8
    unknown = [c for c in version.tests if c.expect.get("verdict") == "unknown"]
    assert unknown and all(c.expect.get("missing") for c in unknown), "a 'cannot decide' case naming the missing fact"
    reads_ledger = compile_policy(version, dt.date(2024, 6, 30)).facts_read() & set(LEDGER_FACTS)
    if reads_ledger:
        assert any("ledger" in c.facts for c in version.tests), "a case with payments already in the ledger"
    verdicts = {c.expect.get("verdict") for c in version.tests}
    assert {"no", "unknown"} <= verdicts and verdicts & {"yes", "review"}


@pytest.mark.parametrize(("version", "case"), CASES)
def test_shipped_case(version, case):
    result = run_case(version, case)
    assert result.passed, f"{version.code} v{version.version} line {case.line} '{case.name}': {'; '.join(result.problems)}"

