"""A household policy's live lines after a marriage was recorded between runs (``eligibility.runs``): the
household the two spouses now form holds one line per instalment. ``existing`` maps (subject, instalment) to the
run's ``LiveLine``; ``out`` is its ``Reconciled`` plan, filled in place."""

from __future__ import annotations

from typing import Any

from .models import Status

_ADVANCED = {Status.PAID: 4, Status.ISSUED: 4, Status.BATCHED: 3, Status.FAILED: 2, Status.APPROVED: 1}


def stale_household_lines(run: Any, existing: dict[tuple[str, int], Any], household_of: dict[int, str],
                          out: Any) -> set[tuple[str, int]]:
    """A household policy's lines whose subject is no longer the person's household (a marriage was recorded
    after both spouses got lines). A candidate is withdrawn (the household's one line is computed anew). Of the
    committed lines the household now holds for one instalment, one is kept: the furthest along (paid, in a
    batch, approved), then the one under the household's key, then the oldest. Another approved line, not in a
    batch yet, is withdrawn, so nothing is paid twice; one already in a batch or paid is flagged for an officer.
    A kept line under a stale key is flagged and holds the household's key. Returns the keys so held."""
    held: set[tuple[str, int]] = set()
    claims: dict[tuple[str, int], list[Any]] = {}
    for (subject, instalment), line in sorted(existing.items(), key=lambda kv: kv[1].id):
        now = household_of.get(line.talent_id)
        if now is None or now == subject:
            continue
        if line.status == Status.CANDIDATE:
            out.withdraw_household.append(line.id)
        else:
            claims.setdefault((now, instalment), []).append(line)
    for key in sorted(claims):
        own = existing.get(key)
        lines = ([own] if own is not None and own.status != Status.CANDIDATE else []) + claims[key]
        keep = min(lines, key=lambda ln: (-_ADVANCED.get(ln.status, 0), ln is not own, ln.id))
        for line in lines:
            if line is keep:
                continue
            if line.status == Status.APPROVED:
                out.withdraw_committed.append(line.id)
            else:
                out.flags.append((line.id, f"run {run.pk}: the household {key[0]} (marriage recorded) already holds "
                                           f"instalment {key[1]} on line {keep.id}; check this line"))
        if keep is not own:
            held.add(key)
            out.flags.append((keep.id, f"run {run.pk}: the household is now {key[0]} (marriage recorded); "
                                       f"instalment {key[1]} is held by this line, not paid again"))
    for key in sorted(held):  # the household's own candidate for the same instalment gives way to the kept line
        line = existing.get(key)
        if line is not None and line.status == Status.CANDIDATE:
            out.withdraw_household.append(line.id)
    return held
