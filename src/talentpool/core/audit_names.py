"""The audit trail read by a person: record keys (``talent:1``) named ("李明的档案"), people found by name.

Core sits below the apps whose records the trail names, so the apps above say how their keys read: each kind of
key (the part before the first ``:``) gets a label and, where a record has a name, a namer that turns a page's
keys into names in one query. ``web`` registers them when the project starts (``web.audit_names``); a key of a
kind nobody registered is shown as it is. The same goes for finding the people an administrator filters by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Namer = Callable[[list[str]], dict[str, str]]  # the keys' rests ("1" of "talent:1") -> a readable name
PeopleFinder = Callable[[Any, str], list[int] | None]  # (user, "李明 330106********1234") -> talent ids


@dataclass(frozen=True)
class _Kind:
    label: Any
    namer: Namer | None


_KINDS: dict[str, _Kind] = {}
_FINDER: list[PeopleFinder] = []


def register_target_kind(kind: str, label: Any, namer: Namer | None = None) -> None:
    _KINDS[kind] = _Kind(label, namer)


def register_people_finder(finder: PeopleFinder) -> None:
    _FINDER[:] = [finder]


def find_people(user, text: str) -> list[int] | None:
    """The talents an audit filter names (None when no finder is registered)."""
    return _FINDER[0](user, text) if _FINDER else None


def target_names(targets: Iterable[str]) -> dict[str, str]:
    """``{target: readable name}`` for a page of audit events: one namer call per kind."""
    targets = [t for t in dict.fromkeys(targets) if t]
    by_kind: dict[str, list[str]] = defaultdict(list)
    for target in targets:
        kind, _sep, rest = target.partition(":")
        by_kind[kind].append(rest)
    named = {kind: (_KINDS[kind].namer(rests) if kind in _KINDS and _KINDS[kind].namer else {})
             for kind, rests in by_kind.items()}
    out: dict[str, str] = {}
    for target in targets:
        kind, _sep, rest = target.partition(":")
        spec = _KINDS.get(kind)
        out[target] = target if spec is None else (named[kind].get(rest) or f"{spec.label} {rest}".strip())
    return out
