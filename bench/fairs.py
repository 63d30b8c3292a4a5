"""Station-fair interview scheduling at district scale: 1,000 registrants × 120 booths × 8 hours.

    .venv/bin/python bench/fairs.py [--registrants 1000] [--booths 120] [--hours 8] [--time-limit 8]
                                    [--repeat 3] [--seed 14] [--walk 0] [--booth-minutes 15,20,30] [--smoke]

Targets (issue 14): the day scheduled in under 10 s with at least 10% more interviews than the greedy baseline
and a gap to the proven bound under 2%; a late-train re-plan in under 2 s. Medians of ``--repeat`` runs; the
baseline is measured in the same run on the same instance.

The instance is ``engines.fairs.generate_day``: 20-minute slots from 09:00 to 17:00 (+08:00); 80% of the
registrants come on the morning trains (08:30–11:00), the rest through the day; 60% are day-trippers leaving
90–200 minutes after arriving; each asks for 8 booths chosen by a Zipf-like popularity (match scores uniform);
booths have 1–3 interviewers, some open late or close early. Greedy = registrants in registration order, each
one's booths by weight, earliest free slot (walks included). ``--walk`` leaves that many minutes between a
person's interviews at two booths; ``--booth-minutes`` gives booths interview lengths drawn from the list (each
booth interviews back to back in its own slots from its opening). Late train: every 97th registrant arrives 90
minutes later, learnt at 10:10 when the first interviews have been held.
``--smoke``: 60 registrants, 12 booths, 3 hours, one run of at most 2 s (proof the bench works; the targets
are for the full size).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timedelta, timezone

from talentpool.engines.fairs import check_plan, generate_day, replan_late_arrival, schedule, schedule_greedy

CHINA = timezone(timedelta(hours=8))
TARGET_SECONDS, TARGET_GAIN, TARGET_GAP, TARGET_REPLAN = 10.0, 0.10, 0.02, 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=1000)
    parser.add_argument("--booths", type=int, default=120)
    parser.add_argument("--hours", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--walk", type=int, default=0,
                        help="minutes between a person's interviews at two booths (0: the issue's instance)")
    parser.add_argument("--booth-minutes", default="", help="interview lengths booths draw from, e.g. 15,20,30")
    parser.add_argument("--smoke", action="store_true", help="60 registrants, 12 booths, 3 hours, one run")
    args = parser.parse_args()
    if args.smoke:
        args.registrants, args.booths, args.hours, args.time_limit, args.repeat = 60, 12, 3, 2.0, 1
    lengths = tuple(int(m) for m in args.booth_minutes.split(",") if m.strip())
    day_start = datetime(2026, 12, 8, 9, 0, tzinfo=CHINA)
    problem = generate_day(day_start=day_start, registrants=args.registrants, booths=args.booths,
                           hours=args.hours, seed=args.seed, walk_minutes=args.walk, booth_minutes=lengths)
    print(f"instance: {len(problem.registrants)} registrants, {len(problem.booths)} booths, "
          f"{problem.slot_count} ticks of {problem.tick.seconds // 60} min, walk {args.walk} min, booth interviews "
          f"{sorted({int(m.seconds // 60) for m in (b.length or problem.slot for b in problem.booths)})} min, "
          f"{len(problem.candidates)} candidate pairs")
    rows = []
    for n in range(args.repeat):
        started = time.perf_counter()
        greedy = schedule_greedy(problem)
        greedy_seconds = time.perf_counter() - started
        started = time.perf_counter()
        plan = schedule(problem, time_limit=args.time_limit, seed=n)
        seconds = time.perf_counter() - started
        errors = check_plan(problem, plan.interviews)
        if errors:
            raise SystemExit(f"invalid plan: {errors[:5]}")
        late = {r.id: r.arrival + timedelta(minutes=90) for r in problem.registrants[::97]}
        now = day_start + timedelta(hours=1, minutes=10)
        started = time.perf_counter()
        updated, replanned = replan_late_arrival(problem, plan, now=now, arrivals=late)
        replan_seconds = time.perf_counter() - started
        held = [i for i in plan.interviews if i.start < now]
        if check_plan(updated, replanned.interviews, fixed=tuple(held)) or not set(held) <= set(replanned.interviews):
            raise SystemExit("invalid re-plan")
        covered = len({i.registrant for i in plan.interviews})
        greedy_covered = len({i.registrant for i in greedy.interviews})
        rows.append((seconds, plan.count, plan.objective, plan.bound, plan.gap, greedy.count, greedy.objective,
                     greedy_seconds, replan_seconds, len(replanned.moved), covered, greedy_covered))
        print(f"run {n + 1}: {seconds:.2f} s, {plan.count} interviews (greedy {greedy.count}), objective "
              f"{plan.objective} bound {plan.bound} gap {plan.gap:.2%}; re-plan {replan_seconds:.2f} s, "
              f"{len(replanned.moved)} moved")

    def med(i: int) -> float:
        return statistics.median(row[i] for row in rows)

    gain = med(1) / med(5) - 1
    print()
    print(f"greedy baseline (same run): {med(5):.0f} interviews, objective {med(6):.0f}, "
          f"{med(11):.0f} registrants with at least one, {med(7) * 1000:.0f} ms")
    print(f"CP-SAT scheduler: {med(1):.0f} interviews, objective {med(2):.0f}, bound {med(3):.0f}, "
          f"{med(10):.0f} registrants with at least one")
    print(f"schedule time (median): {med(0):.2f} s  (target < {TARGET_SECONDS:.0f} s)  "
          f"{'ok' if med(0) < TARGET_SECONDS else 'MISSED'}")
    print(f"interviews vs greedy: +{gain:.1%}  (target >= {TARGET_GAIN:.0%})  {'ok' if gain >= TARGET_GAIN else 'MISSED'}")
    print(f"gap to bound (median): {med(4):.2%}  (target < {TARGET_GAP:.0%})  {'ok' if med(4) < TARGET_GAP else 'MISSED'}")
    print(f"late-train re-plan (median): {med(8):.2f} s, {med(9):.0f} registrants moved  "
          f"(target < {TARGET_REPLAN:.0f} s)  {'ok' if med(8) < TARGET_REPLAN else 'MISSED'}")


if __name__ == "__main__":
    main()
