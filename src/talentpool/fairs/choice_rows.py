"""The talent's "booths I want to meet" list of a fair, read as values and made in Python once per page: a fair
shows up to 200 booths, each a checkbox and a select of its jobs; reading them as model instances (booth and
enterprise rows, a prefetch of jobs) and rendering them through the template language's loops was most of the
registration page's cost. The HTML is the one the template's loop wrote (tests/integration/fairs/
test_choice_rows.py compares them); every value is escaped by ``format_html``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from talentpool.recruitment.models import Job

from .models import Booth, BoothStatus

MOST_BOOTHS = 200


@dataclass
class BoothChoice:
    pk: int
    enterprise: str
    jobs: list[tuple[int, str]] = field(default_factory=list)  # (id, title), newest job first


def booth_choices(fair_id: int) -> list[BoothChoice]:
    """The fair's approved booths (at most ``MOST_BOOTHS``, in id order: the model's order within one fair) with their enterprise's name and the
    jobs offered there: two queries of the shown columns."""
    booths = [BoothChoice(pk, name) for pk, name in Booth.objects.filter(
        fair_id=fair_id, status=BoothStatus.APPROVED).order_by("id").values_list(
        "pk", "enterprise__name")[:MOST_BOOTHS]]
    by_pk = {b.pk: b for b in booths}
    if by_pk:
        for booth_id, job_id, title in (Job.objects.filter(fair_booths__in=list(by_pk))
                                        .order_by(*Job._meta.ordering)
                                        .values_list("fair_booths", "pk", "title")):
            by_pk[booth_id].jobs.append((job_id, title))
    return booths


_JOB_SELECT = '<select name="job_{}" aria-label="{}">{}</select>'


def booth_choices_html(booths: list[BoothChoice], chosen_jobs: dict[int, int | None]) -> SafeString:
    """Each booth's checkbox (ticked when chosen) and, when it offers jobs, the select of them with the chosen
    job selected; ``chosen_jobs`` maps the chosen booths to the job chosen there (or None)."""
    label = _("Job")
    out = []
    for b in booths:
        out.append(format_html('<label><input type="checkbox" name="booths" value="{}"{}> {}</label>', b.pk,
                               mark_safe(" checked") if b.pk in chosen_jobs else "", b.enterprise))
        if b.jobs:
            picked = chosen_jobs.get(b.pk)
            options = mark_safe("".join(format_html('<option value="{}"{}>{}</option>', pk,
                                                    mark_safe(" selected") if pk == picked else "", title)
                                        for pk, title in b.jobs))
            out.append(format_html(" " + _JOB_SELECT, b.pk, label, options))
    return mark_safe("".join(out))
