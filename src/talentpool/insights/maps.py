"""The talent map and the industry map: DuckDB over a snapshot's ``profiles`` (one row per talent: highest degree,
its major and university, current employer's cluster) and its enterprises, jobs and hires. Plain Python.

Every function takes the same ``Filters`` so a filter applies to every chart of a page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from talentpool.engines.recruit_sources import Source, rank_sources

from .figures import AGE_BANDS, DEGREE_ORDER, _rows, add_years

CLUSTERS = ("intelligent_manufacturing", "life_health", "digital_economy", "other")
TOP = 10


@dataclass(frozen=True)
class Filters:
    """What the officer picked; empty means any. ``discipline`` is a major category (08 工学), ``province`` the
    two-digit code of the province drilled into (hukou)."""

    degree: str = ""
    discipline: str = ""
    age_band: str = ""
    tier: str = ""
    arrival_year: int | None = None
    cluster: str = ""
    province: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}


def _band_sql(as_of: dt.date) -> str:
    """The age band on ``as_of`` as its index in ``AGE_BANDS``, from the birth day alone: younger than n ⟺ born
    after ``as_of`` − n years (a 29 February birthday counts from 1 March, as ``add_years`` does); unknown birth
    day, no band. An integer, not the label: grouping millions of rows by a small integer is what keeps the
    pyramid fast."""
    limits = [int(band[1:]) if band[0] == "<" else int(band.split("-")[1]) + 1 for band in AGE_BANDS[:-1]]
    cases = " ".join(f"WHEN birth_date > DATE '{add_years(as_of, -years)}' THEN {i}" for i, years in enumerate(limits))
    return f"CASE WHEN birth_date IS NULL THEN NULL {cases} ELSE {len(AGE_BANDS) - 1} END"


def _base(*, as_of: dt.date, scope: str, f: Filters) -> tuple[str, dict[str, Any]]:
    """A CTE ``p`` of the profiles in scope that pass the filters, with ``band`` (the index of the age band in
    ``AGE_BANDS``) as of ``as_of``.
    Filters compare columns the snapshot precomputed (province, discipline) and dates: no string work per row."""
    where = ["starts_with(district, $scope)", "(arrival_date IS NULL OR arrival_date <= $as_of)"]
    params: dict[str, Any] = {"scope": scope, "as_of": as_of}
    for column, value in (("degree", f.degree), ("tier", f.tier), ("cluster", f.cluster),
                          ("discipline", f.discipline)):
        if value:
            where.append(f"{column} = ${column}")
            params[column] = value
    if f.arrival_year:
        where.append("arrival_date BETWEEN $year_first AND $year_last")
        params |= {"year_first": dt.date(f.arrival_year, 1, 1), "year_last": dt.date(f.arrival_year, 12, 31)}
    if f.province:
        where.append("hukou_province = $province")
        params["province"] = f"{f.province}0000"
    outer = "WHERE band = $band" if f.age_band else ""
    if f.age_band:
        params["band"] = AGE_BANDS.index(f.age_band)
    sql = f"""WITH p AS (SELECT * FROM (SELECT *, {_band_sql(as_of)} AS band FROM profiles
                                       WHERE {' AND '.join(where)}) {outer})
    """
    return sql, params


def _grouped(con, key_sql: str, *, as_of, scope, f, names: str = "", limit: int | None = None) -> list[dict]:
    base, params = _base(as_of=as_of, scope=scope, f=f)
    join = f"LEFT JOIN {names} n ON n.code = g.key" if names else ""
    label = "coalesce(n.name, g.key)" if names else "g.key"
    sql = (base + f"SELECT g.key, {label} AS name, g.people FROM (SELECT {key_sql} AS key, count(*) AS people "
                  f"FROM p WHERE {key_sql} <> '' GROUP BY 1) g {join} ORDER BY g.people DESC, g.key"
           + (f" LIMIT {int(limit)}" if limit else ""))
    return _rows(con, sql, params)


def origin_by_province(con, *, as_of, scope, f: Filters) -> list[dict]:
    """People by province of household registration (code ``330000``)."""
    return _grouped(con, "hukou_province", as_of=as_of, scope=scope, f=f, names="divisions")


def origin_by_city(con, *, as_of, scope, f: Filters) -> list[dict]:
    """People by city of household registration (``420100``); with ``f.province`` the drill-down of one province."""
    return _grouped(con, "hukou_city", as_of=as_of, scope=scope, f=f, names="divisions", limit=30)


def university_by_province(con, *, as_of, scope, f: Filters) -> list[dict]:
    return _grouped(con, "university_province", as_of=as_of, scope=scope, f=f, names="divisions")


def top_universities(con, *, as_of, scope, f: Filters) -> list[dict]:
    return _grouped(con, "university", as_of=as_of, scope=scope, f=f, names="universities", limit=TOP)


def top_majors(con, *, as_of, scope, f: Filters) -> list[dict]:
    return _grouped(con, "major", as_of=as_of, scope=scope, f=f, names="majors", limit=TOP)


def density_by_residence(con, *, as_of, scope, f: Filters) -> list[dict]:
    """People by district of residence (streets are not held for people, only for enterprises)."""
    return _grouped(con, "residence", as_of=as_of, scope=scope, f=f, names="divisions", limit=30)


def inflow_by_year(con, *, as_of, scope, f: Filters, years: int = 5) -> list[dict]:
    """Arrivals per year (the last ``years`` years) by source province of household registration."""
    base, params = _base(as_of=as_of, scope=scope, f=f)
    params["first"] = dt.date(as_of.year - years + 1, 1, 1)
    return _rows(con, base + """SELECT year(arrival_date) AS year, hukou_province AS province, count(*) AS people
        FROM p WHERE arrival_date >= $first GROUP BY 1, 2 ORDER BY 1, 2""", params)


def pyramid(con, *, as_of, scope, f: Filters) -> list[dict]:
    """People by age band × highest degree."""
    base, params = _base(as_of=as_of, scope=scope, f=f)
    rows = _rows(con, base + "SELECT band, degree, count(*) AS people FROM p WHERE band IS NOT NULL "
                             "GROUP BY 1, 2", params)
    rank = {d: i for i, d in enumerate(DEGREE_ORDER)}
    return [{**r, "band": AGE_BANDS[r["band"]]} for r in sorted(rows, key=lambda r: (r["band"],
                                                                                     rank.get(r["degree"], 99)))]


def recruit_source_rows(con, *, cluster: str, as_of: dt.date, scope: str = "") -> list[Source]:
    """The talent map's rows for ``cluster``: per university, the talents now employed in the cluster who
    graduated there (highest degree), with its division."""
    base, params = _base(as_of=as_of, scope=scope, f=Filters(cluster=cluster))
    rows = _rows(con, base + """SELECT p.university AS key, coalesce(u.name, p.university) AS name,
        coalesce(u.division, '') AS division, count(*) AS people FROM p LEFT JOIN universities u ON u.code = p.university
        WHERE p.university <> '' GROUP BY 1, 2, 3""", params)
    return [Source(r["key"], r["name"], r["division"], int(r["people"])) for r in rows]


def recruit_sources(con, *, cluster: str, as_of: dt.date, scope: str = "", limit: int = TOP) -> list[dict]:
    """Where to recruit for ``cluster``: universities ranked by ``engines.recruit_sources`` (the ranking the
    fairs' tour planner uses too), with their division."""
    ranked = rank_sources(recruit_source_rows(con, cluster=cluster, as_of=as_of, scope=scope), limit=limit)
    return [{"key": s.key, "name": s.name, "division": s.division, "people": s.people} for s in ranked]


def talent_map(con, *, as_of: dt.date, scope: str, f: Filters) -> dict[str, Any]:
    kw = {"as_of": as_of, "scope": scope, "f": f}
    return {
        "filters": f.as_dict(),
        "by_province": origin_by_province(con, **kw),
        "by_city": origin_by_city(con, **kw) if f.province else [],
        "university_province": university_by_province(con, **kw),
        "top_universities": top_universities(con, **kw),
        "top_majors": top_majors(con, **kw),
        "density": density_by_residence(con, **kw),
        "inflow": inflow_by_year(con, **kw),
        "pyramid": pyramid(con, **kw),
        "recruit": recruit_sources(con, cluster=f.cluster, as_of=as_of, scope=scope) if f.cluster else [],
    }


# --- the industry map --------------------------------------------------------------------------------------------

def enterprises_by_district(con, *, scope: str) -> list[dict]:
    """Enterprises per district and cluster (registered division code)."""
    return _rows(con, """SELECT e.division AS district, coalesce(d.name, e.division) AS name, e.cluster,
        count(*) AS enterprises FROM enterprises e LEFT JOIN divisions d ON d.code = e.division
        WHERE starts_with(e.division, $scope) GROUP BY 1, 2, 3 ORDER BY 1, 3""", {"scope": scope})


def enterprises_by_street(con, *, scope: str, limit: int = 30) -> list[dict]:
    return _rows(con, f"""SELECT division AS district, street, count(*) AS enterprises FROM enterprises
        WHERE starts_with(division, $scope) AND street <> '' GROUP BY 1, 2 ORDER BY enterprises DESC, 1, 2
        LIMIT {int(limit)}""", {"scope": scope})


def clusters(con, *, as_of: dt.date, scope: str) -> list[dict]:
    """Per cluster: enterprises, open jobs and positions as of ``as_of``, hires this year up to ``as_of``, and
    talents employed on the day the snapshot was taken."""
    p = {"scope": scope, "as_of": as_of, "year": dt.date(as_of.year, 1, 1)}
    rows = _rows(con, """
        WITH n AS (SELECT cluster, sum(enterprises)::BIGINT AS enterprises FROM enterprises_by_cluster
                   WHERE starts_with(division, $scope) GROUP BY 1),
        j AS (SELECT cluster, sum(jobs)::BIGINT AS jobs, sum(positions)::BIGINT AS positions FROM open_jobs
              WHERE starts_with(division, $scope) AND (deadline IS NULL OR deadline >= $as_of) GROUP BY 1),
        h AS (SELECT cluster, sum(hires)::BIGINT AS hires FROM hires_by_day
              WHERE starts_with(division, $scope) AND hired_on BETWEEN $year AND $as_of GROUP BY 1),
        w AS (SELECT cluster, people AS employed FROM staff_by_scope WHERE scope = $scope)
        SELECT n.cluster, n.enterprises, coalesce(j.jobs, 0) AS jobs, coalesce(j.positions, 0) AS positions,
               coalesce(h.hires, 0) AS hires, coalesce(w.employed, 0) AS people
        FROM n LEFT JOIN j USING (cluster) LEFT JOIN h USING (cluster) LEFT JOIN w USING (cluster)""", p)
    order = {c: i for i, c in enumerate(CLUSTERS)}
    return sorted(rows, key=lambda r: order.get(r["cluster"], 99))


def supply_demand_gap(con, *, as_of: dt.date, scope: str, limit: int = TOP) -> list[dict]:
    """Per cluster and major class (0809 计算机类): positions asking for it in open jobs (demand), talents of the
    scope whose highest degree is in it (supply), job seekers among them (consenting profiles), and the gap
    (demand − seekers). The top ``limit`` classes by demand in each cluster."""
    p = {"scope": scope, "as_of": as_of}
    return _rows(con, f"""
        WITH d AS (SELECT cluster, class, sum(demand)::BIGINT AS demand FROM job_demand
                   WHERE starts_with(division, $scope) AND (deadline IS NULL OR deadline >= $as_of) GROUP BY 1, 2),
        s AS (SELECT class, sum(supply) AS supply, sum(seekers) AS seekers FROM supply
              WHERE starts_with(district, $scope) GROUP BY 1),
        r AS (SELECT d.cluster, d.class, coalesce(mj.name, d.class) AS name, d.demand, coalesce(s.supply, 0) AS supply,
                     coalesce(s.seekers, 0) AS seekers, d.demand - coalesce(s.seekers, 0) AS gap,
                     row_number() OVER (PARTITION BY d.cluster ORDER BY d.demand DESC, d.class) AS n
              FROM d LEFT JOIN s USING (class) LEFT JOIN majors mj ON mj.code = d.class)
        SELECT cluster, class, name, demand, supply, seekers, gap FROM r WHERE n <= {int(limit)}
        ORDER BY cluster, demand DESC, class""", p)


def industry_map(con, *, as_of: dt.date, scope: str) -> dict[str, Any]:
    return {"by_district": enterprises_by_district(con, scope=scope),
            "by_street": enterprises_by_street(con, scope=scope),
            "clusters": clusters(con, as_of=as_of, scope=scope),
            "gap": supply_demand_gap(con, as_of=as_of, scope=scope)}

