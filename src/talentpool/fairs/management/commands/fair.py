"""``talentpool fair list [--json]`` and ``talentpool fair schedule FAIR_ID [--time-limit S] [--json]``.

``list`` prints every fair's id, kind (station, campus_tour, cloud) and title. ``schedule`` plans (or re-plans,
keeping interviews held or started) a station fair and prints the interviews scheduled, the objective, the greedy
baseline's interviews and the solver's proven bound with the gap; with ``--json`` an object with the keys
``interviews``, ``objective``, ``greedy``, ``bound``, ``registrants`` (each ``id``, ``arrival``, ``departure``),
``booths`` (each ``id``, ``interviewers``, ``hours``) and ``slots`` (each ``registrant``, ``booth``, ``start``,
``end``), times in ISO 8601 with +08:00. Exit status 1 when the fair is not found or not a station fair.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from talentpool.core.errors import ApplicationError
from talentpool.fairs.models import Fair
from talentpool.fairs.scheduling import fair_schedule, local


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "List fairs, or plan a station fair's interviews."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,schedule}")
        listing = sub.add_parser("list", help="every fair: id, kind and title")
        listing.add_argument("--json", action="store_true")
        plan = sub.add_parser("schedule", help="plan (or re-plan) a station fair's interviews")
        plan.add_argument("fair_id", type=int, metavar="FAIR_ID")
        plan.add_argument("--time-limit", type=float, default=8.0, metavar="S", help="seconds (default 8)")
        plan.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["action"] == "list":
            return self._list(options["json"])
        return self._schedule(options["fair_id"], options["time_limit"], options["json"])

    def _list(self, as_json: bool) -> None:
        fairs = [{"id": f.pk, "kind": f.kind, "title": f.title, "status": f.status,
                  "starts_at": local(f.starts_at)} for f in Fair.objects.order_by("starts_at", "id")]
        if as_json:
            self.stdout.write(json.dumps(fairs, ensure_ascii=False))
            return
        for f in fairs:
            self.stdout.write(f"{f['id']:>5}  {f['kind']:<12} {f['status']:<10} {f['starts_at'][:16]}  {f['title']}")

    def _schedule(self, fair_id: int, time_limit: float, as_json: bool) -> None:
        try:
            done = fair_schedule(actor=None, fair_id=fair_id, time_limit=time_limit)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        plan, problem, run = done.plan, done.problem, done.run
        if as_json:
            booths = {b.id: b for b in problem.booths}
            out = {
                "interviews": plan.count,
                "objective": plan.objective,
                "greedy": run.greedy_interviews,
                "bound": plan.bound,
                "gap": round(plan.gap, 6),
                "unreachable": [int(r[1:]) for r in plan.unreachable],
                "registrants": [{"id": int(r.id[1:]), "arrival": local(r.arrival), "departure": local(r.departure)}
                                for r in problem.registrants],
                "booths": [{"id": int(b.id[1:]), "interviewers": b.interviewers,
                            "hours": [local(b.opens), local(b.closes)]} for b in booths.values()],
                "slots": [{"registrant": int(i.registrant[1:]), "booth": int(i.booth[1:]), "start": local(i.start),
                           "end": local(i.end)} for i in sorted(plan.interviews, key=lambda i: (i.start, i.booth))],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(f"{plan.count} interviews scheduled for {len(problem.registrants)} registrants at "
                          f"{len(problem.booths)} booths in {plan.seconds:.2f} s")
        self.stdout.write(f"objective {plan.objective}, bound {plan.bound}, gap {plan.gap:.2%}")
        self.stdout.write(f"greedy baseline: {run.greedy_interviews} interviews, objective {run.greedy_objective}")
        if plan.unreachable:
            self.stdout.write(f"{len(plan.unreachable)} registrants: no slot fits their train (they are told)")
