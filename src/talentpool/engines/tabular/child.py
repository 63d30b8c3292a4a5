"""The child process of ``confined.read``: ``python -m talentpool.engines.tabular.child``.

Reads the pickled request (path, kind, size limit, ``ReadLimits``) from standard input, puts its ceilings on
itself once its modules are loaded, reads the file and writes ``("table", Table)``, ``("problem", (message,
params))``, ``("memory", None)`` or ``("error", exception type)`` pickled to standard output (an exception's text
may quote the file, so only its type leaves). Anything else on standard output goes to standard error.
"""

from __future__ import annotations

import os
import pickle
import sys

from .confined import OUT_OF_MEMORY, apply_limits
from .messages import FileProblem
from .reading import read_table


def main() -> None:
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    path, spec, max_bytes, limits = pickle.load(sys.stdin.buffer)
    apply_limits(limits)
    try:
        outcome = ("table", read_table(path, spec=spec, max_bytes=max_bytes, limits=limits, confine=False))
    except FileProblem as exc:
        outcome = ("problem", (exc.message, exc.params))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - any failure on a hostile file is the file's problem
        outcome = ("error", type(exc).__name__)
    try:
        pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
    except MemoryError:
        os._exit(OUT_OF_MEMORY)


if __name__ == "__main__":
    main()
