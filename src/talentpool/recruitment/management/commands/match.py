"""``talentpool match jobs --talent ID_NUMBER [-k 20] [--json]``, ``talentpool match talents --job JOB_ID [-k 20]
[--json]`` and ``talentpool match rebuild``.

``jobs`` ranks the open jobs for a talent found by the keyed hash of its ID number (which is never printed; the
read is written to the audit trail, channel ``cli:match``). ``talents`` ranks the talents for a job among those its
enterprise may see: talents who let enterprises find them and applicants to the enterprise's jobs. Both print a
table (rank, score, who or what, the strongest reasons) or, with ``--json``, every match with the engine's full
explanation. ``rebuild`` builds the index from the database and saves it under ``$TALENTPOOL_HOME/matching`` for
the web processes to load, printing the counts and seconds. Exit status 1 when the talent or job is not found.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from talentpool.recruitment.matching import changes_prune, live_index
from talentpool.recruitment.models import Job
from talentpool.recruitment.selectors import jobs_for_talent, talents_for_job
from talentpool.registry.selectors import talent_by_id_number
from talentpool.registry.services import talent_record_viewed


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    out = []
    for r in rows:
        cells = [c + " " * (w - _width(c)) for c, w in zip(r[:-1], widths, strict=True)]
        out.append("  ".join(cells + [r[-1]]).rstrip())
    return out


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    return sum(2 if "\u2e80" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" else 1 for c in text)


def _cut(text: str, most: int) -> str:
    out, width = "", 0
    for c in text:
        width += _width(c)
        if width > most:
            return out + "…"
        out += c
    return out


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Match jobs and talents from the command line, or rebuild the match index."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{jobs,talents,rebuild}")
        jobs = sub.add_parser("jobs", help="the best open jobs for a talent")
        jobs.add_argument("--talent", required=True, metavar="ID_NUMBER", help="the talent's ID number")
        talents = sub.add_parser("talents", help="the best talents for a job (consenting talents and applicants)")
        talents.add_argument("--job", required=True, type=int, metavar="JOB_ID")
        for p in (jobs, talents):
            p.add_argument("-k", type=int, default=20, help="how many (default 20)")
            p.add_argument("--near-misses", type=int, default=0, help="also list up to N near misses")
            p.add_argument("--json", action="store_true", help="JSON with each match's full explanation")
            p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the reasons")
        rebuild = sub.add_parser("rebuild", help="build the index from the database and save it")
        rebuild.add_argument("--no-save", action="store_true", help="build only (a timing check)")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "rebuild":
            return self._rebuild(save=not options["no_save"])
        k = max(1, min(options["k"], 1000))
        near = max(0, options["near_misses"])
        with translation.override("zh-hans" if options["lang"] == "zh" else "en"):
            if action == "jobs":
                self._jobs(options["talent"], k, near, options["json"])
            else:
                self._talents(options["job"], k, near, options["json"])

    def _rebuild(self, *, save: bool) -> None:
        info = live_index().rebuild(save=save)
        pruned = changes_prune() if save else 0
        where = f", saved to {live_index().directory / 'index'}" if save else ""
        self.stdout.write(f"Index built in {info.seconds:.1f} s: {info.talents:,} talents, {info.jobs:,} jobs{where}"
                          + (f"; {pruned:,} old change-log rows pruned" if pruned else ""))

    def _jobs(self, id_number: str, k: int, near: int, as_json: bool) -> None:
        talent = talent_by_id_number(id_number)
        if talent is None:
            raise CommandError("No talent with this ID number.")
        talent_record_viewed(actor=None, talent=talent, channel="cli:match")
        matches = jobs_for_talent(talent, k, near_misses=near)
        if as_json:
            self.stdout.write(json.dumps({
                "talent": talent.pk, "k": k,
                "matches": [{"rank": i, "job": m.job.pk, "title": m.job.title, "enterprise": m.job.enterprise.name,
                             "division": m.job.division, "score": round(m.score, 6), "near_miss": m.near_miss,
                             "applied": m.applied, "reasons": m.reasons, "explanation": m.explanation}
                            for i, m in enumerate(matches, 1)]}, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Jobs for talent {talent.pk} ({talent.name}): {len(matches)}")
        rows = [["#", "score", "job", "title", "enterprise", "reasons"]]
        for i, m in enumerate(matches, 1):
            rows.append([str(i) + ("~" if m.near_miss else ""), f"{m.score:.3f}", str(m.job.pk),
                         _cut(m.job.title, 24), _cut(m.job.enterprise.name, 20), "; ".join(m.reasons[:3])])
        for line in _table(rows):
            self.stdout.write(line)

    def _talents(self, job_id: int, k: int, near: int, as_json: bool) -> None:
        job = Job.objects.select_related("enterprise").filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"No job {job_id}.")
        matches = talents_for_job(job, k, near_misses=near)
        if as_json:
            self.stdout.write(json.dumps({
                "job": job.pk, "title": job.title, "k": k,
                "matches": [{"rank": i, "talent": m.talent.pk, "name": m.talent.name, "score": round(m.score, 6),
                             "near_miss": m.near_miss, "applied": m.application is not None,
                             "stage": m.application.stage if m.application else None, "reasons": m.reasons,
                             "explanation": m.explanation} for i, m in enumerate(matches, 1)]},
                ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Talents for job {job.pk} ({job.title}, {job.enterprise.name}): {len(matches)}")
        rows = [["#", "score", "talent", "name", "applied", "reasons"]]
        for i, m in enumerate(matches, 1):
            rows.append([str(i) + ("~" if m.near_miss else ""), f"{m.score:.3f}", str(m.talent.pk), m.talent.name,
                         m.application.stage if m.application else "-", "; ".join(m.reasons[:3])])
        for line in _table(rows):
            self.stdout.write(line)
