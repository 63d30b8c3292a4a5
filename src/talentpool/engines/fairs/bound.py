"""A proven upper bound on the objective from a min-cost-flow relaxation, computed in a fraction of a second.

Network: source → registrant (first unit earns the cover bonus, the rest nothing; at most as many units as the
registrant can fit one after another, walks included) → candidate pair (one unit, earning the pair's weight) → booth-slot (the booth's interviewers)
→ sink. Every real plan is a flow in this network, so the best flow is an upper bound; it only relaxes "one
interview at a time for a person" to "no more interviews than fit one after another in the window"."""

from __future__ import annotations

from ortools.graph.python import min_cost_flow

from .problem import COVER_BONUS, Interview, Pair, Problem


def flow_bound(
    problem: Problem, pairs: list[Pair], *, fixed: tuple[Interview, ...] = (), fixed_value: int = 0
) -> tuple[int, set[int]]:
    """The bound, and the indexes of the pairs the relaxation interviews (a guide for the first plan)."""
    capacity = {b.id: b.interviewers for b in problem.booths}
    fixed_load: dict[tuple[str, int], int] = {}
    fixed_person: dict[str, set[int]] = {}
    for item in fixed:
        fixed_load[(item.booth, item.slot)] = fixed_load.get((item.booth, item.slot), 0) + 1
        fixed_person.setdefault(item.registrant, set()).update(problem.span(item.booth, item.slot))
    fixed_pairs = {(i.registrant, i.booth) for i in fixed}
    nodes: dict[object, int] = {"source": 0, "sink": 1}

    def node(key: object) -> int:
        if key not in nodes:
            nodes[key] = len(nodes)
        return nodes[key]

    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, cap: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    spans_of: dict[str, set[tuple[int, int]]] = {}
    pair_arcs: dict[int, int] = {}
    used_booth_slots: set[tuple[str, int]] = set()
    for pair in pairs:
        if (pair.registrant, pair.booth) in fixed_pairs:
            continue
        taken = fixed_person.get(pair.registrant)
        room = capacity[pair.booth]
        open_slots = [s for s in pair.slots if fixed_load.get((pair.booth, s), 0) < room]
        if taken:
            open_slots = [s for s in open_slots if taken.isdisjoint(problem.span(pair.booth, s))]
        if not open_slots:
            continue
        reach = problem.ticks[pair.booth] + problem.walk_ticks
        spans_of.setdefault(pair.registrant, set()).update((s, s + reach) for s in open_slots)
        pair_node = node(("pair", pair.index))
        pair_arcs[len(tails)] = pair.index
        arc(node(("person", pair.registrant)), pair_node, 1, -pair.weight)
        for slot in open_slots:
            arc(pair_node, node(("booth", pair.booth, slot)), 1, 0)
            used_booth_slots.add((pair.booth, slot))
    for person, spans in spans_of.items():
        person_node = nodes[("person", person)]
        bonus = 0 if person in fixed_person else COVER_BONUS
        arc(0, person_node, 1, -bonus)
        most = _most_in_a_row(spans)
        if most > 1:
            arc(0, person_node, most - 1, 0)
    for booth, slot in used_booth_slots:
        arc(nodes[("booth", booth, slot)], 1, capacity[booth] - fixed_load.get((booth, slot), 0), 0)
    # let unused supply bypass, so the flow can be any size: source → sink at zero cost
    arc(0, 1, len(pairs) + 1, 0)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    total = len(pairs) + 1
    flow.set_node_supply(0, total)
    flow.set_node_supply(1, -total)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the flow relaxation failed")
    chosen = {index for arc_id, index in pair_arcs.items() if flow.flow(arc_id)}
    return -flow.optimal_cost() + fixed_value, chosen


def _most_in_a_row(spans: set[tuple[int, int]]) -> int:
    """The most interviews (start, end of the walk after it) that fit one after another: earliest end first."""
    count, free_from = 0, -1
    for start, stop in sorted(spans, key=lambda s: (s[1], s[0])):
        if start >= free_from:
            count += 1
            free_from = stop
    return count
