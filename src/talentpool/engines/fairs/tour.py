"""The campus-tour planner: rank universities by the supply of graduates of the wanted majors and the past yield of
visits (hires per visit; the ranking is ``engines.recruit_sources``, shared with the talent map), take the best N (one per city), and order them from the district's station so the
travel is short (OR-Tools routing on great-circle distances; the route ends at the last stop). Plain Python."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from talentpool.engines.recruit_sources import Source, rank_sources


@dataclass(frozen=True)
class University:
    code: str
    name: str
    city: str  # six-digit division of the city
    city_name: str
    supply: int  # graduates of the wanted majors in the registry
    hires_per_visit: float = 0.0


@dataclass(frozen=True)
class Stop:
    university: University
    date: dt.date
    km_from_previous: float
    score: float


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres between two (longitude, latitude) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def as_source(university: University) -> Source:
    return Source(university.code, university.name, university.city, university.supply, university.hires_per_visit)


def rank(universities: list[University]) -> list[tuple[float, University]]:
    """Best first by ``engines.recruit_sources`` (the talent map's ranking too)."""
    by_code = {u.code: u for u in universities}
    return [(s.score, by_code[s.key]) for s in rank_sources(as_source(u) for u in universities)]


def plan_tour(
    universities: list[University],
    coordinates: dict[str, tuple[float, float]],
    *,
    start: tuple[float, float],
    stops: int,
    first_day: dt.date,
    days_between: int = 1,
) -> list[Stop]:
    """The best ``stops`` universities (one per city with coordinates), ordered for a short route from ``start``."""
    chosen: list[tuple[float, University]] = []
    cities: set[str] = set()
    for score, uni in rank(universities):
        if uni.city in cities or uni.city not in coordinates or score <= 0:
            continue
        chosen.append((score, uni))
        cities.add(uni.city)
        if len(chosen) == stops:
            break
    if not chosen:
        return []
    points = [start] + [coordinates[u.city] for _s, u in chosen]
    order = _shortest_open_route(points)
    result: list[Stop] = []
    previous = start
    for n, index in enumerate(order):
        score, uni = chosen[index - 1]
        here = coordinates[uni.city]
        result.append(Stop(uni, first_day + dt.timedelta(days=n * days_between), round(km(previous, here), 1),
                           round(score, 2)))
        previous = here
    return result


def _shortest_open_route(points: list[tuple[float, float]]) -> list[int]:
    """Visit order of points[1:] starting at points[0], ending anywhere (a free return to the depot)."""
    size = len(points)
    if size <= 2:
        return list(range(1, size))
    metres = [[0 if j == 0 else round(km(points[i], points[j]) * 1000) for j in range(size)] for i in range(size)]
    manager = pywrapcp.RoutingIndexManager(size, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(from_index: int, to_index: int) -> int:
        return metres[manager.IndexToNode(from_index)][manager.IndexToNode(to_index)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(distance))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(500 if size > 9 else 200)
    solution = routing.SolveWithParameters(params)
    order: list[int] = []
    index = routing.Start(0)
    while solution is not None and not routing.IsEnd(index):
        node = manager.IndexToNode(index)
        if node:
            order.append(node)
        index = solution.Value(routing.NextVar(index))
    return order or list(range(1, size))
