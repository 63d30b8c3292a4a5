"""The station-fair scheduling problem as plain data: registrants with their trains, booths with interviewers and
hours, candidate pairs with a match score, and the plan that answers it.

Time is cut into equal ticks from ``day_start``: the greatest common divisor of the fair's slot, every booth's
interview length and the walk between booths (with one slot length and no walk a tick is the slot). A booth
interviews in back-to-back slots of its own length from its opening (``Booth.length``, else the fair's slot); an
interview occupies its booth slot and, for the person, that slot plus the walk to the next booth, so a person's
consecutive interviews are at least ``Problem.walk`` apart. A registrant can be interviewed in a slot that
starts at or after arrival plus the walk in and ends at or before departure minus the walk out; a booth in a slot
inside its hours. ``Interview.slot`` and ``Pair.slots`` are tick indexes of starts. The time-indexed model is exact,
and its relaxation gives the solver a tight bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

# Objective weights (integers for CP-SAT). An interview is worth 100..225: more for a better match (score 0..1
# adds up to half) and for a higher-priority registrant (priority 1..3 adds a quarter per step). Giving a
# registrant a first interview is worth more than any single interview (COVER > 2 × the largest weight), so the
# solver never leaves someone with none to give another a further one where a swap would avoid it.
BASE_WEIGHT = 100
MAX_PRIORITY = 3
COVER_BONUS = 500
KEEP_BONUS = 3  # re-planning: a small reward for leaving an interview where it was


@dataclass(frozen=True)
class Registrant:
    id: str
    arrival: datetime
    departure: datetime | None = None  # None: stays until the end of the day
    priority: int = 1  # 1 (normal) .. 3 (highest)
    walk_in: timedelta = timedelta(minutes=15)  # station to the venue
    walk_out: timedelta = timedelta(minutes=20)  # the venue back to the platform


@dataclass(frozen=True)
class Booth:
    id: str
    interviewers: int
    opens: datetime
    closes: datetime
    length: timedelta | None = None  # one interview here (None: the fair's slot)


@dataclass(frozen=True)
class Candidate:
    """A registrant who wants (or is recommended) an interview at a booth."""

    registrant: str
    booth: str
    score: float = 0.5  # match score 0..1


@dataclass(frozen=True)
class Problem:
    day_start: datetime
    day_end: datetime
    slot: timedelta
    registrants: tuple[Registrant, ...]
    booths: tuple[Booth, ...]
    candidates: tuple[Candidate, ...]
    walk: timedelta = timedelta(0)  # at least this between a person's interviews at two booths

    @cached_property
    def tick(self) -> timedelta:
        seconds = [int(self.slot.total_seconds()), int(self.walk.total_seconds())]
        seconds += [int(b.length.total_seconds()) for b in self.booths if b.length]
        return timedelta(seconds=math.gcd(*seconds))

    @cached_property
    def ticks(self) -> dict[str, int]:
        """Each booth's interview length in ticks."""
        return {b.id: max(1, (b.length or self.slot) // self.tick) for b in self.booths}

    @cached_property
    def walk_ticks(self) -> int:
        return -int(-self.walk // self.tick)

    def span(self, booth: str, start: int) -> range:
        """The ticks a person is taken by an interview at ``booth`` starting at ``start``: the interview and the
        walk after it."""
        return range(start, start + self.ticks[booth] + self.walk_ticks)

    @property
    def slot_count(self) -> int:
        """Ticks in the day."""
        return int((self.day_end - self.day_start) // self.tick)

    def slot_start(self, index: int) -> datetime:
        return self.day_start + index * self.tick

    def _first_slot_at_or_after(self, moment: datetime) -> int:
        offset = moment - self.day_start
        if offset <= timedelta(0):
            return 0
        return -int(-offset // self.tick)  # ceiling

    def _slots_ending_by(self, moment: datetime) -> int:
        offset = moment - self.day_start
        if offset <= timedelta(0):
            return 0
        return min(self.slot_count, int(offset // self.tick))

    def registrant_window(self, registrant: Registrant) -> range:
        """Ticks the registrant can spend in interviews (maybe empty)."""
        first = self._first_slot_at_or_after(registrant.arrival + registrant.walk_in)
        last = self.slot_count
        if registrant.departure is not None:
            last = self._slots_ending_by(registrant.departure - registrant.walk_out)
        return range(first, max(first, last))

    def booth_window(self, booth: Booth) -> range:
        """Ticks of the booth's hours."""
        first = self._first_slot_at_or_after(booth.opens)
        last = self._slots_ending_by(booth.closes)
        return range(first, max(first, last))

    def booth_starts(self, booth: Booth) -> range:
        """Starts of the booth's slots: back to back from its opening, each ending within its hours (the step is
        the booth's interview length in ticks)."""
        hours, length = self.booth_window(booth), self.ticks[booth.id]
        return range(hours.start, max(hours.start, hours.stop - length + 1), length)

    def weight(self, candidate: Candidate, registrant: Registrant) -> int:
        score = min(1.0, max(0.0, candidate.score))
        priority = min(MAX_PRIORITY, max(1, registrant.priority))
        return round(BASE_WEIGHT * (1 + 0.5 * score) * (1 + 0.25 * (priority - 1)))


@dataclass(frozen=True)
class Interview:
    registrant: str
    booth: str
    slot: int
    start: datetime
    end: datetime


@dataclass
class Plan:
    method: str  # "greedy" or "cp-sat"
    interviews: list[Interview]
    objective: int
    bound: int  # proven upper bound on the objective (equal to it for a proven optimum)
    status: str  # "optimal", "feasible", "heuristic"
    seconds: float
    unreachable: list[str] = field(default_factory=list)  # registrants no slot can serve (told so, not dropped)
    moved: list[str] = field(default_factory=list)  # re-planning: registrants whose future interviews changed

    @property
    def count(self) -> int:
        return len(self.interviews)

    @property
    def gap(self) -> float:
        """Relative gap between the objective and the bound (0 when proven optimal)."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)

    def by_registrant(self) -> dict[str, list[Interview]]:
        result: dict[str, list[Interview]] = {}
        for interview in sorted(self.interviews, key=lambda i: (i.registrant, i.slot)):
            result.setdefault(interview.registrant, []).append(interview)
        return result


@dataclass(frozen=True)
class Pair:
    """A candidate pair with its feasible slots and weight, as the solvers see it."""

    index: int
    registrant: str
    booth: str
    weight: int
    slots: tuple[int, ...]


def feasible_pairs(problem: Problem, *, not_before: int = 0) -> tuple[list[Pair], list[str]]:
    """The pairs that have at least one feasible slot, and the registrants who have none at all."""
    registrants = {r.id: r for r in problem.registrants}
    booths = {b.id: b for b in problem.booths}
    windows = {r.id: problem.registrant_window(r) for r in problem.registrants}
    starts = {b.id: problem.booth_starts(b) for b in problem.booths}
    pairs: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    served: set[str] = set()
    for candidate in problem.candidates:
        key = (candidate.registrant, candidate.booth)
        if key in seen or candidate.registrant not in registrants or candidate.booth not in booths:
            continue
        seen.add(key)
        if booths[candidate.booth].interviewers <= 0:
            continue
        window, grid = windows[candidate.registrant], starts[candidate.booth]
        lowest, highest = max(window.start, not_before), window.stop - grid.step  # highest start that ends in time
        first = grid.start if lowest <= grid.start else grid.start + -(-(lowest - grid.start) // grid.step) * grid.step
        slots = tuple(range(first, min(grid.stop, highest + 1), grid.step))
        if not slots:
            continue
        registrant = registrants[candidate.registrant]
        pairs.append(
            Pair(len(pairs), candidate.registrant, candidate.booth, problem.weight(candidate, registrant), slots)
        )
        served.add(candidate.registrant)
    wanting = {c.registrant for c in problem.candidates if c.registrant in registrants}
    unreachable = sorted(wanting - served)
    return pairs, unreachable


def interview(problem: Problem, registrant: str, booth: str, slot: int) -> Interview:
    start = problem.slot_start(slot)
    return Interview(registrant, booth, slot, start, start + problem.ticks[booth] * problem.tick)


def objective_of(problem: Problem, interviews: list[Interview]) -> int:
    """The objective value of any set of interviews (weights plus the cover bonus)."""
    registrants = {r.id: r for r in problem.registrants}
    scores = {(c.registrant, c.booth): c for c in problem.candidates}
    total = 0
    covered: set[str] = set()
    for item in interviews:
        total += problem.weight(scores[(item.registrant, item.booth)], registrants[item.registrant])
        covered.add(item.registrant)
    return total + COVER_BONUS * len(covered)


def check_plan(problem: Problem, interviews: list[Interview], *, fixed: tuple[Interview, ...] = ()) -> list[str]:
    """Every rule the plan breaks (empty when valid): windows, hours and the booth's slots, one at a time with the
    walk between booths, interviewers, duplicates."""
    errors: list[str] = []
    registrants = {r.id: r for r in problem.registrants}
    booths = {b.id: b for b in problem.booths}
    fixed_keys = {(i.registrant, i.booth, i.slot) for i in fixed}
    person_ticks: dict[tuple[str, int], str] = {}
    pairs: set[tuple[str, str]] = set()
    load: dict[tuple[str, int], int] = {}
    for item in sorted(interviews, key=lambda i: (i.registrant, i.slot, i.booth)):
        where = f"{item.registrant}@{item.booth} slot {item.slot}"
        length = problem.ticks[item.booth]
        if (item.registrant, item.booth, item.slot) not in fixed_keys:
            window = problem.registrant_window(registrants[item.registrant])
            if not (window.start <= item.slot and item.slot + length <= window.stop):
                errors.append(f"{where}: outside the registrant's window")
            if item.slot not in problem.booth_starts(booths[item.booth]):
                errors.append(f"{where}: not one of the booth's slots in its hours")
        clash = {person_ticks[(item.registrant, t)] for t in problem.span(item.booth, item.slot)
                 if (item.registrant, t) in person_ticks}
        if clash:
            errors.append(f"{where}: two interviews at once or no time to walk from {sorted(clash)[0]}")
        for t in problem.span(item.booth, item.slot):
            person_ticks[(item.registrant, t)] = item.booth
        if (item.registrant, item.booth) in pairs:
            errors.append(f"{where}: the same booth twice")
        pairs.add((item.registrant, item.booth))
        load[(item.booth, item.slot)] = load.get((item.booth, item.slot), 0) + 1
        if load[(item.booth, item.slot)] > booths[item.booth].interviewers:
            errors.append(f"{where}: more interviews than interviewers")
    return errors
