"""A synthetic station-fair day for the benchmark, the tests and the demo: trains arriving through the morning,
day-trippers leaving in the afternoon, a few popular enterprises, 1..3 interviewers per booth, lunch-hour booths.
Deterministic for a seed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from .problem import Booth, Candidate, Problem, Registrant


def generate_day(
    *,
    day_start: datetime,
    registrants: int = 1000,
    booths: int = 120,
    hours: int = 8,
    slot_minutes: int = 20,
    choices: int = 8,
    seed: int = 14,
    walk_minutes: int = 0,
    booth_minutes: tuple[int, ...] = (),
) -> Problem:
    """``walk_minutes``: the walk between booths; ``booth_minutes``: interview lengths booths draw from (empty:
    every booth uses the slot). The draws for booths and people are the same whatever these two are."""
    rng = random.Random(seed)
    day_end = day_start + timedelta(hours=hours)
    booth_list = []
    for n in range(booths):
        opens = day_start + timedelta(minutes=rng.choice((0, 0, 0, 30, 60)))
        closes = day_end - timedelta(minutes=rng.choice((0, 0, 0, 60, 120)))
        booth_list.append(Booth(f"B{n + 1:03d}", rng.choice((1, 1, 2, 2, 3)), opens, closes))
    if booth_minutes:
        lengths = random.Random(seed + 1)
        booth_list = [replace(b, length=timedelta(minutes=lengths.choice(booth_minutes))) for b in booth_list]
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(booths)]
    people = []
    candidates = []
    for n in range(registrants):
        pid = f"R{n + 1:04d}"
        # most come on the morning trains; a few later in the day
        if rng.random() < 0.8:
            arrival = day_start - timedelta(minutes=30) + timedelta(minutes=rng.randrange(0, 150, 5))
        else:
            arrival = day_start + timedelta(minutes=rng.randrange(120, max(125, hours * 60 - 120), 5))
        departure = None
        if rng.random() < 0.6:  # day-trippers catch a train back after a couple of hours
            stay = timedelta(minutes=rng.randrange(90, 200, 5))
            departure = min(arrival + stay, day_end + timedelta(minutes=30))
        priority = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        people.append(Registrant(pid, arrival, departure, priority))
        wanted: set[int] = set()
        while len(wanted) < min(choices, booths):
            wanted.add(rng.choices(range(booths), weights=popularity)[0])
        for booth in sorted(wanted):
            candidates.append(Candidate(pid, booth_list[booth].id, round(rng.random(), 3)))
    return Problem(
        day_start=day_start,
        day_end=day_end,
        slot=timedelta(minutes=slot_minutes),
        registrants=tuple(people),
        booths=tuple(booth_list),
        candidates=tuple(candidates),
        walk=timedelta(minutes=walk_minutes),
    )
