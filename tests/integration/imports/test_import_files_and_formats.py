"""What happens to the uploaded file (deleted when its job ends), the formats accepted (.xlsx, .xls, .ods, CSV in
UTF-8 or GB18030: the office-suite samples through the CLI, the page and the API), hostile workbooks on the
import page, and an import before the reference data is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from factories.workbooks import xls_bytes, xlsx_bytes
from import_helpers import TALENT_HEADER, rid, talent_row, write_xlsx

from talentpool.registry.import_uploads import import_files_purge
from talentpool.registry.importing import import_job_create_from_path, import_job_run
from talentpool.registry.models import ImportJob, ImportRowError, ImportStatus, Talent

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
ALL_NEW = "5 rows: 5 new, 0 updated, 0 unchanged, 0 rejected"


def cli(*args, capsys) -> tuple[int, str, str]:
    try:
        call_command("import", *map(str, args), verbosity=0)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["talents_sample.xlsx", "talents_sample.xls", "talents_sample.ods",
                                  "talents_sample.csv", "talents_sample_gbk.csv"])
def test_each_office_suite_sample_imports_its_five_people(db, references, capsys, name):
    code, out, err = cli("talents", SAMPLES / name, capsys=capsys)
    assert (code, out.strip().splitlines()[-1]) == (0, ALL_NEW), err
    assert set(Talent.objects.values_list("name", flat=True)) == {"陈思远", "林晓雨", "王浩然", "赵雨桐", "孙一鸣"}


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    """Each test its own upload folder: the retention checks count every file in it, and other tests on the same
    worker leave the files of their unfinished jobs behind."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _stored(job: ImportJob) -> bool:
    return bool(job.file) and default_storage.exists(job.file.name)


def test_the_upload_is_deleted_when_the_job_ends_and_the_row_errors_stay(db, references, tmp_path, capsys):
    good = write_xlsx(tmp_path / "g.xlsx", [TALENT_HEADER, talent_row("张三", rid()), talent_row("李四", "12345")])
    job = import_job_create_from_path(actor=None, kind="talents", path=good)
    name = job.file.name
    assert default_storage.exists(name)                       # an unfinished job keeps its file, to resume
    job = import_job_run(job_id=job.pk)
    assert (job.status, job.file.name, default_storage.exists(name)) == (ImportStatus.DONE, "", False)
    assert ImportJob.objects.get(pk=job.pk).file.name == ""
    assert ImportRowError.objects.filter(job=job).count() == 1 and job.rejected == 1

    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    code, _out, _err = cli("talents", tmp_path / "bad.xlsx", capsys=capsys)
    failed = ImportJob.objects.latest("id")
    assert (code, failed.status, failed.file.name) == (2, ImportStatus.FAILED, "")
    assert default_storage.listdir(str(Path(name).parent))[1] == []


def test_purge_deletes_what_older_versions_kept_and_files_no_job_refers_to(db, references, tmp_path, capsys):
    path = write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", rid())])
    finished = import_job_create_from_path(actor=None, kind="talents", path=path)
    ImportJob.objects.filter(pk=finished.pk).update(status=ImportStatus.DONE, finished_at=finished.created_at)
    other = write_xlsx(tmp_path / "u.xlsx", [TALENT_HEADER, talent_row("李四", rid())])
    unfinished = import_job_create_from_path(actor=None, kind="talents", path=other)
    orphan = default_storage.save("imports/2020/01/left-behind.csv", SimpleUploadedFile("x", b"330106..."))
    call_command("imports", "purge")
    assert capsys.readouterr().out.strip() == "2 file(s) deleted"
    finished.refresh_from_db()
    unfinished.refresh_from_db()
    assert (finished.file.name, default_storage.exists(orphan)) == ("", False)
    assert _stored(unfinished)
    assert import_files_purge() == 0


def test_an_import_before_the_reference_data_says_so_once(db, tmp_path, capsys):
    path = write_xlsx(tmp_path / "t.xlsx", [TALENT_HEADER, talent_row("张三", rid()), talent_row("李四", rid())])
    code, out, err = cli("talents", path, capsys=capsys)
    job = ImportJob.objects.get()
    assert code == 2 and "talentpool reference load" in err and "The reference data is not loaded" in err
    assert "divisions" in job.file_error and job.status == ImportStatus.FAILED
    assert ImportRowError.objects.count() == 0 and Talent.objects.count() == 0
    assert out.strip() == "0 rows: 0 new, 0 updated, 0 unchanged, 0 rejected"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["talents_sample.xls", "talents_sample.ods"])
def test_page_and_api_accept_xls_and_ods(references, make_user, client_for, settings, name):
    settings.LANGUAGE_CODE = "en"
    client = client_for(make_user("officer"))
    page = client.get("/registry/imports/").content.decode()
    assert 'accept=".xlsx,.xls,.ods,.csv"' in page
    data = (SAMPLES / name).read_bytes()
    response = client.post("/registry/imports/", {"kind": "talents", "file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.summary_line == ALL_NEW and not job.file
    again = client.post("/api/v1/imports/", {"kind": "talents", "file": SimpleUploadedFile(name, data)})
    assert again.status_code == 201 and again.json()["summary"] == "5 rows: 0 new, 0 updated, 5 unchanged, 0 rejected"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name, data, says", [
    ("far.xlsx", xlsx_bytes({"A1": "姓名", "B1": "证件号码", "XFD1048576": "z"}), "cell XFD1048576"),
    ("far.xls", xls_bytes([(0, 0, "姓名"), (0, 1, "证件号码"), (65535, 255, "z")]), "cell IV65536"),
])
def test_a_hostile_workbook_on_the_import_page_fails_the_job_with_the_reason(references, make_user, client_for,
                                                                             settings, name, data, says):
    settings.LANGUAGE_CODE = "en"
    client = client_for(make_user("officer"))
    response = client.post("/registry/imports/", {"kind": "talents", "file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.FAILED and says in job.file_error
    assert says in client.get(f"/registry/imports/{job.pk}/").content.decode()
    assert not job.file
