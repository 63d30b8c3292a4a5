"""The talent's "booths I want to meet" list made in Python (fairs.choice_rows) is the HTML the template's loop
wrote over the booths read as models: booths with no job, one job and several (newest first), a booth chosen with
a job, chosen without one, not chosen, names that must be escaped, both languages; only approved booths of the
fair, in id order."""

from __future__ import annotations

import pytest
from django.db.models import Prefetch
from django.template import engines
from django.utils import translation
from factories.registry import make_enterprise

from talentpool.fairs.choice_rows import booth_choices, booth_choices_html
from talentpool.fairs.models import Booth, BoothStatus, Choice
from talentpool.recruitment.models import Job, JobStatus

from .conftest import at

# the loop of fairs/registration.html before the list was made in Python
OLD = """{% load i18n %}{% for b in booths %}<label><input type="checkbox" name="booths" value="{{ b.pk }}"{% if b.pk in chosen %} checked{% endif %}> {{ b.enterprise.name }}</label>{% if b.job_list %} <select name="job_{{ b.pk }}" aria-label="{% translate 'Job' %}">{% for j in b.job_list %}<option value="{{ j.pk }}"{% if j.pk == b.chosen_job %} selected{% endif %}>{{ j.title }}</option>{% endfor %}</select>{% endif %}{% endfor %}"""


def _old(reg) -> str:
    chosen = {c.booth_id: c for c in reg.choices.select_related("booth__enterprise")}
    booths = list(Booth.objects.filter(fair=reg.fair, status=BoothStatus.APPROVED).select_related("enterprise")
                  .prefetch_related(Prefetch("jobs", Job.objects.only("id", "title")))[:200])
    for booth in booths:
        booth.job_list, booth.chosen_job = list(booth.jobs.all()), getattr(chosen.get(booth.pk), "job_id", None)
    return engines["django"].from_string(OLD).render({"booths": booths, "chosen": chosen})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_booth_list_is_the_template_list(fw, language):
    reg, hr = fw.registration, fw.world.hr.enterprise
    booths = [fw.booth]
    for n, name in enumerate(["<b>O'Neil & Co</b>", "无岗位公司", "多岗位\"公司\"", "未选公司"]):
        booths.append(Booth.objects.create(fair=fw.fair, enterprise=make_enterprise(name=name), interviewers=1,
                                           status=BoothStatus.APPROVED, opens_at=at(9), closes_at=at(13),
                                           stand=f"B{n}"))
    Booth.objects.create(fair=fw.fair, enterprise=make_enterprise(name="待审"), opens_at=at(9), closes_at=at(13))
    jobs = [Job.objects.create(enterprise=hr, title=title, occupation_code="2-02-10-03", division="330106",
                               status=JobStatus.OPEN) for title in ("算法<工程师>", "测试 & 运维", "产品经理")]
    booths[1].jobs.set(jobs[:1])
    booths[3].jobs.set(jobs)
    booths[4].jobs.set(jobs[1:])
    Choice.objects.create(registration=reg, booth=booths[3], job=jobs[1], reason="近", recommended=True)
    Choice.objects.create(registration=reg, booth=booths[1])
    Choice.objects.create(registration=reg, booth=booths[2])
    chosen = {c.booth_id: c.job_id for c in reg.choices.all()}
    with translation.override(language):
        new = booth_choices_html(booth_choices(reg.fair_id), chosen)
        old = _old(reg)
    assert new == old
    assert " selected>测试 &amp; 运维</option>" in new and "待审" not in new and new.count("<select") == 4
    assert new.count(" checked>") == 3 and "&lt;b&gt;O&#x27;Neil &amp; Co&lt;/b&gt;" in new
