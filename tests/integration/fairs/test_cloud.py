"""Cloud fairs: online booths with video links interview in time slots; a registrant books one per booth, never
two at once, within the booth's hours and places; the slot shows on the phone page and the booth page, and HR's
invitation lands in recruitment's interviews with the video link in its .ics."""

from __future__ import annotations

import pytest
from factories.registry import make_talent
from factories.world import _user

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError, ConflictError
from talentpool.fairs import cloud, scheduling, services
from talentpool.fairs.models import Booth, BoothStatus, Choice, Fair, FairKind, FairStatus, Slot
from talentpool.recruitment.ics import interview_ics
from talentpool.recruitment.models import Application, Interview

from .conftest import NOW, at


@pytest.fixture
def online(fw):
    fair = Fair.objects.create(kind=FairKind.CLOUD, title="云端双选会", division="330106", starts_at=at(10),
                               ends_at=at(12), slot_minutes=20, status=FairStatus.PUBLISHED,
                               created_by=fw.world.officer)
    booth = Booth.objects.create(fair=fair, enterprise=fw.world.hr.enterprise, status=BoothStatus.APPROVED,
                                 interviewers=1, opens_at=at(10), closes_at=at(11), slot_minutes=30,
                                 video_link="https://meet.example.cn/xihu")
    booth.jobs.set([fw.job])
    other = Booth.objects.create(fair=fair, enterprise=fw.world.hr_other.enterprise, status=BoothStatus.APPROVED,
                                 interviewers=2, opens_at=at(10), closes_at=at(12),
                                 video_link="https://meet.example.cn/yuhang")
    reg = services.register(actor=fw.world.talent_user, fair_id=fair.pk, consent=True)
    return fw, fair, booth, other, reg


def test_booking_takes_the_booths_own_slot_length_applies_to_its_job_and_hides_clashing_times(online):
    fw, _fair, booth, other, reg = online
    assert [s.astimezone(at(10).tzinfo).strftime("%H:%M") for s in cloud.slot_starts(booth)] == ["10:00", "10:30"]
    slot = cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk,
                           starts_at="2026-03-12T10:00")
    assert (slot.starts_at, slot.ends_at) == (at(10), at(10, 30))
    assert Choice.objects.get(registration=reg, booth=booth).job_id == fw.job.pk
    assert Application.objects.filter(talent=fw.world.talent, job=fw.job).exists()
    by_booth = {o["booth"].pk: o for o in cloud.openings(reg, NOW)}
    assert by_booth[booth.pk]["booked"] == slot and by_booth[booth.pk]["times"] == [
        {"starts_at": at(10, 30), "ends_at": at(11), "free": 1}]
    # the 20-minute booth: 10:00 and 10:20 clash with 10:00–10:30; 10:40 on are open
    assert [t["starts_at"] for t in by_booth[other.pk]["times"]][:2] == [at(10, 40), at(11)]
    with pytest.raises(ConflictError) as clash:
        cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=other.pk, starts_at=at(10, 20))
    assert clash.value.code == "clash"
    with pytest.raises(ConflictError) as again:
        cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk, starts_at=at(10, 30))
    assert again.value.code == "booked"


def test_a_slot_takes_as_many_as_the_booth_has_interviewers(online):
    fw, fair, booth, _other, _reg = online
    cloud.slot_book(actor=fw.world.talent_user, registration_id=_reg.pk, booth_id=booth.pk, starts_at=at(10))
    user = _user("grad2", Role.TALENT)
    make_talent(name="周婷", user=user)
    second = services.register(actor=user, fair_id=fair.pk, consent=True)
    with pytest.raises(ConflictError) as full:
        cloud.slot_book(actor=user, registration_id=second.pk, booth_id=booth.pk, starts_at=at(10), job_id=fw.job.pk)
    assert full.value.code == "slot_full" and full.value.field == "starts_at"
    assert Slot.objects.filter(booth=booth).count() == 1


@pytest.mark.parametrize(("starts_at", "field", "code"), [
    ("2026-03-12T10:10", "starts_at", "invalid"),  # not one of the booth's slots
    ("2026-03-12T11:00", "starts_at", "invalid"),  # the booth closes at 11:00
    ("2026-03-11T10:00", "starts_at", "invalid"),  # another day
])
def test_a_time_off_the_booths_slots_is_refused_with_the_field_named(online, starts_at, field, code):
    fw, _fair, booth, _other, reg = online
    with pytest.raises(ApplicationError) as refused:
        cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk, starts_at=starts_at)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Slot.objects.filter(registration=reg).exists()


def test_past_slots_station_fairs_and_other_fairs_booths_are_refused(online, clock):
    fw, _fair, booth, _other, reg = online
    with pytest.raises(ApplicationError) as station:
        cloud.slot_book(actor=fw.world.talent_user, registration_id=fw.registration.pk, booth_id=fw.booth.pk,
                        starts_at=at(9))
    assert station.value.code == "not_cloud"
    with pytest.raises(ApplicationError) as elsewhere:
        cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=fw.booth.pk, starts_at=at(10))
    assert elsewhere.value.field == "booth"
    clock.move_to(at(10, 5))
    with pytest.raises(ApplicationError) as past:
        cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk, starts_at=at(10))
    assert past.value.code == "in_past"


def test_the_invitation_lands_in_recruitment_with_the_video_link_and_the_booking_then_stays(online):
    fw, _fair, booth, _other, reg = online
    slot = cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk,
                           starts_at=at(10, 30))
    assert scheduling.booth_invitations_send(actor=fw.world.hr, booth_id=booth.pk) == 1
    interview = Interview.objects.get(application__talent=fw.world.talent)
    assert (interview.starts_at, interview.ends_at, interview.video_link) == (
        at(10, 30), at(11), "https://meet.example.cn/xihu")
    assert b"meet.example.cn/xihu" in interview_ics(interview)
    with pytest.raises(ConflictError) as invited:
        cloud.slot_cancel(actor=fw.world.talent_user, registration_id=reg.pk, slot_id=slot.pk)
    assert invited.value.code == "invited"


def test_a_booking_is_cancelled_before_the_invitation(online):
    fw, _fair, booth, _other, reg = online
    slot = cloud.slot_book(actor=fw.world.talent_user, registration_id=reg.pk, booth_id=booth.pk, starts_at=at(10))
    cloud.slot_cancel(actor=fw.world.talent_user, registration_id=reg.pk, slot_id=slot.pk)
    assert not Slot.objects.filter(pk=slot.pk).exists()


def test_an_online_booth_needs_an_http_video_link(online):
    fw, fair, _booth, _other, _reg = online
    Booth.objects.filter(fair=fair).delete()
    with pytest.raises(ApplicationError) as missing:
        services.booth_apply(actor=fw.world.hr, fair_id=fair.pk, interviewers=1)
    assert missing.value.field == "video_link"
    with pytest.raises(ApplicationError) as scheme:
        services.booth_apply(actor=fw.world.hr, fair_id=fair.pk, video_link="javascript:alert(1)")
    assert scheme.value.field == "video_link"
    booth = services.booth_apply(actor=fw.world.hr, fair_id=fair.pk, video_link="https://meet.example.cn/a",
                                 slot_minutes=15)
    assert (booth.video_link, booth.interview_minutes) == ("https://meet.example.cn/a", 15)


def test_phone_page_books_and_shows_the_slot_and_the_booth_page_counts_it(online, client_for):
    fw, _fair, booth, _other, reg = online
    talent = client_for(fw.world.talent_user)
    page = talent.get(f"/fairs/mine/{reg.pk}/").content.decode()
    assert 'id="cloud-booths"' in page and "2026-03-12T10:30:00+08:00" in page
    response = talent.post(f"/fairs/mine/{reg.pk}/", {"action": "book", "booth": booth.pk,
                                                      "starts_at": "2026-03-12T10:30:00+08:00"})
    assert response.status_code == 302
    page = talent.get(f"/fairs/mine/{reg.pk}/").content.decode()
    assert "10:30–11:00" in page and "https://meet.example.cn/xihu" in page and 'data-booked="' in page
    queue = client_for(fw.world.hr).get(f"/fairs/booths/{booth.pk}/").content.decode()
    assert 'id="booth-slots"' in queue and "1 / 1" in queue and fw.world.talent.name in queue
