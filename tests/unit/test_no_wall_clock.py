"""Tests never read the wall clock: a test that builds its data from today's date passes or fails with the day it
runs on. Dates are explicit, or the clock is frozen with time-machine (``time_machine.travel`` as a decorator or a
``with`` block, or the ``time_machine`` fixture) around the code that reads it.

The scan reads every module under tests/ (fixtures, factories and helpers too) and resolves imported names, so
``import datetime as dt; dt.date.today()`` and ``from django.utils.timezone import now; now()`` are both found.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]

# Calls that read the clock, by the full name of the function called.
CLOCK_READS = {
    "datetime.date.today",
    "datetime.datetime.now",
    "datetime.datetime.today",
    "datetime.datetime.utcnow",
    "django.utils.timezone.now",
    "django.utils.timezone.localdate",
    "django.utils.timezone.localtime",
    "time.time",
    "time.time_ns",
}
# These convert a given moment when given one; only the call without arguments reads the clock.
CLOCK_READS_WITHOUT_ARGUMENTS = {"django.utils.timezone.localdate", "django.utils.timezone.localtime"}
TRAVEL = "time_machine.travel"

# Reads that do not make a test depend on the day, each with its reason (path relative to tests/, function).
ALLOWED = {
    # Keys its cache by the date the sync's own checks compile for, so a copy is only reused on the same day.
    ("factories/policies.py", "shipped_policies"),
}


class _Scan(ast.NodeVisitor):
    def __init__(self, path: str):
        self.path = path
        self.names: dict[str, str] = {}  # local name -> full dotted name
        self.frozen = 0  # depth of enclosing time-machine scopes
        self.functions: list[str] = []
        self.offences: list[str] = []

    # -- names --
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.names[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.names[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            for alias in node.names:
                self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def full_name(self, node: ast.expr) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.names:
            return None
        return ".".join([self.names[node.id], *reversed(parts)])

    def is_travel(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Call) and self.full_name(node.func) == TRAVEL

    # -- scopes --
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
        freezes = any(self.is_travel(d) for d in node.decorator_list) or "time_machine" in params
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.functions.append(node.name)
        self.frozen += freezes
        for statement in node.body:
            self.visit(statement)
        self.frozen -= freezes
        self.functions.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        freezes = any(self.is_travel(d) for d in node.decorator_list)
        self.frozen += freezes
        self.generic_visit(node)
        self.frozen -= freezes

    def visit_With(self, node: ast.With) -> None:
        freezes = any(self.is_travel(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        self.frozen += freezes
        for statement in node.body:
            self.visit(statement)
        self.frozen -= freezes

    # -- reads --
    def visit_Call(self, node: ast.Call) -> None:
        name = self.full_name(node.func)
        reads = name in CLOCK_READS and not (name in CLOCK_READS_WITHOUT_ARGUMENTS and (node.args or node.keywords))
        function = self.functions[0] if self.functions else ""
        if reads and not self.frozen and (self.path, function) not in ALLOWED:
            self.offences.append(f"{self.path}:{node.lineno}: {name}()")
        self.generic_visit(node)


def clock_reads(source: str, path: str = "test_x.py") -> list[str]:
    scan = _Scan(path)
    scan.visit(ast.parse(source))
    return scan.offences


def test_no_test_reads_the_wall_clock():
    offences = []
    for path in sorted(TESTS.rglob("*.py")):
        offences += clock_reads(path.read_text(encoding="utf-8"), path.relative_to(TESTS).as_posix())
    assert offences == [], "explicit dates, or time_machine.travel around the code that reads the clock:\n" + (
        "\n".join(offences))


@pytest.mark.parametrize("source, found", [
    ("import datetime as dt\nx = dt.date.today()\n", ["datetime.date.today()"]),
    ("from datetime import date, datetime\ndate.today(); datetime.now()\n",
     ["datetime.date.today()", "datetime.datetime.now()"]),
    ("from django.utils import timezone\ndef f():\n    return timezone.localdate()\n",
     ["django.utils.timezone.localdate()"]),
    ("from django.utils.timezone import now as clock\nclock()\n", ["django.utils.timezone.now()"]),
    ("import time\ntime.time()\n", ["time.time()"]),
    # converting a given moment, a deadline on the monotonic clock, a callable passed on: no read
    ("from django.utils import timezone\ntimezone.localdate(moment)\ntimezone.localtime(value=moment)\n", []),
    ("import time\ndeadline = time.monotonic() + 5\n", []),
    ("from django.utils import timezone\nfield = dict(default=timezone.now)\n", []),
    # a name that is not the module's (a local date object) is not the clock
    ("def f(date):\n    return date.today()\n", []),
    # frozen by time-machine: a with block, a decorated test or class, the fixture
    ("import time_machine\nfrom django.utils import timezone\ndef test_a():\n"
     "    with time_machine.travel('2025-06-30 10:00 +0800', tick=False):\n        timezone.now()\n    timezone.now()\n",
     ["django.utils.timezone.now()"]),
    ("import time_machine\nimport datetime as dt\n@time_machine.travel('2025-06-30')\ndef test_a():\n"
     "    dt.date.today()\n", []),
    ("import time_machine\nimport datetime as dt\n@time_machine.travel('2025-06-30')\nclass TestA:\n"
     "    def test_a(self):\n        dt.date.today()\n", []),
    ("import datetime as dt\ndef test_a(time_machine):\n    time_machine.move_to('2025-06-30')\n"
     "    dt.date.today()\n", []),
])
def test_the_scan_finds_clock_reads_and_only_those(source, found):
    assert [offence.split(": ", 1)[1] for offence in clock_reads(source)] == found
