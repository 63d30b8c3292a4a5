"""Input of the recruitment services checked and turned into model values. Each check raises an
``ApplicationError`` that names the field and says what is allowed, so a page, the API and the partner API all
answer the same clear sentence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError
from talentpool.engines.matching import clean_text, normalise_skills
from talentpool.reference.selectors import normalise_major_code, reference_codes
from talentpool.registry.models import Degree

from ..models import INTERVIEW_TIMEZONE

MAX_SALARY = 1_000_000
"""Yuan per month: anything above is a typing mistake."""
MAX_CODES = 20
MAX_INTERVIEWERS = 10
MAX_INTERVIEW_HOURS = 8


def text_field(value: str | None, limit: int, field: str, *, single_line: bool = False, what: str = "") -> str:
    """Cleaned text, or a clear error when it is longer than ``limit`` after cleaning."""
    cleaned = clean_text(value, limit * 20, single_line=single_line)
    if len(cleaned) > limit:
        raise ApplicationError(
            _("%(what)s is %(n)s characters after removing HTML, emoji and control characters; at most "
              "%(limit)s are allowed.") % {"what": what or field, "n": f"{len(cleaned):,}", "limit": f"{limit:,}"},
            code="too_long", field=field)
    return cleaned


def code_list(values, field: str) -> list[str]:
    """Codes given as a list or as one string separated by spaces, commas or 、; each once, at most 20."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in re.split(r"[\s,，、;；]+", values) if v]
    values = [str(v).strip() for v in values if str(v).strip()]
    if len(values) > MAX_CODES:
        raise ApplicationError(_("At most %(n)s codes.") % {"n": MAX_CODES}, code="too_many", field=field)
    return list(dict.fromkeys(values))


def occupation_code(code: str | None, field: str = "occupation_code", *, required: bool = True) -> str:
    code = (code or "").strip()
    if not code:
        if required:
            raise ApplicationError(_("Choose an occupation of the 2022 classification."), code="required",
                                   field=field)
        return ""
    if code not in reference_codes("occupations"):
        raise ApplicationError(
            _("Unknown occupation code %(code)s: use a code of the 2022 occupation classification, such as "
              "2-02-10-03.") % {"code": code[:20]}, code="unknown_code", field=field)
    return code


def occupation_codes(values, field: str) -> list[str]:
    return [occupation_code(c, field) for c in code_list(values, field)]


def major_codes(values, field: str = "accepted_majors") -> list[str]:
    known = reference_codes("majors")
    out = []
    for raw in code_list(values, field):
        code = normalise_major_code(raw)
        if not code or code not in known:
            raise ApplicationError(
                _("Unknown major code %(code)s: use a category (08), class (0809) or major (080901) of the "
                  "undergraduate catalogue.") % {"code": raw[:20]}, code="unknown_code", field=field)
        out.append(code)
    return list(dict.fromkeys(out))


def division_code(code: str | None, field: str = "division") -> str:
    code = (code or "").strip()
    if not re.fullmatch(r"\d{6}", code) or code not in reference_codes("divisions"):
        raise ApplicationError(
            _("Unknown division code %(code)s: use a six-digit code of GB/T 2260, such as 330106.")
            % {"code": code[:20]}, code="unknown_code", field=field)
    return code


def division_codes(values, field: str) -> list[str]:
    return [division_code(c, field) for c in code_list(values, field)]


def salary_range(low, high, *, field_min: str = "salary_min",
                 field_max: str = "salary_max") -> tuple[int | None, ...]:
    """Whole yuan per month, each optional, the minimum not above the maximum."""
    out = []
    for value, field in ((low, field_min), (high, field_max)):
        if value in (None, ""):
            out.append(None)
            continue
        try:
            number = int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            raise ApplicationError(_("A salary is a whole number of yuan per month."), code="invalid",
                                   field=field) from None
        if not 0 < number <= MAX_SALARY:
            raise ApplicationError(_("A salary is between 1 and 1,000,000 yuan per month."), code="invalid",
                                   field=field)
        out.append(number)
    if out[0] is not None and out[1] is not None and out[0] > out[1]:
        raise ApplicationError(
            _("The salary minimum (%(low)s) is above the maximum (%(high)s).")
            % {"low": f"{out[0]:,}", "high": f"{out[1]:,}"}, code="salary_range", field=field_min)
    return tuple(out)


def years(value, field: str, *, most: int = 50) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Years are a number such as 3 or 1.5."), code="invalid", field=field) from None
    if not 0 <= number <= most:
        raise ApplicationError(_("Years are between 0 and %(most)s.") % {"most": most}, code="invalid", field=field)
    return number


def skill_list(values) -> list[str]:
    if isinstance(values, str):
        values = re.split(r"[,，、;；\n]+", values)
    return normalise_skills(list(values or []))  # cleaned, lower case, 40 characters each, first 50 distinct


def date_field(value, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError(_("A date is written YYYY-MM-DD."), code="invalid", field=field) from None


def not_past(day: dt.date | None, field: str, today: dt.date, message: str) -> None:
    if day is not None and day < today:
        raise ApplicationError(message % {"day": day.isoformat(), "today": today.isoformat()}, code="in_past",
                               field=field)


def degree_code(value: str | None) -> str:
    value = (value or "").strip()
    if value and value not in Degree.values:
        raise ApplicationError(_("The minimum degree is one of %(choices)s, or empty for any degree.")
                               % {"choices": ", ".join(Degree.values)}, code="invalid", field="min_degree")
    return value


def headcount(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 10_000:
        raise ApplicationError(_("The headcount is a whole number from 1 to 10,000."), code="invalid",
                               field="headcount")
    return number


def full_clean(obj, exclude: Iterable[str] = ()) -> None:
    """The model's own checks, the first failure as an ``ApplicationError`` naming its field."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), code="invalid", field=None if field == "__all__" else field) from exc


# --- interviews -----------------------------------------------------------------------------------------------------


def aware_datetime(value, field: str) -> dt.datetime:
    """A date and time; one given without a zone is read in the interview zone (Asia/Shanghai)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ApplicationError(_("A time is written YYYY-MM-DDTHH:MM."), code="invalid", field=field) from None
    if not isinstance(value, dt.datetime):
        raise ApplicationError(_("Give a date and time."), code="required", field=field)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo(INTERVIEW_TIMEZONE))
    return value


def interview_slot(starts_at, ends_at) -> tuple[dt.datetime, dt.datetime]:
    """A slot not in the past, ending after it starts, at most eight hours long."""
    start, end = aware_datetime(starts_at, "starts_at"), aware_datetime(ends_at, "ends_at")
    if start < timezone.now():
        raise ApplicationError(_("The interview cannot start in the past."), code="in_past", field="starts_at")
    if end <= start:
        raise ApplicationError(_("The interview must end after it starts."), code="invalid", field="ends_at")
    if end - start > dt.timedelta(hours=MAX_INTERVIEW_HOURS):
        raise ApplicationError(_("An interview lasts at most %(n)s hours.") % {"n": MAX_INTERVIEW_HOURS},
                               code="invalid", field="ends_at")
    return start, end


def interview_place(location: str | None, video_link: str | None) -> tuple[str, str]:
    """A place, an http(s) video link, or both."""
    location = clean_text(location, 200, single_line=True)
    video_link = (video_link or "").strip()
    if video_link:
        try:
            URLValidator(schemes=["http", "https"])(video_link)
        except ValidationError:
            raise ApplicationError(_("The video link must be an http(s) address."), code="invalid",
                                   field="video_link") from None
        if len(video_link) > 500:
            raise ApplicationError(_("The video link is too long."), code="invalid", field="video_link")
    if not location and not video_link:
        raise ApplicationError(_("Give a place or a video link (for a remote interview)."), code="required",
                               field="location")
    return location, video_link


def interviewer_names(values) -> list[str]:
    if isinstance(values, str):
        values = re.split(r"[,，、;；\n]+", values)
    names = [clean_text(v, 40, single_line=True) for v in values or []]
    names = list(dict.fromkeys(n for n in names if n))
    if len(names) > MAX_INTERVIEWERS:
        raise ApplicationError(_("At most %(n)s interviewers.") % {"n": MAX_INTERVIEWERS}, code="too_many",
                               field="interviewers")
    return names
