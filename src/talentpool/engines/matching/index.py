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
are masked (tombstones); ``compact()`` rebuilds the main segment from everything alive. Steps 1-3 over one segment
are in ``scan``, step 4 in ``score``. Constants are documented in docs/algorithms/matching.md.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .boilerplate import job_boilerplate
from .documents import JobDoc, TalentDoc
from .encode import Encoded, Vocabulary, encode_jobs, encode_talents
from .explain import Explanation, Match
from .scan import Part, Query, scan_jobs, scan_talents
from .score import RANKINGS, Ranking, combine, explain_notes, matched_terms, top
from .segment import BM25_B, BM25_K1, Batch, Segment, Stats
from .taxonomy import division_key, load_taxonomies, occupation_key
from .tokenizer import get_tokenizer

FORMAT_VERSION = 1
_REVISIONS = itertools.count(1)
"""Revision numbers, unique in this process: a new index and every update take the next one."""


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
        self._boilerplate: tuple[object, np.ndarray] | None = None  # (the jobs' main segment, its stop mask)
        self.build_timings: dict[str, float] = {}  # seconds per build phase (set by ``build``)
        self._revision = next(_REVISIONS)

    @property
    def revision(self) -> int:
        """A number that changes with every update of this index (upsert, removal, compaction) and differs between
        index objects of one process: a result computed at one revision holds while the revision is the same, so
        callers may key caches of query results by it."""
        return self._revision

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
            self._revision = next(_REVISIONS)

    def upsert_job(self, doc: JobDoc) -> None:
        """Add or replace a job; visible to the next query."""
        enc = encode_jobs([doc], self._tokenizer(), self._taxonomies())
        with self._lock:
            self._jobs.upsert(_merge(enc, self._vocab, self._skills))
            self._revision = next(_REVISIONS)

    def remove_talent(self, talent_id: int) -> bool:
        with self._lock:
            self._revision = next(_REVISIONS)
            return self._talents.remove(int(talent_id))

    def remove_job(self, job_id: int) -> bool:
        with self._lock:
            self._revision = next(_REVISIONS)
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
            self._revision = next(_REVISIONS)

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
        stats = self._talents.stats
        parts = [scan_talents(seg, q, include, exclude, ranking, near_misses > 0, stats) for seg in segs]
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
        stats = self._jobs.stats
        parts = [scan_jobs(seg, q, exclude, filters, ranking, near_misses > 0, stats) for seg in segs]
        return self._finish(parts, q, "jobs", k, near_misses, ranking)

    # --- query documents --------------------------------------------------------------------------------------------

    def _query(self, side: _Side, kind: str, doc: int | TalentDoc | JobDoc) -> Query:
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
        return self._ordered(Query(kind, int(b.ids[row]), tokens, weights, num, codes, len(codes["skills"])))

    def _query_from_doc(self, side: _Side, kind: str, doc: TalentDoc | JobDoc) -> Query:
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
        return self._ordered(Query(kind, int(doc.id), tokens, weights, num, codes, int(enc.n_skills[0])))

    def boilerplate(self) -> np.ndarray:
        """The job texts' learned stop list (``boilerplate``) as a vocabulary mask, kept until the jobs' main
        segment is rebuilt (build, load, compaction); words added since are not in it."""
        main = self._jobs.main
        if self._boilerplate is None or self._boilerplate[0] is not main:
            self._boilerplate = (main, job_boilerplate(main.batch, len(main.stats.df)))
        return self._boilerplate[1]

    def _ordered(self, q: Query) -> Query:
        """Tokens in the order of their text, so that sums are the same whatever ids the vocabulary gave; the
        job texts' boilerplate left out."""
        stop = self.boilerplate()
        inside = q.tokens < len(stop)
        useful = np.ones(len(q.tokens), dtype=bool)
        useful[inside] = ~stop[q.tokens[inside]]
        q.tokens, q.weights = q.tokens[useful], q.weights[useful]
        items = self._vocab.items
        order = sorted(range(len(q.tokens)), key=lambda i: items[q.tokens[i]])
        q.tokens, q.weights = q.tokens[order], q.weights[order]
        return q

    # --- combining segments ------------------------------------------------------------------------------------------

    def _finish(
        self, parts: list[Part], q: Query, scanning: str, k: int, near_misses: int, ranking: str
    ) -> list[Match]:
        cat = {
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in ("ids", "strict", "near", "fwd", "rev")
        }
        owner = np.concatenate([np.full(len(p.rows), i) for i, p in enumerate(parts)])
        rows = np.concatenate([p.rows for p in parts])
        comps = {name: np.concatenate([p.comps[name] for p in parts]) for name in parts[0].comps}
        strict = cat["strict"]
        scores, contributions, views, components = combine(cat, comps, strict, scanning, ranking)
        results: list[Match] = []
        picks = [(np.flatnonzero(strict), k, False)]
        if near_misses > 0:
            picks.append((np.flatnonzero(~strict & (cat["near"] > 0)), near_misses, True))
        stats = self._talents.stats if scanning == "talents" else self._jobs.stats
        items = self._vocab.items
        for pool, limit, near in picks:
            for i in top(scores[pool], cat["ids"][pool], limit):
                j = pool[i]
                part = parts[owner[j]]
                row = int(rows[j])
                explanation = Explanation(
                    ranking=ranking,
                    matched_terms=matched_terms(part.seg, row, q, stats, items),
                    contributions={c: float(v[j]) for c, v in contributions.items()},
                    views={v: float(a[j]) for v, a in views.items()},
                    components={
                        v: {c: float(a[j]) for c, a in comp.items()} for v, comp in components.items()
                    },
                    notes=explain_notes(part.seg, row, q, scanning, int(cat["near"][j]) if near else 0),
                )
                results.append(Match(int(cat["ids"][j]), float(scores[j]), explanation, near))
        return results

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


def _id_array(ids: Iterable[int]) -> np.ndarray:
    return np.fromiter((int(i) for i in ids), dtype=np.int64)


def _code_or_raise(code: str | None, fn, what: str) -> tuple[int, int] | None:
    if not code:
        return None
    key = fn(code) if fn else None
    if key is None:
        raise ValueError(f"not a {what} code: {code!r}")
    return key
