"""The ``members`` (家庭成员) and ``properties`` (房产) import kinds: a spouse with an ID number and the day of
marriage, children with birth dates, and homes with the days acquired and sold, loaded for registered people. A
spouse in the registry is linked both ways; the spouse's ID number is stored encrypted, never in clear in the
change history or the row errors; bad rows are refused by row and column; a re-import changes nothing; and the
policy facts read all of it as of the date: married from the day of marriage, a home owned up to the day before
its sale, a child a minor until the 18th birthday."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from factories.world import build_world
from import_helpers import TALENT_HEADER, rid, talent_row, write_xlsx

from talentpool.core.crypto import decrypt_text
from talentpool.core.models import ChangeRecord
from talentpool.policies.facts import facts_from_rows, facts_from_tables, registry_tables, talent_facts
from talentpool.registry.identity import talent_identity_columns
from talentpool.registry.importing import import_job_create_from_path, import_job_run
from talentpool.registry.models import HouseholdMember, ImportRowError, PropertyRecord, Talent

pytestmark = pytest.mark.django_db

MEMBERS = ["姓名", "证件号码", "关系", "成员姓名", "成员证件号码", "成员出生日期", "结婚登记日期"]
HOMES = ["姓名", "证件号码", "房产所在地", "取得日期", "出售日期", "建筑面积"]
FACTS = ("has_spouse", "marriage_date", "household_id", "minor_children", "owns_property", "property_division",
         "property_purchase_date", "spouse_owns_property", "spouse_property_division", "housing", "spouse_housing")


def _known_id(talent: Talent) -> str:
    number = rid(birth=talent.birth_date)
    Talent.objects.filter(pk=talent.pk).update(**talent_identity_columns(id_type="resident_id", id_number=number))
    return number


def _run(actor, kind, path):
    return import_job_run(job_id=import_job_create_from_path(actor=actor, kind=kind, path=path).pk)


def _facts(talent, day):
    one = talent_facts(talent_id=talent.pk, as_of=day)
    tables = registry_tables()
    bulk = next(r for r in facts_from_tables(tables, as_of=day).to_pylist() if r["talent_id"] == talent.pk)
    rows = next(r for r in facts_from_rows(tables, as_of=day) if r["talent_id"] == talent.pk)
    assert {k: bulk[k] for k in FACTS} == {k: rows[k] for k in FACTS} == {k: one[k] for k in FACTS}, day
    return one


def test_members_and_homes_are_loaded_linked_and_read_as_of_the_date(references, tmp_path):
    world = build_world()
    wang, li = world.colleague, world.talent
    wang_id, li_id = _known_id(wang), _known_id(li)
    other_id = _known_id(world.talent_other_district)
    members = _run(world.officer, "members", write_xlsx(tmp_path / "members.xlsx", [
        MEMBERS,
        ["王芳", wang_id, "配偶", "李明", li_id, "", "2024-10-01"],        # a registered spouse
        ["王芳", wang_id, "子女", "王小宝", "", "2022-03-08", ""],           # a child without an ID number
        ["王芳", wang_id, "子女", "王大宝", "", "2006-10-01", ""],           # 18 on 2024-10-01
        ["李明", li_id, "配偶", "王芳", wang_id, "", ""],                    # no day of marriage
        ["王芳", wang_id, "配偶", "本人", wang_id, "", "2024-10-01"],        # the person's own number
        ["赵强", other_id, "子女", "赵小", "", "2020-01-01", ""],            # another district's person
        ["王芳", wang_id, "朋友", "某人", "", "", ""],                       # not a relation
    ], title="家庭成员"))
    assert (members.status, members.new, members.rejected) == ("done", 3, 4)
    errors = {(e.row, e.column) for e in ImportRowError.objects.filter(job=members)}
    assert errors == {(5, "结婚登记日期"), (6, "成员证件号码"), (7, "证件号码"), (8, "关系")}
    stored = " ".join(ImportRowError.objects.values_list("value", flat=True))
    assert wang_id not in stored and other_id not in stored

    spouse = HouseholdMember.objects.get(talent=wang, relation="spouse")
    assert decrypt_text(spouse.id_number_encrypted) == li_id and li_id not in spouse.id_masked
    assert spouse.linked_talent == li and spouse.married_on == date(2024, 10, 1)
    assert Talent.objects.get(pk=wang.pk).spouse_id == li.pk and Talent.objects.get(pk=li.pk).spouse_id == wang.pk
    history = ChangeRecord.objects.filter(source_ref=f"import:{members.pk}")
    assert li_id not in str(list(history.values_list("changes", flat=True)))
    assert history.filter(entity="registry.talent", subject_talent_id=li.pk).exists()  # the spouse's side too

    homes = _run(world.officer, "properties", write_xlsx(tmp_path / "homes.xlsx", [
        HOMES,
        ["王芳", wang_id, "330106", "2021-05-01", "2024-04-01", "89.5"],   # sold on 1 April 2024
        ["李明", li_id, "330110", "2024-06-01", "", ""],
        ["王芳", wang_id, "330106", "2023-01-01", "2022-12-31", ""],       # sold before it was acquired
        ["王芳", wang_id, "330100", "2023-01-01", "", "lots"],             # a city, not a county; no area
    ], title="房产"))
    assert (homes.new, homes.rejected) == (2, 2)
    assert {(e.row, e.column) for e in ImportRowError.objects.filter(job=homes)} == {
        (4, "出售日期"), (5, "房产所在地"), (5, "建筑面积")}
    assert PropertyRecord.objects.get(talent=wang).area_m2 == 89.5

    Talent.objects.filter(pk=wang.pk).update(owns_property=True, property_division="330102")  # records win
    expect = {
        date(2021, 4, 30): (False, None, wang.pk, 1, False, None, None, False, None),
        date(2021, 5, 1): (False, None, wang.pk, 1, True, "330106", date(2021, 5, 1), False, None),
        date(2024, 3, 31): (False, None, wang.pk, 2, True, "330106", date(2021, 5, 1), False, None),
        date(2024, 4, 1): (False, None, wang.pk, 2, False, None, None, False, None),       # the day of the sale
        date(2024, 9, 30): (False, None, wang.pk, 2, False, None, None, False, None),      # before the marriage
        date(2024, 10, 1): (True, date(2024, 10, 1), min(wang.pk, li.pk), 1, False, None, None, True, "330110"),
        # (王大宝 turns 18 on the day of the marriage: no longer a minor)
    }
    for day, want in expect.items():
        got = _facts(wang, day)
        assert tuple(got[k] for k in FACTS[:9]) == want, day
    # public housing counts from the day moved in, the spouse's from the marriage on (both on the talents' records)
    Talent.objects.filter(pk=li.pk).update(housing="talent_rental", housing_since=date(2024, 3, 1))
    assert [_facts(li, d)["housing"] for d in (date(2024, 2, 29), date(2024, 3, 1))] == ["none", "talent_rental"]
    assert [_facts(wang, d)["spouse_housing"] for d in (date(2024, 9, 30), date(2024, 10, 1))] == [
        "none", "talent_rental"]
    # the spouse's side reads the same marriage (recorded under 王芳 only)
    assert (_facts(li, date(2024, 9, 30))["has_spouse"], _facts(li, date(2024, 10, 1))["has_spouse"]) == (False, True)
    assert _facts(li, date(2024, 10, 1))["household_id"] == min(wang.pk, li.pk)

    again = _run(world.officer, "members", write_xlsx(tmp_path / "again.xlsx", [
        MEMBERS, ["王芳", wang_id, "配偶", "李明", li_id, "", "2024/10/1"]], title="家庭成员"))
    assert (again.new, again.updated, again.unchanged, again.rejected) == (0, 0, 1, 0)
    sold_again = _run(world.officer, "properties", write_xlsx(tmp_path / "sold.xlsx", [
        HOMES, ["李明", li_id, "330110", "2024-06-01", "2025-02-01", ""]], title="房产"))
    assert (sold_again.updated, sold_again.rejected) == (1, 0)
    assert _facts(wang, date(2025, 2, 1))["spouse_owns_property"] is False


def test_a_second_spouse_is_refused_and_the_kinds_have_templates(references, make_user, client_for, tmp_path):
    world = build_world()
    wang_id = _known_id(world.colleague)
    first = _run(world.officer, "members", write_xlsx(tmp_path / "m1.xlsx", [
        MEMBERS, ["王芳", wang_id, "配偶", "甲", rid(birth=date(1995, 1, 1)), "", "2023-05-01"]], title="家庭成员"))
    assert first.new == 1
    second = _run(world.officer, "members", write_xlsx(tmp_path / "m2.xlsx", [
        MEMBERS, ["王芳", wang_id, "配偶", "乙", rid(birth=date(1994, 1, 1)), "", "2024-05-01"]], title="家庭成员"))
    assert second.rejected == 1
    assert "Another spouse is recorded" in ImportRowError.objects.get(job=second).reason
    page = client_for(make_user("officer"))
    listing = page.get("/registry/imports/").content.decode()
    assert 'value="members"' in listing and 'value="properties"' in listing
    for kind, title, columns in (("members", "家庭成员", {"关系", "成员姓名", "成员证件号码", "结婚登记日期"}),
                                 ("properties", "房产", {"房产所在地", "取得日期", "出售日期", "建筑面积"})):
        book = openpyxl.load_workbook(io.BytesIO(page.get(f"/registry/imports/template/{kind}.xlsx").content))
        assert book.worksheets[0].title == title
        assert columns <= {c.value.rstrip("*") for c in book.worksheets[0][1] if c.value}


def test_a_spouse_recorded_before_registering_is_linked_by_the_import_that_registers_them(references, tmp_path):
    world = build_world()
    wang = world.colleague
    wang_id, newcomer_id = _known_id(wang), rid(birth=date(1997, 2, 3))
    members = _run(world.officer, "members", write_xlsx(tmp_path / "members.xlsx", [
        MEMBERS, ["王芳", wang_id, "配偶", "陈新", newcomer_id, "", "2024-10-01"]], title="家庭成员"))
    assert (members.new, members.rejected) == (1, 0)
    spouse = HouseholdMember.objects.get(talent=wang, relation="spouse")
    assert spouse.linked_talent_id is None and Talent.objects.get(pk=wang.pk).spouse_id is None  # not registered

    talents = _run(world.officer, "talents", write_xlsx(tmp_path / "talents.xlsx", [
        TALENT_HEADER, talent_row("陈新", newcomer_id), talent_row("周一", rid(birth=date(1996, 1, 1)))]))
    assert (talents.status, talents.new, talents.rejected) == ("done", 2, 0)
    newcomer = Talent.objects.get(name="陈新")
    spouse.refresh_from_db()
    assert spouse.linked_talent_id == newcomer.pk
    assert Talent.objects.get(pk=wang.pk).spouse_id == newcomer.pk and newcomer.spouse_id == wang.pk
    history = ChangeRecord.objects.filter(source_ref=f"import:{talents.pk}")
    assert history.filter(entity="registry.householdmember", entity_id=spouse.pk).exists()
    assert history.filter(entity="registry.talent", subject_talent_id=wang.pk).exists()
    assert newcomer_id not in str(list(history.values_list("changes", flat=True)))
    assert _facts(wang, date(2024, 10, 1))["household_id"] == min(wang.pk, newcomer.pk)  # one household at once

    again = _run(world.officer, "talents", write_xlsx(tmp_path / "again.xlsx", [
        TALENT_HEADER, talent_row("陈新", newcomer_id)]))
    assert (again.new, again.unchanged) == (0, 1)
    assert not ChangeRecord.objects.filter(source_ref=f"import:{again.pk}").exists()  # nothing left to link
