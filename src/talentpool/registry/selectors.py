"""Reads on the registry. Every query starts from what the user may see (``*_visible_to``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from talentpool.accounts.models import Role
from talentpool.engines.identity import IdentityError, normalise_passport, normalise_text, parse_resident_id

from .identity import talent_id_lookup
from .models import Education, Employment, Enterprise, IdType, Talent

_MASKED = re.compile(r"^([0-9A-Z]{2,6})\*+([0-9A-Z]{2,4})$")
_TAIL = re.compile(r"^[0-9]{3}[0-9X]$")


def talent_visible_to(user) -> QuerySet[Talent]:
    """Officers: their district scope. Talents: themselves. Enterprises and administrators: nobody here
    (an enterprise sees its staff through ``enterprise_staff``; administrators do not browse people)."""
    qs = Talent.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(district__startswith=user.scope_prefix)
    if user.role == Role.TALENT:
        return qs.filter(user=user)
    return qs.none()


def enterprise_visible_to(user) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.role == Role.OFFICER and user.scope_prefix:
        return qs.filter(division__startswith=user.scope_prefix)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(pk=user.enterprise_id)
    return qs.none()


@dataclass(frozen=True)
class TalentFilters:
    q: str = ""
    university: str = ""
    major: str = ""
    enterprise: str = ""
    tier: str = ""
    division: str = ""


def _query_kind(q: str) -> tuple[str, object]:
    """Classify what an officer typed into the one search box."""
    text = normalise_text(q).upper()
    if not text:
        return "none", None
    if len(text) == 18 and text[:17].isdigit():
        try:
            return "id", talent_id_lookup(id_type=IdType.RESIDENT_ID, id_number=parse_resident_id(text).number)
        except IdentityError:
            return "nothing", None
    m = _MASKED.match(text)
    if m:
        return "masked", (m.group(1), m.group(2))
    if _TAIL.match(text):
        return "tail", text
    if re.fullmatch(r"[A-Z0-9]{5,20}", text) and any(c.isdigit() for c in text):
        return "id", talent_id_lookup(id_type=IdType.PASSPORT, id_number=text)
    return "name", normalise_text(q)


def search_text_holds_id_number(q: str) -> bool:
    """True when the search text is a full ID number (valid or not): it must not travel in a URL."""
    return _query_kind(q)[0] in ("id", "nothing")


def _matching(qs: QuerySet[Talent], q: str) -> QuerySet[Talent]:
    """The people the one search box means (see ``_query_kind``)."""
    kind, value = _query_kind(q)
    if kind == "id":
        qs = qs.filter(id_lookup=value)
    elif kind == "masked":
        head, tail = value
        qs = qs.filter(id_masked__startswith=head, id_masked__endswith=tail)
        if len(tail) == 4:
            qs = qs.filter(id_tail=tail)  # indexed
    elif kind == "tail":
        qs = qs.filter(id_tail=value)
    elif kind == "name":
        # A range on the indexed column works as a prefix match on both SQLite and PostgreSQL.
        qs = qs.filter(name__gte=value, name__lt=value + "\uffff")
    elif kind == "nothing":
        return qs.none()
    return qs


def talent_pick_for_account(*, user, q: str, limit: int = 20) -> list[Talent]:
    """For an administrator linking an account to its registry record: people matching a name, a full or masked
    ID number, across districts (administrators browse nobody, so an empty search finds nobody)."""
    if not (user and user.is_authenticated and user.role == Role.ADMIN) or not normalise_text(q):
        return []
    return list(_matching(Talent.objects.all(), q).select_related("user")
                .only("id", "name", "id_masked", "district", "birth_date", "user__username").order_by("name", "id")[:limit])


def talent_pick(*, user, q: str, limit: int = 20) -> list[Talent]:
    """People for a picker: an administrator anyone (linking an account, filtering the audit trail), an officer
    the people of their scope (raising a ticket on someone's behalf); nobody for an empty search."""
    if user and user.is_authenticated and user.role == Role.ADMIN:
        return talent_pick_for_account(user=user, q=q, limit=limit)
    if not normalise_text(q):
        return []
    return list(_matching(talent_visible_to(user), q).only("id", "name", "id_masked", "district")
                .order_by("name", "id")[:limit])


def talent_chosen(*, user, text: str) -> Talent | None:
    """The one person of the officer's scope a picker's choice names ('李明 330106********1234', as the picker
    offers it), or a full ID number; None when it names nobody or several."""
    parts = [normalise_text(p) for p in (text or "").split()]
    qs = talent_visible_to(user)
    if len(parts) == 2 and _query_kind(parts[1])[0] in ("masked", "id", "tail"):
        qs = _matching(qs.filter(name=parts[0]), parts[1])
    elif parts:
        qs = _matching(qs, " ".join(parts))
    else:
        return None
    found = list(qs.order_by("id")[:2])
    return found[0] if len(found) == 1 else None


def talent_ids_for_audit(*, user, text: str, limit: int = 500) -> list[int]:
    """The people an administrator filters the audit trail by: a picker's choice ('李明 330106********1234': the
    name and the masked ID number as shown), a name, or a full or masked ID number; across districts."""
    if not (user and user.is_authenticated and user.role == Role.ADMIN) or not normalise_text(text):
        return []
    parts = [normalise_text(p) for p in text.split()]  # normalise_text drops spaces: split first
    if len(parts) == 2 and _query_kind(parts[1])[0] in ("masked", "id", "tail"):
        qs = _matching(Talent.objects.filter(name=parts[0]), parts[1])
    else:
        qs = _matching(Talent.objects.all(), " ".join(parts))
    return list(qs.order_by("id").values_list("id", flat=True)[:limit])


def enterprise_pick(*, user, q: str, limit: int = 20) -> list[Enterprise]:
    """Enterprises by a part of the name or a credit-code prefix, for pickers: administrators (binding an account)
    see all, officers their scope."""
    q = normalise_text(q)
    if not q or not (user and user.is_authenticated and user.role in (Role.ADMIN, Role.OFFICER)):
        return []
    qs = Enterprise.objects.all() if user.role == Role.ADMIN else enterprise_visible_to(user)
    qs = qs.filter(Q(name__contains=q) | Q(credit_code__startswith=q.upper()))
    return list(qs.only("id", "name", "credit_code", "division").order_by("name")[:limit])


def talent_search(*, user, filters: TalentFilters) -> QuerySet[Talent]:
    """Name (prefix), full ID number (exact, through the keyed hash), masked ID as shown on screen
    (330106********1234) or the last four characters; plus structured filters."""
    qs = _matching(talent_visible_to(user), filters.q)
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.division:
        qs = qs.filter(Q(district__startswith=filters.division) | Q(residence_division__startswith=filters.division))
    if filters.university:
        edu = Education.objects.filter(talent=OuterRef("pk"))
        edu = edu.filter(Q(university_code=filters.university) | Q(university_name__contains=filters.university))
        qs = qs.filter(Exists(edu))
    if filters.major:
        qs = qs.filter(Exists(Education.objects.filter(talent=OuterRef("pk"), major_code__startswith=filters.major)))
    if filters.enterprise:
        jobs = Employment.objects.filter(talent=OuterRef("pk"), end_date__isnull=True)
        jobs = jobs.filter(Q(enterprise__credit_code=filters.enterprise.upper()) | Q(enterprise__name__contains=filters.enterprise))
        qs = qs.filter(Exists(jobs))
    return qs.order_by("name", "id")


def talent_detail_for(*, user, pk: int) -> Talent | None:
    return (
        talent_visible_to(user)
        .prefetch_related("educations", "employments__enterprise", "insurance", "corrections")
        .filter(pk=pk)
        .first()
    )


def talent_get_for(*, user, pk: int) -> Talent | None:
    """The person's own row if the user may see it, without the related records ``talent_detail_for`` fetches
    (for a page that shows only the name and masked ID: one query instead of six)."""
    return talent_visible_to(user).filter(pk=pk).first()


def talent_timeline(talent: Talent) -> list[dict]:
    """Education, employment and insurance as one dated list, newest first."""
    events: list[dict] = []
    for e in talent.educations.all():
        events.append({"date": e.graduation_date, "kind": "education", "record": e})
    for j in talent.employments.all():
        events.append({"date": j.start_date, "kind": "employment", "record": j})
    for s in talent.insurance.all():
        events.append({"date": s.from_month, "kind": "insurance", "record": s})
    if talent.arrival_date:
        events.append({"date": talent.arrival_date, "kind": "arrival", "record": None})
    return sorted(events, key=lambda e: e["date"], reverse=True)


def enterprise_staff(enterprise: Enterprise) -> QuerySet[Employment]:
    return (
        Employment.objects.filter(enterprise=enterprise, end_date__isnull=True)
        .select_related("talent")
        .order_by("talent__name")
    )


def enterprise_search(*, user, q: str = "", cluster: str = "") -> QuerySet[Enterprise]:
    qs = enterprise_visible_to(user)
    q = normalise_text(q)
    if q:
        qs = qs.filter(credit_code=q.upper()) if len(q) == 18 and q[:2].isalnum() and q.isascii() else qs.filter(name__contains=q)
    if cluster:
        qs = qs.filter(cluster=cluster)
    return qs.order_by("name")


def talent_by_id_number(text: str) -> Talent | None:
    """Resident ID first (validated, normalised), then passport; through the keyed look-up hash only."""
    lookups = []
    try:
        lookups.append(talent_id_lookup(id_type=IdType.RESIDENT_ID, id_number=parse_resident_id(text).number))
    except IdentityError:
        pass
    try:
        lookups.append(talent_id_lookup(id_type=IdType.PASSPORT, id_number=normalise_passport(text)))
    except IdentityError:
        pass
    return Talent.objects.filter(id_lookup__in=lookups).first() if lookups else None
