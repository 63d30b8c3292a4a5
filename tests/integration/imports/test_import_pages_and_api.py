"""Import pages and API through the real endpoints: upload, progress, errors, templates, permissions."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from import_helpers import TALENT_HEADER, rid, talent_row, write_xlsx

from talentpool.core.models import AuditEvent, ChangeRecord
from talentpool.registry.models import ImportJob, Talent

pytestmark = pytest.mark.django_db(transaction=True)  # the import runs on commit, as in production
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(tmp_path, rows, name="t.xlsx") -> SimpleUploadedFile:
    path = write_xlsx(tmp_path / name, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type=XLSX)


def bad_rows():
    good = rid()
    return [TALENT_HEADER, talent_row("张三", good), talent_row("李四", rid(), phone="12345"),
            talent_row("王五", rid(), residence="999999")]



@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read messages; they read them in English (the msgid language). Chinese is the default
    elsewhere and is checked in tests/integration/accounts and the browser tests."""
    settings.LANGUAGE_CODE = "en"


def test_page_upload_without_js_redirects_to_the_detail_with_errors(references, make_user, client_for, tmp_path):
    officer = make_user("officer")
    client = client_for(officer)
    response = client.post("/registry/imports/", {"kind": "talents", "file": upload(tmp_path, bad_rows())},
                           HTTP_ACCEPT_LANGUAGE="en")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/registry/imports/{job.pk}/"
    assert job.status == "done" and job.summary_line == "3 rows: 1 new, 0 updated, 0 unchanged, 2 rejected"
    assert job.district == "330106" and Talent.objects.get().district == "330106"
    page = client.get(f"/registry/imports/{job.pk}/").content.decode()
    assert "3 rows: 1 new, 0 updated, 0 unchanged, 2 rejected" in page
    assert "not a phone number" in page and "999999" in page
    errors = client.get(f"/registry/imports/{job.pk}/errors.xlsx")
    assert errors.status_code == 200 and errors["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value", "Reason") and [r[0] for r in rows[1:]] == [3, 4]
    listing = client.get("/registry/imports/").content.decode()
    assert "t.xlsx" in listing and officer.username in listing
    assert AuditEvent.objects.filter(action="import", actor=officer).exists()


def test_fetch_upload_returns_json_and_progress_is_polled(references, make_user, client_for, tmp_path):
    client = client_for(make_user("officer"))
    response = client.post("/registry/imports/", {"kind": "talents", "file": upload(tmp_path, bad_rows())},
                           HTTP_X_REQUESTED_WITH="fetch", HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["finished"] and data["rows_done"] == 3 and data["rejected"] == 2
    progress = client.get(f"/registry/imports/{data['id']}/progress.json").json()
    assert progress["percent"] == 100 and progress["summary"] == data["summary"]
    latest = client.get("/registry/imports/latest.json?after=0").json()
    assert latest["job"]["id"] == data["id"]
    assert client.get(f"/registry/imports/latest.json?after={data['id']}").json() == {"job": None}


def test_unusable_file_shows_the_reason(references, make_user, client_for, tmp_path):
    client = client_for(make_user("officer"))
    bad = SimpleUploadedFile("x.xlsx", b"not a spreadsheet at all\x00\x01", content_type=XLSX)
    client.post("/registry/imports/", {"kind": "talents", "file": bad})
    job = ImportJob.objects.get()
    assert job.status == "failed"
    assert "neither an XLSX" in client.get(f"/registry/imports/{job.pk}/").content.decode()


@pytest.mark.parametrize("kind", ["talents", "education", "employment", "insurance", "enterprises", "household"])
def test_template_download(make_user, client_for, kind):
    response = client_for(make_user("admin")).get(f"/registry/imports/template/{kind}.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 2 and wb.worksheets[0]["A1"].comment is not None


def test_template_is_built_once_per_language(make_user, client_for):
    """The workbook is kept per process and language: the second download is the same bytes, and the other
    language's download has its own (translated) help sheet, not the first one's."""
    client = client_for(make_user("officer"))
    zh = [client.get("/registry/imports/template/talents.xlsx", headers={"accept-language": "zh-hans"})
          for _ in range(2)]
    en = client.get("/registry/imports/template/talents.xlsx", headers={"accept-language": "en"})
    assert zh[0].content == zh[1].content
    help_zh = openpyxl.load_workbook(io.BytesIO(zh[0].content)).worksheets[1]
    help_en = openpyxl.load_workbook(io.BytesIO(en.content)).worksheets[1]
    assert help_en["C1"].value == "Required" and help_zh["C1"].value != "Required"


def test_officers_see_only_their_districts_jobs(references, make_user, client_for, tmp_path):
    xihu, yuhang, admin = make_user("officer"), make_user("officer", scope_division="330110"), make_user("admin")
    client_for(xihu).post("/registry/imports/", {"kind": "talents",
                                                 "file": upload(tmp_path, bad_rows(), name="xihu-list.xlsx")})
    job = ImportJob.objects.get()
    assert client_for(yuhang).get(f"/registry/imports/{job.pk}/").status_code == 404
    assert "xihu-list.xlsx" not in client_for(yuhang).get("/registry/imports/").content.decode()
    assert "xihu-list.xlsx" in client_for(admin).get("/registry/imports/").content.decode()
    assert client_for(admin).get(f"/registry/imports/{job.pk}/").status_code == 200
    assert client_for(yuhang).get(f"/api/v1/imports/{job.pk}").status_code == 404


def test_an_officer_cannot_update_another_districts_person(references, make_user, client_for, tmp_path):
    number = rid()
    client_for(make_user("officer", scope_division="330110")).post(
        "/registry/imports/", {"kind": "talents", "file": upload(tmp_path, [TALENT_HEADER, talent_row("张三", number)])})
    client_for(make_user("officer")).post(
        "/registry/imports/", {"kind": "talents", "file": upload(tmp_path, [TALENT_HEADER, talent_row("改名", number)],
                                                                  name="u.xlsx")})
    job = ImportJob.objects.order_by("-id").first()
    assert job.rejected == 1 and "another district" in job.row_errors.get().reason
    assert Talent.objects.get().name == "张三"


@pytest.mark.parametrize("role", ["talent", "enterprise"])
def test_talent_and_enterprise_get_403_and_nothing_is_stored(references, make_user, client_for, tmp_path, role):
    client = client_for(make_user(role))
    rows = [TALENT_HEADER, talent_row("张三", rid())]
    assert client.post("/registry/imports/", {"kind": "talents", "file": upload(tmp_path, rows)}).status_code == 403
    api = client.post("/api/v1/imports/", {"kind": "talents", "file": upload(tmp_path, rows)})
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    assert client.get("/registry/imports/").status_code == 403
    assert client.get("/registry/imports/template/talents.xlsx").status_code == 403
    assert client.get("/api/v1/imports/").status_code == 403
    assert not ImportJob.objects.exists() and not Talent.objects.exists() and not ChangeRecord.objects.exists()


def test_anonymous_is_sent_to_login(client):
    assert client.get("/registry/imports/").status_code == 302
    assert client.get("/api/v1/imports/").status_code == 401


def test_api_create_status_and_errors(references, make_user, client_for, tmp_path):
    client = client_for(make_user("officer"))
    response = client.post("/api/v1/imports/", {"kind": "talents", "file": upload(tmp_path, bad_rows())})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["new"], body["rejected"], body["summary"]) == \
        ("done", 1, 2, "3 rows: 1 new, 0 updated, 0 unchanged, 2 rejected")
    status = client.get(f"/api/v1/imports/{body['id']}").json()
    assert status["rows_done"] == 3 and status["percent"] == 100
    errors = client.get(f"/api/v1/imports/{body['id']}/errors").json()
    assert errors["count"] == 2 and [e["row"] for e in errors["items"]] == [3, 4]
    assert errors["items"][0]["column"] == "手机号"
    refused = client.post("/api/v1/imports/", {"kind": "pets", "file": upload(tmp_path, bad_rows())})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "unknown_kind"


def test_api_rejects_files_over_the_limit_before_storing(references, make_user, client_for, tmp_path, settings):
    settings.TALENTPOOL_IMPORT_MAX_BYTES = 100
    client = client_for(make_user("officer"))
    response = client.post("/api/v1/imports/", {"kind": "talents", "file": upload(tmp_path, bad_rows())})
    assert response.status_code == 400 and response.json()["error"]["code"] == "file_too_large"
    assert not ImportJob.objects.exists()


def test_resume_button_continues_an_unfinished_job(references, make_user, client_for, tmp_path, settings):
    from talentpool.registry.importing import import_job_create

    settings.TALENTPOOL_IMPORT_CHUNK_ROWS = 1
    officer = make_user("officer")
    rows = [TALENT_HEADER, talent_row("张三", rid()), talent_row("李四", rid())]
    job = import_job_create(actor=officer, kind="talents", upload=upload(tmp_path, rows), filename="t.xlsx")
    client = client_for(officer)
    assert "Resume" in client.get(f"/registry/imports/{job.pk}/").content.decode()
    assert client.post(f"/registry/imports/{job.pk}/resume/").status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.new == 2
