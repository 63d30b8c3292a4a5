"""``talentpool demo [--talents N] [--enterprises M] [--seed S] [--district 330106] [--reset]``."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from talentpool.core.errors import ApplicationError
from talentpool.registry.demo import DEFAULT_DISTRICT, DEMO_PASSWORD, DemoResult, demo_generate


class Command(BaseCommand):
    help = (
        "Generate a demo district: enterprises, talents with education, employment, social insurance, households "
        f"and housing, plus one login per role (password {DEMO_PASSWORD}). Refuses to touch a registry that "
        "already holds data unless --reset is given (which deletes the registry first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--talents", type=int, default=3000, help="number of talents (default 3000)")
        parser.add_argument("--enterprises", type=int, default=None,
                            help="number of enterprises (default talents/20, at least 50)")
        parser.add_argument("--seed", type=int, default=2023, help="random seed: same seed, same people")
        parser.add_argument("--district", default=DEFAULT_DISTRICT,
                            help="main district (default 330106 西湖区; 330110 余杭区 holds part of the data)")
        parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                            help="date the demo world is seen from (default today), YYYY-MM-DD")
        parser.add_argument("--reset", action="store_true", help="delete the registry and demo users first")
        parser.add_argument("--jobs", type=int, default=300,
                            help="open jobs of the demo enterprises, with job profiles and applications (default 300)")

    def handle(self, *args, **options):
        console = Console(stderr=True)
        progress = Progress(TextColumn("[bold]demo[/] talents"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=False,
                            disable=options["verbosity"] == 0)
        task = None

        def report(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = progress.add_task("talents", total=total)
            progress.update(task, completed=done)

        try:
            with progress:
                result = demo_generate(talents=options["talents"], enterprises=options["enterprises"],
                                       seed=options["seed"], district=options["district"], as_of=options["as_of"],
                                       reset=options["reset"], progress=report)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not result.skipped and options["jobs"] > 0:
            from talentpool.recruitment.demo import demo_recruitment

            counts = demo_recruitment(options["seed"], jobs=options["jobs"], today=options["as_of"])
            self.stdout.write(f"Recruitment: {counts.get('jobs', 0):,} jobs, {counts.get('profiles', 0):,} job profiles, "
                              f"{counts.get('applications', 0):,} applications")
        self._print(result)

    def _print(self, result: DemoResult) -> None:
        out = self.stdout
        if result.skipped:
            out.write(f"Demo skipped: {result.message}")
        else:
            counts = ", ".join(f"{n:,} {k}" for k, n in result.counts.items())
            out.write(f"Demo district generated in {result.seconds:.1f} s: {counts}")
        if not result.logins:
            return
        out.write("")
        out.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        rows = [("username", "role", "password", "scope")] + [
            (lg.username, str(lg.role), lg.password, lg.scope) for lg in result.logins]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for r in rows:
            out.write("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
