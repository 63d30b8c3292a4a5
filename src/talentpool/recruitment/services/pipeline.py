"""An enterprise's pipeline: its stages, and the steps every move of an application shares (the history row,
the check that the application is still open, moving forward to a stage, cancelling interviews to come)."""

from __future__ import annotations

import re

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.audit import audited
from talentpool.core.errors import ApplicationError
from talentpool.core.models import AuditAction
from talentpool.engines.matching import clean_text

from ..models import (
    FIRST_STAGE,
    HIRED_STAGE,
    Application,
    InterviewStatus,
    Outcome,
    PipelineSettings,
    StageChange,
)
from ..selectors import pipeline_stages
from .access import actor_or_none, enterprise_of


def _stages_clean(stages: list[dict]) -> list[dict[str, str]]:
    clean: list[dict[str, str]] = []
    for i, stage in enumerate(stages or []):
        code = str(stage.get("code", "")).strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,29}", code) or code in (Outcome.REJECTED, Outcome.WITHDRAWN):
            raise ApplicationError(_("Stage %(n)s: a code is 2 to 30 lower-case letters, digits or _ (not "
                                     "rejected or withdrawn).") % {"n": i + 1}, code="invalid", field="stages")
        zh = clean_text(stage.get("zh"), 30, single_line=True)
        en = clean_text(stage.get("en"), 30, single_line=True)
        if not zh or not en:
            raise ApplicationError(_("Stage %(n)s needs a Chinese and an English name.") % {"n": i + 1},
                                   code="required", field="stages")
        clean.append({"code": code, "zh": zh, "en": en})
    codes = [s["code"] for s in clean]
    if not 3 <= len(clean) <= 12 or codes[0] != FIRST_STAGE or codes[-1] != HIRED_STAGE or len(set(codes)) != len(codes):
        raise ApplicationError(_("Stages run from 'applied' to 'hired', 3 to 12 of them, each code once."),
                               code="invalid", field="stages")
    return clean


def pipeline_stages_set(*, actor, stages: list[dict], request=None) -> PipelineSettings:
    """The enterprise's own stages, from ``applied`` to ``hired``. A stage that applications are in cannot be
    removed."""
    enterprise = enterprise_of(actor)
    clean = _stages_clean(stages)
    codes = [s["code"] for s in clean]
    with audited(actor=actor, action=AuditAction.RECORD_CHANGE, target=f"pipeline:{enterprise.pk}",
                 request=request, detail={"stages": codes}):
        in_use = set(Application.objects.filter(job__enterprise=enterprise, outcome="")
                     .values_list("stage", flat=True).distinct())
        removed = sorted(in_use - set(codes))
        if removed:
            raise ApplicationError(_("Applications are in stage %(stage)s; move them before removing it.")
                                   % {"stage": removed[0]}, code="stage_in_use", field="stages")
        row, _created = PipelineSettings.objects.update_or_create(enterprise=enterprise, defaults={"stages": clean})
    return row


def stage_change_record(app: Application, to: str, actor, note: str = "", *, from_stage: str | None = None) -> None:
    """The application's history row for a move to ``to``."""
    StageChange.objects.create(application=app, from_stage=app.stage if from_stage is None else from_stage,
                               to_stage=to, actor=actor_or_none(actor), note=note[:300])


def advance_to(app: Application, stage: str, actor, note: str) -> bool:
    """Move the application forward to ``stage`` when its pipeline has that stage and the application is still
    before it (an interview or an offer moves it on; it never moves back). The caller saves ``stage``."""
    codes = [s["code"] for s in pipeline_stages(app.job.enterprise_id)]
    if stage in codes and app.stage in codes and codes.index(app.stage) < codes.index(stage):
        stage_change_record(app, stage, actor, note)
        app.stage = stage
        return True
    return False


def check_open(app: Application) -> None:
    if app.outcome:
        raise ApplicationError(_("This application is closed (%(outcome)s).") % {"outcome": app.get_outcome_display()},
                               code="application_closed")


def interviews_cancel_open(app: Application) -> None:
    """Interviews still to come of an application that ended are cancelled."""
    app.interviews.filter(status=InterviewStatus.SCHEDULED, starts_at__gte=timezone.now()).update(
        status=InterviewStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now())
