"""Fair endpoints (/api/v1/fairs/). Everyone signed in: the fairs they see. Officers: the live figures of their
district's fairs, scheduling. Talents: register, check in, report a late train, their timetable, book a cloud
booth's slot. Enterprise HR: record an intent. A role with no business gets 403; a record outside the user's reach 404."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from talentpool.accounts.models import Role
from talentpool.core.permissions import ensure_role
from talentpool.core.schema_types import Id, Instant

from . import cloud, scheduling, selectors, services
from .models import Fair

router = Router(tags=["fairs"])


class FairOut(Schema):
    id: int
    kind: str
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    status: str
    capacity: int
    confirmed_count: int


class LiveOut(Schema):
    confirmed: int
    waitlisted: int
    checked_in: int
    interviews_planned: int
    interviews_done: int
    intents: dict[str, int]
    waiting: list[dict]


class RegisterIn(Schema):
    consent: bool
    train_number: str = Field("", max_length=10)
    arrival_at: Instant | None = None
    departure_at: Instant | None = None


class RegistrationOut(Schema):
    id: int
    fair: int = Field(alias="fair_id")
    state: str
    train_number: str
    arrival_at: datetime | None
    departure_at: datetime | None
    checked_in_at: datetime | None
    unreachable: bool


class CheckInIn(Schema):
    token: str = Field(..., min_length=1, max_length=32)


class ArrivalIn(Schema):
    arrival_at: Instant
    train_number: str | None = Field(None, max_length=10)


class SlotOut(Schema):
    id: int
    booth: int = Field(alias="booth_id")
    starts_at: datetime
    ends_at: datetime
    status: str


class TimetableOut(Schema):
    registration: RegistrationOut
    slots: list[SlotOut]
    moved: bool = False


class OpeningTime(Schema):
    starts_at: datetime
    ends_at: datetime
    free: int


class OpeningOut(Schema):
    booth: int
    enterprise: str
    video_link: str
    jobs: list[int]
    booked: SlotOut | None
    times: list[OpeningTime]


class BookIn(Schema):
    booth: Id
    starts_at: Instant
    job: Id | None = None


class ScheduleIn(Schema):
    time_limit: float = Field(8.0, ge=0.5, le=120)


class ScheduleOut(Schema):
    interviews: int
    objective: int
    bound: int
    greedy: int
    gap: float
    unreachable: int


class IntentIn(Schema):
    level: str = Field(..., max_length=8)
    note: str = Field("", max_length=300)


class IntentOut(Schema):
    slot: int = Field(alias="slot_id")
    level: str
    note: str


@router.get("/", response=list[FairOut], summary="The fairs I see (officers: my district's, drafts too)")
def fair_list(request):
    return list(selectors.fairs_visible_to(request.user).order_by("starts_at", "id")[:200])


@router.get("/{int:pk}/live", response=LiveOut, url_name="fairs-live",
            summary="Live figures of a fair of my district: checked in, waiting per booth, interviews, intents "
                    "(officers)")
def fair_live(request, pk: Id):
    fair: Fair = services.office_fair(request.user, pk)
    return selectors.live_figures(fair, timezone.now())


@router.post("/{int:pk}/schedule", response=ScheduleOut, summary="Plan or re-plan a station fair (officers)")
def fair_schedule(request, pk: Id, payload: ScheduleIn):
    done = scheduling.fair_schedule(actor=request.user, fair_id=pk, time_limit=payload.time_limit, request=request)
    plan = done.plan
    return {"interviews": plan.count, "objective": plan.objective, "bound": plan.bound,
            "greedy": done.run.greedy_interviews, "gap": plan.gap, "unreachable": len(plan.unreachable)}


@router.post("/{int:pk}/registrations", response={201: RegistrationOut},
             summary="Register for a published fair: confirmed while places last, then waitlisted (talents)")
def fair_register(request, pk: Id, payload: RegisterIn):
    reg = services.register(actor=request.user, fair_id=pk, request=request, **payload.dict())
    return Status(201, reg)


@router.get("/registrations/{int:pk}", response=TimetableOut, summary="My registration and timetable (talents)")
def registration_timetable(request, pk: Id):
    reg = services.own_registration(request.user, pk)
    return {"registration": reg, "slots": list(selectors.timetable(reg))}


@router.post("/registrations/{int:pk}/arrival", response=TimetableOut,
             summary="My train is late: the new arrival re-plans the rest of the day (talents)")
def registration_arrival(request, pk: Id, payload: ArrivalIn):
    done = scheduling.late_train(actor=request.user, registration_id=pk, arrival_at=payload.arrival_at,
                                 train_number=payload.train_number, request=request)
    reg = services.own_registration(request.user, pk)
    moved = bool(done and f"r{reg.pk}" in done.plan.moved)
    return {"registration": reg, "slots": list(selectors.timetable(reg)), "moved": moved}


@router.get("/registrations/{int:pk}/openings", response=list[OpeningOut],
            summary="A cloud fair's online booths and the slots still open to me (talents)")
def registration_openings(request, pk: Id):
    reg = services.own_registration(request.user, pk)
    return [{"booth": o["booth"].pk, "enterprise": o["booth"].enterprise.name, "video_link": o["booth"].video_link,
             "jobs": [j.pk for j in o["jobs"]], "booked": o["booked"], "times": o["times"]}
            for o in cloud.openings(reg, timezone.now())]


@router.post("/registrations/{int:pk}/bookings", response={201: SlotOut},
             summary="Book a slot at an online booth of a cloud fair: one per booth, never two at once (talents)")
def registration_book(request, pk: Id, payload: BookIn):
    slot = cloud.slot_book(actor=request.user, registration_id=pk, booth_id=payload.booth,
                           starts_at=payload.starts_at, job_id=payload.job, request=request)
    return Status(201, slot)


@router.post("/registrations/{int:pk}/bookings/{int:slot}/cancel", response=TimetableOut,
             summary="Free a booked slot before the invitation is sent (talents)")
def registration_unbook(request, pk: Id, slot: Id):
    cloud.slot_cancel(actor=request.user, registration_id=pk, slot_id=slot, request=request)
    reg = services.own_registration(request.user, pk)
    return {"registration": reg, "slots": list(selectors.timetable(reg))}


@router.post("/check-in", response=RegistrationOut,
             summary="Check in by the QR ticket's token; twice is harmless (the talent, or an officer scanning)")
def check_in(request, payload: CheckInIn):
    return services.check_in(actor=request.user, token=payload.token, request=request)


@router.post("/slots/{int:pk}/intent", response=IntentOut,
             summary="Record the intent after an interview: strong, maybe or no (enterprise HR)")
def slot_intent(request, pk: Id, payload: IntentIn):
    ensure_role(request.user, Role.ENTERPRISE)
    return services.intent_record(actor=request.user, slot_id=pk, level=payload.level, note=payload.note,
                                  request=request)
