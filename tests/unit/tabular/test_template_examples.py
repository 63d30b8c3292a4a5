"""The import templates' example row passes the checks the import makes: the example ID number has a valid
check digit and agrees with the example birth date and gender, the example credit code passes GB 32100."""

import datetime as dt

import pytest
from stdnum.cn import uscc

from talentpool.engines.identity import parse_resident_id
from talentpool.engines.tabular.columns import KINDS


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_example_codes_pass_their_own_checks(kind):
    examples = {c.key: c.example for c in KINDS[kind].columns}
    if "id_number" in examples:
        person = parse_resident_id(examples["id_number"])  # raises on a wrong check digit
        if examples.get("birth_date"):
            assert person.birth_date == dt.date.fromisoformat(examples["birth_date"])
        if examples.get("gender"):
            assert {"男": "M", "女": "F"}[examples["gender"]] == person.gender
    if examples.get("credit_code"):
        assert uscc.is_valid(examples["credit_code"])
