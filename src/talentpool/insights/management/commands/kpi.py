"""``talentpool kpi --as-of DATE [--scope DIVISION] [--json] [--refresh]``: the dashboard's figures.

Reads the current columnar snapshot (building one when there is none); ``--refresh`` rebuilds it first, which is
what a scheduler runs (cron, nightly and after large imports). ``--scope`` is a division code (330106 a district,
330100 the city; default: everything). ``--json`` prints the same figures as the dashboard, money as strings of
yuan with two decimals."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from talentpool.engines.vocab import division_prefix
from talentpool.insights import figures
from talentpool.insights.snapshot import snapshot_build, snapshot_current


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Print the KPI dashboard's figures as of a date (from the columnar snapshot)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="date YYYY-MM-DD (default: today)")
        parser.add_argument("--scope", default="", help="division code: 330106 a district, 330100 a city")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--refresh", action="store_true", help="rebuild the snapshot first")

    def handle(self, *args, **options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of: {options['as_of']!r} is not a date (YYYY-MM-DD)") from None
        scope = options["scope"].strip()
        if scope and not (scope.isdigit() and len(scope) == 6):
            raise CommandError(f"--scope: {scope!r} is not a six-digit division code")
        snap = None if options["refresh"] else snapshot_current()
        if snap is None:
            snap = snapshot_build()
            self.stderr.write(f"snapshot built: {snap.path.name} ({snap.rows['talents']} talents)")
        con = figures.connect(snap.path)
        try:
            data = figures.kpis(con, as_of=as_of, scope=division_prefix(scope))
        finally:
            con.close()
        data["snapshot_built_at"] = snap.built_at
        if options["json"]:
            self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))
            return
        self._text(data)

    def _text(self, d: dict) -> None:
        w = self.stdout.write
        w(f"as of {d['as_of']} · scope {d['scope'] or 'all'} · snapshot {d['snapshot_built_at']:%Y-%m-%d %H:%M}")
        w(f"talents: {d['talent_total']}  by tier: " + ", ".join(f"{r['tier']} {r['people']}" for r in d["by_tier"]))
        g = d["new_graduates_under_35"]
        w(f"new under-35 graduates this year: {g['people']}" + (f" (rank {g['rank']} of {g['districts']})"
                                                                  if g["rank"] else ""))
        for r in d["subsidies_by_policy"]:
            w(f"paid {r['policy']}: {r['people']} people, {r['lines']} payments, {r['amount']:,.2f} yuan")
        w(f"paid in total: {d['subsidies_total']['people']} people, {d['subsidies_total']['amount']:,.2f} yuan")
        n = d["net_inflow"]
        w(f"net inflow: {n['net']} ({n['arrivals']} arrived, {n['stops']} stopped)")
        for r in d["retention"]:
            w(f"retention after {r['years']} year(s): {r['retained']} of {r['cohort']}"
              + (f" ({r['rate']}%)" if r["rate"] is not None else ""))
        w(f"early warning: {d['early_warning']}")
        f, t = d["fairs"], d["tickets_within_sla"]
        w(f"fairs held: {f['fairs']} ({f['registrants']} registered, {f['checked_in']} checked in, "
          f"{f['interviews']} interviews, {f['intents']} intents of which {f['strong']} strong)")
        w(f"tickets resolved: {t['resolved']}, within SLA: {t['within_sla']}"
          + (f" ({t['share']}%)" if t["share"] is not None else "") + f", breaches: {t['breaches']}")
