"""Identity numbers: normalisation and validation without Django.

Resident ID numbers (GB 11643) are checked with python-stdnum for length, format, check digit and birth date.
The six-digit place code is checked only at province level: an ID keeps the division code of the place where
it was first issued, and many of those codes were retired or renumbered since (余杭县 330125 became 330184, then
余杭区 330110), so a current GB/T 2260 table cannot judge them. python-stdnum's own place table is also
incomplete for current codes (it lacks 330113 临平区), which is another reason not to use it for places.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_SPACES = re.compile(r"[\s\u00a0\u3000]+")


def gettext_noop(message: str) -> str:
    """Marks a msgid for extraction; the Django side translates it (engines do not import Django)."""
    return message


class IdentityError(ValueError):
    """The reason an ID number is refused, in words an officer can act on: an English msgid with ``%(name)s``
    placeholders (``message``, ``params``); ``str()`` gives the English text."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def normalise_text(value: str) -> str:
    """NFKC folds full-width digits and letters (１２Ａ -> 12A); stray and ideographic spaces are removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", value)).strip()


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    gender: str  # "M" or "F"
    place_code: str


def parse_resident_id(raw: str) -> ResidentId:
    number = normalise_text(raw).upper()
    try:
        ric.validate(number)
    except InvalidLength as exc:
        raise IdentityError(gettext_noop("Invalid ID number: a resident ID has 18 characters, this one has %(length)s."), length=len(number)) from exc
    except InvalidFormat as exc:
        raise IdentityError(gettext_noop("Invalid ID number: a resident ID is 17 digits followed by a digit or X.")) from exc
    except InvalidChecksum as exc:
        raise IdentityError(gettext_noop("Invalid ID number: the check digit does not match (a mistyped digit?).")) from exc
    except InvalidComponent:
        # raised for an impossible birth date, or a place code unknown to python-stdnum's own table
        _birth_date_or_error(number)
    except KeyError:
        pass  # python-stdnum's place table lacks some current codes (e.g. 330113); we judge places ourselves
    birth = _birth_date_or_error(number)
    if number[:2] not in PROVINCE_PREFIXES:
        raise IdentityError(gettext_noop("Invalid ID number: %(code)s is not a province code."), code=number[:2])
    if birth > date.today():
        raise IdentityError(gettext_noop("Invalid ID number: the birth date in it is in the future."))
    return ResidentId(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F",
                      place_code=number[:6])


def _birth_date_or_error(number: str) -> date:
    try:
        return ric.get_birth_date(number)
    except (InvalidComponent, ValueError) as exc:
        raise IdentityError(gettext_noop("Invalid ID number: the birth date %(date)s in it does not exist."), date=number[6:14]) from exc


def normalise_passport(raw: str) -> str:
    number = normalise_text(raw).upper()
    if not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        raise IdentityError(gettext_noop("Invalid passport number: it has 5 to 20 letters and digits."))
    return number


def normalise_other_id(raw: str) -> str:
    number = normalise_text(raw).upper()
    if not 3 <= len(number) <= 30:
        raise IdentityError(gettext_noop("Invalid ID number: it has 3 to 30 characters."))
    return number


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643 check digit for 17 digits (used by demo data and tests)."""
    return ric.calc_check_digit(first17 + "0")
