import json

import numpy as np
import pytest
from conftest import job, talent

from talentpool.engines.matching import MatchIndex


def _answers(index, job_ids, talent_ids):
    out = [[(m.id, m.score) for m in index.talents_for_job(j, k=20, near_misses=3)] for j in job_ids]
    out += [[m.to_dict() for m in index.jobs_for_talent(t, k=20)] for t in talent_ids]
    return out


@pytest.mark.parametrize("mmap", [False, True])
def test_save_and_load_round_trip_with_pending_updates(world, tmp_path, mmap):
    talents, jobs, built = world
    index = MatchIndex.build(talents[:400], jobs[:100])
    index.upsert_job(job(90_001))
    index.upsert_talent(talent(90_002))
    index.remove_job(jobs[5].id)
    job_ids = [90_001] + [j.id for j in jobs[:8] if j.id != jobs[5].id]
    talent_ids = [90_002] + [t.id for t in talents[:8]]
    expected = _answers(index, job_ids, talent_ids)
    index.save(tmp_path / "idx")
    loaded = MatchIndex.load(tmp_path / "idx", mmap=mmap)
    assert loaded.pending_count == index.pending_count == 2
    assert (loaded.talent_count, loaded.job_count) == (index.talent_count, index.job_count)
    assert _answers(loaded, job_ids, talent_ids) == expected
    loaded.upsert_job(job(90_003))  # a loaded index keeps taking updates
    assert 90_003 in {m.id for m in loaded.jobs_for_talent(90_002)}


def test_saved_files_are_plain_arrays_and_json(tmp_path):
    index = MatchIndex.build([talent(1)], [job(10)])
    index.save(tmp_path / "idx")
    files = [p for p in (tmp_path / "idx").rglob("*") if p.is_file()]
    assert files and {p.suffix for p in files} <= {".npy", ".json"}
    for p in files:
        if p.suffix == ".npy":
            np.load(p, allow_pickle=False)
        else:
            json.loads(p.read_text(encoding="utf-8"))
    index.save(tmp_path / "idx")  # saving again replaces the files
    assert MatchIndex.load(tmp_path / "idx").talent_count == 1


def test_an_unknown_format_is_refused(tmp_path):
    MatchIndex.build([talent(1)], [job(10)]).save(tmp_path / "idx")
    meta = tmp_path / "idx" / "meta.json"
    meta.write_text(json.dumps({"format": 999}))
    with pytest.raises(ValueError, match="format"):
        MatchIndex.load(tmp_path / "idx")
