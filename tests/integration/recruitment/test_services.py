"""Recruitment services: every bad-input rule with the field it names, cleaning with the stated limits, one
application per job, the pipeline with its history, interviews with their .ics invitation and notices, offers,
the hire feeding the registry, and moderation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.translation import gettext
from icalendar import Calendar

from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditEvent, ChangeRecord, Notice
from talentpool.recruitment import services
from talentpool.recruitment.ics import interview_ics
from talentpool.recruitment.models import (
    Application,
    Interview,
    Job,
    JobProfile,
    PipelineSettings,
    StageChange,
)
from talentpool.recruitment.selectors import job_get, job_pipeline
from talentpool.registry.models import Employment

from .conftest import ACCOUNTING_JOB, NOW, SOFTWARE_JOB, TODAY, future


def _error(fn, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        fn(**kwargs)
    return caught.value


# --- bad input ----------------------------------------------------------------------------------------------------

BAD_JOBS = [
    ("salary minimum above maximum", {"salary_min": 20000, "salary_max": 15000}, "salary_min", "salary_range"),
    ("negative salary", {"salary_min": -1}, "salary_min", "invalid"),
    ("deadline in the past", {"deadline": "2020-01-01"}, "deadline", "in_past"),
    ("unknown occupation", {"occupation_code": "9-99-99-99"}, "occupation_code", "unknown_code"),
    ("no occupation", {"occupation_code": ""}, "occupation_code", "required"),
    ("unknown major", {"accepted_majors": ["0809", "9999"]}, "accepted_majors", "unknown_code"),
    ("malformed major", {"accepted_majors": ["computer"]}, "accepted_majors", "unknown_code"),
    ("unknown division", {"division": "999999"}, "division", "unknown_code"),
    ("division not six digits", {"division": "3301"}, "division", "unknown_code"),
    ("no text at all", {"title": "", "description": ""}, "title", "no_text"),
    ("only markup and emoji", {"title": "<b></b>😀\u200b", "description": "<p> </p>"}, "title", "no_text"),
    ("no title", {"title": "  ", "description": "岗位职责"}, "title", "required"),
    ("title too long", {"title": "工" * 81}, "title", "too_long"),
    ("description too long", {"description": "岗" * 5001}, "description", "too_long"),
    ("years above 50", {"min_years": 51}, "min_years", "invalid"),
    ("years not a number", {"min_years": "three"}, "min_years", "invalid"),
    ("headcount zero", {"headcount": 0}, "headcount", "invalid"),
    ("unknown degree", {"min_degree": "phd"}, "min_degree", "invalid"),
    ("status not new", {"status": "filled"}, "status", "invalid"),
]


@pytest.mark.parametrize(("case", "change", "field", "code"), BAD_JOBS, ids=[b[0] for b in BAD_JOBS])
def test_bad_job_input_is_refused_naming_the_field(world, case, change, field, code):
    error = _error(services.job_create, actor=world.hr, **(SOFTWARE_JOB | change))
    assert (error.field, error.code) == (field, code)
    assert str(error.message)
    assert Job.objects.count() == 0


def test_limits_are_stated_in_the_errors(world):
    error = _error(services.job_create, actor=world.hr, **(SOFTWARE_JOB | {"title": "工" * 81}))
    assert "81" in error.message and "80" in error.message
    error = _error(services.job_create, actor=world.hr, **(SOFTWARE_JOB | {"description": "岗" * 5001}))
    assert "5,001" in error.message and "5,000" in error.message


def test_html_emoji_and_control_characters_are_cleaned_from_a_job(world):
    job = services.job_create(actor=world.hr, **(SOFTWARE_JOB | {
        "title": "<b>Python</b>工程师😀\x00", "description": "<script>alert(1)</script><p>负责&amp;开发</p>\u200b",
        "skills": ["ＰＹＴＨＯＮ", "python", " Django "]}))
    job.refresh_from_db()
    assert job.title == "Python 工程师"
    assert job.description == "负责&开发"
    assert job.skills == ["python", "django"]


def test_a_past_deadline_is_checked_only_when_it_changes(world):
    job = services.job_create(actor=world.hr, **SOFTWARE_JOB)
    Job.objects.filter(pk=job.pk).update(deadline=dt.date(2020, 1, 1))
    services.job_update(actor=world.hr, job_id=job.pk, title="新标题", deadline=dt.date(2020, 1, 1))
    assert Job.objects.get(pk=job.pk).title == "新标题"
    error = _error(services.job_update, actor=world.hr, job_id=job.pk, deadline=dt.date(2020, 1, 2))
    assert (error.field, error.code) == ("deadline", "in_past")
    error = _error(services.job_update, actor=world.hr, job_id=job.pk, salary_min=30000)  # above the stored max
    assert (error.field, error.code) == ("salary_min", "salary_range")
    assert Job.objects.get(pk=job.pk).salary_min == 12000


def test_opening_a_job_whose_deadline_passed_is_refused(world):
    job = services.job_create(actor=world.hr, **SOFTWARE_JOB)
    Job.objects.filter(pk=job.pk).update(deadline=dt.date(2020, 1, 1))
    error = _error(services.job_set_status, actor=world.hr, job_id=job.pk, status="open")
    assert (error.field, error.code) == ("deadline", "deadline_passed")
    error = _error(services.job_set_status, actor=world.hr, job_id=job.pk, status="paused")
    assert error.code == "status_transition"
    assert Job.objects.get(pk=job.pk).status == "draft"


BAD_PROFILES = [
    ("salary minimum above maximum", {"salary_min": 9000, "salary_max": 8000}, "salary_min"),
    ("unknown desired occupation", {"desired_occupations": ["2-02-10-03", "x"]}, "desired_occupations"),
    ("unknown desired place", {"desired_divisions": ["330106", "123456"]}, "desired_divisions"),
    ("years not a number", {"years_experience": "many"}, "years_experience"),
    ("available date malformed", {"available_from": "next week"}, "available_from"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_PROFILES, ids=[b[0] for b in BAD_PROFILES])
def test_bad_profile_input_is_refused_naming_the_field(world, case, change, field):
    error = _error(services.profile_save, actor=world.talent_user, resume="简历", **change)
    assert error.field == field
    assert not JobProfile.objects.exists()


def test_a_huge_resume_full_of_html_is_cleaned_and_cut_with_the_rule_stated(world):
    huge = "<div onclick='x'>熟悉Python😀</div>\x07" + "数据" * 40_000
    profile = services.profile_save(actor=world.talent_user, resume=huge, skills=["Python"] * 3)
    profile.refresh_from_db()
    assert len(profile.resume) == 5000
    assert profile.resume.startswith("熟悉Python 数据")  # a tag becomes a space
    assert "<" not in profile.resume and "😀" not in profile.resume and "\x07" not in profile.resume
    assert profile.skills == ["python"]
    notes = " ".join(profile.cleaning_notes)
    assert "5,000" in notes and "HTML" in notes
    plain = services.profile_save(actor=world.talent_user, resume="熟悉 Python\n\n\n会计")
    assert plain.resume == "熟悉 Python\n\n会计" and plain.cleaning_notes == []


def test_only_a_talent_saves_its_own_profile(world):
    with pytest.raises(PermissionDeniedError):
        services.profile_save(actor=world.hr, resume="x")
    assert not JobProfile.objects.exists()


# --- applications -------------------------------------------------------------------------------------------------


def test_applying_twice_is_a_clear_error(rec):
    error = _error(services.apply, actor=rec.world.talent_user, job_id=rec.job.pk)
    assert error.code == "already_applied"
    assert Application.objects.filter(job=rec.job, talent=rec.world.talent).count() == 1


def test_applying_needs_an_open_visible_job_before_its_deadline(rec):
    w = rec.world
    services.job_set_status(actor=w.hr, job_id=rec.job_open.pk, status="paused")
    assert _error(services.apply, actor=w.talent_user, job_id=rec.job_open.pk).code == "job_not_open"
    services.job_set_status(actor=w.hr, job_id=rec.job_open.pk, status="open")
    Job.objects.filter(pk=rec.job_open.pk).update(deadline=TODAY - dt.timedelta(days=1))
    assert _error(services.apply, actor=w.talent_user, job_id=rec.job_open.pk).code == "deadline_passed"
    Job.objects.filter(pk=rec.job_open.pk).update(deadline=None, hidden=True)
    with pytest.raises(NotFoundError):
        services.apply(actor=w.talent_user, job_id=rec.job_open.pk)
    with pytest.raises(PermissionDeniedError):
        services.apply(actor=w.hr, job_id=rec.job_open.pk)
    assert not Application.objects.filter(job=rec.job_open).exists()


def test_an_application_tells_the_enterprise(rec):
    notice = Notice.objects.get(user=rec.world.hr, kind="application_new", title__contains="Python后端开发工程师")
    assert "李明" in notice.body
    assert not Notice.objects.filter(user=rec.world.hr_other, kind="application_new").exists()


def test_pipeline_moves_are_written_to_the_history(rec):
    w, app = rec.world, rec.offer_application  # applied, then offer (the offer moved it)
    services.application_move(actor=w.hr, application_id=app.pk, to="screening", note="简历不错")
    app.refresh_from_db()
    assert app.stage == "screening"
    history = list(StageChange.objects.filter(application=app).values_list("from_stage", "to_stage", "actor_id",
                                                                          "note"))
    offer_made = gettext("offer made")  # system notes are written in the language of the request (here zh-Hans)
    assert history == [("", "applied", w.talent_user.pk, ""), ("applied", "offer", w.hr.pk, offer_made),
                       ("offer", "screening", w.hr.pk, "简历不错")]
    assert _error(services.application_move, actor=w.hr, application_id=app.pk, to="screening").code == "same_stage"
    assert _error(services.application_move, actor=w.hr, application_id=app.pk, to="lunch").field == "to"
    error = _error(services.application_move, actor=w.hr, application_id=app.pk, to="rejected", reason="")
    assert (error.field, error.code) == ("reason", "reason_required")
    services.application_move(actor=w.hr, application_id=app.pk, to="rejected", reason="经验不足")
    app.refresh_from_db()
    assert (app.outcome, app.reason, app.stage) == ("rejected", "经验不足", "screening")
    assert StageChange.objects.filter(application=app).last().to_stage == "rejected"
    assert _error(services.application_move, actor=w.hr, application_id=app.pk, to="offer").code == \
        "application_closed"
    assert Notice.objects.filter(user=w.talent_user, kind="application_rejected", body__contains="经验不足").exists()


def test_the_talent_withdraws_with_a_reason_and_its_interviews_are_cancelled(rec):
    w = rec.world
    assert _error(services.application_move, actor=w.talent_user, application_id=rec.application.pk,
                  to="withdrawn").field == "reason"
    with pytest.raises(PermissionDeniedError):  # the enterprise cannot withdraw for the talent
        services.application_move(actor=w.hr, application_id=rec.application.pk, to="withdrawn", reason="x" * 3)
    services.application_move(actor=w.talent_user, application_id=rec.application.pk, to="withdrawn",
                              reason="已接受其他录用")
    rec.application.refresh_from_db()
    rec.interview.refresh_from_db()
    assert rec.application.outcome == "withdrawn"
    assert (rec.interview.status, rec.interview.sequence) == ("cancelled", 1)
    assert Notice.objects.filter(user=w.hr, kind="application_withdrawn").exists()


def test_another_enterprise_cannot_move_or_annotate_an_application(rec):
    w = rec.world
    for fn, kwargs in ((services.application_move, {"to": "screening"}), (services.note_add, {"text": "x"}),
                       (services.offer_make, {"start_date": TODAY + dt.timedelta(days=9)}),
                       (services.hire, {"start_date": TODAY})):
        with pytest.raises(NotFoundError):
            fn(actor=w.hr_other, application_id=rec.application.pk, **kwargs)
    rec.application.refresh_from_db()
    assert rec.application.stage == "interview" and rec.application.offer_sent_at is None
    assert not rec.application.notes.exists()


def test_custom_stages_and_a_stage_in_use_cannot_be_removed(rec):
    w = rec.world
    stages = [{"code": "applied", "zh": "已投递", "en": "Applied"}, {"code": "tech_test", "zh": "笔试", "en": "Test"},
              {"code": "interview", "zh": "面试", "en": "Interview"}, {"code": "offer", "zh": "录用通知", "en": "Offer"},
              {"code": "hired", "zh": "录用", "en": "Hired"}]
    services.pipeline_stages_set(actor=w.hr, stages=stages)
    services.application_move(actor=w.hr, application_id=rec.application.pk, to="tech_test")
    pipeline = job_pipeline(w.hr, rec.job)
    assert [c.stage["code"] for c in pipeline.columns] == ["applied", "tech_test", "interview", "offer", "hired"]
    assert [a.pk for a in pipeline.columns[1].applications] == [rec.application.pk]
    without = [s for s in stages if s["code"] != "tech_test"]
    assert _error(services.pipeline_stages_set, actor=w.hr, stages=without).code == "stage_in_use"
    assert _error(services.pipeline_stages_set, actor=w.hr, stages=stages[1:]).field == "stages"  # not from applied
    assert PipelineSettings.objects.get(enterprise=w.hr.enterprise).stages == stages


# --- interviews ---------------------------------------------------------------------------------------------------


def _ics(interview: Interview):
    interview.refresh_from_db()
    cal = Calendar.from_ical(interview_ics(interview))
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_interview_invitation_reschedule_and_cancel_in_ics(rec):
    w = rec.world
    w.talent_user.email = "liming@example.com"
    w.talent_user.save()
    cal, event = _ics(rec.interview)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == rec.interview.uid and int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert start == future(2) and str(start.tzinfo) == "Asia/Shanghai"
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai" and event.decoded("DTEND") == future(2, 11)
    assert str(event["LOCATION"]) == "西湖区文三路1号"
    assert str(event["ATTENDEE"]) == "mailto:liming@example.com" and event["ATTENDEE"].params["CN"] == "李明"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    notice = Notice.objects.get(user=w.talent_user, kind="interview_scheduled")
    assert notice.url == f"/api/v1/recruitment/interviews/{rec.interview.pk}.ics"

    services.interview_reschedule(actor=w.hr, interview_id=rec.interview.pk, starts_at=future(3, 15),
                                  ends_at=future(3, 16), video_link="https://meet.example.com/abc", location="")
    cal, event = _ics(rec.interview)
    assert int(event["SEQUENCE"]) == 1 and str(event["UID"]) == rec.interview.uid
    assert event.decoded("DTSTART") == future(3, 15)
    assert str(event["URL"]) == "https://meet.example.com/abc"
    assert Notice.objects.filter(user=w.talent_user, kind="interview_rescheduled").count() == 1

    services.interview_cancel(actor=w.hr, interview_id=rec.interview.pk, reason="面试官出差")
    cal, event = _ics(rec.interview)
    assert str(cal["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert _error(services.interview_reschedule, actor=w.hr, interview_id=rec.interview.pk, starts_at=future(4),
                  ends_at=future(4, 11)).code == "interview_state"


BAD_SLOTS = [
    ("starts in the past", {"starts_at": NOW - dt.timedelta(hours=1)}, "starts_at"),
    ("ends before it starts", {"ends_at": future(2, 9)}, "ends_at"),
    ("longer than a working day", {"ends_at": future(2, 23)}, "ends_at"),
    ("no place and no link", {"location": "", "video_link": ""}, "location"),
    ("link not http", {"video_link": "javascript:alert(1)"}, "video_link"),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_SLOTS, ids=[b[0] for b in BAD_SLOTS])
def test_bad_interview_slots_are_refused(rec, case, change, field):
    before = Interview.objects.count()
    kwargs = {"starts_at": future(2, 10), "ends_at": future(2, 11), "location": "会议室"} | change
    error = _error(services.interview_schedule, actor=rec.world.hr, application_id=rec.offer_application.pk, **kwargs)
    assert error.field == field
    assert Interview.objects.count() == before


def test_a_second_round_is_numbered_and_the_stage_follows(rec):
    w = rec.world
    second = services.interview_schedule(actor=w.hr, application_id=rec.application.pk, starts_at=future(5),
                                         ends_at=future(5, 11), video_link="https://meet.example.com/2")
    assert second.round == 2 and second.uid != rec.interview.uid
    rec.application.refresh_from_db()
    assert rec.application.stage == "interview"  # moved there by the first round
    assert StageChange.objects.filter(application=rec.application, to_stage="interview").count() == 1


# --- offers and hires -----------------------------------------------------------------------------------------------


def test_hire_creates_the_employment_and_fills_the_job(rec):
    w = rec.world
    Job.objects.filter(pk=rec.job_offer.pk).update(headcount=1)
    rec.offer_application.refresh_from_db()
    start = rec.offer_application.offer_start_date
    app = services.hire(actor=w.hr, application_id=rec.offer_application.pk)
    employment = Employment.objects.get(talent=w.talent, enterprise=w.hr.enterprise, start_date=start)
    assert (employment.position, employment.occupation_code) == ("数据开发工程师", "2-02-10-03")
    assert employment.certified_at is None  # starts in 20 days: certified once the person has started
    assert (app.outcome, app.stage, app.employment_id) == ("hired", "hired", employment.pk)
    assert Job.objects.get(pk=rec.job_offer.pk).status == "filled"
    assert ChangeRecord.objects.filter(entity="registry.employment", entity_id=employment.pk, created=True,
                                       subject_talent_id=w.talent.pk).exists()
    assert Notice.objects.filter(user=w.talent_user, kind="hired").exists()
    assert _error(services.hire, actor=w.hr, application_id=app.pk).code == "application_closed"
    assert Employment.objects.filter(talent=w.talent, enterprise=w.hr.enterprise).count() == 2  # + the old one


def test_a_job_is_filled_only_when_hires_reach_the_headcount(rec):
    app = services.hire(actor=rec.world.hr, application_id=rec.offer_application.pk)  # headcount 2
    assert app.outcome == "hired"
    assert Job.objects.get(pk=rec.job_offer.pk).status == "open"


def test_hire_without_an_offer_needs_a_start_date(rec):
    error = _error(services.hire, actor=rec.world.hr, application_id=rec.application.pk)
    assert (error.field, error.code) == ("start_date", "required")
    assert not Employment.objects.filter(talent=rec.world.talent, start_date__gte=TODAY).exists()
    with pytest.raises(ApplicationError):
        services.application_move(actor=rec.world.hr, application_id=rec.application.pk, to="hired")
    rec.application.refresh_from_db()
    assert rec.application.outcome == ""  # the move to hired went through hire and was refused


def test_offer_validation_and_acceptance(rec):
    w = rec.world
    error = _error(services.offer_make, actor=w.hr, application_id=rec.application.pk,
                   start_date=TODAY - dt.timedelta(days=1))
    assert (error.field, error.code) == ("start_date", "in_past")
    error = _error(services.offer_accept, actor=w.talent_user, application_id=rec.application.pk)
    assert error.code == "no_offer"
    app = services.offer_accept(actor=w.talent_user, application_id=rec.offer_application.pk)
    assert app.offer_accepted_at is not None
    assert Notice.objects.filter(user=w.hr, kind="offer_accepted").exists()


# --- moderation ---------------------------------------------------------------------------------------------------


def test_an_officer_hides_a_job_of_the_district_with_a_reason(rec):
    w = rec.world
    error = _error(services.job_moderate, actor=w.officer, job_id=rec.job_open.pk, hidden=True, note="")
    assert (error.field, error.code) == ("note", "reason_required")
    with pytest.raises(NotFoundError):
        services.job_moderate(actor=w.officer_other, job_id=rec.job_open.pk, hidden=True, note="不实信息")
    with pytest.raises(PermissionDeniedError):
        services.job_moderate(actor=w.hr, job_id=rec.job_open.pk, hidden=True, note="不实信息")
    assert not Job.objects.get(pk=rec.job_open.pk).hidden
    services.job_moderate(actor=w.officer, job_id=rec.job_open.pk, hidden=True, note="薪资信息不实")
    job = Job.objects.get(pk=rec.job_open.pk)
    assert (job.hidden, job.moderation_note, job.moderated_by) == (True, "薪资信息不实", w.officer)
    assert job_get(w.talent_user, job.pk) is None
    assert job_get(w.hr, job.pk) is not None and job_get(w.officer, job.pk) is not None
    assert Notice.objects.filter(user=w.hr, kind="job_moderated", body__contains="薪资信息不实").exists()
    assert AuditEvent.objects.filter(actor=w.officer, target=f"job:{job.pk}", detail__job="hide").exists()
    services.job_moderate(actor=w.officer, job_id=job.pk, hidden=False, note="")
    assert job_get(w.talent_user, job.pk) is not None


def test_a_talent_still_sees_a_job_it_applied_to_after_it_closes(rec):
    w = rec.world
    services.job_set_status(actor=w.hr, job_id=rec.job.pk, status="closed")
    assert job_get(w.talent_user, rec.job.pk) is not None
    assert job_get(w.talent_user, rec.job_open.pk) is not None
    services.job_set_status(actor=w.hr, job_id=rec.job_open.pk, status="closed")
    assert job_get(w.talent_user, rec.job_open.pk) is None


def test_partner_keys_are_stored_as_hashes_and_authenticate(rec):
    import hashlib

    partner = rec.partner
    assert partner.key_hash == hashlib.sha256(rec.partner_key.encode()).hexdigest()
    assert rec.partner_key not in str(list(type(partner).objects.values()))
    assert services.partner_authenticate(rec.partner_key) == partner
    assert services.partner_authenticate(rec.partner_key[:-1] + ("A" if rec.partner_key[-1] != "A" else "B")) is None
    assert services.partner_authenticate("") is None
    error = _error(services.partner_create, actor=rec.world.admin, name="x", scopes=["jobs:write"])
    assert (error.field, error.code) == ("enterprise_id", "required")
    assert _error(services.partner_create, actor=rec.world.admin, name="x", scopes=["all"]).field == "scopes"
    services.partner_deactivate(actor=rec.world.admin, partner_id=partner.pk)
    assert services.partner_authenticate(rec.partner_key) is None


def test_accounting_job_fixture_is_valid(world):
    assert services.job_create(actor=world.hr, **ACCOUNTING_JOB).occupation_code == "2-06-03-00"


def test_the_talent_accepts_an_interview_slot_and_a_move_asks_again(rec):
    w, interview = rec.world, rec.interview
    assert _error(services.interview_confirm, actor=w.hr, interview_id=interview.pk).status == 403
    services.interview_confirm(actor=w.talent_user, interview_id=interview.pk)
    interview.refresh_from_db()
    assert interview.confirmed_at is not None
    assert Notice.objects.filter(user=w.hr, kind="interview_accepted").count() == 1
    services.interview_confirm(actor=w.talent_user, interview_id=interview.pk)  # twice: told once
    assert Notice.objects.filter(user=w.hr, kind="interview_accepted").count() == 1
    services.interview_reschedule(actor=w.hr, interview_id=interview.pk, starts_at=future(4), ends_at=future(4, 11))
    interview.refresh_from_db()
    assert interview.confirmed_at is None


# --- one way to write: the audit event in the change's own transaction ----------------------------------------------


def _events(**filters) -> list[dict]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values("actor_username", "target", "detail"))


def test_a_hire_writes_the_registry_through_its_service_with_both_audit_events(rec):
    w = rec.world
    last = AuditEvent.objects.latest("pk").pk
    app = services.hire(actor=w.hr, application_id=rec.offer_application.pk)
    employment = Employment.objects.get(pk=app.employment_id)
    assert _events(pk__gt=last, subject_talent_id=w.talent.pk) == [
        {"actor_username": "hr", "target": f"employment:{employment.pk}",
         "detail": {"event": "employment_hire", "source": f"application:{app.pk}", "created": True}},
        {"actor_username": "hr", "target": f"application:{app.pk}",
         "detail": {"application": "hire", "employment": employment.pk, "start_date": str(TODAY + dt.timedelta(20)),
                    "job_filled": False}}]


def test_a_failing_audit_write_rolls_the_change_back(rec, monkeypatch):
    w = rec.world

    def broken(**kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("talentpool.core.audit.audit_record", broken)
    employments, notices = Employment.objects.count(), Notice.objects.count()
    with pytest.raises(RuntimeError):
        services.hire(actor=w.hr, application_id=rec.offer_application.pk)
    with pytest.raises(RuntimeError):
        services.partner_deactivate(actor=w.admin, partner_id=rec.partner.pk)
    with pytest.raises(RuntimeError):
        services.job_create(actor=w.hr, **ACCOUNTING_JOB)
    rec.offer_application.refresh_from_db()
    rec.partner.refresh_from_db()
    assert rec.offer_application.outcome == "" and rec.partner.active
    assert (Employment.objects.count(), Notice.objects.count(), Job.objects.count()) == (employments, notices, 4)


def test_writes_that_were_not_audited_before_are_now(rec):
    w, app, interview = rec.world, rec.application, rec.interview
    note = services.note_add(actor=w.hr, application_id=app.pk, text="沟通顺畅")
    services.interview_confirm(actor=w.talent_user, interview_id=interview.pk)
    services.interview_confirm(actor=w.talent_user, interview_id=interview.pk)  # nothing changes: no event
    services.interview_complete(actor=w.hr, interview_id=interview.pk)
    assert [e["detail"] for e in _events(target=f"application:{app.pk}", detail__application="note")] == [
        {"application": "note", "note": note.pk}]
    assert [(e["actor_username"], e["detail"]) for e in _events(target=f"interview:{interview.pk}")][1:] == [
        ("grad", {"interview": "confirm"}), ("hr", {"interview": "complete"})]  # after the scheduling


def test_deactivating_a_partner_is_one_audited_change_and_only_an_administrator_may(rec):
    w, partner = rec.world, rec.partner
    with pytest.raises(PermissionDeniedError):
        services.partner_deactivate(actor=w.hr, partner_id=partner.pk)
    with pytest.raises(NotFoundError):
        services.partner_deactivate(actor=w.admin, partner_id=partner.pk + 100)
    services.partner_deactivate(actor=w.admin, partner_id=partner.pk)
    services.partner_deactivate(actor=w.admin, partner_id=partner.pk)
    partner.refresh_from_db()
    assert not partner.active
    assert [e["detail"] for e in _events(target=f"partner:{partner.pk}")] == [
        {"partner": "create", "scopes": ["jobs:read", "jobs:write", "candidates:read"],
         "enterprise": w.hr.enterprise_id}, {"partner": "deactivate"}]


def test_a_change_that_changes_nothing_records_no_event(rec):
    w = rec.world
    before = AuditEvent.objects.count()
    services.job_update(actor=w.hr, job_id=rec.job.pk, title=rec.job.title)
    services.job_set_status(actor=w.hr, job_id=rec.job.pk, status="open")
    services.job_moderate(actor=w.officer, job_id=rec.job.pk, hidden=False, note="")
    services.offer_accept(actor=w.talent_user, application_id=rec.offer_application.pk)
    services.offer_accept(actor=w.talent_user, application_id=rec.offer_application.pk)
    assert AuditEvent.objects.count() == before + 1  # the first acceptance only


def test_the_office_date_is_used_in_the_hours_when_the_utc_date_is_still_the_day_before(rec):
    """The clock stands at 07:30 in Shanghai (23:30 UTC the day before): a deadline of today is not past."""
    assert NOW.astimezone(dt.UTC).date() == TODAY - dt.timedelta(days=1)
    job = services.job_update(actor=rec.world.hr, job_id=rec.job_open.pk, deadline=TODAY)
    assert job.deadline == TODAY
    error = _error(services.job_update, actor=rec.world.hr, job_id=rec.job_open.pk,
                   deadline=TODAY - dt.timedelta(days=1))
    assert (error.field, error.code) == ("deadline", "in_past")
