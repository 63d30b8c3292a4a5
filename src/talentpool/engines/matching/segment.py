"""Columnar documents (``Batch``), corpus statistics (``Stats``) and searchable segments (``Segment``).

A segment is a batch plus its BM25 index: a ``bm25s.BM25`` object whose ``scores`` hold the token → document
postings (CSC: ``indptr`` by token id, ``indices`` = rows, ``data`` = BM25 weight of the token in that row). The
weights are Lucene's BM25 as bm25s computes them (``method="lucene"``)::

    idf(t)    = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
    w(t, d)   = idf(t) · tf / (tf + k1 · (1 - b + b · |d| / avgdl))

with N, df and avgdl taken from ``Stats``. The main segment's statistics are its own; a delta segment (documents
upserted since the build) is weighted with the main segment's statistics, frozen until ``compact()``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from .codes import CodeColumn, _ranges

BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(slots=True)
class Batch:
    """Documents of one kind as columns. ``tok_*`` hold each row's distinct tokens and their counts."""

    ids: np.ndarray  # int64
    tok_indptr: np.ndarray  # int64, n + 1
    tok_ids: np.ndarray  # int32
    tok_tf: np.ndarray  # uint16
    doc_len: np.ndarray  # int32: tokens in the row, repeats counted
    num: dict[str, np.ndarray]
    codes: dict[str, CodeColumn]

    @property
    def n(self) -> int:
        return len(self.ids)

    def take(self, rows: np.ndarray) -> Batch:
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.tok_indptr[rows], self.tok_indptr[rows + 1]
        counts = ends - starts
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        flat = _ranges(starts, counts)
        return Batch(
            ids=self.ids[rows],
            tok_indptr=indptr,
            tok_ids=self.tok_ids[flat],
            tok_tf=self.tok_tf[flat],
            doc_len=self.doc_len[rows],
            num={k: v[rows] for k, v in self.num.items()},
            codes={k: c.take(rows) for k, c in self.codes.items()},
        )

    @classmethod
    def concat(cls, batches: Sequence[Batch]) -> Batch:
        if len(batches) == 1:
            return batches[0]
        offsets = np.cumsum([0] + [len(b.tok_ids) for b in batches])
        return cls(
            ids=np.concatenate([b.ids for b in batches]),
            tok_indptr=np.concatenate(
                [[0]] + [b.tok_indptr[1:] + o for b, o in zip(batches, offsets, strict=False)]
            ),
            tok_ids=np.concatenate([b.tok_ids for b in batches]),
            tok_tf=np.concatenate([b.tok_tf for b in batches]),
            doc_len=np.concatenate([b.doc_len for b in batches]),
            num={k: np.concatenate([b.num[k] for b in batches]) for k in batches[0].num},
            codes={k: CodeColumn.concat([b.codes[k] for b in batches]) for k in batches[0].codes},
        )

    def row_tokens(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.tok_indptr[row], self.tok_indptr[row + 1]
        return self.tok_ids[a:b], self.tok_tf[a:b]


@dataclass(slots=True)
class Stats:
    """Corpus statistics behind the BM25 weights."""

    n_docs: int
    total_len: int
    df: np.ndarray  # documents containing each token id (ids past the end: 0)

    @classmethod
    def of(cls, batch: Batch, n_vocab: int) -> Stats:
        return cls(
            batch.n,
            int(batch.doc_len.sum(dtype=np.int64)),
            np.bincount(batch.tok_ids, minlength=n_vocab).astype(np.int64),
        )

    @property
    def avgdl(self) -> float:
        return self.total_len / self.n_docs if self.n_docs else 1.0

    def df_of(self, token_ids: np.ndarray) -> np.ndarray:
        out = np.zeros(len(token_ids), dtype=np.int64)
        inside = token_ids < len(self.df)
        out[inside] = self.df[token_ids[inside]]
        return out

    def idf(self, token_ids: np.ndarray) -> np.ndarray:
        df = self.df_of(token_ids).astype(np.float64)
        return np.log(1.0 + (self.n_docs - df + 0.5) / (df + 0.5))

    def weights(self, token_ids: np.ndarray, tf: np.ndarray, doc_len: np.ndarray | float) -> np.ndarray:
        """BM25 weight of each (token, tf) in documents of length ``doc_len`` (float64)."""
        tf = tf.astype(np.float64)
        norm = BM25_K1 * (1.0 - BM25_B + BM25_B * np.asarray(doc_len, dtype=np.float64) / self.avgdl)
        return self.idf(token_ids) * tf / (tf + norm)


class Segment:
    """A batch with its postings. ``alive`` marks rows not replaced or removed since the segment was built."""

    def __init__(
        self,
        batch: Batch,
        stats: Stats,
        n_vocab: int,
        *,
        vocab: dict[str, int] | None = None,
        text: bm25s.BM25 | None = None,
        alive: np.ndarray | None = None,
    ):
        self.batch = batch
        self.stats = stats
        self.alive = np.ones(batch.n, dtype=bool) if alive is None else np.array(alive, dtype=bool)
        self.text = text if text is not None else _bm25_index(batch, stats, n_vocab)
        self.text.vocab_dict = vocab if vocab is not None else {}  # token → id, shared by both sides
        for column in batch.codes.values():
            column.sorted_view  # noqa: B018 - build the lookup copy now, not during the first query
        self._id_order = np.argsort(batch.ids, kind="stable")

    @property
    def n(self) -> int:
        return self.batch.n

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Rows of the given ids in this segment (alive or not); -1 where absent."""
        ids = np.asarray(ids, dtype=np.int64)
        if not self.n:
            return np.full(len(ids), -1, dtype=np.int64)
        sorted_ids = self.batch.ids[self._id_order]
        pos = np.minimum(np.searchsorted(sorted_ids, ids), self.n - 1)
        return np.where(sorted_ids[pos] == ids, self._id_order[pos], -1)

    def row_of(self, doc_id: int) -> int:
        row = int(self.rows_of(np.array([doc_id]))[0])
        return row if row >= 0 and self.alive[row] else -1

    def postings(self, token_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(rows, weights, lengths)``: the postings of each token concatenated in the given order."""
        scores = self.text.scores
        indptr = scores["indptr"]
        if len(indptr) <= 1:  # a segment built from no documents has no postings at all
            return np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(len(token_ids), np.int64)
        inside = token_ids < len(indptr) - 1
        tok = np.where(inside, token_ids, 0)
        starts = np.where(inside, indptr[tok], 0)
        lengths = np.where(inside, indptr[tok + 1] - starts, 0)
        nonzero = np.flatnonzero(lengths)
        if not len(nonzero):
            return np.zeros(0, np.int32), np.zeros(0, np.float32), lengths
        idx = scores["indices"]
        data = scores["data"]
        rows = np.concatenate([idx[starts[i] : starts[i] + lengths[i]] for i in nonzero])
        weights = np.concatenate([data[starts[i] : starts[i] + lengths[i]] for i in nonzero])
        return rows, weights, lengths

    # --- persistence -----------------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        b = self.batch
        arrays = {
            "ids": b.ids,
            "tok_indptr": b.tok_indptr,
            "tok_ids": b.tok_ids,
            "tok_tf": b.tok_tf,
            "doc_len": b.doc_len,
            "alive": self.alive,
            "stats_df": self.stats.df,
        }
        arrays |= {f"num.{k}": v for k, v in b.num.items()}
        for name, col in b.codes.items():
            keys, depths, rows = col.sorted_view
            arrays |= {
                f"code.{name}.indptr": col.indptr,
                f"code.{name}.keys": col.keys,
                f"code.{name}.depths": col.depths,
                f"code.{name}.skeys": keys,
                f"code.{name}.sdepths": depths,
                f"code.{name}.srows": rows,
            }
        for name, arr in arrays.items():
            np.save(path / f"{name}.npy", arr, allow_pickle=False)
        meta = {
            "num": list(b.num),
            "codes": list(b.codes),
            "n_docs": self.stats.n_docs,
            "total_len": self.stats.total_len,
        }
        (path / "segment.json").write_text(json.dumps(meta), encoding="utf-8")
        vocab, self.text.vocab_dict = self.text.vocab_dict, {}
        try:
            self.text.save(path / "bm25s", show_progress=False)
        finally:
            self.text.vocab_dict = vocab

    @classmethod
    def load(cls, path: Path, vocab: dict[str, int], *, mmap: bool = False) -> Segment:
        meta = json.loads((path / "segment.json").read_text(encoding="utf-8"))
        mode = "r" if mmap else None

        def arr(name: str) -> np.ndarray:
            return np.load(path / f"{name}.npy", mmap_mode=mode, allow_pickle=False)

        codes = {}
        for name in meta["codes"]:
            codes[name] = CodeColumn(
                arr(f"code.{name}.indptr"),
                arr(f"code.{name}.keys"),
                arr(f"code.{name}.depths"),
                (arr(f"code.{name}.skeys"), arr(f"code.{name}.sdepths"), arr(f"code.{name}.srows")),
            )
        batch = Batch(
            ids=arr("ids"),
            tok_indptr=arr("tok_indptr"),
            tok_ids=arr("tok_ids"),
            tok_tf=arr("tok_tf"),
            doc_len=arr("doc_len"),
            num={k: arr(f"num.{k}") for k in meta["num"]},
            codes=codes,
        )
        stats = Stats(meta["n_docs"], meta["total_len"], np.load(path / "stats_df.npy"))
        text = bm25s.BM25.load(path / "bm25s", mmap=mmap, load_vocab=False, show_progress=False)
        return cls(batch, stats, 0, vocab=vocab, text=text, alive=np.load(path / "alive.npy"))


def _bm25_index(batch: Batch, stats: Stats, n_vocab: int) -> bm25s.BM25:
    """The postings of a batch as a bm25s index (same layout and formula as ``bm25s.BM25.index``)."""
    counts = np.diff(batch.tok_indptr)
    rows = np.repeat(np.arange(batch.n, dtype=np.int32), counts)
    weights = stats.weights(batch.tok_ids, batch.tok_tf, batch.doc_len[rows]).astype(np.float32)
    order = np.argsort(batch.tok_ids, kind="stable")
    n_cols = max(n_vocab, int(batch.tok_ids.max()) + 1 if len(batch.tok_ids) else 0)
    indptr = np.zeros(n_cols + 1, dtype=np.int64)
    np.cumsum(np.bincount(batch.tok_ids, minlength=n_cols), out=indptr[1:])
    text = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
    text.scores = {"data": weights[order], "indices": rows[order], "indptr": indptr, "num_docs": batch.n}
    text.nonoccurrence_array = None
    return text
