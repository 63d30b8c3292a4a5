"""The household and housing facts of one person as of a date, in plain Python: the single-person path of
``policies.facts`` (its DuckDB statement derives the same columns in bulk; a test holds the two equal).

- *spouse*: a spouse recorded as a household member (``registry.HouseholdMember``, either side of a linked pair)
  counts from the day of marriage on: before it ``has_spouse`` is FALSE and the person is a household of one. A
  spouse linked to a registered talent (``Talent.spouse``) brings that talent's property and housing; without a
  recorded member, ``Talent.spouse`` alone counts (no date: held).
- *children*: ``minor_children`` counts the children born on or before the date and under 18 on it.
- *property*: when property records exist for the person (``registry.PropertyRecord``), a home is owned from the
  day acquired up to the day before it is sold (on the day of the sale it is no longer owned); of several homes
  held, the latest acquired gives ``property_division`` and ``property_purchase_date``. Without any record, the
  talent's own fields (``Talent.owns_property``, ``property_division``, ``property_purchase_date``) are read as
  before (a purchase after the date not yet held). The spouse's the same way, from the spouse's records.
- *public housing*: the public or talent rental housing on the record counts from the day moved in
  (``Talent.housing_since``; ``none`` before it, held when no day is recorded); the spouse's the same way.
- *income*: ``household_income_per_capita`` (yuan a year) from the day assessed; ``household_income_low`` the
  office's yes/no from the same day (policies compare the amount with the city's average and fall back on it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def minor_cutoff(as_of: dt.date) -> dt.date:
    """A child born after this day is under 18 on ``as_of`` (the 18th birthday is the first adult day)."""
    if (as_of.month, as_of.day) == (2, 29):
        return dt.date(as_of.year - 18, 2, 28)
    return as_of.replace(year=as_of.year - 18)


def _after(day: dt.date | None, as_of: dt.date) -> bool:
    return day is not None and day > as_of


def _held(records: list[dict], as_of: dt.date) -> dict | None:
    held = [p for p in records if p["acquired_on"] <= as_of and (p["sold_on"] is None or p["sold_on"] > as_of)]
    return max(held, key=lambda p: (p["acquired_on"], p["division"])) if held else None


def household_row(t: dict, members: list[dict], properties: list[dict], as_of: dt.date) -> dict:
    """The household columns of one talent row ``t`` (the raw read), its member rows and its property rows."""
    tid = t["talent_id"]
    spouses = [m for m in members if m["relation"] == "spouse"]
    married = [m for m in spouses if not _after(m["married_on"], as_of)]
    has_spouse = bool(married) if spouses else t["spouse_id"] is not None
    linked = has_spouse and t["spouse_id"] is not None
    dates = [m["married_on"] for m in married if m["married_on"] is not None]
    cutoff = minor_cutoff(as_of)
    minors = sum(1 for m in members if m["relation"] == "child" and m["birth_date"] is not None
                 and cutoff < m["birth_date"] <= as_of)
    own = [p for p in properties if p["side"] == "self"]
    theirs = [p for p in properties if p["side"] == "spouse"]
    out: dict = {"has_spouse": has_spouse, "marriage_date": min(dates) if dates else None, "minor_children": minors}
    if own:
        held = _held(own, as_of)
        out.update({"owns_property": held is not None, "property_division": held and held["division"],
                    "property_purchase_date": held and held["acquired_on"],
                    "house_price": t["house_price"] if held else None})
    else:
        later = _after(t["property_purchase_date"], as_of)
        out.update({"owns_property": False if later else t["owns_property"],
                    "property_division": None if later else t["property_division"],
                    "property_purchase_date": None if later else t["property_purchase_date"],
                    "house_price": None if later else t["house_price"]})
    if not linked:
        out.update({"spouse_owns_property": False, "spouse_property_division": None})
    elif theirs:
        held = _held(theirs, as_of)
        out.update({"spouse_owns_property": held is not None, "spouse_property_division": held and held["division"]})
    else:
        later = _after(t["spouse_purchase_date"], as_of)
        out.update({"spouse_owns_property": False if later else t["spouse_owns_property"],
                    "spouse_property_division": None if later else t["spouse_property_division"]})
    assessed_later = _after(t["income_assessed_on"], as_of)
    out.update({
        "housing": "none" if _after(t["housing_since"], as_of) else t["housing"],
        "spouse_housing": t["spouse_housing"] if linked and not _after(t["spouse_housing_since"], as_of) else "none",
        "household_id": min(tid, t["spouse_id"]) if linked else tid,
        "settling_allowance_received": (Decimal("0.00") if _after(t["settling_allowance_on"], as_of)
                                        else t["settling_allowance"]),
        "household_income_low": None if assessed_later else t["income_low"],
        "household_income_per_capita": None if assessed_later else t["income_per_capita"],
    })
    return out
