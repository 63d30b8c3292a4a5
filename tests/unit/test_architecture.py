"""Rules of docs/architecture.md that import-linter cannot see, read from the source itself.

1. No app writes another app's models: a name imported from ``talentpool.<other>.models`` is never the start of a
   create/update/delete through its manager (``Other.objects....create(...)``, ``.update(...)``, ``.delete()``, …).
2. No import of the project's own modules hides inside a function body in ``src/`` (the old way of hiding an
   import cycle). Third-party imports may be deferred to keep start-up fast (openpyxl, say). ``AppConfig.ready``
   may import its app's receivers (Django's idiom for connecting signals once the models are loaded).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "talentpool"
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "delete", "bulk_update"}
APPS_WITHOUT_MODELS_OF_THEIR_OWN = {"web"}
# core's models (audit trail, notices, change history) are written through core's helpers, which every app uses.
SHARED = {"core"}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _app_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def _foreign_model_names(tree: ast.Module, app: str) -> dict[str, str]:
    """Names bound in this module to models of another app: {local name: app}."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if len(parts) == 3 and parts[0] == "talentpool" and parts[2] == "models":
                other = parts[1]
                if other != app and other not in SHARED:
                    for alias in node.names:
                        names[alias.asname or alias.name] = other
    return names


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _writes_to_foreign_models(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    foreign = _foreign_model_names(tree, _app_of(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        chain = ast.unparse(node.func)
        root = _root_name(node.func)
        if root in foreign and ".objects" in chain:
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: {chain}(...) writes {foreign[root]}.{root}")
    return found


def _imports_in_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if path.name == "apps.py" and getattr(func, "name", "") == "ready":
            continue  # AppConfig.ready imports the app's receivers once models are loaded: Django's idiom
        if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(func):
                own = (isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith(
                    "talentpool"))) or (isinstance(node, ast.Import) and any(
                    a.name.startswith("talentpool") for a in node.names))
                if own:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_app_writes_another_apps_models():
    offences = [line for path in _modules() for line in _writes_to_foreign_models(path)]
    assert offences == [], "write through the owning app's service instead:\n" + "\n".join(offences)


def test_no_import_hides_inside_a_function():
    offences = [line for path in _modules() for line in _imports_in_functions(path)]
    assert offences == [], "import at module level (a cycle means a layer is wrong):\n" + "\n".join(offences)


@pytest.mark.parametrize("source, expected", [
    ("from talentpool.registry.models import Employment\ndef f():\n    Employment.objects.create(x=1)\n", 1),
    ("from talentpool.registry.models import Employment\ndef f():\n    Employment.objects.filter(a=1).update(b=2)\n", 1),
    ("from talentpool.registry.models import Employment\ndef f():\n    return Employment.objects.filter(a=1).count()\n", 0),
    ("from talentpool.core.models import Notice\ndef f():\n    Notice.objects.create(x=1)\n", 0),
])
def test_the_write_check_sees_writes_and_only_writes(tmp_path, source, expected):
    """The checker itself: a foreign create or update is found, a read or a core write is not."""
    app = tmp_path / "talentpool" / "recruitment"
    app.mkdir(parents=True)
    module = app / "services.py"
    module.write_text(source, encoding="utf-8")
    global SRC
    saved, SRC = SRC, tmp_path / "talentpool"
    try:
        assert len(_writes_to_foreign_models(module)) == expected
    finally:
        SRC = saved
