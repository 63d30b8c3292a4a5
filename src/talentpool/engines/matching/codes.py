"""Coded fields of many documents as numpy arrays: per-row lists plus a key-sorted copy for range lookups.

Every relation the matcher needs is a lookup in the sorted copy, so a query touches only the rows that share a
prefix with the query code, never every row:

- ``similarity_into``: best similarity of each row's codes to one query code (major, occupation, industry);
- ``covering``: rows with a code equal to or above the query code (a talent wanting 330100 for a job in 330106);
- ``covered_by``: rows with a code equal to or under the query code (jobs inside a wanted 330100);
- ``containing``: rows holding exactly a key (skills).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .taxonomy import CodeScheme


class CodeColumn:
    """Zero or more ``(key, depth)`` codes per row."""

    __slots__ = ("indptr", "keys", "depths", "_sorted", "_counts")

    def __init__(
        self,
        indptr: np.ndarray,
        keys: np.ndarray,
        depths: np.ndarray,
        sorted_view: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ):
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.keys = np.asarray(keys, dtype=np.int64)
        self.depths = np.asarray(depths, dtype=np.int8)
        self._sorted = sorted_view
        self._counts: np.ndarray | None = None

    @classmethod
    def from_lists(cls, rows: Sequence[Sequence[tuple[int, int]]]) -> CodeColumn:
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        flat = [c for r in rows for c in r]
        keys = np.fromiter((k for k, _ in flat), dtype=np.int64, count=len(flat))
        depths = np.fromiter((d for _, d in flat), dtype=np.int8, count=len(flat))
        return cls(indptr, keys, depths)

    @classmethod
    def concat(cls, columns: Sequence[CodeColumn]) -> CodeColumn:
        offsets = np.cumsum([0] + [len(c.keys) for c in columns])
        indptr = np.concatenate(
            [[0]] + [c.indptr[1:] + off for c, off in zip(columns, offsets, strict=False)]
        )
        return cls(
            indptr, np.concatenate([c.keys for c in columns]), np.concatenate([c.depths for c in columns])
        )

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def counts(self) -> np.ndarray:
        if self._counts is None:
            self._counts = np.diff(self.indptr)
        return self._counts

    def row(self, r: int) -> list[tuple[int, int]]:
        a, b = self.indptr[r], self.indptr[r + 1]
        return list(zip(self.keys[a:b].tolist(), self.depths[a:b].tolist(), strict=True))

    def take(self, rows: np.ndarray) -> CodeColumn:
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        counts = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        flat = _ranges(starts, counts)
        return CodeColumn(indptr, self.keys[flat], self.depths[flat])

    def remap(self, mapping: np.ndarray) -> CodeColumn:
        """The same rows with every key replaced by ``mapping[key]`` (local → global skill ids)."""
        return CodeColumn(self.indptr, mapping[self.keys] if len(self.keys) else self.keys, self.depths)

    @property
    def sorted_view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(keys, depths, rows)`` ordered by key (then row)."""
        if self._sorted is None:
            rows = np.repeat(np.arange(self.n_rows, dtype=np.int32), self.counts())
            order = np.argsort(self.keys, kind="stable")
            self._sorted = (self.keys[order], self.depths[order], rows[order])
        return self._sorted

    def _range(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keys, depths, rows = self.sorted_view
        a, b = np.searchsorted(keys, [lo, hi])
        return keys[a:b], depths[a:b], rows[a:b]

    def _exact(self, key: int, depth: int | None = None) -> np.ndarray:
        keys, depths, rows = self._range(key, key + 1)
        return rows if depth is None else rows[depths == depth]

    def containing(self, key: int) -> np.ndarray:
        return self._exact(key)

    def covering(self, scheme: CodeScheme, key: int, depth: int) -> np.ndarray:
        """Rows with a code that is ``key`` or one of its ancestors."""
        parts = [self._exact(scheme.ancestor_key(key, d), d) for d in range(1, depth + 1)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def covered_by(self, scheme: CodeScheme, key: int, depth: int) -> np.ndarray:
        """Rows with a code that is ``key`` or under it."""
        lo = scheme.ancestor_key(key, depth)
        _, depths, rows = self._range(lo, lo + scheme.divisors[depth - 1])
        return rows[depths >= depth]

    def similarity_into(self, out: np.ndarray, scheme: CodeScheme, key: int, depth: int) -> None:
        """``out[row] = max(out[row], best similarity of the row's codes to (key, depth))``, by nested key
        ranges: rows sharing the prefix at each scored depth get that depth's score, then covering and covered
        rows get 1.0 (same result as ``code_similarity`` over every code, without per-code arithmetic)."""
        for d in range(scheme.first_scored_depth, depth + 1):
            score = scheme.similarity.get(d, 0.0)
            if score > 0:
                lo = scheme.ancestor_key(key, d)
                _, _, rows = self._range(lo, lo + scheme.divisors[d - 1])
                if len(rows):
                    out[rows] = np.maximum(out[rows], score)
        for rows in (self.covering(scheme, key, depth), self.covered_by(scheme, key, depth)):
            if len(rows):
                out[rows] = 1.0


def code_similarity(
    scheme: CodeScheme, keys: np.ndarray, depths: np.ndarray, key: int, depth: int
) -> np.ndarray:
    """Similarity of each ``(keys[i], depths[i])`` to ``(key, depth)``: 1.0 when one covers the other, else the
    scheme's score for the deepest shared depth (0 when none)."""
    shallow = np.minimum(depths, depth)
    common = np.zeros(len(keys), dtype=np.int8)
    for d, div in enumerate(scheme.divisors, 1):
        common += ((keys // div) == (key // div)) & (d <= shallow)
    table = np.array([0.0] + [scheme.similarity.get(d, 0.0) for d in range(1, scheme.depths + 1)])
    return np.where(common >= shallow, 1.0, table[common])


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each start and count, without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    idx = np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
    return idx + np.repeat(starts, counts)
