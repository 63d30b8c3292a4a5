"""Package names imported from their modules when first read (PEP 562): a package offers its whole surface while
a process that reads only a constant from it does not load the libraries its other modules need."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module


def lazy_names(package: str, where: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose public names are ``where``'s keys, each found in
    the (relative) module it maps to. A name read once is kept in the package, so later reads skip the hook."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = namespace[name] = getattr(import_module(where[name], package), name)
        return value

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__
