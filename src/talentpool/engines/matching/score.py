"""The candidates of every segment combined: the job's view and the talent's view (weighted sums of the
components, 0-1), the reciprocal score (their harmonic mean) or another ranking, top-k by ``argpartition``, and
what each result's explanation says (matched terms, near misses, tight passes)."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

from .explain import ConstraintNote
from .scan import EPS, NEAR_NAMES, Query, kept, salary_gap
from .segment import Segment, Stats

Ranking = Literal["bm25", "constrained", "one_sided", "reciprocal"]
RANKINGS: tuple[str, ...] = ("bm25", "constrained", "one_sided", "reciprocal")

JOB_VIEW_WEIGHTS = {"bm25": 0.40, "major": 0.20, "skills": 0.20, "occupation": 0.15, "industry": 0.05}
"""Does the talent fit the job? Job text against the résumé, the major against the accepted majors, the share of
the job's skills the talent has, desired occupations, industries."""
TALENT_VIEW_WEIGHTS = {"bm25": 0.40, "occupation": 0.30, "industry": 0.10, "skills": 0.15, "major": 0.05}
"""Does the job fit the talent? Résumé against the job text, the job's occupation among the desired ones, its
industry, the share of the talent's skills the job uses, the major."""
COMPONENTS = ("bm25", "major", "occupation", "industry", "skills")
TIGHT_YEARS = 0.5
TIGHT_SALARY = 1000.0
"""Tight passes noted in explanations: experience less than half a year over the minimum, salary ranges
overlapping by less than 1,000 yuan/month."""
MAX_EXPLAIN_TERMS = 20


def combine(cat: dict, comps: dict, strict: np.ndarray, scanning: str, ranking: str):
    """Scores of the gathered candidates under ``ranking``, with each component's contribution, the two views
    and their components (for the explanations)."""
    fwd, rev = cat["fwd"], cat["rev"]
    if ranking in ("bm25", "constrained"):
        return fwd, {"bm25": fwd}, {}, {}
    pool = strict if strict.any() else np.ones(len(fwd), dtype=bool)
    fwd_n = _normalise(fwd, pool)
    rev_n = _normalise(rev, pool)
    talent_side = scanning == "talents"
    job_c = {"bm25": fwd_n if talent_side else rev_n, "skills": comps["skills_job"]}
    talent_c = {"bm25": rev_n if talent_side else fwd_n, "skills": comps["skills_talent"]}
    for name in ("major", "occupation", "industry"):
        job_c[name] = talent_c[name] = comps[name]
    jv = sum(JOB_VIEW_WEIGHTS[c] * job_c[c] for c in COMPONENTS)
    tv = sum(TALENT_VIEW_WEIGHTS[c] * talent_c[c] for c in COMPONENTS)
    views = {"job": jv, "talent": tv}
    components = {"job": job_c, "talent": talent_c}
    if ranking == "one_sided":
        weights, comp, score = (
            (JOB_VIEW_WEIGHTS, job_c, jv) if talent_side else (TALENT_VIEW_WEIGHTS, talent_c, tv)
        )
        return score, {c: weights[c] * comp[c] for c in COMPONENTS}, views, components
    total = jv + tv
    safe = np.where(total > 0, total, 1.0)
    a, b = np.where(total > 0, tv / safe, 0.0), np.where(total > 0, jv / safe, 0.0)
    score = 2.0 * jv * tv / safe
    contributions = {
        c: a * JOB_VIEW_WEIGHTS[c] * job_c[c] + b * TALENT_VIEW_WEIGHTS[c] * talent_c[c]
        for c in COMPONENTS
    }
    return score, contributions, views, components


def matched_terms(seg: Segment, row: int, q: Query, stats: Stats, items: list[str]) -> list[str]:
    """The query's searched tokens found in the row, strongest first (``items``: the vocabulary's strings)."""
    tokens, tf = seg.batch.row_tokens(row)
    tokens = tokens.astype(np.int64)
    keep = kept(stats, q.tokens)
    qt, qw = q.tokens[keep], q.weights[keep]
    shared, in_doc, in_q = np.intersect1d(tokens, qt, assume_unique=True, return_indices=True)
    if not len(shared):
        return []
    doc_w = seg.stats.weights(shared, tf[in_doc], float(seg.batch.doc_len[row]))
    strength = doc_w + qw[in_q]
    order = sorted(range(len(shared)), key=lambda i: (-strength[i], items[shared[i]]))
    return [items[shared[i]] for i in order[:MAX_EXPLAIN_TERMS]]


def _normalise(x: np.ndarray, pool: np.ndarray) -> np.ndarray:
    top = float(x[pool].max()) if pool.any() else 0.0
    return np.minimum(x / top, 1.0) if top > 0 else np.zeros_like(x)


def top(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, ties broken by id (all ties at the cut are considered)."""
    n = len(scores)
    if k <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if n > k:
        kth = np.partition(scores, n - k)[n - k]
        sel = np.flatnonzero(scores >= kth)
    else:
        sel = np.arange(n)
    return sel[np.lexsort((ids[sel], -scores[sel]))[:k]]


def _division(key: int) -> str:
    return f"{key:06d}"


def explain_notes(seg: Segment, row: int, q: Query, scanning: str, near: int) -> list[ConstraintNote]:
    """The near miss (``near``: index into ``NEAR_NAMES`` + 1, or 0) and the tight passes of a result."""
    num = {name: float(v[row]) for name, v in seg.batch.num.items()}
    talent, job = (num, q.num) if scanning == "talents" else (q.num, num)
    t_div = seg.batch.codes["division"].row(row) if scanning == "talents" else q.codes["division"]
    j_div = q.codes["division"] if scanning == "talents" else seg.batch.codes["division"].row(row)
    notes = []
    name = NEAR_NAMES[near - 1] if near else None
    if name == "degree":
        notes.append(
            ConstraintNote(
                "degree",
                "near_miss",
                int(job["min_degree"]),
                int(talent["degree"]),
                talent["degree"] - job["min_degree"],
                "levels",
            )
        )
    elif name == "experience":
        notes.append(
            ConstraintNote(
                "experience",
                "near_miss",
                job["min_years"],
                talent["years"],
                round(talent["years"] - job["min_years"], 2),
                "years",
            )
        )
    elif name == "salary":
        gap = float(
            salary_gap(talent["salary_min"], talent["salary_max"], job["salary_min"], job["salary_max"])
        )
        notes.append(ConstraintNote("salary", "near_miss", _range(job), _range(talent), -gap, "yuan/month"))
    elif name == "place":
        notes.append(
            ConstraintNote(
                "place",
                "near_miss",
                _division(j_div[0][0]) if j_div else None,
                [_division(k) for k, _ in t_div],
                0.0,
                "",
            )
        )
    margin = talent["years"] - job["min_years"]
    if job["min_years"] > 0 and -EPS <= margin < TIGHT_YEARS:
        notes.append(
            ConstraintNote(
                "experience", "tight", job["min_years"], talent["years"], round(margin, 2), "years"
            )
        )
    overlap = min(talent["salary_max"], job["salary_max"]) - max(talent["salary_min"], job["salary_min"])
    if math.isfinite(overlap) and 0 <= overlap < TIGHT_SALARY:
        notes.append(ConstraintNote("salary", "tight", _range(job), _range(talent), overlap, "yuan/month"))
    return notes


def _range(num: dict[str, float]) -> list[int | None]:
    return [None if not math.isfinite(num[k]) else int(num[k]) for k in ("salary_min", "salary_max")]
