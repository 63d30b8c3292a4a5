"""``talentpool match`` (jobs for a talent by ID number, talents for a job, rebuild) and the demo data."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from talentpool.core.crypto import decrypt_text
from talentpool.core.models import AuditEvent
from talentpool.recruitment.matching import LiveIndex, live_index


def _run(*args) -> str:
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    return out.getvalue()


def test_match_jobs_by_id_number_as_a_table_and_as_json(rec):
    w = rec.world
    number = decrypt_text(w.talent.id_number_encrypted)
    out = _run("jobs", "--talent", number, "-k", "3", "--lang", "en")
    lines = out.strip().splitlines()
    assert lines[0] == f"Jobs for talent {w.talent.pk} (李明): 3"
    assert lines[1].split()[:5] == ["#", "score", "job", "title", "enterprise"]
    first = lines[2].split()
    assert first[0] == "1" and 0 < float(first[1]) <= 1
    assert number not in out
    data = json.loads(_run("jobs", "--talent", number, "-k", "3", "--json"))
    assert [m["rank"] for m in data["matches"]] == [1, 2, 3]
    assert str(data["matches"][0]["job"]) == first[2]
    assert data["matches"][0]["explanation"]["contributions"]
    assert [m["score"] for m in data["matches"]] == sorted((m["score"] for m in data["matches"]), reverse=True)
    assert AuditEvent.objects.filter(action="view_person", subject_talent_id=w.talent.pk,
                                     detail__channel="cli:match").count() == 2


def test_match_talents_for_a_job_applies_the_consent_rule(rec):
    w = rec.world
    data = json.loads(_run("talents", "--job", str(rec.job.pk), "--json"))
    ids = {m["talent"] for m in data["matches"]}
    assert ids == {w.talent.pk, w.talent_other_district.pk}  # applicant and consenting; not 王芳
    applied = next(m for m in data["matches"] if m["talent"] == w.talent.pk)
    assert (applied["applied"], applied["stage"]) == (True, "interview")
    table = _run("talents", "--job", str(rec.job.pk), "--lang", "en")
    assert table.splitlines()[0].startswith(f"Talents for job {rec.job.pk} (Python后端开发工程师")
    assert "interview" in table and "王芳" not in table


def test_match_errors(rec):
    with pytest.raises(CommandError, match="No talent"):
        _run("jobs", "--talent", "110101199003077777")
    with pytest.raises(CommandError, match="No job 999"):
        _run("talents", "--job", "999")


def test_match_rebuild_saves_an_index_other_processes_load(rec):
    out = _run("rebuild")
    assert out.startswith("Index built in ") and "3 talents, 4 jobs, saved to" in out
    assert (live_index().directory / "index" / "watermark.json").exists()
    fresh = LiveIndex()
    assert fresh.index().job_count == 4 and fresh.last_build.source == "saved"


@pytest.mark.django_db
def test_demo_recruitment_fills_every_portal():
    from talentpool.accounts.models import User
    from talentpool.recruitment.demo import demo_recruitment
    from talentpool.recruitment.models import Application, Interview, Job, JobProfile, MatchChange
    from talentpool.recruitment.selectors import recommended_jobs
    from talentpool.reference.services import reference_load
    from talentpool.registry.demo import demo_generate

    reference_load()
    demo_generate(talents=150, enterprises=20, seed=5)
    counts = demo_recruitment(5, jobs=60)
    assert (counts["jobs"], Job.objects.count()) == (60, 60)
    assert counts["profiles"] == JobProfile.objects.count() and 110 <= counts["profiles"] <= 145
    consenting = JobProfile.objects.filter(consent_search=True).count() / counts["profiles"]
    assert 0.45 <= consenting <= 0.75
    hr = User.objects.get(username="hr")
    assert Job.objects.filter(enterprise=hr.enterprise, status="open").count() >= 6
    stages = set(Application.objects.filter(job__enterprise=hr.enterprise).values_list("stage", flat=True))
    assert {"applied", "screening", "interview", "offer", "hired"} <= stages
    outcomes = set(Application.objects.values_list("outcome", flat=True))
    assert {"", "rejected", "withdrawn", "hired"} <= outcomes
    hired = Application.objects.filter(outcome="hired")
    assert hired.exists() and all(a.employment_id for a in hired)
    talent = User.objects.get(username="talent")
    mine = Application.objects.filter(talent__user=talent)
    assert mine.count() == 2 and Interview.objects.filter(application__in=mine, status="scheduled").exists()
    assert JobProfile.objects.get(talent__user=talent).consent_search
    assert MatchChange.objects.filter(kind="all").exists()
    from talentpool.reference.selectors import reference_codes

    occupations, majors = reference_codes("occupations"), reference_codes("majors")
    for job in Job.objects.select_related("enterprise"):  # every code is one the services would accept
        assert job.division == job.enterprise.division and job.title
        assert job.occupation_code in occupations and set(job.accepted_majors) <= majors
    assert recommended_jobs(talent, 5)
    # coherent with the registry: hires (starting in two weeks) not certified yet; a résumé's first sentence
    # names the registry's highest degree and its year
    from talentpool.registry.models import Education, Employment

    assert not Employment.objects.filter(pk__in=hired.values("employment_id"), certified_at__isnull=False).exists()
    words = {"junior_college": "大专", "bachelor": "本科", "master": "硕士研究生", "doctor": "博士研究生"}
    ranks = {"junior_college": 1, "bachelor": 2, "master": 3, "doctor": 4}
    checked = 0
    for profile in JobProfile.objects.all():
        educations = list(Education.objects.filter(talent_id=profile.talent_id))
        if not educations:
            continue
        top = max(educations, key=lambda e: (ranks[e.degree], e.graduation_date))
        first = profile.resume.split("。")[0]
        assert first.startswith(words[top.degree] + "学历") and str(top.graduation_date.year) in first, first
        checked += 1
    assert checked > 50
