"""What a match result says about itself: JSON-ready explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

NoteStatus = Literal["tight", "near_miss"]


@dataclass(frozen=True, slots=True)
class ConstraintNote:
    """A constraint met narrowly (``tight``) or missed by a small margin (``near_miss``).

    ``constraint`` is ``degree``, ``experience``, ``salary`` or ``place``; ``required``/``actual`` are in ``unit``
    (degree ranks, years, yuan per month, division codes); ``margin`` is how far from the limit (positive: by how
    much it was met; negative: by how much it was missed)."""

    constraint: str
    status: NoteStatus
    required: Any
    actual: Any
    margin: float
    unit: str

    @property
    def message(self) -> str:
        if self.status == "tight":
            return f"{self.constraint}: met by only {self.margin:g} {self.unit}"
        if self.constraint == "place":
            return f"place: job in {self.required}, wanted {', '.join(self.actual)} (same province)"
        return f"{self.constraint}: {-self.margin:g} {self.unit} short (required {self.required}, has {self.actual})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "constraint": self.constraint,
            "status": self.status,
            "required": self.required,
            "actual": self.actual,
            "margin": self.margin,
            "unit": self.unit,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """``contributions`` add up to the match score. ``views`` are the job's view (does the talent fit the job?)
    and the talent's view (does the job fit the talent?) on a 0–1 scale; ``matched_terms`` are the shared tokens,
    strongest first."""

    ranking: str
    matched_terms: list[str]
    contributions: dict[str, float]
    views: dict[str, float] = field(default_factory=dict)
    components: dict[str, dict[str, float]] = field(default_factory=dict)
    notes: list[ConstraintNote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ranking": self.ranking,
            "matched_terms": list(self.matched_terms),
            "contributions": dict(self.contributions),
            "views": dict(self.views),
            "components": {k: dict(v) for k, v in self.components.items()},
            "notes": [n.to_dict() for n in self.notes],
        }


@dataclass(frozen=True, slots=True)
class Match:
    """One result: the other side's id, the score, and why. ``near_miss`` results failed exactly one constraint
    by a small margin and are listed after the full matches; their ``notes`` name the constraint."""

    id: int
    score: float
    explanation: Explanation
    near_miss: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "near_miss": self.near_miss,
            "explanation": self.explanation.to_dict(),
        }
