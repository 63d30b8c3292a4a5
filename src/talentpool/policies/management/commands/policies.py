"""``talentpool policies test [CODE]``, ``talentpool policies sync``,
``talentpool policies whatif CODE --set name=value[@from-date] ... --as-of DATE [--json]``.

``test`` prints each failing case (policy, version, case, reasons) and ends with the line ``N passed, N failed``;
exit status 1 when any case failed.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from talentpool.core.errors import ApplicationError
from talentpool.policies import selectors, services


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
    help = "Policies as code: run their test cases, load the shipped set, simulate a parameter change."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{test,sync,whatif}")
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

    def handle(self, *args, action: str, **options):
        try:
            if action == "test":
                return self._test(options.get("code"))
            if action == "sync":
                return self._sync()
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
