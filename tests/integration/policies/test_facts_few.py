"""The rows of a few talents (the single-person pages: the service catalogue, "what policy gives me", an officer's
explanation) are parsed in Python, not by pyarrow's CSV reader: the same tables, value for value, type for type,
NULL for NULL, for every read's columns and for text the reader takes as NULL or as a boolean."""

from __future__ import annotations

import pytest

from talentpool.policies import facts

LINES = {
    "date": ["2026-02-28", "", "1999-12-31"],
    "int": ["7", "", "-12"],
    "bool": ["1", "0", "", "true", "false", "True", "FALSE"],
    "decimal": ["1234.50", "", "0.00", "-3.5"],
    "string": ["330106", "", "NA", "null", "spouse", "a b"],
}


@pytest.mark.parametrize("name", list(facts._SPECS))
def test_each_read_parses_alike(name):
    columns = facts._SPECS[name][2]
    samples = {"date32[day]": LINES["date"], "int64": LINES["int"], "bool": LINES["bool"],
               "decimal128(14, 2)": LINES["decimal"], "string": LINES["string"]}
    lines = ["|".join(samples[str(kind)][(row + i) % len(samples[str(kind)])] for i, (_e, _n, kind) in
                      enumerate(columns)) for row in range(7)]
    few = facts._table_few(columns, lines)
    assert few.equals(facts._table(columns, lines))
    assert few.schema == facts._table(columns, lines).schema
    assert facts._table_few(columns, []).equals(facts._table(columns, []))


def test_a_line_of_the_wrong_width_is_refused():
    columns = facts._SPECS["insurance"][2]
    with pytest.raises(ValueError, match="expected 5 columns, got 2"):
        facts._table_few(columns, ["1|2026-01-01"])
