"""The loader: counts, idempotence, repair of drifted rows, removal of rows no longer shipped, audit, command."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction, AuditEvent
from talentpool.reference.models import Division, Industry, Major, Occupation, ReferenceSource, University
from talentpool.reference.selectors import reference_codes, reference_names
from talentpool.reference.services import reference_load_tables
from talentpool.reference.tables import TABLES, reference_file_rows, reference_file_sha256

pytestmark = pytest.mark.django_db

MODELS = {
    "divisions": Division,
    "universities": University,
    "majors": Major,
    "industries": Industry,
    "occupations": Occupation,
}


def test_first_load_creates_every_row_and_records_the_source(reference_loaded):
    for key, model in MODELS.items():
        expected = len(reference_file_rows(key))
        assert reference_loaded[key] == expected
        assert model.objects.count() == expected
        source = ReferenceSource.objects.get(key=key)
        assert source.rows == expected
        assert source.sha256 == reference_file_sha256(key)
        assert source.version == TABLES[key].version and source.loaded_at is not None
        assert source.source and source.licence and source.title
    assert AuditEvent.objects.count() == 0  # no actor, no audit row


def test_second_load_changes_nothing(reference_loaded):
    before = {s.key: s.loaded_at for s in ReferenceSource.objects.all()}
    results = reference_load_tables()
    assert [(r.created, r.updated, r.deleted) for r in results] == [(0, 0, 0)] * len(TABLES)
    assert {s.key: s.loaded_at for s in ReferenceSource.objects.all()} == before
    assert {r.key: r.rows for r in results} == reference_loaded


def test_loaded_rows_carry_parents_tags_and_marks(reference_loaded):
    assert Division.objects.get(code="330113").parent_id == "330100"
    assert Division.objects.get(code="330100").parent_id == "330000"
    tsinghua = University.objects.get(name="清华大学")
    assert (tsinghua.is_c9, tsinghua.is_985, tsinghua.is_211, tsinghua.is_double_first_class) == (True,) * 4
    assert tsinghua.tags == ["C9", "985", "211", "双一流"]
    assert University.objects.filter(is_985=True).count() == 38
    assert Major.objects.get(code="080901").parent.parent.name == "工学"
    assert Major.objects.get(code="080911").mark == "TK"
    assert Industry.objects.get(code="6511").parent.parent.parent_id == "I"
    assert Occupation.objects.get(code="2-02-10-03").mark == "S"


def test_a_drifted_row_is_repaired_and_a_row_no_longer_shipped_is_removed(reference_loaded):
    Division.objects.filter(code="330106").update(name="西湖")
    Division.objects.create(code="330199", name="不存在区", level="county", parent_id="330100")
    first = {s.key: s.loaded_at for s in ReferenceSource.objects.all()}
    (result,) = reference_load_tables(only=["divisions"])
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    assert Division.objects.get(code="330106").name == "西湖区"
    assert not Division.objects.filter(code="330199").exists()
    assert ReferenceSource.objects.get(key="divisions").loaded_at > first["divisions"]
    assert ReferenceSource.objects.get(key="majors").loaded_at == first["majors"]


def test_only_loads_the_named_tables():
    assert reference_load_tables(only=["majors", "industries"])[0].key == "majors"
    assert Major.objects.exists() and Industry.objects.exists()
    assert not Division.objects.exists() and not University.objects.exists()
    assert set(ReferenceSource.objects.values_list("key", flat=True)) == {"majors", "industries"}


def test_unknown_table_is_refused_before_anything_is_loaded():
    with pytest.raises(ApplicationError) as exc:
        reference_load_tables(only=["majors", "planets"])
    assert exc.value.code == "unknown_reference_table"
    assert not Major.objects.exists() and not ReferenceSource.objects.exists()


def test_load_with_an_actor_writes_one_audit_row(make_user):
    admin = make_user("admin")
    reference_load_tables(only=["industries"], actor=admin)
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.REFERENCE_LOAD
    assert event.actor == admin and event.target == "reference:industries"
    assert event.detail["industries"]["rows"] == len(reference_file_rows("industries"))
    assert event.detail["industries"]["created"] == event.detail["industries"]["rows"]


def test_selector_caches_are_cleared_by_a_load():
    assert reference_codes("majors") == frozenset()
    reference_load_tables(only=["majors"])
    assert "080901" in reference_codes("majors")
    assert reference_names("majors")["080901"] == "计算机科学与技术"


def test_full_load_is_fast():
    started = time.monotonic()
    reference_load_tables()
    first = time.monotonic() - started
    started = time.monotonic()
    reference_load_tables()
    second = time.monotonic() - started
    assert first < 10 and second < 5


def test_command_prints_each_table_and_its_rows():
    out = StringIO()
    call_command("reference", "load", stdout=out)
    text = out.getvalue()
    for key in TABLES:
        assert f"{key}" in text
    assert f"{len(reference_file_rows('divisions'))} rows" in text
    out = StringIO()
    call_command("reference", "load", "--only", "majors", stdout=out)
    assert "majors" in out.getvalue() and "(0 new, 0 updated, 0 removed)" in out.getvalue()
    assert "divisions" not in out.getvalue()


def test_command_status_and_errors():
    out = StringIO()
    call_command("reference", "status", stdout=out)
    assert "not loaded" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("reference", "load", "--only", "planets")
