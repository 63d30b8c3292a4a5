"""The fairs engine: arrival-aware interview scheduling for station fairs (CP-SAT with a greedy baseline and a
proven bound, late-train re-planning) and the campus-tour route. Plain Python, no Django."""

from .cpsat import DEFAULT_TIME_LIMIT, replan_late_arrival, schedule
from .greedy import schedule_greedy
from .problem import (
    COVER_BONUS,
    Booth,
    Candidate,
    Interview,
    Plan,
    Problem,
    Registrant,
    check_plan,
    objective_of,
)
from .synthetic import generate_day

__all__ = [
    "COVER_BONUS",
    "DEFAULT_TIME_LIMIT",
    "Booth",
    "Candidate",
    "Interview",
    "Plan",
    "Problem",
    "Registrant",
    "check_plan",
    "generate_day",
    "objective_of",
    "replan_late_arrival",
    "schedule",
    "schedule_greedy",
]
