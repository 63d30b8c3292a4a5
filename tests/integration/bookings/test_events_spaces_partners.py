"""Events (registration, waitlist with time-limited offers, check-in, certificate, feedback), park spaces by the
hour (opening hours, approval rules, no double booking) and the talent partner programme (referral with consent,
outcome, the office's view)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories.pdf import pdf_pages
from factories.registry import make_talent

from talentpool.accounts.models import Role, User
from talentpool.bookings import capacity, resources, selectors, services
from talentpool.bookings.certificates import certificate_pdf
from talentpool.bookings.models import Booking, PartnerKind, ReferralStatus, Slot, Status
from talentpool.core.errors import ApplicationError
from talentpool.core.models import Notice
from talentpool.recruitment.models import Application, Job

from .conftest import NOW, TODAY, at

D = dt.timedelta


def _talent_user(name: str, username: str) -> User:
    user = User.objects.create(username=username, role=Role.TALENT)
    make_talent(name=name, user=user)
    return user


def test_waitlist_offer_expiry_and_acceptance_move_the_place_down_the_line_once(world, places):
    event = places["event"]
    first = services.event_register(actor=world.talent_user, event=event)
    second = services.event_register(actor=_talent_user("王芳", "wf"), event=event)
    third = services.event_register(actor=_talent_user("陈晨", "cc"), event=event)
    assert [b.status for b in (first, second, third)] == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    with pytest.raises(ApplicationError) as exc:
        services.event_register(actor=world.talent_user, event=event)
    assert exc.value.code == "overlap"

    services.booking_cancel(actor=world.talent_user, booking=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.offer_expires_at) == (Status.OFFERED, NOW + D(hours=24))
    assert third.status == Status.WAITLISTED
    assert Notice.objects.filter(user__username="wf", kind="bookings").count() == 1
    assert Slot.objects.get(resource=event).taken == 1

    assert services.offers_expire(now=NOW + D(hours=23)) == 0
    assert services.offers_expire(now=NOW + D(hours=24)) == 1
    assert services.offers_expire(now=NOW + D(hours=24)) == 0  # safe to run twice
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (Status.EXPIRED, Status.OFFERED)
    with pytest.raises(ApplicationError) as exc:
        services.offer_accept(actor=User.objects.get(username="wf"), booking=second)
    assert exc.value.code == "wrong_status"
    services.offer_accept(actor=User.objects.get(username="cc"), booking=third, now=NOW + D(hours=25))
    third.refresh_from_db()
    assert third.status == Status.CONFIRMED and Slot.objects.get(resource=event).taken == 1


def test_an_offer_past_its_time_cannot_be_accepted(world, places):
    services.event_register(actor=_talent_user("王芳", "wf"), event=places["event"])
    waiting = services.event_register(actor=world.talent_user, event=places["event"])
    services.booking_cancel(actor=User.objects.get(username="wf"),
                            booking=Booking.objects.get(talent__user__username="wf"))
    waiting.refresh_from_db()
    with pytest.raises(ApplicationError) as exc:
        services.offer_accept(actor=world.talent_user, booking=waiting, now=NOW + D(hours=24, seconds=1))
    assert exc.value.code == "expired"


def test_event_check_in_certificate_and_feedback(world, places):
    event = places["event"]
    booking = services.event_register(actor=world.talent_user, event=event)
    day = event.starts_at
    other_ticket = capacity.ticket_token(booking).replace("x", "y")
    with pytest.raises(ApplicationError):
        services.check_in(actor=world.officer, resource=event, token=other_ticket, now=day)
    with pytest.raises(ApplicationError) as exc:
        services.feedback_give(actor=world.talent_user, booking=booking, rating=5)
    assert exc.value.code == "wrong_status"
    booking, new = services.check_in(actor=world.officer, resource=event, token=capacity.ticket_token(booking), now=day)
    assert new and booking.status == Status.ATTENDED
    text = "\n".join(pdf_pages(certificate_pdf(booking)))
    assert "李明" in text and event.name in text and "2025-03-10" in text
    with pytest.raises(ApplicationError):
        services.feedback_give(actor=world.talent_user, booking=booking, rating=6)
    services.feedback_give(actor=world.talent_user, booking=booking, rating=4, text="很有收获")
    booking.refresh_from_db()
    assert (booking.feedback_rating, booking.feedback_text) == (4, "很有收获")


def test_registration_closes_when_the_event_starts_and_no_shows_are_marked_after_it_ends(world, places):
    event = places["event"]
    booking = services.event_register(actor=world.talent_user, event=event)
    with pytest.raises(ApplicationError) as exc:
        services.event_register(actor=_talent_user("王芳", "wf"), event=event, now=event.starts_at)
    assert exc.value.code == "past"
    assert services.no_shows_mark(now=event.ends_at + D(minutes=1)) == 1
    booking.refresh_from_db()
    assert booking.status == Status.NO_SHOW


def test_event_list_shows_places_left_and_the_waitlist_in_two_queries(world, places, django_assert_num_queries):
    services.event_register(actor=world.talent_user, event=places["event"])
    services.event_register(actor=_talent_user("王芳", "wf"), event=places["event"])
    with django_assert_num_queries(3):
        events = selectors.event_list(now=NOW)
    assert [(e.name, e.places_left, e.waiting) for e in events] == [("西湖英才学堂 第一讲", 0, 1)]


def test_month_availability_is_one_query(world, places, django_assert_num_queries):
    with django_assert_num_queries(1):
        days = selectors.month_availability(places["station"], 2025, 2)
    assert len(days) == 28 and all(d.free == 2 for d in days)


# --- spaces -------------------------------------------------------------------------------------------------------

def test_space_hours_within_opening_hours_with_approval_over_two_hours_and_no_double_booking(world, places):
    space, day = places["space"], TODAY + D(days=1)
    short = services.space_book(actor=world.hr, space=space, day=day, hour=9, hours=2, purpose="面试")
    assert short.status == Status.CONFIRMED
    long = services.space_book(actor=world.hr_other, space=space, day=day, hour=14, hours=3)
    assert long.status == Status.PENDING
    with pytest.raises(ApplicationError) as exc:
        services.space_book(actor=world.hr_other, space=space, day=day, hour=10, hours=2)
    assert exc.value.code == "full" and "10:00" in exc.value.message
    for hour, hours, code in [(7, 2, "closed"), (19, 2, "closed"), (9, 5, "too_long")]:
        with pytest.raises(ApplicationError) as exc:
            services.space_book(actor=world.hr, space=space, day=day + D(days=1), hour=hour, hours=hours)
        assert exc.value.code == code
    with pytest.raises(ApplicationError) as exc:
        services.space_book(actor=world.hr, space=space, day=TODAY, hour=8, hours=1)
    assert exc.value.code == "past"
    assert [h for h, free in selectors.day_hours(space, day) if not free] == [9, 10, 14, 15, 16]
    with pytest.raises(ApplicationError):
        services.space_book(actor=world.talent_user, space=space, day=day, hour=18, hours=1)
    assert Booking.objects.filter(resource=space).count() == 2


# --- partners -----------------------------------------------------------------------------------------------------

def test_a_partner_refers_a_talent_who_consents_and_sees_the_outcome(world, places):
    partner = resources.partner_create(actor=world.officer, name="西湖人力资源服务协会", kind=PartnerKind.ASSOCIATION,
                                       enterprise=world.hr.enterprise)
    assert resources.partner_of(world.hr) == partner and resources.partner_of(world.hr_other) is None
    with pytest.raises(ApplicationError) as exc:
        resources.referral_create(actor=world.hr, name="李明", phone="13900000000", target="event",
                                  event=places["event"])
    assert exc.value.field == "phone"
    with pytest.raises(ApplicationError):
        resources.referral_create(actor=world.hr_other, name="李明", phone="13800000001", target="event",
                                  event=places["event"])
    referral = resources.referral_create(actor=world.hr, name="李明", phone="13800000001", target="event",
                                         event=places["event"])
    assert not Booking.objects.exists()  # nothing happens before the talent consents
    assert [r.outcome for r in selectors.referrals_of_partner(partner)] == [str(ReferralStatus.ASKED.label)]
    resources.referral_answer(actor=world.talent_user, referral=referral, accept=True)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.booking.partner == partner
    services.check_in(actor=world.officer, resource=places["event"], token=capacity.ticket_token(referral.booking),
                      now=at(TODAY + D(days=7), 14))
    rows = selectors.referrals_of_partner(partner)
    assert [(r.talent_initial, r.outcome) for r in rows] == [("李*", str(Status.ATTENDED.label))]
    activity = selectors.partner_activity(world.officer)
    assert [(a["partner"].pk, a["referrals"], a["accepted"], a["attended"]) for a in activity] == [
        (partner.pk, 1, 1, 1)]
    assert selectors.partner_activity(world.officer_other) == []
    with pytest.raises(ApplicationError):
        resources.referral_answer(actor=world.talent_user, referral=referral, accept=False)


def test_a_partner_sees_each_job_referral_s_own_application_in_a_fixed_number_of_queries(world, places):
    """The outcome of an accepted job referral is the application of that job by that talent: the applications
    of the page are read in one query, and a talent's application of one job is not another's outcome."""
    partner = resources.partner_create(actor=world.officer, name="西湖人力资源服务协会", kind=PartnerKind.ASSOCIATION,
                                       enterprise=world.hr.enterprise)
    other_user = _talent_user("王芳", "wangfang")
    other_user.talent.phone = "13900000002"
    other_user.talent.save(update_fields=["phone"])
    jobs = [Job.objects.create(enterprise=world.hr.enterprise, title=f"数据分析师{i}", occupation_code="2-02-10-03",
                               division="330106", status="open") for i in range(2)]
    for user, name, phone, job in [(world.talent_user, "李明", "13800000001", jobs[0]),
                                   (world.talent_user, "李明", "13800000001", jobs[1]),
                                   (other_user, "王芳", "13900000002", jobs[0])]:
        referral = resources.referral_create(actor=world.hr, name=name, phone=phone, target="job", job=job)
        resources.referral_answer(actor=user, referral=referral, accept=True)
    Application.objects.create(job=jobs[0], talent=world.talent, stage="interview")
    Application.objects.create(job=jobs[1], talent=other_user.talent, outcome="rejected")  # not referred there
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.referrals_of_partner(partner)
    assert len(queries) == 2  # the referrals, then their applications
    assert [(r.talent_initial, r.job.title, r.outcome) for r in rows] == [
        ("王*", "数据分析师0", "已同意，尚未投递"),
        ("李*", "数据分析师1", "已同意，尚未投递"),
        ("李*", "数据分析师0", "interview")]
