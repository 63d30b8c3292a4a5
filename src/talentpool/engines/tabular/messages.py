"""Problems found in a file or a row. Messages are English msgids with ``%(name)s`` placeholders, marked with
``gettext_noop`` so ``makemessages`` collects them; the Django side translates them when it stores or shows them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction without translating it here (engines do not import Django)."""
    return message


def _identity(message: str) -> str:
    return message


def render(message: str, params: dict[str, Any], translate: Callable[[str], str] = _identity) -> str:
    text = translate(message)
    return text % params if params and "%(" in text else text


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell of one row. ``row`` is the row number the spreadsheet shows (header = 1),
    ``column`` the header as written in the file (empty when the problem is about the whole row)."""

    row: int
    column: str
    value: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def reason(self, translate: Callable[[str], str] = _identity) -> str:
        return render(self.message, self.params, translate)


class FileProblem(Exception):
    """The file as a whole cannot be imported (not a spreadsheet, empty, wrong sheet, missing columns, ...)."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def reason(self, translate: Callable[[str], str] = _identity) -> str:
        return render(self.message, self.params, translate)
