"""``talentpool eligibility explain --talent ID_NUMBER --policy CODE --as-of DATE [--set NAME=VALUE] [--json] [--lang en]``.

The talent is found by the keyed hash of the ID number (resident ID first, then passport); the number is never
printed. The explanation is written to the audit trail as a read of the person's record (channel ``cli``).
``talentpool eligibility run --as-of DATE [--policy CODE]... [--district CODE]`` evaluates the published policies
over the registry and brings the payment ledger up to date (see talentpool.eligibility.runs). It prints progress on a
terminal and ends with one line scripts read: ``N evaluated: N new, N unchanged, N withdrawn, N cannot decide``.
Exit status 0 when the run is done, 1 when it failed.
``talentpool eligibility runs [--limit N]`` lists the newest runs with their status, ``interrupted`` for a run
whose worker stopped (no heartbeat for a minute); ``talentpool eligibility resume RUN`` continues such a run here.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from talentpool.core.errors import ApplicationError
from talentpool.eligibility.models import Run
from talentpool.eligibility.past_payments import past_payments_import
from talentpool.eligibility.runs import run_create, run_execute
from talentpool.eligibility.selectors import eligibility_explain, parse_overrides
from talentpool.eligibility.services import run_resume
from talentpool.engines.policy.facts import FACTS
from talentpool.policies.selectors import policy_versions_published
from talentpool.registry.selectors import talent_by_id_number
from talentpool.registry.services import talent_record_viewed

WORDS = {
    "zh": {"policy": "政策", "as_of": "评估日期", "verdict": "结论", "amount": "金额", "instalments": "分期发放",
           "criteria": "逐项条件", "read": "读取", "params": "参数", "missing": "缺少", "since": "自", "on": "起",
           "ready": "条件已满足", "not_ready": "条件未满足", "due": "应发日期", "yuan": "元", "excluded_by": "已享受",
           "yes": "符合", "no": "不符合", "unknown": "无法判断", "review": "符合，需人工审核", "excluded": "不可同时享受",
           "pass": "通过", "fail": "不通过", "empty": "（无）", "true": "是", "false": "否", "version": "第{n}版"},
    "en": {"policy": "Policy", "as_of": "As of", "verdict": "Verdict", "amount": "Amount", "instalments": "Instalments",
           "criteria": "Criteria", "read": "reads", "params": "parameters", "missing": "missing", "since": "since",
           "on": "", "ready": "ready", "not_ready": "not ready yet", "due": "due", "yuan": "yuan",
           "excluded_by": "already granted", "yes": "eligible", "no": "not eligible", "unknown": "cannot decide",
           "review": "eligible, manual review", "excluded": "excluded by another policy", "pass": "pass",
           "fail": "fail", "empty": "(none)", "true": "yes", "false": "no", "version": "version {n}"},
}


def _value(value, w: dict[str, str]) -> str:
    if value is None:
        return w["empty"]
    if isinstance(value, bool):
        return w["true"] if value else w["false"]
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Command(BaseCommand):
    # Django's system checks load the URLconf and with it every API schema (~2.5 s a command): they are
    # `talentpool check`'s job, run at deploy (docs/operations.md), not every command's.
    requires_system_checks: list[str] = []
    help = "Explain a talent's eligibility for a policy on a date, criterion by criterion."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{explain,run,runs,resume,import-payments}")
        run = sub.add_parser("run", help="evaluate policies over the registry and update the payment ledger")
        run.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
        run.add_argument("--policy", action="append", default=[], metavar="CODE",
                         help="a policy code (repeat for several; default every published policy in force)")
        run.add_argument("--district", default="", metavar="CODE",
                         help="only talents of this division (a district, or a city such as 330100)")
        run.add_argument("--schedule", action="store_true", help="mark the run as started by a schedule (cron)")
        runs = sub.add_parser("runs", help="the newest runs and their status (interrupted: the worker stopped)")
        runs.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
        past = sub.add_parser("import-payments", help="store payments made before the platform (CSV, docs/imports.md)")
        past.add_argument("file", metavar="FILE.csv", help="UTF-8 CSV: 证件号码,政策编码,期次,金额,发放日期,依据")
        resume = sub.add_parser("resume", help="continue an interrupted run here, where it stopped")
        resume.add_argument("run", type=int, metavar="RUN")
        ex = sub.add_parser("explain", help="verdict, amount, instalments and each criterion for one person")
        ex.add_argument("--talent", required=True, metavar="ID_NUMBER", help="resident ID or passport number")
        ex.add_argument("--policy", required=True, metavar="CODE")
        ex.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default today)")
        ex.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="overrides",
                        help="what if a parameter had this value (repeat for several; e.g. part_time_postgrad_counts=true)")
        ex.add_argument("--json", action="store_true", help="print Explanation.as_dict() as JSON")
        ex.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the plain text (default zh)")

    def handle(self, *args, **options):
        if options["action"] == "run":
            return self._run(options)
        if options["action"] == "runs":
            return self._list(options["limit"])
        if options["action"] == "import-payments":
            return self._import_payments(options["file"])
        if options["action"] == "resume":
            try:
                run = run_resume(actor=None, run_id=options["run"], enqueue=False)
            except ApplicationError as exc:
                raise CommandError(f"run {options['run']}: {exc.message}") from exc
            return self._execute(run)
        talent = talent_by_id_number(options["talent"])
        if talent is None:
            raise CommandError("No talent with this ID number in the registry.")
        as_of = options["as_of"] or timezone.localdate()
        try:
            explanation = eligibility_explain(talent=talent, code=options["policy"], as_of=as_of,
                                              overrides=parse_overrides(options["overrides"]))
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        talent_record_viewed(actor=None, talent=talent, channel="cli")
        if options["json"]:
            self.stdout.write(json.dumps(explanation.as_dict(), ensure_ascii=False, indent=2))
            return
        self._print(explanation, talent, options["lang"])

    def _import_payments(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                outcome = past_payments_import(actor=None, text=f.read())
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except ApplicationError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        for p in outcome.problems:
            self.stdout.write(f"row {p.row}, {p.column}: {p.message}")
        if outcome.problems:
            raise CommandError(f"{len(outcome.problems)} rows refused; nothing was imported")
        self.stdout.write(f"{outcome.created} past payments imported")

    def _run(self, options) -> None:
        district = options["district"]
        if district and not (district.isdigit() and len(district) == 6):
            raise CommandError("--district must be a six-digit division code")
        scope = district[:2] if district.endswith("0000") else district[:4] if district.endswith("00") else district
        try:
            run = run_create(as_of=options["as_of"] or timezone.localdate(), codes=options["policy"], scope=scope,
                             trigger="schedule" if options["schedule"] else "cli")
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self._execute(run)

    def _list(self, limit: int) -> None:
        """One line per run, newest first: id, as-of date, scope, status, progress, then the summary or error."""
        for run in Run.objects.all()[:max(1, limit)]:
            result = run.summary_line if run.status == "done" else run.error[:80]
            self.stdout.write(f"{run.pk:>6}  {run.as_of.isoformat()}  {run.scope or '-':<6}  {run.state:<11}  "
                              f"{run.phase or '-'} {run.progress_done}/{run.progress_total}  {result}".rstrip())
            if run.interrupted:
                since = timezone.localtime(run.heartbeat_at).isoformat(timespec="seconds") if run.heartbeat_at else "never"
                self.stdout.write(f"        no heartbeat since {since}: talentpool eligibility resume {run.pk}")

    def _execute(self, run: Run) -> None:
        show = sys.stderr.isatty()
        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                      disable=not show, transient=True) as bar:
            task = bar.add_task("facts", total=None)

            def step(phase: str, done: int, total: int) -> None:
                bar.update(task, description=phase, completed=done, total=total or None)

            try:
                run = run_execute(run.pk, on_progress=step)
            except ApplicationError as exc:
                raise CommandError(str(exc.message)) from exc
            except Exception as exc:
                raise CommandError(f"run {run.pk} failed: {exc}") from exc
        self.stdout.write(f"run {run.pk} as of {run.as_of.isoformat()}")
        for p in run.report.get("policies", []):
            self.stdout.write(f"  {p['code']} v{p['version']}: {p['evaluated']} evaluated, {p['new']} new, "
                              f"{p['unchanged']} unchanged, {p['withdrawn']} withdrawn, {p['undecided']} cannot "
                              f"decide, {p['amount_new']} yuan new")
        self.stdout.write(run.summary_line)

    def _print(self, e, talent, lang: str) -> None:
        w = WORDS[lang]
        out = self.stdout.write
        doc = next((v for v in policy_versions_published(e.as_of) if v.code == e.code), None)
        title = (doc.title.zh if lang == "zh" else doc.title.en) if doc else e.code
        out(f"{w['policy']}: {title} ({e.code}, {w['version'].format(n=e.version)})")
        out(f"{talent.name} {talent.id_masked}")
        out(f"{w['as_of']}: {e.as_of.isoformat()}")
        verdict = w[e.verdict]
        if e.verdict == "unknown" and e.missing:
            verdict += f" ({w['missing']}: " + ", ".join(self._fact(m, lang) for m in e.missing) + ")"
        if e.verdict == "excluded" and e.excluded_by:
            verdict += f" ({w['excluded_by']} {e.excluded_by})"
        out(f"{w['verdict']}: {verdict}")
        if e.amount is not None:
            out(f"{w['amount']}: {e.amount:,.2f} {w['yuan']}")
        if e.instalments:
            out(f"{w['instalments']}:")
            for i in e.instalments:
                label = i.zh if lang == "zh" else i.en
                amount = f"{i.amount:,.2f} {w['yuan']}" if i.amount is not None else w["empty"]
                out(f"  - {label}: {amount}, {w['due']} {_value(i.due, w)}, "
                    f"{w['ready'] if i.ready else w['not_ready']}")
        out(f"{w['criteria']}:")
        for c in e.criteria:
            label = c.zh if lang == "zh" else c.en
            out(f"  [{w[c.status] if c.status in w else c.status}] {label}")
            if c.facts:
                out(f"      {w['read']}: " + "; ".join(f"{self._fact(k, lang)} = {_value(v, w)}"
                                                      for k, v in c.facts.items()))
            if c.params:
                parts = []
                for p in c.params.values():
                    since = f"{w['since']} {_value(p['since'], w)}{w['on']}" if p.get("since") else ""
                    parts.append(f"{p['zh'] if lang == 'zh' else p['en']} = {_value(p['value'], w)}"
                                 + (f" ({since})" if since else ""))
                out(f"      {w['params']}: " + "; ".join(parts))
            if c.missing:
                out(f"      {w['missing']}: " + ", ".join(self._fact(m, lang) for m in c.missing))

    @staticmethod
    def _fact(name: str, lang: str) -> str:
        fact = FACTS.get(name)
        if fact is None:
            return name
        return fact.zh if lang == "zh" else fact.en
