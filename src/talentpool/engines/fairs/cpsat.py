"""The scheduler. One CP-SAT model of the whole day (a Boolean per candidate pair and slot) is too slow for a
1,000-person fair on two cores, so the solver works in three steps:

1. a min-cost-flow relaxation (``bound.py``) gives a proven upper bound and says which pairs to interview;
2. a first plan places those pairs, tightest deadline first, then fills what is left;
3. large-neighbourhood search with CP-SAT: a neighbourhood is a registrant who still lacks an interview he asked
   for plus everyone holding a slot he could use; their interviews are freed and CP-SAT re-solves that sub-model
   exactly (at most one slot per pair, one interview at a time per person with the walk between booths, the
   booths' remaining interviewers;
   weighted interviews plus the cover bonus), warm-started from the current plan, until the time limit or until the
   gap to the bound is below ``relative_gap``.

Re-planning (a late train): interviews already held or started are fixed, slots before ``now`` are closed, the
late registrants get their new windows, the rest of the plan is kept where it still fits (every interview earns a
small bonus for staying), and the search starts from the people whose interviews no longer fit.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from ortools.sat.python import cp_model

from .bound import flow_bound
from .greedy import Board
from .problem import (
    COVER_BONUS,
    KEEP_BONUS,
    Interview,
    Pair,
    Plan,
    Problem,
    feasible_pairs,
    interview,
    objective_of,
)

DEFAULT_TIME_LIMIT = 8.0
NEIGHBOURHOOD = 40
ROUND_LIMIT = 0.25  # seconds per neighbourhood: improvements come early, proofs of optimality late


def schedule(
    problem: Problem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    fixed: tuple[Interview, ...] = (),
    not_before: int = 0,
    previous: tuple[Interview, ...] = (),
    relative_gap: float = 0.002,
    seed: int = 0,
    focus: Iterable[str] = (),
) -> Plan:
    """Plan the day (or the rest of it from slot ``not_before``, around the ``fixed`` interviews)."""
    started = time.perf_counter()
    deadline = started + time_limit
    pairs, unreachable = feasible_pairs(problem, not_before=not_before)
    fixed_value = objective_of(problem, list(fixed)) if fixed else 0
    bound, guided = flow_bound(problem, pairs, fixed=fixed, fixed_value=fixed_value)
    board = Board(problem, fixed)
    kept = {(i.registrant, i.booth, i.slot) for i in previous}
    slots_of = {(p.registrant, p.booth): p.slots for p in pairs}
    for item in previous:
        pair_slots = slots_of.get((item.registrant, item.booth), ())
        if item.slot in pair_slots and (item.registrant, item.booth) not in board.done and board.free(
            item.registrant, item.booth, item.slot
        ):
            board.place(item)
    board.fill(sorted(pairs, key=lambda p: (p.index not in guided, p.slots[-1], len(p.slots), -p.weight)))
    search = _Search(problem, pairs, fixed, kept, board.interviews, random.Random(seed))
    rounds = search.run(deadline=deadline, bound=bound, relative_gap=relative_gap, focus=list(focus))
    chosen = search.interviews()
    objective = objective_of(problem, chosen)
    bound = max(bound, objective)
    gap = (bound - objective) / bound if bound else 0.0
    return Plan(
        method="cp-sat",
        interviews=chosen,
        objective=objective,
        bound=bound,
        status="optimal" if gap == 0 else f"feasible ({rounds} CP-SAT rounds)",
        seconds=time.perf_counter() - started,
        unreachable=unreachable,
    )


class _Search:
    """Large-neighbourhood search over registrants, each neighbourhood solved exactly by CP-SAT."""

    def __init__(
        self,
        problem: Problem,
        pairs: list[Pair],
        fixed: tuple[Interview, ...],
        kept: set[tuple[str, str, int]],
        start: list[Interview],
        rng: random.Random,
    ) -> None:
        self.problem = problem
        self.rng = rng
        self.kept = kept
        self.fixed = set(fixed)
        self.capacity = {b.id: b.interviewers for b in problem.booths}
        self.pairs_of: dict[str, list[Pair]] = defaultdict(list)
        self.wanting: dict[tuple[str, int], set[str]] = defaultdict(set)  # booth-slot -> who could use it
        for pair in pairs:
            self.pairs_of[pair.registrant].append(pair)
        self.current: dict[str, list[Interview]] = defaultdict(list)
        self.holders: dict[tuple[str, int], set[str]] = defaultdict(set)
        for item in start:
            self.current[item.registrant].append(item)
            self.holders[(item.booth, item.slot)].add(item.registrant)

    def interviews(self) -> list[Interview]:
        return [item for items in self.current.values() for item in items]

    def _unmet(self) -> list[str]:
        return [
            person for person, pairs in self.pairs_of.items()
            if len(self.current.get(person, ())) < len(pairs)
        ]

    def run(self, *, deadline: float, bound: int, relative_gap: float, focus: list[str]) -> int:
        rounds = 0
        queue = list(focus)
        while time.perf_counter() < deadline - 0.05:
            objective = objective_of(self.problem, self.interviews())
            if bound and (bound - objective) / bound <= relative_gap and not queue:
                break
            unmet = self._unmet()
            if not unmet:
                break
            seed = queue.pop(0) if queue else self.rng.choice(unmet)
            self._improve(self._neighbourhood(seed), deadline)
            rounds += 1
        return rounds

    def _neighbourhood(self, seed: str) -> set[str]:
        people = {seed}
        frontier = [seed]
        while frontier and len(people) < NEIGHBOURHOOD:
            person = frontier.pop(0)
            rivals: list[str] = []
            for pair in self.pairs_of.get(person, ()):
                for slot in pair.slots:
                    rivals.extend(self.holders.get((pair.booth, slot), ()))
            self.rng.shuffle(rivals)
            for rival in rivals:
                if rival not in people and len(people) < NEIGHBOURHOOD:
                    people.add(rival)
                    frontier.append(rival)
        return people

    def _improve(self, people: set[str], deadline: float) -> None:
        model = cp_model.CpModel()
        load: dict[tuple[str, int], int] = defaultdict(int)
        for person, items in self.current.items():
            if person not in people:
                for item in items:
                    load[(item.booth, item.slot)] += 1
        for item in self.fixed:
            if item.registrant in people:
                load[(item.booth, item.slot)] += 1
        variables: list[tuple[Pair, int, cp_model.IntVar]] = []
        by_booth_slot: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        terms = []
        now_held = {(i.registrant, i.booth, i.slot) for p in people for i in self.current.get(p, ())}
        for person in people:
            fixed_here = [i for i in self.fixed if i.registrant == person]
            fixed_ticks = {t for i in fixed_here for t in self.problem.span(i.booth, i.slot)}
            fixed_booths = {i.booth for i in fixed_here}
            by_tick: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            starts: set[int] = set()
            own_all: list[cp_model.IntVar] = []
            for pair in self.pairs_of.get(person, ()):
                if pair.booth in fixed_booths:
                    continue
                own: list[cp_model.IntVar] = []
                for slot in pair.slots:
                    span = self.problem.span(pair.booth, slot)
                    if load[(pair.booth, slot)] >= self.capacity[pair.booth] or not fixed_ticks.isdisjoint(span):
                        continue
                    var = model.new_bool_var("")
                    model.add_hint(var, (person, pair.booth, slot) in now_held)
                    own.append(var)
                    starts.add(slot)
                    for tick in span:
                        by_tick[tick].append(var)
                    by_booth_slot[(pair.booth, slot)].append(var)
                    variables.append((pair, slot, var))
                    keep = KEEP_BONUS if (person, pair.booth, slot) in self.kept else 0
                    terms.append(var * (pair.weight + keep))
                if len(own) > 1:
                    model.add_at_most_one(own)
                own_all.extend(own)
            # spans are intervals: those overlapping one another all cover some span's start
            for tick in sorted(starts):
                if len(by_tick[tick]) > 1:
                    model.add_at_most_one(by_tick[tick])
            if own_all and not fixed_here:
                cover = model.new_bool_var("")
                model.add(cover <= sum(own_all))
                model.add_hint(cover, bool(self.current.get(person)))
                terms.append(cover * COVER_BONUS)
        for (booth, slot), group in by_booth_slot.items():
            room = self.capacity[booth] - load[(booth, slot)]
            if len(group) > room:
                model.add(sum(group) <= room)
        model.maximize(sum(terms))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, min(ROUND_LIMIT, deadline - time.perf_counter()))
        solver.parameters.num_workers = 1
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        for person in people:
            for item in self.current.pop(person, []):
                self.holders[(item.booth, item.slot)].discard(person)
        for item in self.fixed:
            if item.registrant in people:
                self.current[item.registrant].append(item)
                self.holders[(item.booth, item.slot)].add(item.registrant)
        for pair, slot, var in variables:
            if solver.value(var):
                self.current[pair.registrant].append(interview(self.problem, pair.registrant, pair.booth, slot))
                self.holders[(pair.booth, slot)].add(pair.registrant)


def replan_late_arrival(
    problem: Problem,
    plan: Plan,
    *,
    now: datetime,
    arrivals: dict[str, datetime],
    time_limit: float = 1.0,
) -> tuple[Problem, Plan]:
    """Re-plan the rest of the day after late trains: ``arrivals`` maps registrants to their new arrival times.

    Interviews that started before ``now`` are kept as they are; the result lists in ``moved`` everyone whose
    future interviews changed (to be notified)."""
    registrants = tuple(replace(r, arrival=arrivals[r.id]) if r.id in arrivals else r for r in problem.registrants)
    updated = replace(problem, registrants=registrants)
    offset = now - problem.day_start
    not_before = max(0, -int(-offset // problem.tick))
    fixed = tuple(i for i in plan.interviews if i.start < now)
    previous = tuple(i for i in plan.interviews if i.start >= now)
    new_plan = schedule(updated, time_limit=time_limit, fixed=fixed, not_before=not_before, previous=previous,
                        focus=sorted(arrivals))
    before = _future_by_person(previous)
    after = _future_by_person(i for i in new_plan.interviews if i.start >= now)
    new_plan.moved = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    return updated, new_plan


def _future_by_person(interviews: Iterable[Interview]) -> dict[str, frozenset[tuple[str, int]]]:
    result: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for item in interviews:
        result[item.registrant].add((item.booth, item.slot))
    return {person: frozenset(items) for person, items in result.items()}
