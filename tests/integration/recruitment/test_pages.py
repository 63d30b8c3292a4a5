"""The recruitment pages × every role: an enterprise sees only its own jobs and applicants (and never a talent
who neither applied nor consented), a talent only open jobs and its own applications, an officer only its
district; denied reads leak no name and denied writes change nothing. Plus the page flows that only pages do."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from factories.matrix import check_page_headers

from talentpool.recruitment import services
from talentpool.recruitment.models import (
    Application,
    ApplicationNote,
    Interview,
    Job,
    JobProfile,
    StageChange,
)

ROLES = ["anonymous", "talent", "enterprise", "enterprise_other", "officer", "officer_other", "admin"]

PAGES = [
    ("get", "/recruitment/profile/", {"talent": 200}),
    ("post", "/recruitment/profile/", {"talent": 302}),
    ("get", "/recruitment/jobs/", {"talent": 200}),
    ("get", "/recruitment/jobs/{job}/", {"talent": 200, "enterprise": 200, "enterprise_other": 404, "officer": 200,
                                         "officer_other": 404}),
    ("post", "/recruitment/jobs/{job_open}/apply/", {"talent": 302}),
    ("get", "/recruitment/applications/mine/", {"talent": 200}),
    ("get", "/recruitment/applications/mine/{application}/", {"talent": 200}),
    ("post", "/recruitment/applications/mine/{application}/", {"talent": 302}),
    ("get", "/recruitment/my-jobs/", {"enterprise": 200, "enterprise_other": 200}),
    ("get", "/recruitment/my-jobs/new/", {"enterprise": 200, "enterprise_other": 200}),
    ("post", "/recruitment/my-jobs/new/", {"enterprise": 400, "enterprise_other": 400}),
    ("get", "/recruitment/my-jobs/{job}/edit/", {"enterprise": 200, "enterprise_other": 404}),
    ("post", "/recruitment/my-jobs/{job}/status/", {"enterprise": 302, "enterprise_other": 404}),
    ("get", "/recruitment/my-jobs/{job}/pipeline/", {"enterprise": 200, "enterprise_other": 404}),
    ("get", "/recruitment/applications/", {"enterprise": 200, "enterprise_other": 200, "officer": 200,
                                           "officer_other": 200}),
    ("get", "/recruitment/applications/{application}/", {"enterprise": 200, "enterprise_other": 404}),
    ("post", "/recruitment/applications/{application}/", {"enterprise": 302, "enterprise_other": 404}),
    ("get", "/recruitment/overview/", {"officer": 200, "officer_other": 200}),
    ("get", "/recruitment/district-jobs/", {"officer": 200, "officer_other": 200}),
    ("post", "/recruitment/jobs/{job}/moderate/", {"officer": 302, "officer_other": 404}),
    ("get", "/recruitment/stages/", {"enterprise": 200, "enterprise_other": 200}),
    ("post", "/recruitment/stages/", {"enterprise": 302, "enterprise_other": 302}),
    ("get", "/recruitment/partners/", {"admin": 200}),
    ("post", "/recruitment/partners/", {"admin": 200}),
]

BODIES = {
    ("post", "/recruitment/profile/"): {"resume": "熟悉Python", "skills": "Python"},
    ("post", "/recruitment/applications/mine/{application}/"): {"action": "withdraw", "reason": "已找到工作"},
    ("post", "/recruitment/my-jobs/new/"): {"title": "", "description": "", "occupation_code": "2-02-10-03"},
    ("post", "/recruitment/my-jobs/{job}/status/"): {"status": "paused"},
    ("post", "/recruitment/applications/{application}/"): {"action": "note", "text": "沟通顺畅"},
    ("post", "/recruitment/jobs/{job}/moderate/"): {"hidden": "1", "note": "薪资描述不实"},
    ("post", "/recruitment/stages/"): {"stages": "applied 已投递 Applied\nscreening 筛选 Screening\ninterview 面试 Interview\n"
                                               "test 笔试 Test\noffer 录用通知 Offer\nhired 已录用 Hired"},
    ("post", "/recruitment/partners/"): {"name": "杭州人才网", "scope": ["jobs:read"]},
}


def _users(rec):
    w = rec.world
    return {"talent": w.talent_user, "enterprise": w.hr, "enterprise_other": w.hr_other, "officer": w.officer,
            "officer_other": w.officer_other, "admin": w.admin}


def _state():
    return (list(Job.objects.order_by("pk").values_list("status", "hidden")), Application.objects.count(),
            list(Application.objects.order_by("pk").values_list("stage", "outcome")), StageChange.objects.count(),
            ApplicationNote.objects.count(), Interview.objects.count(),
            list(JobProfile.objects.order_by("pk").values_list("resume", flat=True)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), PAGES, ids=[p[1] + ":" + p[0] for p in PAGES])
def test_page_matrix(client, rec, role, method, template, allowed):
    if role != "anonymous":
        client.force_login(_users(rec)[role])
    path = template.format(job=rec.job.pk, job_open=rec.job_open.pk, application=rec.application.pk)
    before = _state()
    response = getattr(client, method)(path, BODIES.get((method, template), {}))
    check_page_headers(response)
    if role in allowed:
        assert response.status_code == allowed[role], (role, path, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (role, path, response.status_code)
    if role not in allowed or allowed[role] == 404:
        assert "李明" not in response.content.decode()
        assert _state() == before


def test_every_recruitment_page_is_in_the_matrix():
    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    listed = {t.strip("/") for _, t, _ in PAGES}
    names = ("{job}", "{job_open}", "{application}")
    missing = [r for r in walk(get_resolver()) if r.startswith("recruitment/")
               and not any(r.replace("<int:pk>", n).strip("/") in listed for n in names)]
    assert missing == []


def test_an_enterprise_sees_only_consenting_or_applying_talents_as_candidates(client, rec):
    client.force_login(rec.world.hr)
    page = client.get(f"/recruitment/jobs/{rec.job.pk}/").content.decode()
    assert 'id="candidates"' in page
    assert "李明" in page  # applied
    assert "王芳" not in page  # profile without consent, never applied
    client.force_login(rec.world.hr_other)
    assert client.get(f"/recruitment/applications/{rec.application.pk}/").status_code == 404


def test_an_enterprise_sets_its_stages_and_an_admin_registers_a_partner(client, rec):
    from talentpool.recruitment.models import Partner, PipelineSettings
    from talentpool.recruitment.services import partner_authenticate

    client.force_login(rec.world.hr)
    bad = client.post("/recruitment/stages/", {"stages": "screening 筛选 Screening\nhired 已录用 Hired"})
    assert bad.status_code == 400 and 'data-field="stages"' in bad.content.decode()
    assert not PipelineSettings.objects.exists()
    in_use = client.post("/recruitment/stages/", {"stages": "applied 已投递 Applied\ninterview 面试 Interview\nhired 已录用 Hired"})
    assert in_use.status_code == 400  # applications are in the stages this would remove
    client.post("/recruitment/stages/", {"stages": "applied 已投递 Applied\nscreening 筛选 Screening\n"
                                                   "interview 面试 Interview\ntest 笔试 Written test\n"
                                                   "offer 录用通知 Offer\nhired 已录用 Hired"})
    codes = [s["code"] for s in PipelineSettings.objects.get(enterprise=rec.world.hr.enterprise).stages]
    assert codes == ["applied", "screening", "interview", "test", "offer", "hired"]
    client.force_login(rec.world.admin)
    page = client.post("/recruitment/partners/", {"name": "智联伙伴", "scope": ["jobs:read", "candidates:read"]})
    key = page.content.decode().split("<code>")[1].split("</code>")[0]
    partner = Partner.objects.get(name="智联伙伴")
    assert partner_authenticate(key) == partner and key not in str(partner.__dict__)
    client.post("/recruitment/partners/", {"action": "deactivate", "partner": partner.pk})
    partner.refresh_from_db()
    assert not partner.active


def test_a_bad_job_is_refused_naming_the_field(client, rec):
    client.force_login(rec.world.hr)
    response = client.post("/recruitment/my-jobs/new/", {
        "title": "测试", "description": "负责测试", "occupation_code": "2-02-10-03", "salary_min": "20000",
        "salary_max": "10000"})
    assert response.status_code == 400 and 'data-field="salary_min"' in response.content.decode()
    response = client.post("/recruitment/my-jobs/new/", {
        "title": "<b>测试</b>工程师", "description": "负责测试", "occupation_code": "9-99-99-99"})
    assert response.status_code == 400 and 'data-field="occupation_code"' in response.content.decode()
    assert not Job.objects.filter(title__contains="测试").exists()


def test_the_application_page_names_the_stage_by_the_employers_own_stages(client, rec):
    """The employer's stages come with the application (one read): renamed or added, the next page shows them."""
    hr = rec.world.hr
    client.force_login(hr)
    page = f"/recruitment/applications/{rec.application.pk}/"
    assert 'data-stage="interview"' in client.get(page).content.decode()
    stages = [{"code": "applied", "zh": "已投递", "en": "Applied"}, {"code": "tech_test", "zh": "笔试", "en": "Test"},
              {"code": "interview", "zh": "技术面谈", "en": "Tech talk"}, {"code": "offer", "zh": "录用通知", "en": "Offer"},
              {"code": "hired", "zh": "录用", "en": "Hired"}]
    services.pipeline_stages_set(actor=hr, stages=stages)
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-outcome="">技术面谈</span>' in html
    assert '<option value="tech_test">笔试</option>' in html
