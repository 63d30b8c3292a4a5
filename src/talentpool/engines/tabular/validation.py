"""Validating one row of an import: every problem of the row is reported, not just the first.

``validate_row`` takes the raw cells of a row (field key -> value) and returns the clean values of the columns
present in the file plus a list of ``Problem``; the row is accepted only when that list is empty. Checks that need
the database (is the person registered? the enterprise?) are the service's; everything else is here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength

from talentpool.engines.identity import (
    PROVINCE_PREFIXES,
    IdentityError,
    ResidentId,
    normalise_other_id,
    normalise_passport,
    parse_resident_id,
)
from talentpool.engines.vocab import division_prefix

from .columns import KindSpec
from .family import validate_member, validate_property
from .household import validate_household
from .messages import Problem
from .messages import gettext_noop as _
from .normalise import CellError, cell_text, code_text, compact, parse_bool, parse_date, parse_month, text


@dataclass(frozen=True)
class References:
    """Code sets of the reference tables, passed in by the caller (the engine never reads a database)."""

    divisions: frozenset[str] = frozenset()
    universities: frozenset[str] = frozenset()
    university_names: Mapping[str, str] = field(default_factory=dict)  # code -> name
    majors: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    occupations: frozenset[str] = frozenset()
    _codes_by_name: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_codes_by_name",
                           {university_name_key(n): c for c, n in self.university_names.items()})

    def university_name_of(self, code: str) -> str:
        return self.university_names.get(code, "")

    def university_code_of(self, name: str) -> str | None:
        return self._codes_by_name.get(university_name_key(name))


@dataclass(frozen=True)
class Context:
    references: References
    as_of: date
    scope_division: str = ""  # the importing officer's scope ("" for administrators and the CLI)


@dataclass
class RowResult:
    row: int
    clean: dict[str, Any]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


ID_TYPES = {
    "居民身份证": "resident_id", "身份证": "resident_id", "resident_id": "resident_id", "resident id": "resident_id",
    "id card": "resident_id", "护照": "passport", "passport": "passport", "其他": "other", "other": "other",
}
GENDERS = {"男": "M", "m": "M", "male": "M", "女": "F", "f": "F", "female": "F"}
DEGREES = {
    "大专": "junior_college", "专科": "junior_college", "junior_college": "junior_college",
    "本科": "bachelor", "学士": "bachelor", "bachelor": "bachelor",
    "硕士": "master", "硕士研究生": "master", "研究生": "master", "master": "master",
    "博士": "doctor", "博士研究生": "doctor", "doctor": "doctor", "phd": "doctor",
}
CLUSTERS = {
    "智能制造": "intelligent_manufacturing", "intelligent_manufacturing": "intelligent_manufacturing",
    "生命健康": "life_health", "life_health": "life_health",
    "数字经济": "digital_economy", "digital_economy": "digital_economy", "其他": "other", "other": "other",
}
SIZES = {"微型": "micro", "micro": "micro", "小型": "small", "small": "small", "中型": "medium", "medium": "medium",
         "大型": "large", "large": "large"}
HOUSING = {"无": "none", "none": "none", "公租房": "public_rental", "public_rental": "public_rental",
           "人才租赁房": "talent_rental", "人才房": "talent_rental", "人才公寓": "talent_rental",
           "talent_rental": "talent_rental"}
HONOURS = {
    "中国科学院院士": "academician_cas", "academician_cas": "academician_cas",
    "中国工程院院士": "academician_cae", "academician_cae": "academician_cae",
    "外籍院士": "foreign_academician", "foreign_academician": "foreign_academician",
    "国家级人才计划": "national_programme", "national_programme": "national_programme",
    "省级顶尖人才计划": "provincial_top", "省级顶尖人才": "provincial_top", "provincial_top": "provincial_top",
    "市级人才计划": "city_programme", "city_programme": "city_programme",
}
_HONOUR_SPLIT = re.compile(r"[,，、;；/\s]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DIVISION = re.compile(r"^\d{6}$")
_MAJOR_MARKED = re.compile(r"^(\d{2}|\d{4}|\d{6})(?:T|K|TK)$")


def is_county_level(code: str) -> bool:
    return bool(_DIVISION.match(code or "")) and not code.endswith("00")


scope_prefix = division_prefix  # the importing officer's scope as a code prefix


def talent_district(*, scope_division: str, residence_division: str, hukou_division: str) -> str:
    """The registry district of a talent: the importing officer's own district when it is county-level; otherwise
    the residence division when it is a county within the officer's scope (any county for administrators), else
    the hukou division on the same terms; "" when none qualifies."""
    if is_county_level(scope_division):
        return scope_division
    prefix = scope_prefix(scope_division)
    for code in (residence_division, hukou_division):
        if is_county_level(code) and code.startswith(prefix):
            return code
    return ""


class _Row:
    """Collects the problems of one row while parsing its cells."""

    def __init__(self, row: int, values: Mapping[str, Any], headers: Mapping[str, str],
                 formula_keys: frozenset[str], ctx: Context) -> None:
        self.row = row
        self.values = values
        self.headers = headers
        self.formula_keys = formula_keys
        self.ctx = ctx
        self.refs = ctx.references
        self.problems: list[Problem] = []
        self.clean: dict[str, Any] = {}

    def present(self, key: str) -> bool:
        return key in self.values

    def problem(self, key: str, message: str, value: Any = None, **params: Any) -> None:
        shown = cell_text(self.values.get(key, "") if value is None else value)[:200]
        params.setdefault("value", shown)
        self.problems.append(Problem(self.row, self.headers.get(key, key), shown, message, params))

    def raw(self, key: str, *, required: bool = False) -> Any:
        """The cell, or None when absent/blank (a problem when required) or a formula (always a problem)."""
        if key not in self.values:
            return None
        if key in self.formula_keys:
            self.problem(key, _("This cell holds a formula; type the value itself (copy, then paste as values)."))
            return None
        value = self.values[key]
        if value is None or (isinstance(value, str) and not text(value)):
            if required:
                self.problem(key, _("A value is required."))
            return None
        return value

    def parse(self, key: str, parser: Any, *, required: bool = False) -> Any:
        value = self.raw(key, required=required)
        if value is None:
            return None
        try:
            return parser(value)
        except CellError as exc:
            self.problem(key, exc.message, **exc.params)
            return None

    def choice(self, key: str, options: Mapping[str, str], allowed: str, *, required: bool = False) -> str | None:
        value = self.raw(key, required=required)
        if value is None:
            return None
        token = text(value).lower()
        if token in options:
            return options[token]
        self.problem(key, _("%(value)s is not one of the allowed values: %(allowed)s"), value=text(value),
                     allowed=allowed)
        return None

    def date(self, key: str, *, required: bool = False, past: bool = False) -> date | None:
        day = self.parse(key, parse_date, required=required)
        if day is None:
            return None
        if day.year < 1900:
            self.problem(key, _("%(value)s is before 1900; check the year"), value=day.isoformat())
            return None
        if past and day > self.ctx.as_of:
            self.problem(key, _("%(value)s is in the future"), value=day.isoformat())
            return None
        return day

    def division(self, key: str, *, required: bool = False, county: bool = False) -> str | None:
        value = self.raw(key, required=required)
        if value is None:
            return None
        code = code_text(value)
        if not _DIVISION.match(code):
            self.problem(key, _("%(value)s is not a division code; use the 6-digit GB/T 2260 code such as 330106"),
                         value=code)
            return None
        if code not in self.refs.divisions:
            self.problem(key, _("%(value)s is not a known GB/T 2260 division code"), value=code)
            return None
        if county and not is_county_level(code):
            self.problem(key, _("%(value)s is a province or city; give the county-level division"), value=code)
            return None
        return code

    def code(self, key: str, known: frozenset[str], what: str, transform: Any = code_text) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        code = transform(value)
        if code not in known:
            self.problem(key, _("%(value)s is not a known %(what)s code"), value=code, what=what)
            return None
        return code

    def bounded_text(self, key: str, limit: int, *, required: bool = False) -> str | None:
        value = self.raw(key, required=required)
        if value is None:
            return None
        s = text(value)
        if len(s) > limit:
            self.problem(key, _("Too long: at most %(limit)s characters"), limit=limit)
            return None
        return s

    def bool(self, key: str) -> bool | None:
        return self.parse(key, parse_bool)

    def set(self, key: str, value: Any, empty: Any) -> None:
        """Store a clean value for a column present in the file; a blank cell stores the empty value."""
        if self.present(key):
            self.clean[key] = empty if value is None else value


# --- identity ---------------------------------------------------------------------------------------------------

_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def quick_resident_id(number: str, as_of: date) -> ResidentId | None:
    """The common case of ``parse_resident_id`` (a valid, already compact number) without python-stdnum's place
    table look-up, which costs ~30 µs a row. None when anything is off: the caller then asks
    ``parse_resident_id`` for the precise reason. Same rules: GB 11643 check digit, a real birth date not after
    ``as_of``, a known province prefix."""
    if not _RESIDENT_ID.match(number) or number[:2] not in PROVINCE_PREFIXES:
        return None
    total = sum(int(c) * w for c, w in zip(number, _WEIGHTS, strict=False))
    if _CHECK[total % 11] != number[17]:
        return None
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth > as_of or birth.year < 1800:
        return None
    return ResidentId(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F",
                      place_code=number[:6])


def _identity(r: _Row) -> tuple[str | None, str | None, Any]:
    """(id_type, id_number, parsed resident ID or None)."""
    id_type: str | None = "resident_id"
    if r.raw("id_type") is not None:
        id_type = r.choice("id_type", ID_TYPES, "居民身份证, 护照, 其他")
    value = r.raw("id_number", required=True)
    if value is None or id_type is None:
        return id_type, None, None
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = cell_text(value)
        if id_type == "resident_id" and len(digits) != 18:
            r.problem("id_number", _("The ID number was stored as a number and Excel keeps only 15 digits; format the "
                                     "column as text and type the number again"))
            return id_type, None, None
        value = digits
    try:
        if id_type == "resident_id":
            parsed = quick_resident_id(compact(value).upper(), r.ctx.as_of) or parse_resident_id(str(value))
            return id_type, parsed.number, parsed
        if id_type == "passport":
            return id_type, normalise_passport(str(value)), None
        return id_type, normalise_other_id(str(value)), None
    except IdentityError as exc:
        r.problem("id_number", exc.message, value=compact(value), **exc.params)
        return id_type, None, None


def _person(r: _Row) -> None:
    id_type, number, _parsed = _identity(r)
    if number is not None:
        r.clean["id_type"], r.clean["id_number"] = id_type, number


# --- kinds ------------------------------------------------------------------------------------------------------

def _talent(r: _Row) -> None:
    r.set("name", r.bounded_text("name", 60, required=True), "")
    id_type, number, parsed = _identity(r)
    if number is not None:
        r.clean["id_type"], r.clean["id_number"] = id_type, number
    _gender_and_birth(r, parsed)
    r.set("phone", _phone(r), "")
    r.set("email", _email(r), "")
    hukou = r.division("hukou_division")
    residence = r.division("residence_division")
    r.set("hukou_division", hukou, "")
    r.set("residence_division", residence, "")
    r.set("arrival_date", r.date("arrival_date"), None)
    r.set("tier", _tier(r), "")
    r.set("tier_basis", r.bounded_text("tier_basis", 200), "")
    r.set("tier_date", r.date("tier_date"), None)
    r.set("honours", _honours(r), [])
    r.set("housing", r.choice("housing", HOUSING, "无, 公租房, 人才租赁房"), "none")
    r.set("housing_since", r.date("housing_since", past=True), None)
    r.set("owns_property", r.bool("owns_property"), False)
    r.set("property_division", r.division("property_division"), "")
    r.set("property_purchase_date", r.date("property_purchase_date", past=True), None)
    r.clean["district"] = _district(r, residence, hukou)


def _gender_and_birth(r: _Row, parsed) -> None:
    """Gender and birth date as given, or as a resident ID says (a given value that disagrees is a problem)."""
    gender = r.choice("gender", GENDERS, "男, 女 (M, F)")
    birth = r.date("birth_date", past=True)
    if parsed is not None:
        if gender is not None and gender != parsed.gender:
            r.problem("gender", _("Does not agree with the ID number, which says %(derived)s"),
                      derived="男" if parsed.gender == "M" else "女")
        if birth is not None and birth != parsed.birth_date:
            r.problem("birth_date", _("Does not agree with the ID number, which says %(derived)s"),
                      derived=parsed.birth_date.isoformat())
        r.clean["gender"], r.clean["birth_date"] = parsed.gender, parsed.birth_date
    else:
        r.set("gender", gender, "")
        r.set("birth_date", birth, None)


def _phone(r: _Row) -> str | None:
    value = r.raw("phone")
    if value is None:
        return None
    phone = re.sub(r"[-()（）]", "", compact(value))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    if not (_MOBILE.match(phone) or _LANDLINE.match(phone)):
        r.problem("phone", _("%(value)s is not a phone number (11 digits starting with 1, or a landline)"),
                  value=compact(value))
        return None
    return phone


def _email(r: _Row) -> str | None:
    value = r.raw("email")
    if value is None:
        return None
    email = compact(value)
    if not _EMAIL.match(email) or len(email) > 254:
        r.problem("email", _("%(value)s is not an email address"), value=email)
        return None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _tier(r: _Row) -> str | None:
    value = r.raw("tier")
    if value is None:
        return None
    tier = text(value).upper().removesuffix("类").strip()
    if tier not in {"A", "B", "C", "D", "E"}:
        r.problem("tier", _("%(value)s is not a tier; write A, B, C, D or E"), value=text(value))
        return None
    return tier


def _honours(r: _Row) -> list[str] | None:
    value = r.raw("honours")
    if value is None:
        return None
    found: set[str] = set()
    for token in _HONOUR_SPLIT.split(text(value)):
        if not token:
            continue
        key = HONOURS.get(token.lower())
        if key is None:
            r.problem("honours", _("%(value)s is not a known honour"), value=token)
        else:
            found.add(key)
    return sorted(found)


def _district(r: _Row, residence: str | None, hukou: str | None) -> str:
    """The registry district the person is placed in (within the importing officer's scope)."""
    district = talent_district(scope_division=r.ctx.scope_division, residence_division=residence or "",
                               hukou_division=hukou or "")
    if not district:
        key = "residence_division" if r.present("residence_division") else "hukou_division"
        if r.ctx.scope_division:
            r.problem(key, _("Neither the residence nor the hukou division is a district within your scope %(scope)s"),
                      value=residence or hukou or "", scope=r.ctx.scope_division)
        else:
            r.problem(key, _("Give a county-level residence or hukou division to place the person in a district"),
                      value=residence or hukou or "")
    return district


def _university(r: _Row, overseas: bool | None) -> None:
    value = r.raw("university")
    if value is None:
        if r.present("university"):
            r.clean["university_code"], r.clean["university_name"] = "", ""
        return
    name = text(value)
    code = code_text(value)
    refs = r.refs
    if code in refs.universities:
        r.clean["university_code"] = code
        r.clean["university_name"] = refs.university_name_of(code)
    elif refs.university_code_of(name) is not None:
        found = refs.university_code_of(name) or ""
        r.clean["university_code"], r.clean["university_name"] = found, refs.university_name_of(found)
    elif overseas:
        if len(name) > 120:
            r.problem("university", _("Too long: at most %(limit)s characters"), limit=120)
        r.clean["university_code"], r.clean["university_name"] = "", name[:120]
    else:
        r.problem("university", _("%(value)s is not a university of the Ministry of Education list (give its code "
                                  "or exact name, or mark the degree as overseas)"), value=name)


def _education(r: _Row) -> None:
    _person(r)
    r.set("degree", r.choice("degree", DEGREES, "大专, 本科, 硕士, 博士", required=True), "")
    r.set("full_time", r.bool("full_time"), True)
    overseas = r.bool("overseas")
    r.set("overseas", overseas, False)
    r.set("overseas_certified", r.bool("overseas_certified"), False)
    _university(r, overseas)
    r.set("major_code", r.code("major_code", r.refs.majors, "major", _major_code), "")
    graduated = r.date("graduation_date", required=True)
    r.set("graduation_date", graduated, None)
    r.set("diploma_date", r.date("diploma_date"), None)


def _major_code(value: Any) -> str:
    """080901; the catalogue's marks (080910T, 080911TK) are dropped; 80901 (typed as a number) gets its zero back."""
    code = code_text(value)
    m = _MAJOR_MARKED.match(code)
    if m:
        code = m.group(1)
    if code.isdigit() and len(code) == 5:
        code = "0" + code
    return code


def university_name_key(name: str) -> str:
    """How university names are compared: NFKC, no spaces, brackets as the Ministry list writes them (（）)."""
    return compact(name).replace("(", "（").replace(")", "）")


def _credit_code(r: _Row, *, required: bool) -> str | None:
    value = r.raw("credit_code", required=required)
    if value is None:
        return None
    code = code_text(value)
    try:
        return uscc.validate(code)
    except InvalidLength:
        r.problem("credit_code", _("A unified social credit code has 18 characters, this has %(n)s"), value=code,
                  n=len(code))
    except InvalidChecksum:
        r.problem("credit_code", _("The check character of the credit code does not match (mistyped?)"), value=code)
    except Exception:
        r.problem("credit_code", _("%(value)s is not a unified social credit code (GB 32100)"), value=code)
    return None


def _employment(r: _Row) -> None:
    _person(r)
    r.set("credit_code", _credit_code(r, required=True), "")
    start = r.date("start_date", required=True)
    end = r.date("end_date")
    if start and end and end < start:
        r.problem("end_date", _("The end date is before the start date %(start)s"), start=start.isoformat())
    r.set("start_date", start, None)
    r.set("end_date", end, None)
    r.set("position", r.bounded_text("position", 100), "")
    r.set("occupation_code", r.code("occupation_code", r.refs.occupations, "occupation"), "")


def _insurance(r: _Row) -> None:
    _person(r)
    first = r.parse("from_month", parse_month, required=True)
    last = r.parse("to_month", parse_month)
    if first is not None:
        if last is None and r.raw("to_month") is None:
            last = first
        if last is not None and last < first:
            r.problem("to_month", _("The last month is before the first month %(first)s"),
                      first=first.strftime("%Y-%m"))
            last = None
    r.clean["from_month"], r.clean["to_month"] = first, last
    r.set("division", r.division("division", required=True), "")
    r.set("back_paid", r.bool("back_paid"), False)


def _enterprise(r: _Row) -> None:
    r.set("credit_code", _credit_code(r, required=True), "")
    r.set("name", r.bounded_text("name", 200, required=True), "")
    r.set("industry_code", r.code("industry_code", r.refs.industries, "industry (GB/T 4754)"), "")
    r.set("cluster", r.choice("cluster", CLUSTERS, "智能制造, 生命健康, 数字经济, 其他"), "other")
    division = r.division("division", required=True, county=True)
    if division and r.ctx.scope_division and not division.startswith(scope_prefix(r.ctx.scope_division)):
        r.problem("division", _("%(value)s is outside your scope %(scope)s"), value=division,
                  scope=r.ctx.scope_division)
        division = None
    r.set("division", division, "")
    r.set("street", r.bounded_text("street", 100), "")
    r.set("tax_division", r.division("tax_division"), "")
    r.set("founded_on", r.date("founded_on", past=True), None)
    r.set("size", r.choice("size", SIZES, "微型, 小型, 中型, 大型"), "")


_VALIDATORS = {"talents": _talent, "education": _education, "employment": _employment,
               "insurance": _insurance, "enterprises": _enterprise,
               "household": lambda r: validate_household(r, _person),
               "members": lambda r: validate_member(r, _person, ID_TYPES),
               "properties": lambda r: validate_property(r, _person)}


def validate_row(spec: KindSpec, *, row: int, values: Mapping[str, Any], headers: Mapping[str, str],
                 context: Context, formula_keys: frozenset[str] = frozenset()) -> RowResult:
    """``values``: field key -> raw cell for the columns present; ``headers``: field key -> header as written;
    ``formula_keys``: fields whose cell in this row holds a formula."""
    r = _Row(row, values, headers, formula_keys, context)
    _VALIDATORS[spec.kind](r)
    if r.problems:
        return RowResult(row, {}, r.problems)
    return RowResult(row, r.clean, [])


# --- natural keys within a file ---------------------------------------------------------------------------------

def _key_part(key: str, value: Any) -> Any:
    if key == "id_type":
        return ID_TYPES.get(text(value).lower(), text(value).lower()) if text(value) else "resident_id"
    if key in {"graduation_date", "start_date", "acquired_on"}:
        return parse_date(value)
    if key == "from_month":
        return parse_month(value)
    if key == "degree":
        return DEGREES.get(text(value).lower(), text(value).lower())
    return code_text(value)  # id_number, credit_code, division


def row_key(spec: KindSpec, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The natural key of a row as typed, normalised the same way validation does; None when a key cell is
    blank or unreadable (the row is then rejected for that reason, not as a duplicate)."""
    parts = []
    for key in spec.key_columns:
        value = values.get(key)
        if key != "id_type" and (value is None or not cell_text(value).strip()):
            return None
        try:
            parts.append(_key_part(key, value if value is not None else ""))
        except (CellError, ValueError):
            return None
    return tuple(parts)
