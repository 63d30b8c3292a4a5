"""``MatchIndex``: talents and jobs in one index, searched in both directions.

A query (a job looking for talents, or a talent looking for jobs) runs in four steps over whole columns:

1. hard constraints as boolean masks over the other side (degree, place, salary, experience; consent or an
   application for talents; open for jobs), plus the near-miss mask when asked for;
2. BM25 in both directions in one pass over the postings of the query's tokens: the postings give each document's
   weight for the token (the query scored against the documents) and, with the query document's own weight for the
   same token, the document scored as a query against the query document;
3. code similarities (major, occupation, industry) and skill overlap from sorted code columns;
4. the job's view and the talent's view (weighted sums of the components, 0–1) combined by their harmonic mean,
   top-k by ``argpartition``, and an explanation for each result.

Updates go to a small delta segment searched next to the main one; replaced and removed rows of the main segment
are masked (tombstones); ``compact()`` rebuilds the main segment from everything alive. Constants are documented in
docs/algorithms/matching.md.
"""

from __future__ import annotations

import json
import math
import multiprocessing as mp
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .codes import CodeColumn
from .documents import JobDoc, TalentDoc
from .encode import Encoded, Vocabulary, encode_jobs, encode_talents
from .explain import ConstraintNote, Explanation, Match
from .segment import BM25_B, BM25_K1, Batch, Segment, Stats
from .taxonomy import (
    DIVISIONS,
    INDUSTRIES,
    MAJORS,
    OCCUPATIONS,
    CodeScheme,
    division_key,
    load_taxonomies,
    occupation_key,
)
from .tokenizer import get_tokenizer

Ranking = Literal["bm25", "constrained", "one_sided", "reciprocal"]
RANKINGS: tuple[str, ...] = ("bm25", "constrained", "one_sided", "reciprocal")

JOB_VIEW_WEIGHTS = {"bm25": 0.40, "major": 0.20, "skills": 0.20, "occupation": 0.15, "industry": 0.05}
"""Does the talent fit the job? Job text against the résumé, the major against the accepted majors, the share of
the job's skills the talent has, desired occupations, industries."""
TALENT_VIEW_WEIGHTS = {"bm25": 0.40, "occupation": 0.30, "industry": 0.10, "skills": 0.15, "major": 0.05}
"""Does the job fit the talent? Résumé against the job text, the job's occupation among the desired ones, its
industry, the share of the talent's skills the job uses, the major."""
COMPONENTS = ("bm25", "major", "occupation", "industry", "skills")
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
TIGHT_YEARS = 0.5
TIGHT_SALARY = 1000.0
"""Tight passes noted in explanations: experience less than half a year over the minimum, salary ranges
overlapping by less than 1,000 yuan/month."""
MAX_EXPLAIN_TERMS = 20
_EPS = 1e-9
FORMAT_VERSION = 1


@dataclass(slots=True)
class _Query:
    kind: str  # "talent" | "job"
    id: int | None
    tokens: np.ndarray  # global token ids, ordered by token text
    weights: np.ndarray  # BM25 weight of each token in the query document (its own side's statistics)
    num: dict[str, float]
    codes: dict[str, list[tuple[int, int]]]
    n_skills: int


@dataclass(slots=True)
class _Part:
    """Candidates of one segment: rows, raw scores and components (all gathered at ``rows``)."""

    seg: Segment
    rows: np.ndarray
    ids: np.ndarray
    strict: np.ndarray
    near: np.ndarray  # index into _NEAR_NAMES + 1 (0: not a near miss)
    fwd: np.ndarray
    rev: np.ndarray
    comps: dict[str, np.ndarray]


_NEAR_NAMES = ("degree", "experience", "salary", "place")


class _Side:
    """One kind of document: the main segment, pending upserts and their delta segment."""

    def __init__(self, kind: str, main: Segment):
        self.kind = kind
        self.main = main
        self.pending: dict[int, Batch] = {}
        self._delta: Segment | None = None

    @property
    def stats(self) -> Stats:
        return self.main.stats

    def segments(self, n_vocab: int) -> list[Segment]:
        if not self.pending:
            return [self.main]
        if self._delta is None:
            self._delta = Segment(
                Batch.concat(list(self.pending.values())),
                self.main.stats,
                n_vocab,
                vocab=self.main.text.vocab_dict,
            )
        return [self.main, self._delta]

    def locate(self, doc_id: int, n_vocab: int) -> tuple[Segment, int] | None:
        if doc_id in self.pending:
            delta = self.segments(n_vocab)[1]
            return delta, delta.row_of(doc_id)
        row = self.main.row_of(doc_id)
        return (self.main, row) if row >= 0 else None

    def upsert(self, batch: Batch) -> None:
        doc_id = int(batch.ids[0])
        self._kill_main(doc_id)
        self.pending.pop(doc_id, None)
        self.pending[doc_id] = batch
        self._delta = None

    def remove(self, doc_id: int) -> bool:
        found = self._kill_main(doc_id) | (self.pending.pop(doc_id, None) is not None)
        self._delta = None
        return found

    def _kill_main(self, doc_id: int) -> bool:
        row = self.main.row_of(doc_id)
        if row >= 0:
            self.main.alive[row] = False
            return True
        return False

    def live_batch(self) -> Batch:
        parts = [self.main.batch.take(np.flatnonzero(self.main.alive))] + list(self.pending.values())
        return Batch.concat(parts)

    @property
    def count(self) -> int:
        return int(self.main.alive.sum()) + len(self.pending)


# --- building ----------------------------------------------------------------------------------------------------

_FORK_STATE: tuple | None = None


def _encode_range(bounds: tuple[int, int]) -> Encoded:
    docs, encode, tokenizer, tax = _FORK_STATE  # type: ignore[misc]
    return encode(docs[bounds[0] : bounds[1]], tokenizer, tax)


def _encode_all(docs: Sequence, encode, tokenizer, tax, workers: int) -> list[Encoded]:
    if workers <= 1 or len(docs) < 4000:
        return [encode(docs, tokenizer, tax)]
    global _FORK_STATE
    step = max(1000, -(-len(docs) // (workers * 8)))
    bounds = [(a, min(a + step, len(docs))) for a in range(0, len(docs), step)]
    _FORK_STATE = (docs, encode, tokenizer, tax)
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_encode_range, bounds))
    finally:
        _FORK_STATE = None


def _merge(enc: Encoded, vocab: Vocabulary, skills: Vocabulary) -> Batch:
    """The chunk with global token and skill ids (new strings are added to the vocabularies)."""
    b = enc.batch
    tmap = vocab.add_all(enc.tokens).astype(np.int32)
    b.tok_ids = tmap[b.tok_ids] if len(b.tok_ids) else b.tok_ids
    b.codes["skills"] = b.codes["skills"].remap(skills.add_all(enc.skills))
    return b


def _check_ids(batch: Batch, kind: str) -> None:
    ids, counts = np.unique(batch.ids, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"duplicate {kind} ids: {ids[counts > 1][:5].tolist()}")


class MatchIndex:
    """Talents and jobs, searchable in both directions. Build with ``MatchIndex.build`` or ``MatchIndex.load``."""

    def __init__(
        self,
        talents: _Side,
        jobs: _Side,
        vocab: Vocabulary,
        skills: Vocabulary,
        data_dir: str | Path | None = None,
    ):
        self._talents = talents
        self._jobs = jobs
        self._vocab = vocab
        self._skills = skills
        self._data_dir = data_dir
        self._lock = threading.RLock()
        self.build_timings: dict[str, float] = {}  # seconds per build phase (set by ``build``)

    # --- construction --------------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        talents: Iterable[TalentDoc],
        jobs: Iterable[JobDoc],
        *,
        data_dir: str | Path | None = None,
        workers: int = 1,
    ) -> MatchIndex:
        """Index the documents. ``workers`` > 1 tokenizes in forked processes (for large builds, not in a web
        request); the result does not depend on it."""
        clock = time.perf_counter()
        timings: dict[str, float] = {}
        tokenizer, tax = get_tokenizer(data_dir), load_taxonomies(data_dir)
        vocab, skills = Vocabulary(), Vocabulary()
        batches = {}
        for kind, docs, encode in (
            ("talent", list(talents), encode_talents),
            ("job", list(jobs), encode_jobs),
        ):
            parts = _encode_all(docs, encode, tokenizer, tax, workers)
            timings[f"encode_{kind}s"], clock = time.perf_counter() - clock, time.perf_counter()
            batches[kind] = Batch.concat([_merge(p, vocab, skills) for p in parts])
            _check_ids(batches[kind], kind)
            timings[f"merge_{kind}s"], clock = time.perf_counter() - clock, time.perf_counter()
        n_vocab = len(vocab)
        sides = [
            _Side(k, Segment(b, Stats.of(b, n_vocab), n_vocab, vocab=vocab.ids)) for k, b in batches.items()
        ]
        timings["index"] = time.perf_counter() - clock
        index = cls(sides[0], sides[1], vocab, skills, data_dir)
        index.build_timings = timings
        return index

    def _tokenizer(self):
        return get_tokenizer(self._data_dir)

    def _taxonomies(self):
        return load_taxonomies(self._data_dir)

    # --- updates ------------------------------------------------------------------------------------------------------

    def upsert_talent(self, doc: TalentDoc) -> None:
        """Add or replace a talent; visible to the next query."""
        enc = encode_talents([doc], self._tokenizer(), self._taxonomies())
        with self._lock:
            self._talents.upsert(_merge(enc, self._vocab, self._skills))

    def upsert_job(self, doc: JobDoc) -> None:
        """Add or replace a job; visible to the next query."""
        enc = encode_jobs([doc], self._tokenizer(), self._taxonomies())
        with self._lock:
            self._jobs.upsert(_merge(enc, self._vocab, self._skills))

    def remove_talent(self, talent_id: int) -> bool:
        with self._lock:
            return self._talents.remove(int(talent_id))

    def remove_job(self, job_id: int) -> bool:
        with self._lock:
            return self._jobs.remove(int(job_id))

    def compact(self) -> None:
        """Rebuild each main segment from its live rows and pending upserts, with fresh statistics."""
        with self._lock:
            n_vocab = len(self._vocab)
            for side in (self._talents, self._jobs):
                live = side.live_batch()
                side.main = Segment(live, Stats.of(live, n_vocab), n_vocab, vocab=self._vocab.ids)
                side.pending.clear()
                side._delta = None

    @property
    def talent_count(self) -> int:
        return self._talents.count

    @property
    def job_count(self) -> int:
        return self._jobs.count

    @property
    def pending_count(self) -> int:
        """Documents in the delta segments (upserted since the last build or compaction)."""
        return len(self._talents.pending) + len(self._jobs.pending)

    def has_talent(self, talent_id: int) -> bool:
        with self._lock:
            return self._talents.locate(int(talent_id), len(self._vocab)) is not None

    def has_job(self, job_id: int) -> bool:
        with self._lock:
            return self._jobs.locate(int(job_id), len(self._vocab)) is not None

    # --- queries --------------------------------------------------------------------------------------------------------

    def talents_for_job(
        self,
        job: int | JobDoc,
        k: int = 20,
        include_ids: Iterable[int] = frozenset(),
        *,
        near_misses: int = 0,
        exclude_ids: Iterable[int] = frozenset(),
        ranking: Ranking = "reciprocal",
    ) -> list[Match]:
        """Best talents for a job (an indexed job's id, or a document used as given). Only consenting talents are
        returned, plus those in ``include_ids`` (e.g. applicants); every other constraint applies to both.
        ``near_misses`` > 0 appends up to that many candidates failing one constraint by a small margin."""
        _check_ranking(ranking)
        with self._lock:
            q = self._query(self._jobs, "job", job)
            segs = self._talents.segments(len(self._vocab))
        include = _id_array(include_ids)
        exclude = _id_array(exclude_ids)
        parts = [self._scan_talents(seg, q, include, exclude, ranking, near_misses > 0) for seg in segs]
        return self._finish(parts, q, "talents", k, near_misses, ranking)

    def jobs_for_talent(
        self,
        talent: int | TalentDoc,
        k: int = 20,
        *,
        near_misses: int = 0,
        exclude_ids: Iterable[int] = frozenset(),
        division: str | None = None,
        occupation: str | None = None,
        industry: str | None = None,
        ranking: Ranking = "reciprocal",
    ) -> list[Match]:
        """Best open jobs for a talent (an indexed talent's id, or a document used as given). Filters:
        ``division`` replaces the talent's desired divisions; ``occupation`` / ``industry`` keep jobs coded at or
        under that code."""
        _check_ranking(ranking)
        with self._lock:
            q = self._query(self._talents, "talent", talent)
            segs = self._jobs.segments(len(self._vocab))
        tax = self._taxonomies() if industry else None
        filters = {
            "division": _code_or_raise(division, division_key, "division"),
            "occupation": _code_or_raise(occupation, occupation_key, "occupation"),
            "industry": _code_or_raise(industry, tax.industry_key if tax else None, "industry"),
        }
        exclude = _id_array(exclude_ids)
        parts = [self._scan_jobs(seg, q, exclude, filters, ranking, near_misses > 0) for seg in segs]
        return self._finish(parts, q, "jobs", k, near_misses, ranking)

    # --- query documents --------------------------------------------------------------------------------------------

    def _query(self, side: _Side, kind: str, doc: int | TalentDoc | JobDoc) -> _Query:
        if isinstance(doc, (TalentDoc, JobDoc)):
            if isinstance(doc, TalentDoc) != (kind == "talent"):
                raise TypeError(f"expected a {kind} id or document, got {type(doc).__name__}")
            return self._query_from_doc(side, kind, doc)
        found = side.locate(int(doc), len(self._vocab))
        if found is None:
            raise KeyError(f"{kind} {doc} is not in the index")
        seg, row = found
        b = seg.batch
        tokens, tf = b.row_tokens(row)
        tokens = tokens.astype(np.int64)
        weights = side.stats.weights(tokens, tf, float(b.doc_len[row]))
        codes = {name: col.row(row) for name, col in b.codes.items()}
        num = {name: float(v[row]) for name, v in b.num.items()}
        return self._ordered(_Query(kind, int(b.ids[row]), tokens, weights, num, codes, len(codes["skills"])))

    def _query_from_doc(self, side: _Side, kind: str, doc: TalentDoc | JobDoc) -> _Query:
        encode = encode_talents if kind == "talent" else encode_jobs
        enc = encode([doc], self._tokenizer(), self._taxonomies())
        b = enc.batch
        local = np.asarray(b.tok_ids, dtype=np.int64)
        tokens = self._vocab.lookup([enc.tokens[i] for i in local])
        known = tokens >= 0
        tokens = tokens[known]
        weights = side.stats.weights(tokens, b.tok_tf[known], float(b.doc_len[0]))
        codes = {name: col.row(0) for name, col in b.codes.items()}
        skill_ids = self._skills.lookup([enc.skills[k] for k, _ in codes["skills"]])
        codes["skills"] = [(int(s), 1) for s in skill_ids if s >= 0]
        num = {name: float(v[0]) for name, v in b.num.items()}
        return self._ordered(_Query(kind, int(doc.id), tokens, weights, num, codes, int(enc.n_skills[0])))

    def _ordered(self, q: _Query) -> _Query:
        """Tokens in the order of their text, so that sums are the same whatever ids the vocabulary gave."""
        items = self._vocab.items
        order = sorted(range(len(q.tokens)), key=lambda i: items[q.tokens[i]])
        q.tokens, q.weights = q.tokens[order], q.weights[order]
        return q

    # --- scanning one segment ---------------------------------------------------------------------------------------

    def _text(self, seg: Segment, stats: Stats, q: _Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keep = _kept(stats, q.tokens)
        tokens, qw = q.tokens[keep], q.weights[keep]
        rows, w, lengths = seg.postings(tokens)
        fwd = np.bincount(rows, weights=w, minlength=seg.n)
        rev = np.bincount(rows, weights=np.repeat(qw, lengths), minlength=seg.n)
        return fwd, rev, tokens

    def _scan_talents(
        self, seg: Segment, q: _Query, include: np.ndarray, exclude: np.ndarray, ranking: str, want_near: bool
    ) -> _Part:
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
            gap = _salary_gap(num["salary_min"], num["salary_max"], q.num["salary_min"], q.num["salary_max"])
            col = b.codes["division"]
            place_ok = np.ones(seg.n, dtype=bool)
            place_near = np.zeros(seg.n, dtype=bool)
            if q.codes["division"]:
                key, depth = q.codes["division"][0]
                place_ok = col.counts() == 0
                place_ok[col.covering(DIVISIONS, key, depth)] = True
                if want_near:
                    place_near[col.covered_by(DIVISIONS, DIVISIONS.ancestor_key(key, 1), 1)] = True
            checks = [
                (deg >= need_deg, (deg == need_deg - 1) & (deg >= 1)),
                (years >= need_years - _EPS, need_years - years <= NEAR_YEARS + _EPS),
                (gap <= 0, gap <= NEAR_SALARY),
                (place_ok, place_near),
            ]
        return self._part(seg, q, base, checks, ranking, want_near, self._talents.stats, scanning="talents")

    def _scan_jobs(
        self, seg: Segment, q: _Query, exclude: np.ndarray, filters: dict, ranking: str, want_near: bool
    ) -> _Part:
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
            gap = _salary_gap(q.num["salary_min"], q.num["salary_max"], num["salary_min"], num["salary_max"])
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
            checks = [
                (deg >= need_deg, (deg == need_deg - 1) & (deg >= 1)),
                (years >= need_years - _EPS, need_years - years <= NEAR_YEARS + _EPS),
                (gap <= 0, gap <= NEAR_SALARY),
                (place_ok, place_near),
            ]
        return self._part(seg, q, base, checks, ranking, want_near, self._jobs.stats, scanning="jobs")

    def _part(
        self,
        seg: Segment,
        q: _Query,
        base: np.ndarray,
        checks: list | None,
        ranking: str,
        want_near: bool,
        stats: Stats,
        *,
        scanning: str,
    ) -> _Part:
        fwd, rev, _ = self._text(seg, stats, q)
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
        comps = {} if ranking in ("bm25", "constrained") else self._components(seg, q, scanning, rows)
        return _Part(
            seg, rows, seg.batch.ids[rows], strict[rows], near_code[rows], fwd[rows], rev[rows], comps
        )

    def _components(self, seg: Segment, q: _Query, scanning: str, rows: np.ndarray) -> dict[str, np.ndarray]:
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

    # --- combining segments ------------------------------------------------------------------------------------------

    def _finish(
        self, parts: list[_Part], q: _Query, scanning: str, k: int, near_misses: int, ranking: str
    ) -> list[Match]:
        cat = {
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in ("ids", "strict", "near", "fwd", "rev")
        }
        owner = np.concatenate([np.full(len(p.rows), i) for i, p in enumerate(parts)])
        rows = np.concatenate([p.rows for p in parts])
        comps = {name: np.concatenate([p.comps[name] for p in parts]) for name in parts[0].comps}
        strict = cat["strict"]
        scores, contributions, views, components = self._score(cat, comps, strict, scanning, ranking)
        results: list[Match] = []
        picks = [(np.flatnonzero(strict), k, False)]
        if near_misses > 0:
            picks.append((np.flatnonzero(~strict & (cat["near"] > 0)), near_misses, True))
        stats = self._talents.stats if scanning == "talents" else self._jobs.stats
        for pool, limit, near in picks:
            for i in _top(scores[pool], cat["ids"][pool], limit):
                j = pool[i]
                part = parts[owner[j]]
                row = int(rows[j])
                explanation = Explanation(
                    ranking=ranking,
                    matched_terms=self._matched_terms(part.seg, row, q, stats),
                    contributions={c: float(v[j]) for c, v in contributions.items()},
                    views={v: float(a[j]) for v, a in views.items()},
                    components={
                        v: {c: float(a[j]) for c, a in comp.items()} for v, comp in components.items()
                    },
                    notes=_notes(part.seg, row, q, scanning, int(cat["near"][j]) if near else 0),
                )
                results.append(Match(int(cat["ids"][j]), float(scores[j]), explanation, near))
        return results

    def _score(self, cat: dict, comps: dict, strict: np.ndarray, scanning: str, ranking: str):
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

    def _matched_terms(self, seg: Segment, row: int, q: _Query, stats: Stats) -> list[str]:
        tokens, tf = seg.batch.row_tokens(row)
        tokens = tokens.astype(np.int64)
        keep = _kept(stats, q.tokens)
        qt, qw = q.tokens[keep], q.weights[keep]
        shared, in_doc, in_q = np.intersect1d(tokens, qt, assume_unique=True, return_indices=True)
        if not len(shared):
            return []
        doc_w = seg.stats.weights(shared, tf[in_doc], float(seg.batch.doc_len[row]))
        strength = doc_w + qw[in_q]
        items = self._vocab.items
        order = sorted(range(len(shared)), key=lambda i: (-strength[i], items[shared[i]]))
        return [items[shared[i]] for i in order[:MAX_EXPLAIN_TERMS]]

    # --- persistence ---------------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the index as .npy arrays, bm25s files and JSON (no pickles). Pending upserts are kept as a
        delta segment, so a loaded index answers exactly as this one."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with self._lock:
            n_vocab = len(self._vocab)
            for name, side in (("talents", self._talents), ("jobs", self._jobs)):
                if (path / name).exists():
                    shutil.rmtree(path / name)
                segs = side.segments(n_vocab)
                segs[0].save(path / name / "main")
                if len(segs) > 1:
                    segs[1].save(path / name / "delta")
            (path / "vocab.json").write_text(
                json.dumps(self._vocab.items, ensure_ascii=False), encoding="utf-8"
            )
            (path / "skills.json").write_text(
                json.dumps(self._skills.items, ensure_ascii=False), encoding="utf-8"
            )
            meta = {
                "format": FORMAT_VERSION,
                "bm25": {"k1": BM25_K1, "b": BM25_B},
                "talents": self._talents.count,
                "jobs": self._jobs.count,
            }
            (path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, *, mmap: bool = False, data_dir: str | Path | None = None) -> MatchIndex:
        """Read an index written by ``save``. ``mmap=True`` maps the large arrays instead of reading them."""
        path = Path(path)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"index format {meta.get('format')} is not {FORMAT_VERSION}")
        vocab = Vocabulary(json.loads((path / "vocab.json").read_text(encoding="utf-8")))
        skills = Vocabulary(json.loads((path / "skills.json").read_text(encoding="utf-8")))
        sides = []
        for name, kind in (("talents", "talent"), ("jobs", "job")):
            side = _Side(kind, Segment.load(path / name / "main", vocab.ids, mmap=mmap))
            if (path / name / "delta").exists():
                delta = Segment.load(path / name / "delta", vocab.ids)
                for row in range(delta.n):
                    side.pending[int(delta.batch.ids[row])] = delta.batch.take(np.array([row]))
            sides.append(side)
        return cls(sides[0], sides[1], vocab, skills, data_dir)


# --- helpers ---------------------------------------------------------------------------------------------------------


def _check_ranking(ranking: str) -> None:
    if ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {ranking!r}; one of {RANKINGS}")


def _kept(stats: Stats, tokens: np.ndarray) -> np.ndarray:
    """Which query tokens are searched (see ``MAX_QUERY_DF``)."""
    return stats.df_of(tokens) <= max(MAX_QUERY_DF * stats.n_docs, QUERY_DF_FLOOR)


def _id_array(ids: Iterable[int]) -> np.ndarray:
    return np.fromiter((int(i) for i in ids), dtype=np.int64)


def _code_or_raise(code: str | None, fn, what: str) -> tuple[int, int] | None:
    if not code:
        return None
    key = fn(code) if fn else None
    if key is None:
        raise ValueError(f"not a {what} code: {code!r}")
    return key


def _salary_gap(a_min, a_max, b_min, b_max) -> np.ndarray:
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


def _normalise(x: np.ndarray, pool: np.ndarray) -> np.ndarray:
    top = float(x[pool].max()) if pool.any() else 0.0
    return np.minimum(x / top, 1.0) if top > 0 else np.zeros_like(x)


def _top(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
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


def _notes(seg: Segment, row: int, q: _Query, scanning: str, near: int) -> list[ConstraintNote]:
    num = {name: float(v[row]) for name, v in seg.batch.num.items()}
    talent, job = (num, q.num) if scanning == "talents" else (q.num, num)
    t_div = seg.batch.codes["division"].row(row) if scanning == "talents" else q.codes["division"]
    j_div = q.codes["division"] if scanning == "talents" else seg.batch.codes["division"].row(row)
    notes = []
    name = _NEAR_NAMES[near - 1] if near else None
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
            _salary_gap(talent["salary_min"], talent["salary_max"], job["salary_min"], job["salary_max"])
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
    if job["min_years"] > 0 and -_EPS <= margin < TIGHT_YEARS:
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
