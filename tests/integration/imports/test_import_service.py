"""The import service and CLI through the real database: upserts, counts, history, idempotence, exit codes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from import_helpers import TALENT_HEADER, credit, rid, talent_row, write_xlsx

from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.registry.importing import import_job_create_from_path, import_job_run
from talentpool.registry.models import (
    Education,
    Employment,
    Enterprise,
    ImportJob,
    ImportRowError,
    InsuranceRecord,
    Talent,
)

pytestmark = pytest.mark.django_db


def cli(kind, path, *extra, capsys=None) -> tuple[int, str, str]:
    try:
        call_command("import", kind, str(path), *extra, verbosity=0)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_all_rows_accepted_exit_0_and_summary_line(references, tmp_path, capsys):
    path = write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", rid()), talent_row("李四", rid())])
    code, out, _err = cli("talents", path, capsys=capsys)
    assert code == 0
    assert out.strip().splitlines()[-1] == "2 rows: 2 new, 0 updated, 0 unchanged, 0 rejected"
    assert Talent.objects.count() == 2
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_partial_acceptance_exit_1_errors_file_and_history(references, tmp_path, capsys):
    good = rid()
    bad = rid()[:-1] + "0"
    path = write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", good),
                                            talent_row("坏人", bad if bad[-1] != rid()[-1] else bad[:-1] + "1"),
                                            talent_row("重复", good)])
    out_file = tmp_path / "errors.csv"
    code, out, _ = cli("talents", path, "--errors", str(out_file), capsys=capsys)
    assert code == 1
    assert out.strip().splitlines()[-1] == "3 rows: 1 new, 0 updated, 0 unchanged, 2 rejected"
    errors = list(ImportRowError.objects.values_list("row", "column", "reason"))
    assert (4, "证件号码", "The same record as row 2 (a duplicate within the file)") in errors
    assert any(r == 3 and "check digit" in reason for r, _c, reason in errors)
    text = out_file.read_text(encoding="utf-8-sig")
    assert "Row,Column,Value,Reason" in text and "row 2" in text
    assert good not in text  # ID numbers are masked in the error report
    talent = Talent.objects.get()
    record = ChangeRecord.objects.get(entity="registry.talent", entity_id=talent.pk)
    job = ImportJob.objects.get()
    assert record.source == "import" and record.source_ref == f"import:{job.pk}" and record.created
    assert record.changes["name"] == [None, "张三"] and record.changes["id_masked"][1] == talent.id_masked
    assert good not in str(record.changes)


def test_reimport_changes_nothing_then_an_update_is_recorded(references, tmp_path, capsys):
    a, b = rid(), rid()
    rows = [TALENT_HEADER, talent_row("张三", a), talent_row("李四", b, tier="D")]
    path = write_xlsx(tmp_path / "t.xlsx", rows)
    assert cli("talents", path, capsys=capsys)[0] == 0
    history = ChangeRecord.objects.count()
    code, out, _ = cli("talents", path, capsys=capsys)
    assert code == 0 and out.strip().endswith("2 rows: 0 new, 0 updated, 2 unchanged, 0 rejected")
    assert ChangeRecord.objects.count() == history
    rows[2] = talent_row("李四", b, tier="C", phone="13900139000")
    code, out, _ = cli("talents", write_xlsx(tmp_path / "t2.xlsx", rows), capsys=capsys)
    assert out.strip().endswith("2 rows: 0 new, 1 updated, 1 unchanged, 0 rejected")
    change = ChangeRecord.objects.filter(created=False).get()
    assert change.changes == {"tier": ["D", "C"], "phone": ["13800138000", "13900139000"]}
    assert Talent.objects.get(tier="C").phone == "13900139000"


def test_unusable_file_exit_2(references, tmp_path, capsys):
    path = write_xlsx(tmp_path / "e.xlsx", [["统一社会信用代码", "企业名称", "所在地"], [credit(1), "X", "330106"]],
                      title="企业")
    code, out, err = cli("talents", path, capsys=capsys)
    assert code == 2 and "企业" in err and "人才" in err
    assert out.strip().endswith("0 rows: 0 new, 0 updated, 0 unchanged, 0 rejected")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _out, err = cli("talents", empty, capsys=capsys)
    assert code == 2 and "empty" in err
    missing = write_xlsx(tmp_path / "m.xlsx", [["姓名"], ["张三"]])
    code, _out, err = cli("talents", missing, capsys=capsys)
    assert code == 2 and "证件号码" in err
    assert Talent.objects.count() == 0


def test_file_over_the_size_limit_exit_2(references, tmp_path, capsys, settings):
    settings.TALENTPOOL_IMPORT_MAX_BYTES = 1000
    path = write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", rid())])
    code, _out, err = cli("talents", path, capsys=capsys)
    assert code == 2 and "over the limit" in err


def test_gb18030_csv_and_normalisations_through_the_cli(references, tmp_path, capsys):
    number = rid(birth=date(1990, 1, 2), seq=13)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number.lower())
    csv_text = ("姓名,证件号码,出生日期,性别,来区日期,居住地\n"
                f" 王 五 ,{wide},1990年1月2日,男,2023.06.30,３３０１１０\n")
    path = tmp_path / "t.csv"
    path.write_bytes(csv_text.encode("gb18030"))
    code, out, err = cli("talents", path, capsys=capsys)
    assert code == 0, err
    t = Talent.objects.get()
    assert (t.name, t.birth_date, t.arrival_date, t.residence_division, t.district) == \
        ("王五", date(1990, 1, 2), date(2023, 6, 30), "330110", "330110")


def test_formula_cell_is_rejected(references, tmp_path, capsys):
    path = write_xlsx(tmp_path / "f.xlsx", [TALENT_HEADER, talent_row("张三", rid(), tier="=\"E\"")])
    code, _out, _ = cli("talents", path, capsys=capsys)
    assert code == 1
    error = ImportRowError.objects.get()
    assert (error.row, error.column) == (2, "人才层次") and "formula" in error.reason


def test_other_kinds_link_to_registered_people_and_enterprises(references, tmp_path, capsys):
    a, stranger = rid(), rid()
    write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", a)])
    assert cli("talents", tmp_path / "t.xlsx", capsys=capsys)[0] == 0
    ent = write_xlsx(tmp_path / "e.xlsx", [["统一社会信用代码", "企业名称", "行业代码", "产业集群", "所在地"],
                                           [credit(1), "杭州一号科技有限公司", "6511", "数字经济", "330106"]], title="企业")
    assert cli("enterprises", ent, capsys=capsys)[0] == 0
    edu = write_xlsx(tmp_path / "ed.xlsx", [["证件号码", "学历", "毕业院校", "专业代码", "毕业日期"],
                                            [a, "硕士", "浙江大学", "080901", "2024-06-30"],
                                            [stranger, "本科", "浙江大学", "080901", "2020-06-30"]], title="学历")
    code, out, _ = cli("education", edu, capsys=capsys)
    assert code == 1 and out.strip().endswith("2 rows: 1 new, 0 updated, 0 unchanged, 1 rejected")
    assert "not in the registry" in ImportRowError.objects.filter(row=3).get().reason or \
        "No person" in ImportRowError.objects.filter(row=3).get().reason
    assert Education.objects.get().university_name == "浙江大学"
    emp = write_xlsx(tmp_path / "em.xlsx", [["证件号码", "统一社会信用代码", "入职日期", "岗位"],
                                            [a, credit(1), "2024/7/15", "工程师"],
                                            [a, credit(2), "2024/7/15", "工程师"]], title="就业")
    code, out, _ = cli("employment", emp, capsys=capsys)
    assert code == 1 and Employment.objects.get().enterprise == Enterprise.objects.get()
    ins = write_xlsx(tmp_path / "i.xlsx", [["证件号码", "起始月份", "截止月份", "参保地", "是否补缴"],
                                           [a, "2024-07", "2025年6月", "330106", "否"]], title="社保")
    assert cli("insurance", ins, capsys=capsys)[0] == 0
    record = InsuranceRecord.objects.get()
    assert (record.from_month, record.to_month, record.months) == (date(2024, 7, 1), date(2025, 6, 1), 12)
    # re-import of each: unchanged
    for kind, path in (("enterprises", ent), ("insurance", ins)):
        code, out, _ = cli(kind, path, capsys=capsys)
        assert code == 0 and " 0 new, 0 updated, 1 unchanged" in out


def test_service_is_idempotent_when_run_twice(references, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", rid())])
    job = import_job_create_from_path(actor=None, kind="talents", path=path)
    import_job_run(job_id=job.pk)
    again = import_job_run(job_id=job.pk)
    assert again.summary_line == "1 rows: 1 new, 0 updated, 0 unchanged, 0 rejected"
