from datetime import date

import pytest

from talentpool.engines.identity import (
    IdentityError,
    normalise_passport,
    parse_resident_id,
    resident_id_check_digit,
)


def _id(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


def test_valid_number_gives_birth_date_and_gender():
    parsed = parse_resident_id(_id("33010619950101123"))
    assert parsed.birth_date == date(1995, 1, 1)
    assert parsed.gender == "M"  # 17th digit 3 is odd
    assert parse_resident_id(_id("33010619950101124")).gender == "F"


def test_fullwidth_spaces_and_lowercase_x_are_normalised():
    number = _id("33011319950101123")  # 临平区, ends in X
    assert number.endswith("X")
    messy = " " + "".join(chr(ord(c) + 0xFEE0) for c in number[:6]) + "\u3000" + number[6:-1] + "x "
    assert parse_resident_id(messy).number == number


def test_current_codes_unknown_to_stdnum_are_accepted():
    for place in ("330113", "330114"):
        assert parse_resident_id(_id(place + "20000229001")).place_code == place


@pytest.mark.parametrize(("number", "reason"), [
    ("33010619950101123", "18 characters"),
    ("3301061995010112A4", "17 digits"),
    ("330106199501011230", "check digit"),
    (_id("33010619950230123"), "does not exist"),   # 30 February
    (_id("33010619990229123"), "does not exist"),   # 1999 is not a leap year
    (_id("99010619950101123"), "not a province"),
])
def test_rejections_say_why(number, reason):
    with pytest.raises(IdentityError, match=reason):
        parse_resident_id(number)


def test_leap_day_birth_is_valid():
    assert parse_resident_id(_id("33010620000229123")).birth_date == date(2000, 2, 29)


def test_passport():
    assert normalise_passport(" e１２３４５６７８ ") == "E12345678"
    with pytest.raises(IdentityError):
        normalise_passport("E1-23")
