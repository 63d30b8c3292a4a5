"""Reading an uploaded file in a child process with a ceiling on its memory and time.

The checks of ``limits`` refuse what they recognise; this is for whatever they do not: a reader that runs out of
memory aborts (Rust does not unwind on a failed allocation), and here it is the child that aborts, under
``RLIMIT_AS``, not the web process or the worker that runs imports. ``read`` sends the request to
``python -m talentpool.engines.tabular.child`` on its standard input and takes the pickled ``Table`` (or the
``FileProblem``) from its standard output; the file's contents never touch the disk. A child that is killed,
aborts or runs out of time becomes a ``FileProblem`` that says so. No core dump is written (the memory of the
child holds the file's ID numbers).
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from .limits import ReadLimits, size_text
from .messages import FileProblem
from .messages import gettext_noop as _

CHILD = "talentpool.engines.tabular.child"
OUT_OF_MEMORY = 75                             # the child's exit status when even its answer did not fit
SRC = Path(__file__).resolve().parents[3]      # the directory that holds the talentpool package
log = logging.getLogger(__name__)


def read(path: str | os.PathLike[str], *, spec: Any, max_bytes: int, limits: ReadLimits) -> Any:
    request = pickle.dumps((os.fspath(path), spec, max_bytes, limits), protocol=pickle.HIGHEST_PROTOCOL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([sys.executable, "-m", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=errors, env=env, close_fds=True)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(limits.wall_seconds, stop)
        timer.daemon = True
        timer.start()
        try:
            outcome = _exchange(proc, request)
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if outcome is not None and code == 0:
            kind, payload = outcome
            if kind == "table":
                return payload
            if kind == "problem":
                message, params = payload
                raise FileProblem(message, **params)
            if kind == "error":
                log.warning("reading an uploaded file failed: %s", payload)
                raise FileProblem(_("The file could not be read (%(error)s); open it in Excel or WPS and save "
                                    "it again."), error=payload)
            raise _out_of_memory(limits)
        errors.seek(0, os.SEEK_END)
        log.warning("reading an uploaded file stopped: exit status %s, %s bytes on stderr", code, errors.tell())
    if timed_out.is_set() or code == -signal.SIGXCPU:
        raise FileProblem(_("Reading the file took longer than %(seconds)s seconds; split it into smaller files."),
                          seconds=limits.wall_seconds if timed_out.is_set() else limits.cpu_seconds)
    if code in (OUT_OF_MEMORY, -signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
        raise _out_of_memory(limits)
    raise FileProblem(_("The file could not be read (the reader stopped with status %(status)s)."), status=code)


def _exchange(proc: subprocess.Popen, request: bytes) -> Any:
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(request)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    try:
        return pickle.load(proc.stdout)
    except (EOFError, pickle.UnpicklingError, ValueError):
        return None
    finally:
        proc.stdout.close()


def _out_of_memory(limits: ReadLimits) -> FileProblem:
    return FileProblem(_("Reading the file needed more than %(limit)s of memory: it is damaged, or too large "
                         "for one import; split it into smaller files."), limit=size_text(limits.memory_bytes))


def apply_limits(limits: ReadLimits) -> None:
    """In the child: the ceilings (never above what it inherited) and no core dump."""
    for which, wanted in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_CPU, limits.cpu_seconds)):
        soft, hard = resource.getrlimit(which)
        ceiling = min(v for v in (wanted, soft, hard) if v != resource.RLIM_INFINITY)
        resource.setrlimit(which, (ceiling, ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard)))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
