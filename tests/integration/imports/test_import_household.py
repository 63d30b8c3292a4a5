"""The ``household`` import kind: an office loads household and housing facts (house price, settling allowance
received and when, the per-capita income assessment and when) for registered people in bulk. Good rows are stored
with their change history, bad rows are refused by row and column without keeping an ID number in clear, people
of another district are refused, a re-import changes nothing, and the home-purchase subsidy goes from "cannot
decide" to a decision."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from factories.policies import shipped_policies
from factories.registry import make_talent, resident_id
from factories.world import build_world
from import_helpers import rid, write_xlsx

from talentpool.core.models import ChangeRecord
from talentpool.eligibility.selectors import eligibility_explain
from talentpool.registry.identity import talent_identity_columns
from talentpool.registry.importing import import_job_create_from_path, import_job_run
from talentpool.registry.models import HouseholdFacts, ImportRowError, Talent

pytestmark = pytest.mark.django_db

HOME = "hz-talent-home-purchase"
HEADER = ["姓名", "证件号码", "购房价格", "安家补助金额", "安家补助领取日期", "人均收入低于全市平均", "收入认定日期"]


def _known_id(talent: Talent, *, male: bool) -> str:
    number = resident_id(birth=talent.birth_date, male=male)
    Talent.objects.filter(pk=talent.pk).update(**talent_identity_columns(id_type="resident_id", id_number=number))
    return number


def _run(actor, path):
    return import_job_run(job_id=import_job_create_from_path(actor=actor, kind="household", path=path).pk)


def test_household_rows_are_stored_refused_by_column_idempotent_and_decide_the_subsidy(references, tmp_path):
    shipped_policies()
    world = build_world()
    buyer = world.colleague
    buyer.tier, buyer.tier_date = "E", date(2023, 3, 1)
    buyer.owns_property, buyer.property_division, buyer.property_purchase_date = True, "330106", date(2024, 5, 10)
    buyer.save()
    buyer_id = _known_id(buyer, male=False)
    other_id = _known_id(world.talent_other_district, male=True)
    good = rid()
    bad_id = good[:-1] + ("1" if good[-1] == "0" else "0")  # the check digit does not match
    before = eligibility_explain(talent=buyer, code=HOME, as_of=date(2025, 6, 30))
    assert before.verdict == "unknown" and {"house_price", "settling_allowance_received"} <= set(before.missing)

    path = write_xlsx(tmp_path / "household.xlsx", [
        HEADER,
        ["王芳", buyer_id, "150,000.00", 30000, "2024-09-01", "是", "2025-01-15"],
        ["赵强", other_id, "100000", "", "", "", ""],                     # another district's person
        ["钱七", rid(), "-5", "", "2024/9/1", "也许", ""],                 # three bad cells
        ["孙八", bad_id, "1.005", "", "", "", "2025-13-01"],
    ], title="家庭住房")
    job = _run(world.officer, path)
    assert (job.status, job.new, job.updated, job.rejected) == ("done", 1, 0, 3)
    errors = {(e.row, e.column) for e in ImportRowError.objects.filter(job=job)}
    assert errors >= {(3, "证件号码"), (4, "购房价格"), (4, "安家补助金额"), (4, "人均收入低于全市平均"),
                      (5, "证件号码"), (5, "购房价格"), (5, "收入认定日期")}
    stored = " ".join(ImportRowError.objects.values_list("value", flat=True))
    assert other_id not in stored and bad_id not in stored

    facts = HouseholdFacts.objects.get(talent=buyer)
    assert (facts.house_price, facts.settling_allowance, facts.settling_allowance_on, facts.income_low,
            facts.income_assessed_on) == (Decimal("150000.00"), Decimal("30000.00"), date(2024, 9, 1), True,
                                          date(2025, 1, 15))
    assert not HouseholdFacts.objects.filter(talent=world.talent_other_district).exists()
    history = ChangeRecord.objects.get(entity="registry.householdfacts", subject_talent_id=buyer.pk)
    assert history.source == "import" and history.source_ref == f"import:{job.pk}"
    assert history.changes["house_price"] == [None, "150000.00"] and buyer_id not in str(history.changes)

    after = eligibility_explain(talent=buyer, code=HOME, as_of=date(2025, 6, 30))
    # tier E: 200,000 capped at the price (150,000), then the allowance received (30,000) deducted
    assert (after.verdict, after.amount) == ("yes", Decimal("120000.00"))

    again = _run(world.officer, write_xlsx(tmp_path / "again.xlsx", [
        HEADER, ["王芳", buyer_id, 150000, "30,000", "2024年9月1日", "是", "20250115"]], title="家庭住房"))
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 1, 0)
    assert ChangeRecord.objects.filter(entity="registry.householdfacts").count() == 1

    cleared = _run(world.officer, write_xlsx(tmp_path / "cleared.xlsx", [
        ["证件号码", "人均收入低于全市平均", "收入认定日期"], [buyer_id, "否", "2025-03-01"]], title="家庭住房"))
    assert (cleared.updated, cleared.rejected) == (1, 0)
    facts.refresh_from_db()
    assert (facts.house_price, facts.income_low, facts.income_assessed_on) == (
        Decimal("150000.00"), False, date(2025, 3, 1))  # columns not in the file are left as they were


def test_the_kind_is_on_the_page_the_template_and_the_command_line(references, make_user, client_for, tmp_path,
                                                                     capsys):
    officer = make_user("officer")
    page = client_for(officer)
    assert 'value="household"' in page.get("/registry/imports/").content.decode()
    template = openpyxl.load_workbook(io.BytesIO(page.get("/registry/imports/template/household.xlsx").content))
    sheet = template.worksheets[0]
    assert sheet.title == "家庭住房"
    assert {"证件号码", "购房价格", "安家补助金额", "安家补助领取日期", "人均收入低于全市平均", "收入认定日期"} <= {
        c.value.rstrip("*") for c in sheet[1] if c.value}
    number = resident_id(birth=date(1993, 4, 8))
    person = make_talent(name="周九", id_number=number, birth=date(1993, 4, 8))
    path = write_xlsx(tmp_path / "h.xlsx", [["证件号码", "安家补助金额"], [number, 0]], title="家庭住房")
    call_command("import", "household", str(path), verbosity=0)
    assert capsys.readouterr().out.strip().splitlines()[-1] == "1 rows: 1 new, 0 updated, 0 unchanged, 0 rejected"
    assert HouseholdFacts.objects.get(talent=person).settling_allowance == Decimal("0.00")
