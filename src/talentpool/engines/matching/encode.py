"""Documents → columns: cleaning, tokens, skills and code keys, for a chunk of talents or jobs.

A chunk is encoded against its own small vocabularies (so chunks can be encoded in worker processes) and merged
into the index's vocabularies by remapping ids with one numpy take.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .codes import CodeColumn
from .documents import JobDoc, TalentDoc
from .segment import Batch
from .taxonomy import Taxonomies, division_key, major_key, occupation_key
from .text import MAX_JOB_TEXT_CHARS, MAX_RESUME_CHARS, MAX_TITLE_CHARS, clean_text, normalise_skills
from .tokenizer import Tokenizer

TITLE_REPEAT = 2
"""A job title's tokens count twice in the job's text."""

TALENT_NUM = ("degree", "years", "salary_min", "salary_max", "consent")
JOB_NUM = ("min_degree", "min_years", "salary_min", "salary_max", "open")
CODE_FIELDS = ("major", "occupation", "industry", "division", "skills")


@dataclass(slots=True)
class Encoded:
    """A chunk with local token and skill ids (``tokens[i]`` / ``skills[i]`` is local id ``i``)."""

    batch: Batch
    tokens: list[str]
    skills: list[str]
    n_skills: np.ndarray  # declared plus found skills per row, known or not


class Vocabulary:
    """Strings ↔ ids, growing only (ids are never reused)."""

    __slots__ = ("ids", "items")

    def __init__(self, items: Sequence[str] = ()):
        self.items: list[str] = list(items)
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.items)}

    def __len__(self) -> int:
        return len(self.items)

    def add_all(self, items: Sequence[str]) -> np.ndarray:
        """Ids of ``items``, adding the new ones."""
        ids, out = self.ids, self.items
        for t in items:
            if t not in ids:
                ids[t] = len(out)
                out.append(t)
        return np.fromiter((ids[t] for t in items), dtype=np.int64, count=len(items))

    def lookup(self, items: Sequence[str]) -> np.ndarray:
        """Ids of ``items``, -1 for unknown ones."""
        get = self.ids.get
        return np.fromiter((get(t, -1) for t in items), dtype=np.int64, count=len(items))


def _salary(low: int | None, high: int | None) -> tuple[float, float]:
    lo = -math.inf if low is None or low <= 0 else float(low)
    hi = math.inf if high is None or high <= 0 else float(high)
    return (hi, lo) if lo > hi else (lo, hi)


def _keys(codes: Sequence[str], fn) -> list[tuple[int, int]]:
    return list(dict.fromkeys(k for k in (fn(c) for c in codes if c) if k is not None))


class _ChunkBuilder:
    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        self.local: dict[str, int] = {}
        self.skill_ids: dict[str, int] = {}
        self.flat = array("i")
        self.doc_index = array("i")
        self.n_skills: list[int] = []
        self.codes: dict[str, list[list[tuple[int, int]]]] = {f: [] for f in CODE_FIELDS}

    def tokens(self, doc_row: int, text: str, declared: list[str], title: str = "") -> None:
        tk = self.tokenizer
        aliases = tk.skills.aliases
        declared = list(dict.fromkeys(aliases.get(s, s) for s in declared))
        toks = tk.tokens(text)
        for skill in declared:
            toks += tk.skill_tokens(skill)
        skills = list(dict.fromkeys(declared + tk.skills_in(text, toks)))
        if title:
            toks = tk.tokens(title) * TITLE_REPEAT + toks
        local = self.local
        ids = [local.setdefault(t, len(local)) for t in toks]
        self.flat.extend(ids)
        self.doc_index.extend([doc_row] * len(ids))
        self.n_skills.append(len(skills))
        sid = self.skill_ids
        self.codes["skills"].append([(sid.setdefault(s, len(sid)), 1) for s in skills])

    def finish(self, ids: list[int], num: dict[str, list]) -> Encoded:
        n = len(ids)
        flat = np.frombuffer(self.flat, dtype=np.int32).astype(np.int64)
        doc = np.frombuffer(self.doc_index, dtype=np.int32).astype(np.int64)
        width = max(len(self.local), 1)
        uniq, tf = np.unique(doc * width + flat, return_counts=True)
        rows = uniq // width
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        doc_len = np.bincount(doc, minlength=n).astype(np.int32)
        batch = Batch(
            ids=np.asarray(ids, dtype=np.int64),
            tok_indptr=indptr,
            tok_ids=(uniq % width).astype(np.int32),
            tok_tf=np.minimum(tf, np.iinfo(np.uint16).max).astype(np.uint16),
            doc_len=doc_len,
            num={k: np.asarray(v, dtype=_NUM_DTYPES[k]) for k, v in num.items()},
            codes={f: CodeColumn.from_lists(rows_) for f, rows_ in self.codes.items()},
        )
        return Encoded(
            batch, list(self.local), list(self.skill_ids), np.asarray(self.n_skills, dtype=np.int32)
        )


_NUM_DTYPES = {
    "degree": np.int8,
    "min_degree": np.int8,
    "years": np.float32,
    "min_years": np.float32,
    "salary_min": np.float32,
    "salary_max": np.float32,
    "consent": bool,
    "open": bool,
}


def _rank(value: int | None) -> int:
    return max(0, min(4, int(value or 0)))


def _years(value: float | None) -> float:
    v = float(value or 0.0)
    return v if math.isfinite(v) and v > 0 else 0.0


def encode_talents(docs: Sequence[TalentDoc], tokenizer: Tokenizer, tax: Taxonomies) -> Encoded:
    b = _ChunkBuilder(tokenizer)
    num: dict[str, list] = {k: [] for k in TALENT_NUM}
    for i, d in enumerate(docs):
        b.tokens(i, clean_text(d.text, MAX_RESUME_CHARS), normalise_skills(d.skills))
        b.codes["major"].append(_keys([d.major_code], major_key))
        b.codes["occupation"].append(_keys(d.desired_occupations, occupation_key))
        b.codes["industry"].append(_keys(d.industry_codes, tax.industry_key))
        b.codes["division"].append(_keys(d.desired_divisions, division_key))
        lo, hi = _salary(d.salary_min, d.salary_max)
        num["degree"].append(_rank(d.degree_rank))
        num["years"].append(_years(d.years_experience))
        num["salary_min"].append(lo)
        num["salary_max"].append(hi)
        num["consent"].append(bool(d.consent))
    return b.finish([d.id for d in docs], num)


def encode_jobs(docs: Sequence[JobDoc], tokenizer: Tokenizer, tax: Taxonomies) -> Encoded:
    b = _ChunkBuilder(tokenizer)
    num: dict[str, list] = {k: [] for k in JOB_NUM}
    for i, d in enumerate(docs):
        b.tokens(
            i,
            clean_text(d.text, MAX_JOB_TEXT_CHARS),
            normalise_skills(d.skills),
            title=clean_text(d.title, MAX_TITLE_CHARS, single_line=True),
        )
        b.codes["major"].append(_keys(d.accepted_majors, major_key))
        b.codes["occupation"].append(_keys([d.occupation_code], occupation_key))
        b.codes["industry"].append(_keys([d.industry_code], tax.industry_key))
        b.codes["division"].append(_keys([d.division_code], division_key))
        lo, hi = _salary(d.salary_min, d.salary_max)
        num["min_degree"].append(_rank(d.min_degree_rank))
        num["min_years"].append(_years(d.min_years))
        num["salary_min"].append(lo)
        num["salary_max"].append(hi)
        num["open"].append(bool(d.open))
    return b.finish([d.id for d in docs], num)
