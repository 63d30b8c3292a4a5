"""The registry → facts adapter: one row per talent, the columns of ``engines.policy.facts.FACTS``, for a date.

Everything is computed in bulk, never per person through the ORM: four raw SQL reads (talents with their
spouse, educations with their university's tags, employments with their enterprise, insurance spans) are handed to
DuckDB as Arrow tables, and one SQL statement there derives the facts. 400,000 talents take a few seconds on
SQLite; most of it is reading the rows out of the database.

How each fact is derived (``as_of`` is the evaluation date; ``as_of month`` its first day):

- *as of the date*: every dated fact is read as it stood on ``as_of``: a degree graduated after it is not yet
  held (a master's degree imported later does not change a past bachelor's verdict), a tier certified after it
  is not yet held (``''``), a property bought after it is not yet owned (the person's and the spouse's);
  employment and insurance are cut at ``as_of`` (below). A fact without a date is taken as held.
- *highest degree*: the education of highest rank (junior_college 1, bachelor 2, master 3, doctor 4); ties go to
  the latest graduation. Its full_time / overseas / certified flags, graduation and diploma dates and university
  come with it. School tags (C9, 985, 211, Double First-Class) are read from the reference list by university code;
  a code the list does not hold (an overseas school) has no tags (FALSE); a domestic degree without a code is
  unknown (NULL). No education at all: every degree fact is NULL.
- *in_service_study*: an employment that started at least 12 months before the highest degree's graduation date
  and had not ended by it (end date on or after the graduation date, or no end date).
- *employment*: the employment in progress on ``as_of`` (start ≤ as_of, no end or end ≥ as_of; the latest start
  wins); ``employer_tax_division`` is the enterprise's tax-registration division, or its division when blank.
  Not employed on ``as_of``: ``employed`` FALSE and the employer facts NULL.
- *household*: ``has_spouse`` from the day of marriage of a spouse recorded as a household member (either side
  of a linked pair; without a member record, ``Talent.spouse`` alone, undated); then the registered spouse's
  property and public housing. Without a registered spouse married by the date, ``spouse_owns_property`` is
  FALSE and ``spouse_housing`` is ``none`` (nothing to count), and ``household_id`` is the talent's own id;
  otherwise the smaller of the two ids. ``minor_children``: children under 18 on the date. Property is read from
  the property records (held from the day acquired to the day before the sale) or, without any, from the
  talent's own fields; see ``policies.household_facts``, the same rules person by person.
- *tier*: the registry tier, ``''`` when the talent has none (a known "no tier", not a missing fact).
- *is_academician*: honours include a CAS or CAE academicianship.
- *insurance*, per area of ``engines.policy.facts.AREAS``: spans of months (from..to inclusive) not back-paid, in a
  division of the area, months after the as-of month dropped; overlapping or consecutive months merge into one
  run, also across divisions of the same area. ``<area>_first_insured_month`` is the first insured month on or
  after the graduation month (NULL without a graduation date or without such a month); ``<area>_run_months``
  the length of the run from that month (0 when there is none); ``<area>_current_run_months`` and
  ``<area>_current_run_start`` the run that includes the as-of month or the month before it (contributions are
  recorded a month late), 0 and NULL when there is none.
- ``house_price``, ``settling_allowance_received`` and ``household_income_low`` come from the household facts an
  officer records for the person (``registry.HouseholdFacts``), as of the date: the price counts from the purchase
  date (``property_purchase_date``), the settling allowance from the day received (0.00 before it), the income
  assessment (yes/no and the per-capita amount) from the day assessed (NULL before it). Nothing recorded: NULL
  (unknown).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

from talentpool.engines.policy.evaluate import facts_schema
from talentpool.engines.policy.facts import AREAS
from talentpool.engines.vocab import DEGREE_RANK

from .household_facts import household_row, minor_cutoff

_CHUNK = 900  # ids per IN (...) when a list of talents is given

# Each read: (SQL expression, column name, Arrow type). The database concatenates a row into one '|'-separated
# line (one Python object per row instead of one per value) and pyarrow's CSV reader parses the lines in C: about
# twice as fast as building Arrow arrays from fetched tuples. Codes, dates, flags and enum values never hold '|'.
_S, _D, _I, _B, _M = pa.string(), pa.date32(), pa.int64(), pa.bool_(), pa.decimal128(14, 2)
_TALENTS = ("registry_talent t LEFT JOIN registry_talent s ON s.id = t.spouse_id "
            "LEFT JOIN registry_householdfacts h ON h.talent_id = t.id", "t.id", [
    ("t.id", "talent_id", _I), ("t.birth_date", "birth_date", _D), ("t.gender", "gender", _S),
    ("t.id_type", "id_type", _S), ("t.hukou_division", "hukou_division", _S),
    ("t.residence_division", "residence_division", _S), ("t.district", "district", _S),
    ("t.arrival_date", "arrival_date", _D), ("t.tier", "tier", _S), ("t.tier_date", "tier_date", _D),
    ("CASE WHEN CAST(t.honours AS TEXT) LIKE '%%academician_cas%%' OR CAST(t.honours AS TEXT) LIKE "
     "'%%academician_cae%%' THEN 1 ELSE 0 END", "is_academician", _B),
    ("t.spouse_id", "spouse_id", _I), ("t.owns_property", "owns_property", _B),
    ("t.property_division", "property_division", _S), ("t.property_purchase_date", "property_purchase_date", _D),
    ("t.housing", "housing", _S), ("t.housing_since", "housing_since", _D),
    ("s.housing_since", "spouse_housing_since", _D), ("s.owns_property", "spouse_owns_property", _B),
    ("s.property_division", "spouse_property_division", _S), ("s.housing", "spouse_housing", _S),
    ("s.property_purchase_date", "spouse_purchase_date", _D),
    ("h.house_price", "house_price", _M),
    ("h.settling_allowance", "settling_allowance", _M), ("h.settling_allowance_on", "settling_allowance_on", _D),
    ("CASE WHEN h.income_low THEN 1 WHEN NOT h.income_low THEN 0 END", "income_low", _B),
    ("h.income_assessed_on", "income_assessed_on", _D), ("h.income_per_capita", "income_per_capita", _M),
])
# household members, each spouse row also under the linked talent (a marriage is read from either side)
_MEMBERS = ("(SELECT talent_id AS tid, relation, married_on, birth_date FROM registry_householdmember UNION ALL "
            "SELECT linked_talent_id, relation, married_on, birth_date FROM registry_householdmember "
            "WHERE linked_talent_id IS NOT NULL AND relation = 'spouse') m", "m.tid", [
    ("m.tid", "talent_id", _I), ("m.relation", "relation", _S), ("m.married_on", "married_on", _D),
    ("m.birth_date", "birth_date", _D),
])
# property records, the person's own ('self') and the registered spouse's ('spouse')
_PROPERTIES = ("(SELECT p.talent_id AS tid, 'self' AS side, p.division, p.acquired_on, p.sold_on "
               "FROM registry_propertyrecord p UNION ALL SELECT x.id, 'spouse', p.division, p.acquired_on, p.sold_on "
               "FROM registry_propertyrecord p JOIN registry_talent x ON x.spouse_id = p.talent_id) q", "q.tid", [
    ("q.tid", "talent_id", _I), ("q.side", "side", _S), ("q.division", "division", _S),
    ("q.acquired_on", "acquired_on", _D), ("q.sold_on", "sold_on", _D),
])
_EDUCATIONS = ("registry_education e LEFT JOIN reference_university u ON u.code = e.university_code",
               "e.talent_id", [
    ("e.id", "id", _I), ("e.talent_id", "talent_id", _I), ("e.degree", "degree", _S),
    ("e.full_time", "full_time", _B), ("e.overseas", "overseas", _B),
    ("e.overseas_certified", "overseas_certified", _B), ("e.university_code", "university_code", _S),
    ("e.graduation_date", "graduation_date", _D), ("e.diploma_date", "diploma_date", _D),
    ("CASE WHEN u.code IS NULL THEN 0 ELSE 1 END", "known_school", _B), ("u.is_c9", "is_c9", _B),
    ("u.is_985", "is_985", _B), ("u.is_211", "is_211", _B), ("u.is_double_first_class", "is_dfc", _B),
])
_JOBS = ("registry_employment j JOIN registry_enterprise n ON n.id = j.enterprise_id", "j.talent_id", [
    ("j.id", "id", _I), ("j.talent_id", "talent_id", _I), ("j.start_date", "js", _D), ("j.end_date", "je", _D),
    ("n.division", "division", _S), ("n.tax_division", "tax_division", _S), ("n.cluster", "cluster", _S),
])
_INSURANCE = ("registry_insurancerecord i", "i.talent_id", [
    ("i.talent_id", "talent_id", _I), ("i.from_month", "from_month", _D), ("i.to_month", "to_month", _D),
    ("i.division", "division", _S), ("i.back_paid", "back_paid", _B),
])


def _line_sql(spec: tuple[str, str, list[tuple[str, str, pa.DataType]]]) -> str:
    """One row as one text line: the columns joined by '|' (NULL as empty), parsed back by ``_table``."""
    source, _id_column, columns = spec
    line = " || '|' || ".join(f"COALESCE(CAST({expr} AS TEXT), '')" for expr, _, _ in columns)
    return f"SELECT {line} AS line FROM {source}"


def _table(columns: list[tuple[str, str, pa.DataType]], lines: list[str]) -> pa.Table:
    schema = pa.schema([(name, kind) for _, name, kind in columns])
    if not lines:
        return schema.empty_table()
    return pa_csv.read_csv(
        io.BytesIO("\n".join(lines).encode()),
        read_options=pa_csv.ReadOptions(column_names=schema.names),
        parse_options=pa_csv.ParseOptions(delimiter="|", quote_char=False, double_quote=False),
        convert_options=pa_csv.ConvertOptions(column_types=schema, strings_can_be_null=True,
                                              quoted_strings_can_be_null=False),
    ).select(schema.names)


def _read(spec: tuple[str, str, list[tuple[str, str, pa.DataType]]], talent_ids: Sequence[int] | None) -> pa.Table:
    """Run one read (for every talent, or for the given ids in chunks) and return its rows as an Arrow table."""
    sql, id_column = _line_sql(spec), spec[1]
    lines: list[str] = []
    with connection.cursor() as cursor:
        batches = [None] if talent_ids is None else [list(talent_ids)[i: i + _CHUNK]
                                                     for i in range(0, len(talent_ids), _CHUNK)]
        for part in batches:
            if part is None:
                cursor.execute(sql)
            else:
                cursor.execute(f"{sql} WHERE {id_column} IN ({', '.join(['%s'] * len(part))})", part)
            lines.extend(row[0] for row in cursor.fetchall())
    return _table(spec[2], lines)


_SPECS = {"talents": _TALENTS, "educations": _EDUCATIONS, "jobs": _JOBS, "insurance": _INSURANCE,
          "members": _MEMBERS, "properties": _PROPERTIES}
_FEW = 20
"""Up to this many talents the six reads go to the database as one statement (one round trip instead of six: the
single-person pages, "what policy gives me" and an officer's explanation, read this way on every request)."""


def _read_few(talent_ids: list[int]) -> dict[str, pa.Table]:
    lines = _lines_few(talent_ids)
    return {name: _table(spec[2], lines[n]) for n, (name, spec) in enumerate(_SPECS.items())}


# one person's few lines parsed in Python: the same values pyarrow's CSV reader gives (its null and true/false
# spellings), without the reader's set-up per table (~0.5 ms each, six per request on the single-person pages)
_NULL_TEXT = frozenset(pa_csv.ConvertOptions().null_values)
_TRUE_TEXT, _FALSE_TEXT = frozenset(pa_csv.ConvertOptions().true_values), frozenset(pa_csv.ConvertOptions().false_values)
_CENT = Decimal("0.01")


def _bool_text(text: str) -> bool:
    if text in _TRUE_TEXT:
        return True
    if text in _FALSE_TEXT:
        return False
    raise ValueError(f"not a boolean: {text!r}")


_PARSE = {_S: str, _I: int, _D: dt.date.fromisoformat, _B: _bool_text,
          _M: lambda text: Decimal(text).quantize(_CENT)}


def _rows(columns: list[tuple[str, str, pa.DataType]], lines: list[str]) -> list[dict]:
    """The lines of one read as row dicts, valued as ``_table(...).to_pylist()`` values them."""
    parsers = [(name, _PARSE[kind]) for _, name, kind in columns]
    out = []
    for line in lines:
        values = line.split("|")
        if len(values) != len(parsers):
            raise ValueError(f"expected {len(parsers)} columns, found {len(values)}: {line[:80]!r}")
        out.append({name: None if text in _NULL_TEXT else parse(text)
                    for (name, parse), text in zip(parsers, values, strict=True)})
    return out


def _lines_few(talent_ids: list[int]) -> list[list[str]]:
    """The six reads of a few talents in one statement: each read's lines, in the order of ``_SPECS``."""
    marks = ", ".join(["%s"] * len(talent_ids))
    sql = " UNION ALL ".join(f"SELECT {n}, r{n}.line FROM ({_line_sql(spec)} WHERE {spec[1]} IN ({marks})) r{n}"
                             for n, spec in enumerate(_SPECS.values()))
    lines: list[list[str]] = [[] for _ in _SPECS]
    with connection.cursor() as cursor:
        cursor.execute(sql, talent_ids * len(_SPECS))
        for n, line in cursor.fetchall():
            lines[n].append(line)
    return lines


def registry_tables(*, talent_ids: Sequence[int] | None = None) -> dict[str, pa.Table]:
    """The raw reads as Arrow tables (talents, educations, jobs, insurance, household members, properties)."""
    if talent_ids is not None and 0 < len(talent_ids) <= _FEW:
        return _read_few(list(talent_ids))
    return {name: _read(spec, talent_ids) for name, spec in _SPECS.items()}


def _area_table() -> pa.Table:
    pairs = [(area, prefix) for area, prefixes in AREAS.items() for prefix in prefixes]
    return pa.table({"area": [a for a, _ in pairs], "prefix": [p for _, p in pairs]})


def facts_sql(as_of: dt.date) -> str:
    """The DuckDB statement deriving the facts from the registered tables talents, educations, jobs, insurance
    and areas. Public so that its logic can be read and tested on its own."""
    day = f"DATE '{as_of.isoformat()}'"
    minor = f"DATE '{minor_cutoff(as_of).isoformat()}'"
    asof_m = as_of.year * 12 + as_of.month - 1
    area_cols = []
    for area in AREAS:
        q = area.replace("'", "''")
        area_cols += [
            f"MAX(CASE WHEN area = '{q}' THEN first_m END) AS {area}_first_m",
            f"MAX(CASE WHEN area = '{q}' THEN run_months END) AS {area}_run_months",
            f"MAX(CASE WHEN area = '{q}' THEN cur_months END) AS {area}_current_run_months",
            f"MAX(CASE WHEN area = '{q}' THEN cur_start END) AS {area}_cur_start_m",
        ]
    area_select = []
    for area in AREAS:
        area_select += [
            f"CASE WHEN ins.{area}_first_m IS NULL THEN NULL ELSE make_date(CAST(ins.{area}_first_m // 12 AS BIGINT), "
            f"CAST(ins.{area}_first_m % 12 + 1 AS BIGINT), 1) END AS {area}_first_insured_month",
            f"COALESCE(ins.{area}_run_months, 0) AS {area}_run_months",
            f"COALESCE(ins.{area}_current_run_months, 0) AS {area}_current_run_months",
            f"CASE WHEN ins.{area}_cur_start_m IS NULL THEN NULL ELSE make_date(CAST(ins.{area}_cur_start_m // 12 AS BIGINT), "
            f"CAST(ins.{area}_cur_start_m % 12 + 1 AS BIGINT), 1) END AS {area}_current_run_start",
        ]
    return f"""
WITH edu AS (
  SELECT *, graduation_date AS grad, diploma_date AS diploma,
         CASE degree WHEN 'junior_college' THEN 1 WHEN 'bachelor' THEN 2 WHEN 'master' THEN 3
                     WHEN 'doctor' THEN 4 END AS rank
  FROM educations
  WHERE graduation_date IS NULL OR graduation_date <= {day}
), best AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY talent_id ORDER BY rank DESC NULLS LAST, grad DESC, id DESC) AS rn
    FROM edu) WHERE rn = 1
), job AS (
  SELECT * FROM jobs
), cur AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY talent_id ORDER BY js DESC, id DESC) AS rn
    FROM job WHERE js <= {day} AND (je IS NULL OR je >= {day})) WHERE rn = 1
), study AS (
  SELECT DISTINCT b.talent_id FROM best b JOIN job j ON j.talent_id = b.talent_id
  WHERE j.js <= CAST(b.grad - INTERVAL 12 MONTH AS DATE) AND (j.je IS NULL OR j.je >= b.grad)
), spans AS (
  SELECT DISTINCT i.talent_id, a.area,
         year(i.from_month) * 12 + month(i.from_month) - 1 AS m0,
         LEAST(year(i.to_month) * 12 + month(i.to_month) - 1, {asof_m}) AS m1
  FROM insurance i JOIN areas a ON starts_with(i.division, a.prefix)
  WHERE NOT i.back_paid
), spans_due AS (
  SELECT * FROM spans WHERE m0 <= {asof_m}
), ordered AS (
  SELECT *, MAX(m1) OVER (PARTITION BY talent_id, area ORDER BY m0, m1
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM spans_due
), grouped AS (
  SELECT *, SUM(CASE WHEN prev_end IS NULL OR m0 > prev_end + 1 THEN 1 ELSE 0 END)
              OVER (PARTITION BY talent_id, area ORDER BY m0, m1 ROWS UNBOUNDED PRECEDING) AS grp
  FROM ordered
), runs AS (
  SELECT talent_id, area, MIN(m0) AS s, MAX(m1) AS e FROM grouped GROUP BY talent_id, area, grp
), runs_g AS (
  SELECT r.*, year(b.grad) * 12 + month(b.grad) - 1 AS g FROM runs r LEFT JOIN best b ON b.talent_id = r.talent_id
), per_area AS (
  SELECT talent_id, area,
         MIN(CASE WHEN g IS NOT NULL AND e >= g THEN GREATEST(s, g) END) AS first_m,
         arg_min(CASE WHEN g IS NOT NULL AND e >= g THEN e - GREATEST(s, g) + 1 END,
                 CASE WHEN g IS NOT NULL AND e >= g THEN GREATEST(s, g) END) AS run_months,
         MAX(CASE WHEN e >= {asof_m} - 1 THEN e - s + 1 END) AS cur_months,
         MAX(CASE WHEN e >= {asof_m} - 1 THEN s END) AS cur_start
  FROM runs_g GROUP BY talent_id, area
), ins AS (
  SELECT talent_id, {", ".join(area_cols)} FROM per_area GROUP BY talent_id
), mem AS (
  SELECT talent_id, BOOL_OR(relation = 'spouse') AS spouse_recorded,
         BOOL_OR(relation = 'spouse' AND (married_on IS NULL OR married_on <= {day})) AS married,
         MIN(CASE WHEN relation = 'spouse' AND married_on <= {day} THEN married_on END) AS married_on,
         COUNT(CASE WHEN relation = 'child' AND birth_date <= {day} AND birth_date > {minor} THEN 1 END) AS minors
  FROM members GROUP BY talent_id
), held AS (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY talent_id, side ORDER BY acquired_on DESC, division DESC) AS rn
    FROM properties WHERE acquired_on <= {day} AND (sold_on IS NULL OR sold_on > {day})) WHERE rn = 1
), recorded AS (
  SELECT DISTINCT talent_id, side FROM properties
), hh AS (
  SELECT t.talent_id, m.married_on, COALESCE(m.minors, 0) AS minors,
         CASE WHEN m.spouse_recorded THEN m.married ELSE t.spouse_id IS NOT NULL END AS has_spouse,
         rs.talent_id IS NOT NULL AS own_rec, hs.talent_id IS NOT NULL AS own_held, hs.division AS own_div,
         hs.acquired_on AS own_on, rp.talent_id IS NOT NULL AS sp_rec, hp.talent_id IS NOT NULL AS sp_held,
         hp.division AS sp_div
  FROM talents t LEFT JOIN mem m ON m.talent_id = t.talent_id
  LEFT JOIN recorded rs ON rs.talent_id = t.talent_id AND rs.side = 'self'
  LEFT JOIN held hs ON hs.talent_id = t.talent_id AND hs.side = 'self'
  LEFT JOIN recorded rp ON rp.talent_id = t.talent_id AND rp.side = 'spouse'
  LEFT JOIN held hp ON hp.talent_id = t.talent_id AND hp.side = 'spouse'
)
SELECT
  t.talent_id,
  t.birth_date,
  NULLIF(t.gender, '') AS gender,
  NULLIF(t.id_type, '') AS id_type,
  NULLIF(t.hukou_division, '') AS hukou_division,
  NULLIF(t.residence_division, '') AS residence_division,
  NULLIF(t.district, '') AS district,
  t.arrival_date,
  CASE WHEN t.tier_date > {day} THEN '' ELSE COALESCE(t.tier, '') END AS tier,
  CASE WHEN t.tier_date > {day} THEN NULL ELSE t.tier_date END AS tier_date,
  COALESCE(t.is_academician, FALSE) AS is_academician,
  b.degree AS degree,
  b.rank AS degree_rank,
  b.full_time,
  b.overseas,
  b.overseas_certified,
  b.grad AS graduation_date,
  b.diploma AS diploma_date,
  NULLIF(b.university_code, '') AS university_code,
  CASE WHEN b.talent_id IS NULL THEN NULL WHEN b.known_school THEN COALESCE(b.is_c9, FALSE)
       WHEN b.overseas OR b.university_code IS NOT NULL THEN FALSE END AS school_c9,
  CASE WHEN b.talent_id IS NULL THEN NULL WHEN b.known_school THEN COALESCE(b.is_985, FALSE)
       WHEN b.overseas OR b.university_code IS NOT NULL THEN FALSE END AS school_985,
  CASE WHEN b.talent_id IS NULL THEN NULL WHEN b.known_school THEN COALESCE(b.is_211, FALSE)
       WHEN b.overseas OR b.university_code IS NOT NULL THEN FALSE END AS school_211,
  CASE WHEN b.talent_id IS NULL THEN NULL WHEN b.known_school THEN COALESCE(b.is_dfc, FALSE)
       WHEN b.overseas OR b.university_code IS NOT NULL THEN FALSE END AS school_double_first_class,
  CASE WHEN b.talent_id IS NULL THEN NULL ELSE st.talent_id IS NOT NULL END AS in_service_study,
  c.talent_id IS NOT NULL AS employed,
  c.js AS employment_start,
  NULLIF(c.division, '') AS employer_division,
  COALESCE(NULLIF(c.tax_division, ''), NULLIF(c.division, '')) AS employer_tax_division,
  NULLIF(c.cluster, '') AS employer_cluster,
  CASE WHEN hh.own_rec THEN hh.own_held WHEN t.property_purchase_date > {day} THEN FALSE
       ELSE t.owns_property END AS owns_property,
  CASE WHEN hh.own_rec THEN hh.own_div WHEN t.property_purchase_date > {day} THEN NULL
       ELSE NULLIF(t.property_division, '') END AS property_division,
  CASE WHEN hh.own_rec THEN hh.own_on WHEN t.property_purchase_date > {day} THEN NULL
       ELSE t.property_purchase_date END AS property_purchase_date,
  CASE WHEN hh.own_rec AND NOT hh.own_held THEN NULL WHEN NOT hh.own_rec AND t.property_purchase_date > {day} THEN NULL
       ELSE CAST(t.house_price AS DECIMAL(14, 2)) END AS house_price,
  CASE WHEN t.housing_since > {day} THEN 'none' ELSE NULLIF(t.housing, '') END AS housing,
  hh.has_spouse,
  hh.married_on AS marriage_date,
  hh.minors AS minor_children,
  CASE WHEN NOT (hh.has_spouse AND t.spouse_id IS NOT NULL) THEN FALSE WHEN hh.sp_rec THEN hh.sp_held
       WHEN t.spouse_purchase_date > {day} THEN FALSE ELSE t.spouse_owns_property END AS spouse_owns_property,
  CASE WHEN NOT (hh.has_spouse AND t.spouse_id IS NOT NULL) THEN NULL WHEN hh.sp_rec THEN hh.sp_div
       WHEN t.spouse_purchase_date > {day} THEN NULL
       ELSE NULLIF(t.spouse_property_division, '') END AS spouse_property_division,
  CASE WHEN NOT (hh.has_spouse AND t.spouse_id IS NOT NULL) OR t.spouse_housing_since > {day} THEN 'none'
       ELSE NULLIF(t.spouse_housing, '') END AS spouse_housing,
  CASE WHEN hh.has_spouse AND t.spouse_id IS NOT NULL THEN LEAST(t.talent_id, t.spouse_id)
       ELSE t.talent_id END AS household_id,
  CASE WHEN t.settling_allowance_on > {day} THEN CAST(0 AS DECIMAL(14, 2))
       ELSE CAST(t.settling_allowance AS DECIMAL(14, 2)) END AS settling_allowance_received,
  CASE WHEN t.income_assessed_on > {day} THEN NULL ELSE t.income_low END AS household_income_low,
  CASE WHEN t.income_assessed_on > {day} THEN NULL
       ELSE CAST(t.income_per_capita AS DECIMAL(14, 2)) END AS household_income_per_capita,
  {", ".join(area_select)}
FROM talents t
LEFT JOIN best b ON b.talent_id = t.talent_id
LEFT JOIN study st ON st.talent_id = t.talent_id
LEFT JOIN cur c ON c.talent_id = t.talent_id
LEFT JOIN ins ON ins.talent_id = t.talent_id
LEFT JOIN hh ON hh.talent_id = t.talent_id
ORDER BY t.talent_id
"""


def facts_from_tables(tables: dict[str, pa.Table], *, as_of: dt.date, threads: int | None = None) -> pa.Table:
    """Derive the facts table from the raw reads (no database access)."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads={int(threads)}")
    try:
        for name, table in tables.items():
            con.register(name, table)
        con.register("areas", _area_table())
        schema = facts_schema()
        result = con.sql(facts_sql(as_of)).to_arrow_table()
    finally:
        con.close()
    return result.select(schema.names).cast(schema)


# --- the same derivation in plain Python, for a handful of people -------------------------------------------------
# Starting DuckDB and planning the statement above costs ~25 ms, most of the single-person budget; for a few
# people the same rules run here in well under a millisecond each. ``tests/integration/policies`` checks that both
# paths give the same facts for every person of a generated registry.

_RANK = DEGREE_RANK


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_date(m: int) -> dt.date:
    return dt.date(m // 12, m % 12 + 1, 1)


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _after(day: dt.date | None, as_of: dt.date) -> bool:
    """A dated fact that lies after the as-of date did not hold yet (an unknown date is taken as held)."""
    return day is not None and day > as_of


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge month spans (inclusive) that overlap or touch into runs, in order."""
    out: list[list[int]] = []
    for m0, m1 in sorted(set(spans)):
        if out and m0 <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], m1)
        else:
            out.append([m0, m1])
    return [(a, b) for a, b in out]


def _pylist(table: pa.Table | list[dict]) -> list[dict]:
    return table.to_pylist() if isinstance(table, pa.Table) else table


def facts_from_rows(tables: dict[str, pa.Table | list[dict]], *, as_of: dt.date) -> list[dict]:
    """The facts of ``facts_sql`` computed person by person in Python (for a few people); each read given as an
    Arrow table or as its rows."""
    by_talent: dict[str, dict[int, list[dict]]] = {}
    for name in ("educations", "jobs", "insurance", "members", "properties"):
        groups: dict[int, list[dict]] = {}
        for row in _pylist(tables[name]):
            groups.setdefault(row["talent_id"], []).append(row)
        by_talent[name] = groups
    asof_m = _month(as_of)
    out = []
    for t in sorted(_pylist(tables["talents"]), key=lambda r: r["talent_id"]):
        tid = t["talent_id"]
        tier_later = _after(t["tier_date"], as_of)
        facts: dict = {
            "talent_id": tid, "birth_date": t["birth_date"], "gender": t["gender"], "id_type": t["id_type"],
            "hukou_division": t["hukou_division"], "residence_division": t["residence_division"],
            "district": t["district"], "arrival_date": t["arrival_date"], "tier": "" if tier_later else t["tier"] or "",
            "tier_date": None if tier_later else t["tier_date"], "is_academician": bool(t["is_academician"]),
        }
        facts.update(household_row(t, by_talent["members"].get(tid, []), by_talent["properties"].get(tid, []),
                                   as_of))
        edus = [e for e in by_talent["educations"].get(tid, []) if not _after(e["graduation_date"], as_of)]
        best = max(edus, key=lambda e: (_RANK.get(e["degree"], 0), e["graduation_date"], e["id"])) if edus else None
        jobs = by_talent["jobs"].get(tid, [])
        if best is None:
            facts.update({k: None for k in (
                "degree", "degree_rank", "full_time", "overseas", "overseas_certified", "graduation_date",
                "diploma_date", "university_code", "school_c9", "school_985", "school_211",
                "school_double_first_class", "in_service_study")})
        else:
            grad = best["graduation_date"]
            if best["known_school"]:
                tags = [bool(best[k]) for k in ("is_c9", "is_985", "is_211", "is_dfc")]
            elif best["overseas"] or best["university_code"] is not None:
                tags = [False] * 4
            else:
                tags = [None] * 4
            facts.update({
                "degree": best["degree"], "degree_rank": _RANK.get(best["degree"]), "full_time": best["full_time"],
                "overseas": best["overseas"], "overseas_certified": best["overseas_certified"],
                "graduation_date": grad, "diploma_date": best["diploma_date"],
                "university_code": best["university_code"], "school_c9": tags[0], "school_985": tags[1],
                "school_211": tags[2], "school_double_first_class": tags[3],
                "in_service_study": any(j["js"] <= _year_before(grad) and (j["je"] is None or j["je"] >= grad)
                                        for j in jobs),
            })
        current = [j for j in jobs if j["js"] <= as_of and (j["je"] is None or j["je"] >= as_of)]
        job = max(current, key=lambda j: (j["js"], j["id"])) if current else None
        facts.update({
            "employed": job is not None, "employment_start": job["js"] if job else None,
            "employer_division": job["division"] if job else None,
            "employer_tax_division": (job["tax_division"] or job["division"]) if job else None,
            "employer_cluster": job["cluster"] if job else None,
        })
        grad_m = _month(facts["graduation_date"]) if facts["graduation_date"] else None
        spans = [s for s in by_talent["insurance"].get(tid, []) if not s["back_paid"]]
        for area, prefixes in AREAS.items():
            months = [(_month(s["from_month"]), min(_month(s["to_month"]), asof_m)) for s in spans
                      if s["division"] and s["division"].startswith(prefixes) and _month(s["from_month"]) <= asof_m]
            runs = _runs(months)
            first = next(((max(a, grad_m), b) for a, b in runs if grad_m is not None and b >= grad_m), None)
            cur = next(((a, b) for a, b in runs if b >= asof_m - 1), None)  # this month's or last month's
            facts[f"{area}_first_insured_month"] = _month_date(first[0]) if first else None
            facts[f"{area}_run_months"] = first[1] - first[0] + 1 if first else 0
            facts[f"{area}_current_run_months"] = cur[1] - cur[0] + 1 if cur else 0
            facts[f"{area}_current_run_start"] = _month_date(cur[0]) if cur else None
        out.append(facts)
    return out


SMALL = 64  # up to this many talents, the plain-Python derivation is faster than starting DuckDB


def registry_facts(*, as_of: dt.date, talent_ids: list[int] | None = None) -> pa.Table:
    """Facts of every talent (or of ``talent_ids``) on ``as_of``, with ``engines.policy.evaluate.facts_schema()``.

    One row per talent, ordered by talent id; see the module docstring for how each column is derived."""
    if talent_ids is not None and not talent_ids:
        return facts_schema().empty_table()
    tables = registry_tables(talent_ids=talent_ids)
    if talent_ids is not None and len(talent_ids) <= SMALL:
        return pa.Table.from_pylist(facts_from_rows(tables, as_of=as_of), schema=facts_schema())
    return facts_from_tables(tables, as_of=as_of)


def talent_facts(*, talent_id: int, as_of: dt.date) -> dict | None:
    """One person's facts as a dict (the single-person path of explain); None when there is no such talent."""
    lines = _lines_few([talent_id])
    rows = facts_from_rows({name: _rows(spec[2], lines[n]) for n, (name, spec) in enumerate(_SPECS.items())},
                           as_of=as_of)
    return rows[0] if rows else None
