"""Attachments through the API: uploaded with the type judged by content and a size limit checked before reading,
listed and downloaded by the ticket's readers (as an attachment, never cached); a talent gets neither the list
entry nor the content of an internal note's file, and cannot upload one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from talentpool.core.models import AuditEvent
from talentpool.servicedesk import services
from talentpool.servicedesk.attachments import MAX_BYTES
from talentpool.servicedesk.models import Attachment, Service

from .conftest import NOW

API = "/api/v1/services"
PDF = b"%PDF-1.4\n%scan\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _ticket(desk):
    return services.ticket_raise(actor=desk.world.talent_user, talent=desk.world.talent, subject="", body="请帮我",
                                 service=Service.objects.get(code="resume-clinic"), now=NOW)


def test_upload_list_and_download(desk, clock):
    ticket = _ticket(desk)
    talent, officer = login(desk.world.talent_user), login(desk.world.officer)
    made = talent.post(f"{API}/tickets/{ticket.pk}/attachments",
                       {"files": [SimpleUploadedFile("cv.pdf", PDF), SimpleUploadedFile("photo.png", PNG)]})
    assert made.status_code == 201
    assert [(f["name"], f["content_type"], f["size"], f["internal"]) for f in made.json()] == [
        ("cv.pdf", "application/pdf", len(PDF), False), ("photo.png", "image/png", len(PNG), False)]
    note = officer.post(f"{API}/tickets/{ticket.pk}/attachments",
                        {"files": [SimpleUploadedFile("check.pdf", PDF)], "internal": "true"})
    assert note.status_code == 201 and note.json()[0]["internal"] is True
    assert [f["name"] for f in talent.get(f"{API}/tickets/{ticket.pk}/attachments").json()] == ["cv.pdf", "photo.png"]
    assert [f["name"] for f in officer.get(f"{API}/tickets/{ticket.pk}/attachments").json()] == [
        "cv.pdf", "photo.png", "check.pdf"]
    cv = Attachment.objects.get(name="cv.pdf")
    got = talent.get(f"{API}/attachments/{cv.pk}")
    assert got.status_code == 200 and got.content == PDF
    assert got["Content-Disposition"].startswith("attachment;") and got["Cache-Control"] == "no-store"
    assert talent.get(f"{API}/attachments/{note.json()[0]['id']}").status_code == 404
    assert officer.get(f"{API}/attachments/{note.json()[0]['id']}").content == PDF
    assert AuditEvent.objects.filter(target=f"ticket:{ticket.pk}", detail__op="attach").count() == 2


def test_a_bad_file_is_refused_naming_it_and_nothing_is_kept(desk, clock):
    ticket = _ticket(desk)
    talent = login(desk.world.talent_user)
    cases = (([SimpleUploadedFile("cv.pdf", b"just text")], "bad_type", "cv.pdf"),
             ([SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * MAX_BYTES)], "too_large", "big.pdf"),
             ([SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("empty.pdf", b"")], "empty", "empty.pdf"),
             ([SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)], "too_many_files", "5"))
    for files, code, words in cases:
        response = talent.post(f"{API}/tickets/{ticket.pk}/attachments", {"files": files})
        body = response.json()["error"]
        assert response.status_code == 400, body
        assert body["code"] == code and words in body["message"], body
    assert not Attachment.objects.exists()


def test_a_talent_cannot_upload_an_internal_file_nor_to_a_closed_ticket(desk, clock):
    ticket = _ticket(desk)
    talent = login(desk.world.talent_user)
    files = {"files": [SimpleUploadedFile("cv.pdf", PDF)], "internal": "true"}
    assert talent.post(f"{API}/tickets/{ticket.pk}/attachments", files).status_code == 403
    services.ticket_resolve(actor=desk.world.officer, ticket=ticket, body="好了", now=NOW)
    services.ticket_close(actor=desk.world.talent_user, ticket=ticket, rating=5, now=NOW)
    closed = talent.post(f"{API}/tickets/{ticket.pk}/attachments", {"files": [SimpleUploadedFile("cv.pdf", PDF)]})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "closed"
    assert not Attachment.objects.exists()


@pytest.mark.usefixtures("no_page_cache")
def test_the_ticket_detail_answers_its_fields_and_thread_in_three_queries(desk, clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ticket = _ticket(desk)
    services.ticket_assign(actor=desk.world.officer, ticket=ticket, officer=desk.second)
    services.ticket_reply(actor=desk.world.officer, ticket=ticket, body="内部", internal=True, now=NOW)
    services.ticket_reply(actor=desk.world.officer, ticket=ticket, body="请上传简历", now=NOW)
    talent, officer = login(desk.world.talent_user), login(desk.world.officer)
    talent.post(f"{API}/tickets/{ticket.pk}/attachments", {"files": [SimpleUploadedFile("cv.pdf", PDF)]})
    for client, notes in ((officer, True), (talent, False)):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(f"{API}/tickets/{ticket.pk}").json()
        assert len(ctx.captured_queries) == 3  # the user, the ticket, its thread: no file nor talent read
        t = body["ticket"]
        assert (t["id"], t["service"], t["status"], t["assignee"]) == (ticket.pk, "resume-clinic", "open", "周敏")
        assert t["priority"] == "normal" and t["reopened"] == 0
        assert [(m["kind"], m["body"]) for m in body["messages"] if m["kind"] != "event"] == (
            [("reply", "请帮我"), ("note", "内部"), ("reply", "请上传简历")] if notes
            else [("reply", "请帮我"), ("reply", "请上传简历")])
    assert login(desk.world.officer_other).get(f"{API}/tickets/{ticket.pk}").status_code == 404
