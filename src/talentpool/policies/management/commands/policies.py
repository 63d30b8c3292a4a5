"""``talentpool policies test [CODE]``, ``talentpool policies sync``,
``talentpool policies whatif CODE --set name=value[@from-date] ... --as-of DATE [--json]``,
``talentpool policies draft CODE --set name=value[@from-date] ... --user OFFICER``,
``talentpool policies check DRAFT_ID --user OFFICER``, ``talentpool policies publish DRAFT_ID --user OFFICER``.

``draft`` and ``check`` run the draft's checks (published set, test cases, what-if budget) here, printing each
step, as the task does for the pages and the API; ``publish`` asks for publication and is refused, like the page
and the API, unless the draft's latest checks passed on its current text.

``test`` prints each failing case (policy, version, case, reasons) and ends with the line ``N passed, N failed``;
exit status 1 when any case failed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from talentpool.accounts.models import Role
from talentpool.core.errors import ApplicationError
from talentpool.policies import approvals, checks, selectors, services


def _edit(text: str) -> tuple[str, str, dt.date | None]:
    if "=" not in text:
        raise CommandError(f"--set takes name=value[@from-date], not {text!r}")
    name, value = text.split("=", 1)
    start = None
    if "@" in value:
        value, day = value.rsplit("@", 1)
        try:
            start = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise CommandError(f"{day!r} is not a date (YYYY-MM-DD)") from exc
    return name.strip(), value.strip(), start


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Policies as code: run their test cases, load the shipped set, simulate a parameter change."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True,
                                    metavar="{test,sync,whatif,draft,check,publish}")
        test = sub.add_parser("test", help="run the test cases of the shipped and published policies")
        test.add_argument("code", nargs="?", help="only this policy")
        sub.add_parser("sync", help="load the shipped policies as published versions where absent; a changed "
                                    "shipped text updates an unused stored version or becomes a draft (idempotent)")
        whatif = sub.add_parser("whatif", help="what changes over the registry when parameters change")
        whatif.add_argument("code")
        whatif.add_argument("--set", dest="edits", action="append", default=[], metavar="NAME=VALUE[@FROM]",
                            help="a parameter's new value (from a date on, or throughout); repeatable")
        whatif.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
        whatif.add_argument("--json", action="store_true", help="print the result as JSON")
        draft = sub.add_parser("draft", help="make a draft of the version in force with new parameter values and "
                                             "run its checks")
        draft.add_argument("code")
        draft.add_argument("--set", dest="edits", action="append", default=[], metavar="NAME=VALUE[@FROM]")
        check = sub.add_parser("check", help="run a draft's checks again (test cases, published set, what-if)")
        check.add_argument("draft", type=int, help="the draft's id")
        publish = sub.add_parser("publish", help="ask for a checked draft to be published (a second officer "
                                                 "approves)")
        publish.add_argument("draft", type=int, help="the draft's id")
        publish.add_argument("--reason", default="")
        for verb in (draft, check, publish):
            verb.add_argument("--user", required=True, metavar="USERNAME", help="the officer acting")

    def handle(self, *args, action: str, **options):
        try:
            if action == "test":
                return self._test(options.get("code"))
            if action == "sync":
                return self._sync()
            if action in ("draft", "check", "publish"):
                return getattr(self, f"_{action}")(self._officer(options["user"]), options)
            return self._whatif(options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _test(self, code: str | None) -> None:
        results = selectors.policy_test_results(code=code)
        failed = [r for r in results if not r.passed]
        for r in failed:
            self.stdout.write(f"FAIL {r.code} v{r.version} ({r.origin}) line {r.line}: {r.name}")
            for problem in r.problems:
                self.stdout.write(f"     {problem}")
        self.stdout.write(f"{len(results) - len(failed)} passed, {len(failed)} failed")
        sys.stdout.flush()
        if failed:
            raise SystemExit(1)

    def _sync(self) -> None:
        result = services.policy_sync_shipped()
        for key in services.SYNC_OUTCOMES:
            for item in result[key]:
                self.stdout.write(f"{key:<9} {item}")
        self.stdout.write(", ".join(f"{len(result[k])} {k}" for k in services.SYNC_OUTCOMES))
        if result["invalid"]:
            raise SystemExit(1)

    def _whatif(self, options) -> None:
        as_of = options["as_of"] or timezone.localdate()
        policy = selectors.policy_get(code=options["code"])
        base = selectors.policy_version_current(policy, as_of=as_of)
        if base is None:
            raise CommandError(f"{policy.code} has no published version")
        values = services.parameter_values_set(base.source, [_edit(e) for e in options["edits"]])
        result = selectors.whatif(base=base, parameter_values=values, as_of=as_of)
        if options["json"]:
            self.stdout.write(json.dumps(_plain(result), ensure_ascii=False, indent=2))
            return
        out = self.stdout
        out.write(f"{result['code']} v{result['base_version']} on {as_of}: {result['talents']:,} talents")
        for name, vals in values.items():
            out.write(f"  {name}: " + ", ".join(f"{v['value']} from {v['from']}" for v in vals))
        out.write(f"{'':<10}{'yes':>10}{'review':>10}{'no':>10}{'unknown':>10}")
        for side in ("before", "after"):
            c = result[side]
            out.write(f"{side:<10}{c['yes']:>10,}{c['review']:>10,}{c['no']:>10,}{c['unknown']:>10,}")
        out.write(f"gained {result['gained']:,}, lost {result['lost']:,}")
        out.write(f"budget {result['budget_before']:,.2f} -> {result['budget_after']:,.2f} "
                  f"(change {result['budget_change']:+,.2f} yuan)")
        for split, rows in result["splits"].items():
            out.write(f"\nby {split.replace('_', ' ')}:")
            for r in rows:
                out.write(f"  {r['key'] or '-':<16} eligible {r['eligible_before']:>8,} -> {r['eligible_after']:>8,}  "
                          f"+{r['gained']:,} -{r['lost']:,}  budget {r['budget_change']:+,.2f}")

    def _officer(self, username: str):
        user = get_user_model().objects.filter(username=username, role=Role.OFFICER).first()
        if user is None:
            raise CommandError(f"no officer named {username!r}")
        return user

    def _draft(self, actor, options) -> None:
        policy = selectors.policy_get(code=options["code"])
        base = selectors.policy_version_current(policy, as_of=timezone.localdate())
        if base is None:
            raise CommandError(f"{policy.code} has no published version")
        values = services.parameter_values_set(base.source, [_edit(e) for e in options["edits"]])
        draft = services.policy_draft_create(actor=actor, version=base, parameter_values=values, background=False)
        self.stdout.write(f"draft {draft.pk}: {policy.code} v{draft.version}, based on v{base.version}")
        self._run(draft, checks.latest_check(draft))

    def _check(self, actor, options) -> None:
        draft = selectors.policy_version_get(pk=options["draft"])
        self._run(draft, services.policy_check_request(actor=actor, draft=draft, background=False))

    def _run(self, draft, check) -> None:
        done = checks.policy_check_run(check.pk, progress=lambda c: self.stdout.write(
            f"  step {c.done} of {c.total}: {c.step}"))
        view = checks.check_view(draft, done)
        for p in view["problems"]:
            self.stdout.write(f"  line {p['line']}: {p['message']}")
        for c in view["cases"]:
            if not c["passed"]:
                self.stdout.write(f"  FAIL {c['name']}: {'; '.join(c['problems'])}")
        if view["whatif"]:
            w = view["whatif"]
            self.stdout.write(f"  what-if on {w['as_of']} over {w['talents']:,} talents: budget {w['budget_before']} "
                              f"-> {w['budget_after']} (change {w['budget_change']}), gained {w['gained']:,}, "
                              f"lost {w['lost']:,}")
        for warning in view["warnings"]:
            self.stdout.write(f"  warning: {warning}")
        self.stdout.write(f"checks {view['state']}: {view['passed']} test cases passed, {view['failed']} failed")
        if view["state"] != "passed":
            raise SystemExit(1)

    def _publish(self, actor, options) -> None:
        draft = selectors.policy_version_get(pk=options["draft"])
        approval = approvals.policy_publish_request(actor=actor, draft=draft, reason=options["reason"])
        self.stdout.write(f"publication of {draft.policy.code} v{draft.version} asked for (approval {approval.pk}): "
                          "a second officer approves it")
