"""Fair services: who may do what, places and the waitlist, check-in twice, choices into recruitment, the
schedule into slots, the late train, intents, the report."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from talentpool.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from talentpool.core.models import AuditEvent, Notice
from talentpool.fairs import scheduling, selectors, services
from talentpool.fairs.models import Booth, BoothStatus, Choice, Fair, Intent, Registration, Slot, SlotStatus
from talentpool.recruitment.ics import interview_ics
from talentpool.recruitment.models import Application, Interview, InterviewStatus, Job, JobStatus, Outcome
from talentpool.registry.models import Talent

from .conftest import NOW, at


def test_officer_creates_and_publishes_a_fair_in_its_district(fw):
    fair = services.fair_create(actor=fw.world.officer, kind="station", title="西站招聘会", starts_at="2026-04-01T09:00",
                                ends_at="2026-04-01T17:00", capacity=50)
    assert (fair.division, fair.status, fair.starts_at) == ("330106", "draft", at(9, day=fair.starts_at.date()))
    with pytest.raises(NotFoundError):
        services.fair_publish(actor=fw.world.officer_other, fair_id=fair.pk)
    services.fair_publish(actor=fw.world.officer, fair_id=fair.pk)
    assert Fair.objects.get(pk=fair.pk).status == "published"


@pytest.mark.parametrize("who", ["talent_user", "hr"])
def test_only_the_office_creates_fairs_and_a_refusal_changes_nothing(fw, who):
    before = (Fair.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDeniedError):
        services.fair_create(actor=getattr(fw.world, who), kind="cloud", title="x", starts_at=at(9), ends_at=at(10))
    assert (Fair.objects.count(), AuditEvent.objects.count()) == before


def test_fair_window_and_kind_are_checked_with_the_field_named(fw):
    with pytest.raises(ApplicationError) as bad:
        services.fair_create(actor=fw.world.officer, kind="station", title="x", starts_at=at(10), ends_at=at(9))
    assert bad.value.field == "ends_at"
    with pytest.raises(ApplicationError) as bad:
        services.fair_create(actor=fw.world.officer, kind="party", title="x", starts_at=at(9), ends_at=at(10))
    assert bad.value.field == "kind"


def test_booth_application_is_approved_by_the_district_officer_only(fw):
    with pytest.raises(NotFoundError):
        services.booth_decide(actor=fw.world.officer_other, booth_id=fw.pending.pk, approve=True)
    services.booth_decide(actor=fw.world.officer, booth_id=fw.pending.pk, approve=True)
    assert Booth.objects.get(pk=fw.pending.pk).status == BoothStatus.APPROVED


LINK = "https://meet.example.cn/booth"  # an online booth of a cloud fair needs its video link


def test_booth_brings_only_the_enterprises_own_open_jobs(fw):
    fair = Fair.objects.create(kind="cloud", title="云", division="330106", starts_at=at(9), ends_at=at(12),
                               status="published")
    with pytest.raises(ApplicationError) as bad:
        services.booth_apply(actor=fw.world.hr_other, fair_id=fair.pk, job_ids=[fw.job.pk], video_link=LINK)
    assert bad.value.field == "job_ids"
    booth = services.booth_apply(actor=fw.world.hr, fair_id=fair.pk, interviewers=2, job_ids=[fw.job.pk],
                                 video_link=LINK)
    assert (booth.status, list(booth.jobs.all())) == ("pending", [fw.job])
    with pytest.raises(ApplicationError) as twice:
        services.booth_apply(actor=fw.world.hr, fair_id=fair.pk, video_link=LINK)
    assert twice.value.code == "booth_exists"


def test_places_then_the_waitlist_and_registering_twice_is_the_same_registration(fw):
    Fair.objects.filter(pk=fw.fair.pk).update(capacity=2)
    colleague_user = type(fw.world.talent_user).objects.create(username="wang", role="talent")
    Talent.objects.filter(pk=fw.world.colleague.pk).update(user=colleague_user)
    other_user = type(fw.world.talent_user).objects.create(username="zhao", role="talent")
    Talent.objects.filter(pk=fw.world.talent_other_district.pk).update(user=other_user)
    second = services.register(actor=colleague_user, fair_id=fw.fair.pk, consent=True)
    third = services.register(actor=other_user, fair_id=fw.fair.pk, consent=True)
    assert (fw.registration.state, second.state, third.state) == ("confirmed", "confirmed", "waitlisted")
    again = services.register(actor=fw.world.talent_user, fair_id=fw.fair.pk, consent=True)
    assert again.pk == fw.registration.pk
    assert Fair.objects.get(pk=fw.fair.pk).confirmed_count == 2
    with pytest.raises(ApplicationError) as waiting:
        services.check_in(actor=other_user, token=third.qr_token)
    assert waiting.value.code == "waitlisted"


def test_registration_needs_consent_and_a_departure_after_the_arrival(fw):
    fair = Fair.objects.create(kind="station", title="x", division="330106", starts_at=at(9), ends_at=at(12),
                               status="published")
    with pytest.raises(ApplicationError) as no:
        services.register(actor=fw.world.talent_user, fair_id=fair.pk, consent=False)
    assert no.value.code == "consent_required"
    with pytest.raises(ApplicationError) as bad:
        services.register(actor=fw.world.talent_user, fair_id=fair.pk, consent=True, arrival_at=at(10),
                          departure_at=at(9))
    assert bad.value.field == "departure_at"
    assert not Registration.objects.filter(fair=fair).exists()


def test_double_check_in_is_harmless_and_audited_once(fw, clock):
    first = services.check_in(actor=fw.world.talent_user, token=fw.registration.qr_token)
    clock.shift(600)
    second = services.check_in(actor=fw.world.officer, token=fw.registration.qr_token)
    assert first.checked_in_at == second.checked_in_at == NOW
    events = AuditEvent.objects.filter(target=f"registration:{fw.registration.pk}", detail__registration="check_in")
    assert events.count() == 1
    with pytest.raises(NotFoundError):
        services.check_in(actor=fw.world.officer_other, token=fw.registration.qr_token)


def test_choosing_a_booth_job_applies_to_it_in_recruitment(fw):
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk, "job": fw.job.pk, "score": 0.8}])
    assert Application.objects.filter(talent=fw.world.talent, job=fw.job).count() == 1
    with pytest.raises(ApplicationError) as bad:
        services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                             picks=[{"booth": fw.pending.pk}])
    assert bad.value.field == "picks[0].booth"


def test_a_booth_picked_on_the_phone_page_brings_its_job_so_the_invitation_lands_in_recruitment(fw, client_for):
    second = Job.objects.create(enterprise=fw.world.hr.enterprise, title="测试工程师", occupation_code="2-02-10-03",
                                division="330106", status=JobStatus.OPEN)
    talent = client_for(fw.world.talent_user)
    page = talent.get(f"/fairs/mine/{fw.registration.pk}/").content.decode()
    assert f'name="job_{fw.booth.pk}"' in page  # the booth brings one job: preselected
    talent.post(f"/fairs/mine/{fw.registration.pk}/", {"action": "choices", "booths": [fw.booth.pk],
                                                        f"job_{fw.booth.pk}": fw.job.pk})
    assert Choice.objects.get(registration=fw.registration).job_id == fw.job.pk
    fw.booth.jobs.add(second)
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk, "job": second.pk}])
    assert set(Application.objects.filter(talent=fw.world.talent).values_list("job_id", flat=True)) == {
        fw.job.pk, second.pk}
    fw.booth.jobs.remove(second)
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk}])  # no job named: the booth's one job
    assert Choice.objects.get(registration=fw.registration).job_id == fw.job.pk
    scheduling.fair_schedule(actor=fw.world.officer, fair_id=fw.fair.pk, time_limit=1, now=NOW)
    assert scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=fw.booth.pk) == 1


def _plan(fw):
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk, "job": fw.job.pk, "score": 0.8}])
    return scheduling.fair_schedule(actor=fw.world.officer, fair_id=fw.fair.pk, time_limit=2, now=NOW)


def test_schedule_writes_a_slot_after_arrival_and_walk_and_sends_invitations(fw):
    done = _plan(fw)
    slot = Slot.objects.get(registration=fw.registration)
    assert slot.starts_at == at(9)  # arrival 08:40 + 15 min walk -> the 09:00 slot
    assert (done.run.interviews, done.run.greedy_interviews) == (1, 1)
    assert done.run.bound >= done.run.objective > 0
    with pytest.raises(NotFoundError):
        scheduling.fair_schedule(actor=fw.world.officer_other, fair_id=fw.fair.pk, now=NOW)
    sent = scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=fw.booth.pk)
    interview = Interview.objects.get(application__talent=fw.world.talent)
    assert (sent, interview.starts_at) == (1, at(9))
    assert Slot.objects.get(pk=slot.pk).interview_id == interview.pk


def test_late_train_replans_and_tells_the_registrant(fw, clock):
    _plan(fw)
    clock.move_to(at(8, 30))
    done = scheduling.late_train(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                                 arrival_at=at(10, 10), train_number="G7313")
    slot = Slot.objects.get(registration=fw.registration)
    assert slot.starts_at == at(10, 40)  # 10:10 + 15 -> 10:25 -> the 10:40 slot
    assert done.plan.moved == [f"r{fw.registration.pk}"]
    assert Notice.objects.filter(user=fw.world.talent_user, kind="fair_slot_moved").count() == 1


def test_a_train_too_late_for_any_slot_is_told_not_dropped(fw, clock):
    _plan(fw)
    clock.move_to(at(8, 30))
    done = scheduling.late_train(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                                 arrival_at=at(12, 10))
    assert done.plan.unreachable == [f"r{fw.registration.pk}"]
    assert Registration.objects.get(pk=fw.registration.pk).unreachable is True
    assert not Slot.objects.filter(registration=fw.registration).exists()
    assert Notice.objects.filter(user=fw.world.talent_user, kind="fair_unreachable").count() == 1


def test_held_interviews_stay_when_replanning(fw, clock):
    _plan(fw)
    slot = Slot.objects.get(registration=fw.registration)
    clock.move_to(at(9, 10))  # the 09:00 interview has started
    scheduling.fair_schedule(actor=None, fair_id=fw.fair.pk, time_limit=1, now=at(9, 10))
    assert list(Slot.objects.filter(registration=fw.registration).values_list("pk", "starts_at")) == [
        (slot.pk, at(9))]


def test_intent_marks_the_interview_held_and_feeds_the_live_figures_and_report(fw, clock, client_for):
    _plan(fw)
    slot = Slot.objects.get(registration=fw.registration)
    with pytest.raises(NotFoundError):
        services.intent_record(actor=fw.world.hr_other, slot_id=slot.pk, level="strong")
    services.intent_record(actor=fw.world.hr, slot_id=slot.pk, level="strong", note="很合适")
    assert (Slot.objects.get(pk=slot.pk).status, Intent.objects.get().level) == (SlotStatus.HELD, "strong")
    services.check_in(actor=fw.world.talent_user, token=fw.registration.qr_token)
    live = selectors.live_figures(fw.fair, at(9, 30))
    assert (live["checked_in"], live["interviews_done"], live["intents"]["strong"]) == (1, 1, 1)
    report = selectors.report_rows(fw.fair)
    assert report["totals"]["strong"] == 1 and report["totals"]["arrived"] == 1
    assert (report["totals"]["offers"], report["totals"]["hires"]) == (0, 0)
    assert report["degrees"] == [("master", 1)]
    page = client_for(fw.world.officer).get(f"/fairs/office/{fw.fair.pk}/report/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "强烈意向</dt><dd>1</dd>" in text and "硕士 · 1" in text and "master" not in text


def test_report_counts_the_offers_and_hires_of_the_fairs_interviews(fw):
    _plan(fw)
    scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=fw.booth.pk)
    assert selectors.report_rows(fw.fair)["totals"]["offers"] == 0
    Application.objects.filter(talent=fw.world.talent, job=fw.job).update(offer_sent_at=at(11), outcome=Outcome.HIRED)
    assert selectors.report_rows(fw.fair)["totals"] == {
        "enterprises": 1, "registrants": 1, "arrived": 0, "interviews": 1, "held": 0, "intents": 0, "strong": 0,
        "offers": 1, "hires": 1}


def test_choices_are_replaced_not_added(fw):
    for _ in range(2):
        services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                             picks=[{"booth": fw.booth.pk}])
    assert Choice.objects.filter(registration=fw.registration).count() == 1


def test_report_xlsx_has_the_totals(fw, client):
    _plan(fw)
    client.force_login(fw.world.officer)
    response = client.get(f"/fairs/office/{fw.fair.pk}/report/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["面试"] == 1 and rows["报名人数"] == 1  # named in the reader's language, not by code


def test_recommended_booths_come_from_the_matching_engine_with_reasons(fw, tmp_path, settings):
    from talentpool.recruitment.matching import index_reset

    settings.TALENTPOOL_MATCHING_DIR = str(tmp_path)
    index_reset(tmp_path, load_saved=False)
    # the booth of 西湖智造 brings the open Python job; 李明 is matched from his registry records
    chosen = services.choices_recommend(actor=fw.world.talent_user, registration_id=fw.registration.pk)
    assert [(c.booth_id, c.job_id, c.recommended) for c in chosen] == [(fw.booth.pk, fw.job.pk, True)]
    assert 0 < chosen[0].score <= 1
    assert Application.objects.filter(talent=fw.world.talent, job=fw.job).exists()


def test_late_train_reschedules_a_sent_invitation_in_recruitment(fw, clock):
    _plan(fw)
    scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=fw.booth.pk)
    interview = Interview.objects.get(application__talent=fw.world.talent)
    clock.move_to(at(8, 30))
    scheduling.late_train(actor=fw.world.talent_user, registration_id=fw.registration.pk, arrival_at=at(10, 10))
    slot = Slot.objects.get(registration=fw.registration)
    interview.refresh_from_db()
    assert (slot.interview_id, slot.starts_at) == (interview.pk, at(10, 40))
    assert (interview.starts_at, interview.ends_at, interview.sequence) == (at(10, 40), at(11), 1)
    assert Notice.objects.filter(user=fw.world.talent_user, kind="interview_rescheduled").count() == 1
    assert not Notice.objects.filter(user=fw.world.talent_user, kind="fair_slot_moved").exists()  # one notice
    assert b"SEQUENCE:1" in interview_ics(interview)


def test_an_invitation_the_replan_cannot_keep_is_cancelled_in_recruitment(fw, clock):
    _plan(fw)
    scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=fw.booth.pk)
    clock.move_to(at(8, 30))
    scheduling.late_train(actor=fw.world.talent_user, registration_id=fw.registration.pk, arrival_at=at(12, 10))
    interview = Interview.objects.get(application__talent=fw.world.talent)
    assert interview.status == InterviewStatus.CANCELLED
    assert not Slot.objects.filter(registration=fw.registration).exists()
    assert Notice.objects.filter(user=fw.world.talent_user, kind="interview_cancelled").count() == 1
    assert not Notice.objects.filter(user=fw.world.talent_user, kind="fair_slot_moved").exists()


def test_the_schedule_leaves_the_fairs_walk_between_booths_and_keeps_each_booths_length(fw):
    fw.pending.status, fw.pending.slot_minutes = BoothStatus.APPROVED, 15
    fw.pending.save()
    Fair.objects.filter(pk=fw.fair.pk).update(walk_minutes=10)
    Registration.objects.filter(pk=fw.registration.pk).update(departure_at=at(10, 5))  # interviews end by 09:45
    services.choices_set(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                         picks=[{"booth": fw.booth.pk, "score": 0.9}, {"booth": fw.pending.pk, "score": 0.5}])
    scheduling.fair_schedule(actor=fw.world.officer, fair_id=fw.fair.pk, time_limit=2, now=NOW)
    slots = list(Slot.objects.filter(registration=fw.registration).order_by("starts_at"))
    # 09:00–09:15 at the 15-minute booth, a 10-minute walk, 09:25 is no slot of the 20-minute booth: 09:40 is,
    # but ends 10:00, after 09:45 — so 09:00–09:20 at the 20-minute booth, a walk, then 09:30–09:45 at the other.
    assert [(s.booth_id, s.starts_at, s.ends_at) for s in slots] == [
        (fw.booth.pk, at(9), at(9, 20)), (fw.pending.pk, at(9, 30), at(9, 45))]


def test_a_closed_application_does_not_stop_the_late_train_replan(fw, clock):
    _plan(fw)
    scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=fw.booth.pk)
    Application.objects.filter(talent=fw.world.talent).update(outcome="rejected")  # closed in recruitment meanwhile
    clock.move_to(at(8, 30))
    done = scheduling.late_train(actor=fw.world.talent_user, registration_id=fw.registration.pk,
                                 arrival_at=at(10, 10))
    assert done.plan.moved == [f"r{fw.registration.pk}"]
    assert Slot.objects.get(registration=fw.registration).starts_at == at(10, 40)
    assert Interview.objects.get(application__talent=fw.world.talent).sequence == 0  # recruitment refused: unchanged
    assert Notice.objects.filter(user=fw.world.talent_user, kind="fair_slot_moved").count() == 1
