"""Greedy plans. ``schedule_greedy`` is the baseline: what a registration desk does by hand — registrants in the
order they registered, each one's booths by match score, each interview in the earliest slot where the booth has a
free interviewer and the person is free. ``fill`` is the same placement with any order, used by the solver to build
its first plan."""

from __future__ import annotations

import time
from collections.abc import Iterable

from .problem import Interview, Pair, Plan, Problem, feasible_pairs, interview, objective_of


class Board:
    """Who is busy when, and how many interviewers each booth has left per slot."""

    def __init__(self, problem: Problem, interviews: Iterable[Interview] = ()) -> None:
        self.problem = problem
        self.capacity = {b.id: b.interviewers for b in problem.booths}
        self.reach = {b: n + problem.walk_ticks for b, n in problem.ticks.items()}
        self.load: dict[tuple[str, int], int] = {}
        self.busy: set[tuple[str, int]] = set()
        self.done: set[tuple[str, str]] = set()
        self.interviews: list[Interview] = []
        for item in interviews:
            self.place(item)

    def free(self, registrant: str, booth: str, slot: int) -> bool:
        """The booth has an interviewer left in that slot, and the person is neither in another interview nor
        walking between booths during it."""
        if self.load.get((booth, slot), 0) >= self.capacity[booth]:
            return False
        if self.reach[booth] == 1:
            return (registrant, slot) not in self.busy
        return not any((registrant, t) in self.busy for t in self.problem.span(booth, slot))

    def place(self, item: Interview) -> None:
        self.load[(item.booth, item.slot)] = self.load.get((item.booth, item.slot), 0) + 1
        self.busy.update((item.registrant, t) for t in self.problem.span(item.booth, item.slot))
        self.done.add((item.registrant, item.booth))
        self.interviews.append(item)

    def fill(self, pairs: Iterable[Pair]) -> None:
        for pair in pairs:
            if (pair.registrant, pair.booth) in self.done:
                continue
            for slot in pair.slots:
                if self.free(pair.registrant, pair.booth, slot):
                    self.place(interview(self.problem, pair.registrant, pair.booth, slot))
                    break


def schedule_greedy(problem: Problem, *, fixed: tuple[Interview, ...] = (), not_before: int = 0) -> Plan:
    started = time.perf_counter()
    pairs, unreachable = feasible_pairs(problem, not_before=not_before)
    order = {r.id: n for n, r in enumerate(problem.registrants)}
    pairs.sort(key=lambda p: (order[p.registrant], -p.weight, p.booth))
    board = Board(problem, fixed)
    board.fill(pairs)
    objective = objective_of(problem, board.interviews)
    return Plan(
        method="greedy",
        interviews=board.interviews,
        objective=objective,
        bound=objective,
        status="heuristic",
        seconds=time.perf_counter() - started,
        unreachable=unreachable,
    )
