"""One segment scanned for a query: the hard constraints as boolean masks (with the near misses when asked
for), BM25 in both directions in one pass over the postings of the query's tokens, and the code and skill
components of the rows that pass. ``MatchIndex`` scans each segment of the other side and combines the parts
(``score``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .codes import CodeColumn
from .segment import Segment, Stats
from .taxonomy import DIVISIONS, INDUSTRIES, MAJORS, OCCUPATIONS, CodeScheme

NEUTRAL = 0.5
"""A component with nothing to compare (no accepted majors = any major; no desired occupations; no skills)."""
MAX_QUERY_DF = 0.2
QUERY_DF_FLOOR = 1000
"""Query tokens found in more than 20% of the searched documents, and in more than 1,000 of them, are skipped:
corpus stopwords with long postings and low weight (small indexes skip nothing)."""
NEAR_YEARS = 1.0
NEAR_SALARY = 1000.0
"""Near misses: at most 1 year of experience short, salary ranges at most 1,000 yuan/month apart, one degree
level below the minimum, or a place in the same province as a wanted one."""
EPS = 1e-9


@dataclass(slots=True)
class Query:
    kind: str  # "talent" | "job"
    id: int | None
    tokens: np.ndarray  # global token ids, ordered by token text
    weights: np.ndarray  # BM25 weight of each token in the query document (its own side's statistics)
    num: dict[str, float]
    codes: dict[str, list[tuple[int, int]]]
    n_skills: int


@dataclass(slots=True)
class Part:
    """Candidates of one segment: rows, raw scores and components (all gathered at ``rows``)."""

    seg: Segment
    rows: np.ndarray
    ids: np.ndarray
    strict: np.ndarray
    near: np.ndarray  # index into NEAR_NAMES + 1 (0: not a near miss)
    fwd: np.ndarray
    rev: np.ndarray
    comps: dict[str, np.ndarray]


NEAR_NAMES = ("degree", "experience", "salary", "place")


def kept(stats: Stats, tokens: np.ndarray) -> np.ndarray:
    """Which query tokens are searched (see ``MAX_QUERY_DF``)."""
    return stats.df_of(tokens) <= max(MAX_QUERY_DF * stats.n_docs, QUERY_DF_FLOOR)


def salary_gap(a_min, a_max, b_min, b_max) -> np.ndarray:
    """Yuan between two salary ranges (0 when they overlap); missing bounds are ±inf."""
    return np.maximum(np.maximum(np.subtract(a_min, b_max), np.subtract(b_min, a_max)), 0.0)


def _similarity(
    col: CodeColumn,
    scheme: CodeScheme,
    codes: list[tuple[int, int]],
    rows: np.ndarray,
    neutral_query: bool,
    neutral_row: bool,
) -> np.ndarray:
    if not codes:
        return np.full(len(rows), NEUTRAL if neutral_query else 0.0)
    out = np.zeros(col.n_rows)
    for key, depth in codes:
        col.similarity_into(out, scheme, key, depth)
    out = out[rows]
    if neutral_row:
        out[col.counts()[rows] == 0] = NEUTRAL
    return out


# --- scanning one segment --------------------------------------------------------------------------------------


def _text(seg: Segment, stats: Stats, q: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keep = kept(stats, q.tokens)
    tokens, qw = q.tokens[keep], q.weights[keep]
    rows, w, lengths = seg.postings(tokens)
    fwd = np.bincount(rows, weights=w, minlength=seg.n)
    rev = np.bincount(rows, weights=np.repeat(qw, lengths), minlength=seg.n)
    return fwd, rev, tokens


def scan_talents(
    seg: Segment, q: Query, include: np.ndarray, exclude: np.ndarray, ranking: str, want_near: bool,
    stats: Stats,
) -> Part:
    b = seg.batch
    num = b.num
    base = seg.alive.copy()
    if len(exclude):
        base &= ~np.isin(b.ids, exclude)
    checks = None
    if ranking != "bm25":
        base &= num["consent"] | (np.isin(b.ids, include) if len(include) else False)
        deg, years = num["degree"], num["years"]
        need_deg, need_years = q.num["min_degree"], q.num["min_years"]
        gap = salary_gap(num["salary_min"], num["salary_max"], q.num["salary_min"], q.num["salary_max"])
        col = b.codes["division"]
        place_ok = np.ones(seg.n, dtype=bool)
        place_near = np.zeros(seg.n, dtype=bool)
        if q.codes["division"]:
            key, depth = q.codes["division"][0]
            place_ok = col.counts() == 0
            place_ok[col.covering(DIVISIONS, key, depth)] = True
            if want_near:
                place_near[col.covered_by(DIVISIONS, DIVISIONS.ancestor_key(key, 1), 1)] = True
        checks = _checks(deg, need_deg, years, need_years, gap, place_ok, place_near)
    return _part(seg, q, base, checks, ranking, want_near, stats, scanning="talents")


def scan_jobs(
    seg: Segment, q: Query, exclude: np.ndarray, filters: dict, ranking: str, want_near: bool,
    stats: Stats,
) -> Part:
    b = seg.batch
    num = b.num
    base = seg.alive.copy()
    if len(exclude):
        base &= ~np.isin(b.ids, exclude)
    checks = None
    if ranking != "bm25":
        base &= num["open"]
        for name, scheme in (("occupation", OCCUPATIONS), ("industry", INDUSTRIES)):
            if filters[name]:
                keep = np.zeros(seg.n, dtype=bool)
                keep[b.codes[name].covered_by(scheme, *filters[name])] = True
                base &= keep
        need_deg, need_years = num["min_degree"], num["min_years"]
        deg, years = q.num["degree"], q.num["years"]
        gap = salary_gap(q.num["salary_min"], q.num["salary_max"], num["salary_min"], num["salary_max"])
        wanted = [filters["division"]] if filters["division"] else q.codes["division"]
        col = b.codes["division"]
        place_ok = np.ones(seg.n, dtype=bool)
        place_near = np.zeros(seg.n, dtype=bool)
        if wanted:
            place_ok = col.counts() == 0
            for key, depth in wanted:
                place_ok[col.covered_by(DIVISIONS, key, depth)] = True
                if want_near:
                    place_near[col.covered_by(DIVISIONS, DIVISIONS.ancestor_key(key, 1), 1)] = True
        checks = _checks(deg, need_deg, years, need_years, gap, place_ok, place_near)
    return _part(seg, q, base, checks, ranking, want_near, stats, scanning="jobs")


def _checks(deg, need_deg, years, need_years, gap, place_ok, place_near) -> list:
    """The four constraints (degree, years, salary, place) as (met, near miss) masks, the same either way round."""
    return [
        (deg >= need_deg, (deg == need_deg - 1) & (deg >= 1)),
        (years >= need_years - EPS, need_years - years <= NEAR_YEARS + EPS),
        (gap <= 0, gap <= NEAR_SALARY),
        (place_ok, place_near),
    ]


def _part(
    seg: Segment,
    q: Query,
    base: np.ndarray,
    checks: list | None,
    ranking: str,
    want_near: bool,
    stats: Stats,
    *,
    scanning: str,
) -> Part:
    fwd, rev, _ = _text(seg, stats, q)
    near_code = np.zeros(seg.n, dtype=np.int8)
    if checks is None:
        strict = base
    else:
        oks = [ok for ok, _ in checks]
        strict = base & np.logical_and.reduce(oks)
        if want_near:
            fails = np.sum([~ok for ok in oks], axis=0, dtype=np.int8)
            single = base & (fails == 1)
            for i, (ok, near) in enumerate(checks):
                near_code[single & ~ok & near] = i + 1
    if ranking in ("bm25", "constrained"):
        strict = strict & (fwd > 0)
        near_code[fwd <= 0] = 0
    rows = np.flatnonzero(strict | (near_code > 0))
    comps = {} if ranking in ("bm25", "constrained") else _components(seg, q, scanning, rows)
    return Part(
        seg, rows, seg.batch.ids[rows], strict[rows], near_code[rows], fwd[rows], rev[rows], comps
    )


def _components(seg: Segment, q: Query, scanning: str, rows: np.ndarray) -> dict[str, np.ndarray]:
    cols = seg.batch.codes
    talent_side = scanning == "talents"
    out = {
        # job's accepted majors empty = any major; a talent without a major scores 0 against a requirement
        "major": _similarity(
            cols["major"],
            MAJORS,
            q.codes["major"],
            rows,
            neutral_query=talent_side,
            neutral_row=not talent_side,
        ),
        "occupation": _similarity(
            cols["occupation"], OCCUPATIONS, q.codes["occupation"], rows, True, True
        ),
        "industry": _similarity(cols["industry"], INDUSTRIES, q.codes["industry"], rows, True, True),
    }
    skills = cols["skills"]
    shared = np.zeros(seg.n)
    for key, _ in q.codes["skills"]:
        shared[skills.containing(key)] += 1
    shared = shared[rows]
    own = skills.counts()[rows]
    of_rows = np.where(own > 0, shared / np.maximum(own, 1), NEUTRAL)
    of_query = shared / q.n_skills if q.n_skills else np.full(len(rows), NEUTRAL)
    out["skills_job"], out["skills_talent"] = (of_query, of_rows) if talent_side else (of_rows, of_query)
    return out

