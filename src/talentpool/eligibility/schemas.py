"""Shapes of the eligibility endpoints that are not the policies' own (objections use ``policies.schemas``)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

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


Override = Annotated[str, Field(min_length=3, max_length=200, description="a parameter override, name=value")]


class ExplainWhatIf(Schema):
    """``?set=name=value`` (repeatable): explain as if the policy's parameter had that value (nothing is stored)."""

    set: list[Override] | None = Field(None, max_length=20)
