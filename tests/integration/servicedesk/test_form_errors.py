"""All of a form's refusals at once, each beside its field, the rest of the input kept: raising a ticket for a
talent (no talent picked, no message) and asking for a service (no message, a bad file)."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from talentpool.servicedesk.models import Service, Team, Ticket


def login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def _beside(html: str) -> set[str]:
    return set(re.findall(r'class="bad field-error" role="alert" data-field="([a-z_]+)"', html))


def test_raising_shows_the_talent_and_the_message_refused_and_keeps_the_rest(desk, clock):
    response = login(desk.world.officer).post("/services/console/new/", {
        "talent": "没有这个人", "service": "legal-aid", "priority": "high", "subject": "租房纠纷", "body": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert _beside(html) == {"talent", "body"}
    assert 'value="没有这个人"' in html and 'value="租房纠纷"' in html
    assert '<option value="high" selected>' in html and re.search(r'value="legal-aid" selected', html)


def test_the_picker_choice_names_the_talent(desk, clock):
    colleague = desk.world.colleague
    officer = login(desk.world.officer)
    rows = officer.get("/registry/talents/pick.json", {"q": colleague.name}).json()
    assert f"{colleague.name} {colleague.id_masked}" in [r["value"] for r in rows]
    response = officer.post("/services/console/new/", {"talent": f"{colleague.name} {colleague.id_masked}",
                                                       "service": "legal-aid", "body": "电话来访"})
    assert response.status_code == 302 and Ticket.objects.get().talent == colleague
    assert login(desk.world.officer_other).get("/registry/talents/pick.json", {"q": colleague.name}).json() == []


def test_asking_shows_the_message_and_the_file_refused_and_keeps_the_subject(desk, clock):
    response = login(desk.world.talent_user).post("/services/ask/resume-clinic/", {
        "subject": "简历修改", "body": "", "files": SimpleUploadedFile("virus.pdf", b"MZ\x90", "application/pdf")})
    html = response.content.decode()
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert _beside(html) == {"body", "files"} and "virus.pdf" in html
    assert 'value="简历修改"' in html


def test_a_new_team_with_a_bad_code_and_an_empty_name_shows_both_and_keeps_the_lead(desk, clock):
    before = Team.objects.count()
    response = login(desk.head).post("/services/teams/", {"code": "IP Desk!", "name": " ",
                                                          "lead": desk.lead.user.username})
    html = response.content.decode()
    assert response.status_code == 400 and Team.objects.count() == before
    assert _beside(html) == {"code", "name"}
    assert 'value="IP Desk!"' in html and f'<option value="{desk.lead.user.username}" selected>' in html


def test_renaming_a_team_to_nothing_with_an_unknown_lead_shows_both(desk, clock):
    team = Team.objects.first()
    response = login(desk.head).post(f"/services/teams/{team.pk}/", {"action": "rename", "name": "x" * 81,
                                                                      "lead": "nobody"})
    html = response.content.decode()
    assert response.status_code == 400 and _beside(html) == {"name", "lead"}
    assert f'value="{"x" * 81}"' in html
    team.refresh_from_db()
    assert team.name != "x" * 81


def test_a_catalogue_edit_with_a_bad_criterion_and_a_missing_time_shows_both_and_keeps_the_rest(desk, clock):
    service = Service.objects.get(code="resume-clinic")
    form = {"name_zh": "简历诊断（新）", "name_en": "CV review", "criterion": "salary > 1", "active": "1",
            **{f"sla-{code}-{part}": minutes for code in ("low", "normal", "high", "urgent")
               for part, minutes in (("response", "1"), ("resolution", "2"))},
            "sla-low-response": "", "materials": "简历 | CV", "team": service.team_id}
    response = login(desk.world.officer).post(f"/services/catalogue/{service.pk}/", form)
    html = response.content.decode()
    assert response.status_code == 400 and _beside(html) == {"criterion", "sla"}
    assert 'value="简历诊断（新）"' in html and 'value="salary &gt; 1"' in html and "简历 | CV" in html
    service.refresh_from_db()
    assert service.name_zh != "简历诊断（新）"
