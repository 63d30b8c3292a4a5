"""The engine's ranked talents for a job, kept per process so that an enterprise's candidate page does not scan the
match index on every request (at 400,000 talents one scan costs about 300 ms); and, the same way, the engine's ranked
jobs for an indexed talent (``ranked_jobs``: a talent's "jobs for me" page scanned every job and explained each pick,
~10 ms a request at 400,000 talents).

**What is cached.** Only the engine's answer: the ids, scores, near-miss flags and explanations of the best
talents for one job (``MatchIndex.talents_for_job``). Everything a person may have changed since is read from the
database on every request by the caller: consent (withdrawn a moment ago: the talent is dropped), the talent's
name and education, the application and its stage.

**What invalidates it.** The key holds everything the engine's answer depends on:

- ``MatchIndex.revision``: changes with every update of the index (a saved or edited job or profile, consent given
  or withdrawn, a new application, a job closed by its deadline: all reach the index through the change log, which
  ``index_for_request`` applies before the cache is asked) and differs for a rebuilt or reloaded index;
- the job's id and ``updated_at`` (a job not yet in the index is queried from its text as saved);
- the applicants of the job's enterprise (passed to the engine as ``include_ids``);
- ``k`` and ``near_misses``.

``ranked_jobs`` is keyed the same way on the talent's side: ``MatchIndex.revision``, the talent's id (only a talent
the index holds: one not in it yet is matched from its registry records as they are, never kept), ``k``,
``near_misses`` and the division and occupation filters. The jobs themselves (open or not any more, their titles,
employers and salaries) and whether the talent applied are read afresh by the caller on every request.

An entry whose key no longer matches is never read again and falls out of the bounded LRU (``MAX_ENTRIES``).
Nothing expires by time: the answer of one index revision does not change with the clock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 256
"""Rankings kept per process (one of 20 candidates and 3 near misses is ~50 rows, ~20 KB pickled)."""


@dataclass(frozen=True)
class Ranked:
    """One pick of the engine: a talent for a job, or a job for a talent."""

    id: int
    score: float
    near_miss: bool
    explanation: dict[str, Any]


RankedTalent = Ranked


class RankedCache:
    """A small thread-safe LRU of ranked lists (see the module docstring for the key)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._max = max_entries
        self._rows: OrderedDict[Hashable, list[Ranked]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], list[Ranked]]) -> list[Ranked]:
        with self._lock:
            found = self._rows.get(key)
            if found is not None:
                self._rows.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        rows = compute()  # outside the lock: other jobs' requests are answered meanwhile
        with self._lock:
            self._rows[key] = rows
            self._rows.move_to_end(key)
            while len(self._rows) > self._max:
                self._rows.popitem(last=False)
        return rows

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self.hits = self.misses = 0


ranked_talents = RankedCache()
ranked_jobs = RankedCache()


def rankings_clear() -> None:
    """Forget every kept ranking (tests; a new index or database)."""
    ranked_talents.clear()
    ranked_jobs.clear()
