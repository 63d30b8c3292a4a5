"""Schemas of the service-desk API: bounded inputs, outputs that never carry internal notes to a talent."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from talentpool.core.schema_types import Id

Text = Annotated[str, Field(max_length=4000)]
Subject = Annotated[str, Field(max_length=120)]
PriorityIn = Literal["low", "normal", "high", "urgent"]


class ServiceOut(Schema):
    code: str
    life_stage: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    criterion_zh: str
    criterion_en: str
    materials: list[dict]
    team: str
    may_ask: bool | None = None


class OfficerOut(Schema):
    officer: str
    officer_away: bool
    backup: str | None


class TicketOut(Schema):
    id: int
    subject: str
    service: str
    status: str
    priority: str
    origin: str
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    assignee: str | None
    rating: int | None
    reopened: int


class OfficerTicketOut(TicketOut):
    talent_id: int
    sla_state: str
    escalation: int
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None


class MessageOut(Schema):
    kind: str
    author: str
    body: str
    at: dt.datetime


class TicketDetail(Schema):
    ticket: TicketOut
    messages: list[MessageOut]


class TicketPage(Schema):
    count: int = Field(description="How many tickets the queue holds (the first 200 are listed)")
    count_estimated: bool = Field(False, description="True: the count is the database planner's estimate (above "
                                                     "10,000 tickets), not an exact figure")
    items: list[OfficerTicketOut]


class MyTicketPage(Schema):
    count: int
    items: list[TicketOut]


class RaiseIn(Schema):
    service: Annotated[str, Field(max_length=40)]
    subject: Subject = ""
    body: Text
    talent_id: Id | None = Field(None, description="officers: the talent's record number")
    priority: PriorityIn = "normal"


class ReplyIn(Schema):
    body: Text
    internal: bool = False


class CloseIn(Schema):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=500)] = ""


class ReopenIn(Schema):
    body: Text


class PriorityChange(Schema):
    priority: PriorityIn


class AttachmentOut(Schema):
    id: int
    ticket: int
    name: str
    content_type: str
    size: int
    at: dt.datetime
    internal: bool = Field(False, description="a file of an internal note (officers only; never listed to a talent)")
