"""Shapes of the eligibility endpoints that are not the policies' own (objections use ``policies.schemas``)."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema


class InKindLineOut(Schema):
    id: int
    reference: str
    talent_id: int
    policy: str
    instalment: int
    amount: Decimal = Field(..., description="the budgeted value of the item; never paid by the bank")
    due: date
    status: str

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.policy.code


class InKindPage(Schema):
    count: int
    items: list[InKindLineOut]


class InKindIssueIn(Schema):
    issued_on: date
    ids: list[int] | None = Field(None, description="the lines handed over; or give policy instead")
    policy: str = Field("", description="every approved in-kind line of this policy code that you see")


class InKindIssueOut(Schema):
    issued: int
    skipped: int = Field(..., description="chosen lines that were not approved in-kind lines (left as they are)")
