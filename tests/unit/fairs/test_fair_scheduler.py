"""The station-fair scheduler: windows, the rules every plan keeps, fairness, the bound, late-train re-planning."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from talentpool.engines.fairs import (
    Booth,
    Candidate,
    Problem,
    Registrant,
    check_plan,
    generate_day,
    replan_late_arrival,
    schedule,
    schedule_greedy,
)
from talentpool.engines.fairs.problem import feasible_pairs, interview

CHINA = timezone(timedelta(hours=8))
NINE = datetime(2026, 12, 8, 9, 0, tzinfo=CHINA)


def at(hour: int, minute: int = 0) -> datetime:
    return NINE.replace(hour=hour, minute=minute)


def problem(registrants, booths, candidates, hours=3):
    return Problem(NINE, NINE + timedelta(hours=hours), timedelta(minutes=20), tuple(registrants), tuple(booths),
                   tuple(candidates))


@pytest.mark.parametrize(
    ("arrival", "departure", "window"),
    [
        (at(8, 30), None, range(0, 9)),  # arrived before the opening: every slot
        (at(9, 0), None, range(1, 9)),  # 09:00 + 15 min walk -> first slot 09:20
        (at(9, 5), None, range(1, 9)),  # 09:20 exactly
        (at(9, 6), None, range(2, 9)),  # 09:21 -> the 09:40 slot
        (at(8, 0), at(10, 20), range(0, 3)),  # leaves 10:20, walk 20 -> last slot ends 10:00
        (at(8, 0), at(10, 19), range(0, 2)),  # one minute earlier: the 09:40 slot is the last
        (at(11, 0), at(11, 30), range(0, 0)),  # no slot fits at all
    ],
)
def test_registrant_window_is_arrival_plus_walk_to_departure_minus_walk(arrival, departure, window):
    p = problem([Registrant("r", arrival, departure)], [], [])
    assert p.registrant_window(p.registrants[0]) == window


def test_a_registrant_whom_no_slot_can_serve_is_reported_not_dropped():
    booth = Booth("b", 1, at(9), at(12))
    late = Registrant("late", at(11, 0), at(11, 40))
    fine = Registrant("fine", at(9))
    p = problem([late, fine], [booth], [Candidate("late", "b"), Candidate("fine", "b")])
    plan = schedule(p, time_limit=2)
    assert plan.unreachable == ["late"]
    assert {i.registrant for i in plan.interviews} == {"fine"}
    assert schedule_greedy(p).unreachable == ["late"]


def test_booth_hours_and_interviewer_count_bound_each_slot():
    booth = Booth("b", 2, at(10), at(11))  # three slots, two interviewers
    people = [Registrant(f"r{n}", at(8)) for n in range(9)]
    p = problem(people, [booth], [Candidate(r.id, "b") for r in people])
    plan = schedule(p, time_limit=2)
    assert plan.count == 6
    assert {i.start.hour for i in plan.interviews} == {10}
    assert check_plan(p, plan.interviews) == []


def test_nobody_is_interviewed_twice_at_once_and_never_twice_at_a_booth():
    booths = [Booth(f"b{n}", 3, at(9), at(12)) for n in range(4)]
    person = Registrant("r", at(8), at(10, 20))  # three slots
    cands = [Candidate("r", b.id) for b in booths] + [Candidate("r", "b0", 0.9)]
    plan = schedule(problem([person], booths, cands), time_limit=2)
    assert plan.count == 3
    assert len({i.slot for i in plan.interviews}) == 3
    assert len({i.booth for i in plan.interviews}) == 3


def test_solver_serves_the_short_stay_first_where_greedy_does_not():
    # "early" registered first and stays all day; "tripper" has one slot, the same one greedy gives "early".
    booth = Booth("b", 1, at(9), at(12))
    early = Registrant("early", at(8))
    tripper = Registrant("tripper", at(8), at(9, 40))
    p = problem([early, tripper], [booth], [Candidate("early", "b", 1.0), Candidate("tripper", "b", 0.0)])
    greedy = schedule_greedy(p)
    assert [(i.registrant, i.slot) for i in greedy.interviews] == [("early", 0)]
    plan = schedule(p, time_limit=2)
    assert sorted((i.registrant, i.slot) for i in plan.interviews) == [("early", 1), ("tripper", 0)]


def test_fairness_gives_a_first_interview_before_a_second_one():
    # One slot at each of two booths; "keen" wants both (and scores higher), "quiet" wants one of them.
    booths = [Booth("a", 1, at(9), at(9, 20)), Booth("b", 1, at(9, 20), at(9, 40))]
    keen = Registrant("keen", at(8), priority=3)
    quiet = Registrant("quiet", at(8))
    cands = [Candidate("keen", "a", 1.0), Candidate("keen", "b", 1.0), Candidate("quiet", "b", 0.0)]
    plan = schedule(problem([keen, quiet], booths, cands), time_limit=2)
    assert sorted((i.registrant, i.booth) for i in plan.interviews) == [("keen", "a"), ("quiet", "b")]


def test_priority_and_match_score_weigh_the_interviews():
    p = problem([Registrant("a", at(8), priority=1), Registrant("b", at(8), priority=3)], [], [])
    low, high = Candidate("a", "x", 0.0), Candidate("b", "x", 1.0)
    assert p.weight(low, p.registrants[0]) == 100
    assert p.weight(high, p.registrants[1]) == 225


def test_bound_is_never_below_the_plan_and_small_days_are_solved_to_the_bound():
    p = generate_day(day_start=NINE, registrants=60, booths=8, hours=4, choices=3, seed=3)
    plan = schedule(p, time_limit=3)
    greedy = schedule_greedy(p)
    assert check_plan(p, plan.interviews) == []
    assert plan.bound >= plan.objective >= greedy.objective
    assert plan.gap < 0.02


def test_duplicate_candidates_and_unknown_booths_are_ignored():
    p = problem([Registrant("r", at(8))], [Booth("b", 1, at(9), at(12))],
                [Candidate("r", "b"), Candidate("r", "b", 0.9), Candidate("r", "nowhere")])
    pairs, unreachable = feasible_pairs(p)
    assert [(x.registrant, x.booth) for x in pairs] == [("r", "b")]
    assert unreachable == []


def test_late_train_replan_keeps_held_interviews_and_moves_the_late_registrant():
    booths = [Booth("a", 1, at(9), at(12)), Booth("b", 1, at(9), at(12))]
    early = Registrant("early", at(8))
    late = Registrant("late", at(8))
    cands = [Candidate("early", "a"), Candidate("early", "b"), Candidate("late", "a"), Candidate("late", "b")]
    p = problem([early, late], booths, cands)
    plan = schedule(p, time_limit=2)
    assert plan.count == 4
    now = at(9, 30)  # the 09:00 and 09:20 interviews have started
    held = {i for i in plan.interviews if i.start < now}
    updated, replanned = replan_late_arrival(p, plan, now=now, arrivals={"late": at(10, 20)})
    new_late = [i for i in replanned.interviews if i.registrant == "late"]
    assert held <= set(replanned.interviews)
    assert all(i.start >= at(10, 40) for i in new_late if i not in held)
    assert "late" in replanned.moved or all(i in held for i in new_late)
    assert check_plan(updated, replanned.interviews, fixed=tuple(held)) == []
    assert replanned.moved == sorted(replanned.moved)


def test_late_train_replan_moves_nobody_when_nothing_changes():
    p = generate_day(day_start=NINE, registrants=80, booths=10, hours=4, choices=3, seed=5)
    plan = schedule(p, time_limit=2)
    _, replanned = replan_late_arrival(p, plan, now=at(10), arrivals={})
    assert replanned.moved == []
    assert replanned.count == plan.count


def test_synthetic_day_is_deterministic_for_a_seed():
    one = generate_day(day_start=NINE, registrants=30, booths=5, seed=9)
    two = generate_day(day_start=NINE, registrants=30, booths=5, seed=9)
    assert one == two
    assert len(one.candidates) == 30 * 5


def test_tour_ranks_by_supply_and_yield_keeps_one_stop_per_city_and_orders_a_short_route():
    import datetime as dt

    from talentpool.engines.fairs.tour import University, km, plan_tour

    coords = {"330100": (120.21, 30.25), "320100": (118.80, 32.06), "340100": (117.23, 31.82),
              "110000": (116.41, 39.90), "310000": (121.47, 31.23)}
    unis = [
        University("1", "浙江大学", "330100", "杭州市", 300),
        University("2", "浙江工业大学", "330100", "杭州市", 250),  # same city: the better one goes
        University("3", "南京大学", "320100", "南京市", 200),
        University("4", "中国科学技术大学", "340100", "合肥市", 100, hires_per_visit=6),  # 100 + 120
        University("5", "北京大学", "110000", "北京市", 150),
        University("6", "复旦大学", "310000", "上海市", 10),
    ]
    tour = plan_tour(unis, coords, start=(120.21, 30.29), stops=3, first_day=dt.date(2026, 4, 1))
    assert {s.university.name for s in tour} == {"浙江大学", "中国科学技术大学", "南京大学"}
    assert [s.university.name for s in tour] == ["浙江大学", "南京大学", "中国科学技术大学"]  # 杭州→南京→合肥
    assert [s.date for s in tour] == [dt.date(2026, 4, 1), dt.date(2026, 4, 2), dt.date(2026, 4, 3)]
    assert round(km(coords["330100"], coords["320100"])) == 242  # 杭州–南京 in a straight line


def walking(registrants, booths, candidates, *, walk=5, hours=3):
    return Problem(NINE, NINE + timedelta(hours=hours), timedelta(minutes=20), tuple(registrants), tuple(booths),
                   tuple(candidates), walk=timedelta(minutes=walk))


def test_the_walk_between_booths_keeps_a_persons_interviews_apart():
    # 20-minute slots and a 5-minute walk: 09:00 at one booth, then not 09:20 at the next but 09:40.
    booths = [Booth("a", 1, at(9), at(12)), Booth("b", 1, at(9), at(12))]
    person = Registrant("r", at(8), at(10, 20))  # interviews must end by 10:00
    p = walking([person], booths, [Candidate("r", "a"), Candidate("r", "b")])
    assert p.tick == timedelta(minutes=5)
    for plan in (schedule(p, time_limit=2), schedule_greedy(p)):
        times = sorted((i.start, i.end) for i in plan.interviews)
        assert times == [(at(9), at(9, 20)), (at(9, 40), at(10))]
        assert check_plan(p, plan.interviews) == []
    back_to_back = [interview(p, "r", "a", 0), interview(p, "r", "b", 4)]  # 09:00 and 09:20
    assert any("walk" in e for e in check_plan(p, back_to_back))
    no_walk = replace(p, walk=timedelta(0))  # 20-minute ticks: back to back is fine
    assert check_plan(no_walk, [interview(no_walk, "r", "a", 0), interview(no_walk, "r", "b", 1)]) == []


def test_booths_interview_in_their_own_slot_lengths_with_the_walk_between():
    # a 15-minute booth and a 20-minute one: 09:00–09:15 at "short", a 5-minute walk, 09:20–09:40 at "long".
    booths = [Booth("short", 1, at(9), at(12), timedelta(minutes=15)), Booth("long", 1, at(9), at(12))]
    person = Registrant("r", at(8), at(10, 0))  # interviews must end by 09:40
    p = walking([person], booths, [Candidate("r", "short", 1.0), Candidate("r", "long")])
    plan = schedule(p, time_limit=2)
    assert sorted((i.booth, i.start, i.end) for i in plan.interviews) == [
        ("long", at(9, 20), at(9, 40)), ("short", at(9), at(9, 15))]
    assert plan.objective == plan.bound  # the bound counts the walks too: proven optimal
    slots, _unreachable = feasible_pairs(p)
    assert {pair.booth: pair.slots[:3] for pair in slots} == {"short": (0, 3), "long": (0, 4)}  # ending by 09:40


def test_walks_and_mixed_lengths_keep_the_bound_above_the_plan_and_the_replan_valid():
    p = generate_day(day_start=NINE, registrants=60, booths=8, hours=4, choices=3, seed=3, walk_minutes=5,
                     booth_minutes=(15, 20, 30))
    plan, greedy = schedule(p, time_limit=3), schedule_greedy(p)
    assert check_plan(p, plan.interviews) == [] and check_plan(p, greedy.interviews) == []
    assert plan.bound >= plan.objective >= greedy.objective
    assert plan.gap < 0.02
    now = NINE + timedelta(minutes=50)
    late = {r.id: r.arrival + timedelta(minutes=60) for r in p.registrants[::7]}
    updated, replanned = replan_late_arrival(p, plan, now=now, arrivals=late)
    held = tuple(i for i in plan.interviews if i.start < now)
    assert check_plan(updated, replanned.interviews, fixed=held) == []
    assert set(held) <= set(replanned.interviews)
