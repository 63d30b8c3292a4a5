"""A stop list for job texts, learned from document frequency: the words every kind of job ad says.

吃苦耐劳, 服从安排, 团队合作, 五险一金 … are in job ads of every occupation; 材料, 环评 or 算法 are in the ads of a few.
So a token is boilerplate when it is in at least ``MIN_SHARE`` of the job texts *and* spread over at least
``MIN_SPREAD`` of the occupation families (small categories of the 2022 classification, e.g. 2-02-10) the ads belong
to: a domain word, however frequent, stays within its families. Boilerplate tokens are dropped from every query, so
they neither lift a score nor appear among a match's reasons (a CS master is not recommended 材料研发 because both
texts say 团队合作). Small indexes (fewer than ``MIN_JOBS`` ads or ``MIN_FAMILIES`` families) learn nothing.
"""

from __future__ import annotations

import numpy as np

from .segment import Batch

MIN_SHARE = 0.05
MIN_SPREAD = 0.5
MIN_JOBS = 20
MIN_FAMILIES = 4
FAMILY_DIVISOR = 100
"""An occupation key is major * 1,000,000 + medium * 10,000 + small * 100 + detail: key // 100 is its family
(2-02-10: software and IT engineers; 2-02-01 … materials engineers are another)."""


def job_boilerplate(jobs: Batch, n_vocab: int) -> np.ndarray:
    """A mask over the vocabulary: True for the tokens the job texts share across occupations."""
    mask = np.zeros(n_vocab, dtype=bool)
    occ = jobs.codes.get("occupation")
    if occ is None or jobs.n < MIN_JOBS:
        return mask
    has_code = occ.indptr[1:] > occ.indptr[:-1]
    family = np.full(jobs.n, -1, dtype=np.int64)
    family[has_code] = occ.keys[occ.indptr[:-1][has_code]].astype(np.int64) // FAMILY_DIVISOR
    families, dense = np.unique(family[family >= 0], return_inverse=True)
    if len(families) < MIN_FAMILIES:
        return mask
    row_family = np.full(jobs.n, -1, dtype=np.int64)
    row_family[family >= 0] = dense
    counts = np.diff(jobs.tok_indptr)
    occ_family = np.repeat(row_family, counts)
    tokens = jobs.tok_ids.astype(np.int64)
    df = np.bincount(tokens, minlength=n_vocab)[:n_vocab]
    known = occ_family >= 0
    pairs = np.unique(tokens[known] * len(families) + occ_family[known])
    spread = np.bincount(pairs // len(families), minlength=n_vocab)[:n_vocab]
    mask[:] = (df >= MIN_SHARE * jobs.n) & (spread >= MIN_SPREAD * len(families))
    return mask
