"""bench/web.py's goals line counts the pages meeting each goal of issue 12; the closing figures are read from it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "bench" / "web.py"


def _web():
    spec = importlib.util.spec_from_file_location("bench_web", WEB)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_web"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_each_goal_counts_the_pages_that_meet_it_and_only_those():
    web = _web()

    def page(p99, ratio, first):
        return web.Result(label="x", role="talent", route="/", url="/", status=200, rps=1.0, p99_ms=p99, ratio=ratio,
                          first_hit_ms=first)

    pages = [page(249.9, 0.25, 999.0), page(250.0, 0.249, 1000.0), page(120.0, 0.5, None), page(None, None, 10.0)]
    assert web.targets(pages) == ("goals: p99 < 250 ms 2 of 4; >= 0.25 of /healthz 2 of 4; first hit < 1 s 2 of 3")
