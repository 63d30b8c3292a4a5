"""The demo district in the database: reads reference codes, runs the demo engine, bulk-inserts its chunks.

Speed (400,000 talents in well under three minutes on SQLite) comes from four choices, each safe because demo
data can always be regenerated:

- rows go in as plain tuples (``executemany`` on SQLite, ``COPY FROM STDIN`` on PostgreSQL) with explicit
  primary keys for talents and enterprises, so no model instance is built per row (``bulk_create`` would build
  2.2 million of them) and the children can point at their talent at once; the column lists come from the
  models' ``_meta``, so they follow the schema; PostgreSQL's id sequences are moved past the ids afterwards;
- everything is inserted in one transaction, in chunks of 20,000 talents (memory stays bounded);
- on SQLite, ``synchronous=OFF`` and a large page cache during the load: a power cut during the load could
  corrupt the file, which for a demo that ``--reset`` recreates is an acceptable trade (the default
  ``synchronous=NORMAL`` is restored afterwards, and the WAL is checkpointed);
- no ChangeRecord rows: demo data is not a change anyone made.

Every talent's identity columns still come from ``talent_identity_columns`` (real encryption, look-up hash, masks).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from talentpool.accounts.models import Role, User
from talentpool.accounts.services import demo_user_put, demo_users_delete
from talentpool.core.errors import ApplicationError
from talentpool.engines.demo import (
    DemoEnterprise,
    DemoOptions,
    DemoReference,
    TalentChunk,
    TalentGenerator,
    UniversityRef,
    generate_enterprises,
)
from talentpool.reference.models import Division, Industry, Major, Occupation, TaxonomyLevel, University

from .identity import talent_identity_columns
from .models import CorrectionRequest, Education, Employment, Enterprise, InsuranceRecord, Talent

DEMO_PASSWORD = "demo12345"
DEFAULT_DISTRICT = "330106"   # 西湖区
SECOND_DISTRICT = "330110"    # 余杭区
CHUNK_SIZE = 20_000
REGISTRY_MODELS: tuple[type[models.Model], ...] = (InsuranceRecord, Employment, Education, Talent, Enterprise)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    scope: str


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False
    first_talent_id: int = 0  # the demo's talents are numbered from here (the demo talent login is this one)
    message: str = ""


ProgressCallback = Callable[[int, int], None]


# ----- reading ---------------------------------------------------------------------------------------------------
def demo_reference() -> DemoReference:
    """Reference codes from the loaded tables; refuses when ``talentpool reference load`` has not run."""
    counties = list(Division.objects.filter(level="county").values_list("code", flat=True))
    universities = [
        UniversityRef(code=u["code"], name=u["name"], division=u["division"], vocational=u["level"] == "专科",
                      is_985=u["is_985"], is_211=u["is_211"])
        for u in University.objects.values("code", "name", "division", "level", "is_985", "is_211").order_by("code")
    ]
    majors = list(Major.objects.filter(level=TaxonomyLevel.ITEM).values_list("code", flat=True))
    industries = list(Industry.objects.filter(level=TaxonomyLevel.ITEM).values_list("code", flat=True))
    occupations = list(Occupation.objects.filter(level=TaxonomyLevel.ITEM).values_list("code", flat=True))
    missing = [name for name, rows in (("divisions", counties), ("universities", universities), ("majors", majors),
                                       ("industries", industries)) if not rows]
    if missing:
        raise ApplicationError(
            f"reference data missing ({', '.join(missing)}): run `talentpool reference load` first",
            code="reference_missing",
        )
    return DemoReference(counties=sorted(counties), universities=universities, majors=sorted(majors),
                         industries=sorted(industries), occupations=sorted(occupations))


def demo_registry_counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "talents": Talent.objects.count(),
        "educations": Education.objects.count(),
        "employments": Employment.objects.count(),
        "insurance": InsuranceRecord.objects.count(),
        "users": User.objects.count(),
    }


def demo_logins(*, district: str = DEFAULT_DISTRICT) -> list[DemoLogin]:
    """The fixed demo logins (one per role), whatever the seed."""
    second = _second_district(district)
    return [
        DemoLogin("admin", Role.ADMIN, DEMO_PASSWORD, "users, roles, reference data, audit"),
        DemoLogin("officer", Role.OFFICER, DEMO_PASSWORD, f"district {district}, payment officer (bank files)"),
        DemoLogin("officer2", Role.OFFICER, DEMO_PASSWORD, f"district {second}"),
        DemoLogin("service", Role.OFFICER, DEMO_PASSWORD, f"district {district}, one-to-one service officer"),
        # the city's policies (hz-*) are changed by officers of the city, and publishing takes two of them
        DemoLogin("city", Role.OFFICER, DEMO_PASSWORD, f"city {_city(district)} (all its districts): city policies"),
        DemoLogin("city2", Role.OFFICER, DEMO_PASSWORD, f"city {_city(district)}: approves what city asks (four eyes)"),
        DemoLogin("hr", Role.ENTERPRISE, DEMO_PASSWORD, "HR of the first demo enterprise"),
        DemoLogin("talent", Role.TALENT, DEMO_PASSWORD, "a recent graduate (talent 0)"),
    ]


DEMO_USERNAMES = ("admin", "officer", "officer2", "service", "city", "city2", "hr", "talent")


def _city(district: str) -> str:
    """The city a district belongs to: 330106 -> 330100."""
    return district[:4] + "00"


# ----- writing ---------------------------------------------------------------------------------------------------
def demo_generate(
    *,
    talents: int,
    enterprises: int | None = None,
    seed: int = 2023,
    district: str = DEFAULT_DISTRICT,
    as_of: date | None = None,
    reset: bool = False,
    progress: ProgressCallback | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> DemoResult:
    """Fill an empty registry with a demo district and create the demo users.

    On a registry that already holds talents or enterprises nothing is written and ``skipped`` is set, unless
    ``reset`` is given: then the registry and the demo users are deleted first.
    """
    if talents < 1:
        raise ApplicationError("--talents must be at least 1", code="invalid")
    enterprises = max(50, talents // 20) if enterprises is None else enterprises
    if enterprises < 1:
        raise ApplicationError("--enterprises must be at least 1", code="invalid")
    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    if not reset and (Talent.objects.exists() or Enterprise.objects.exists()):
        counts = demo_registry_counts()
        return DemoResult(
            counts=counts, skipped=True,
            logins=[lg for lg in demo_logins(district=district)
                    if User.objects.filter(username=lg.username).exists()],
            message=(f"the registry already holds {counts['talents']:,} talents and {counts['enterprises']:,} "
                     "enterprises: nothing generated (--reset deletes them and generates the demo afresh)"),
        )
    reference = demo_reference()
    if not Division.objects.filter(code=district, level="county").exists():
        raise ApplicationError(f"{district} is not a county-level division in the reference data", code="invalid")
    options = DemoOptions(seed=seed, as_of=as_of, district=district, second_district=_second_district(district))

    with _bulk_load_pragmas():
        with transaction.atomic():
            if reset:
                demo_reset()
            firms = generate_enterprises(enterprises, reference=reference, options=options)
            enterprise_ids = _insert_enterprises(firms)
            generator = TalentGenerator(reference=reference, options=options, enterprises=firms)
            talent_base = (Talent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            inserter = _ChunkInserter(talent_base=talent_base, enterprise_ids=enterprise_ids)
            done = 0
            if progress:
                progress(0, talents)
            for chunk in generator.generate(talents, chunk_size=chunk_size):
                inserter.insert(chunk)
                done += len(chunk.talents)
                if progress:
                    progress(done, talents)
            _reset_sequences()
            logins = _create_demo_users(district=district, talent_id=talent_base, enterprise_id=enterprise_ids[0])
    return DemoResult(counts=demo_registry_counts(), logins=logins, seconds=time.monotonic() - started,
                      first_talent_id=talent_base)


def demo_reset() -> None:
    """Delete the demo users and the whole registry (talents and their records, enterprises).

    Rows of other tables that point at talents or enterprises go the way their foreign key says (cascade or
    set null); a protecting reference (an HR user bound to an enterprise, say) stops the reset with its count.
    """
    with transaction.atomic():
        demo_users_delete(DEMO_USERNAMES)
        own = set(REGISTRY_MODELS)
        for model in (Talent, Enterprise):
            for rel in model._meta.related_objects:
                if rel.related_model in own:
                    continue
                dependents = rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False})
                on_delete = rel.on_delete
                if on_delete is models.CASCADE:
                    dependents.delete()
                elif on_delete is models.SET_NULL:
                    dependents.update(**{rel.field.name: None})
                elif dependents.exists():
                    raise ApplicationError(
                        f"{dependents.count()} {rel.related_model._meta.verbose_name_plural} still refer to "
                        f"{model._meta.verbose_name_plural}: remove them before --reset",
                        code="reset_blocked",
                    )
        Talent.objects.update(spouse=None)
        with connection.cursor() as cursor:
            for model in REGISTRY_MODELS:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _second_district(district: str) -> str:
    return SECOND_DISTRICT if district != SECOND_DISTRICT else DEFAULT_DISTRICT


class _bulk_load_pragmas:
    """SQLite only: no fsync and a 256 MiB page cache while loading; restored on exit. Skipped inside an outer
    transaction (tests), where SQLite refuses to change the safety level."""

    def __enter__(self) -> None:
        self.sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block
        if self.sqlite:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-262144")
                cursor.execute("PRAGMA temp_store=MEMORY")

    def __exit__(self, *exc: object) -> None:
        if self.sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA cache_size=-2000")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _columns(model: type[models.Model], names: list[str]) -> str:
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(model._meta.get_field(n).column) for n in names)
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"


def _insert_enterprises(firms: list[DemoEnterprise]) -> list[int]:
    base = (Enterprise.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    names = ["id", "credit_code", "name", "industry_code", "cluster", "division", "street", "tax_division",
             "founded_on", "size", "created_at", "updated_at"]
    rows = [(base + f.index, f.credit_code, f.name, f.industry_code, f.cluster, f.division, f.street,
             f.tax_division, f.founded_on, f.size, now, now) for f in firms]
    with connection.cursor() as cursor:
        _insert_rows(cursor, _columns(Enterprise, names), rows)
    return [base + f.index for f in firms]


class _ChunkInserter:
    TALENT_FIELDS = ["id", "id_type", "id_number_encrypted", "id_lookup", "id_masked", "id_tail", "name", "gender",
                     "birth_date", "phone", "email", "hukou_division", "residence_division", "district",
                     "arrival_date", "tier", "tier_basis", "tier_date", "honours", "spouse", "owns_property",
                     "property_division", "property_purchase_date", "housing", "created_at", "updated_at"]
    EDUCATION_FIELDS = ["talent", "degree", "full_time", "overseas", "overseas_certified", "university_code",
                        "university_name", "major_code", "graduation_date", "diploma_date"]
    EMPLOYMENT_FIELDS = ["talent", "enterprise", "start_date", "end_date", "position", "occupation_code"]
    INSURANCE_FIELDS = ["talent", "from_month", "to_month", "division", "back_paid"]

    def __init__(self, *, talent_base: int, enterprise_ids: list[int]) -> None:
        self.base = talent_base
        self.enterprise_ids = enterprise_ids
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.honours_field = Talent._meta.get_field("honours")
        self.no_honours = self.honours_field.get_db_prep_save([], connection)
        self.sql = {
            Talent: _columns(Talent, self.TALENT_FIELDS),
            Education: _columns(Education, self.EDUCATION_FIELDS),
            Employment: _columns(Employment, self.EMPLOYMENT_FIELDS),
            InsuranceRecord: _columns(InsuranceRecord, self.INSURANCE_FIELDS),
        }

    def insert(self, chunk: TalentChunk) -> None:
        base, now = self.base, self.now
        talents = []
        for t in chunk.talents:
            ident = talent_identity_columns(id_type=t.id_type, id_number=t.id_number)
            honours = (self.honours_field.get_db_prep_save(t.honours, connection) if t.honours
                       else self.no_honours)
            talents.append((
                base + t.index, ident["id_type"], ident["id_number_encrypted"], ident["id_lookup"],
                ident["id_masked"], ident["id_tail"], t.name, t.gender, t.birth_date, t.phone, t.email,
                t.hukou_division, t.residence_division, t.district, t.arrival_date, t.tier, t.tier_basis,
                t.tier_date, honours, None if t.spouse_index is None else base + t.spouse_index,
                t.owns_property, t.property_division, t.property_purchase_date, t.housing, now, now,
            ))
        educations = [(base + e.talent_index, e.degree, e.full_time, e.overseas, e.overseas_certified,
                       e.university_code, e.university_name, e.major_code, e.graduation_date, e.diploma_date)
                      for e in chunk.educations]
        ids = self.enterprise_ids
        employments = [(base + e.talent_index, ids[e.enterprise_index], e.start_date, e.end_date, e.position,
                        e.occupation_code) for e in chunk.employments]
        insurance = [(base + r.talent_index, r.from_month, r.to_month, r.division, r.back_paid)
                     for r in chunk.insurance]
        with connection.cursor() as cursor:
            for model, rows in ((Talent, talents), (Education, educations), (Employment, employments),
                                (InsuranceRecord, insurance)):
                _insert_rows(cursor, self.sql[model], rows)


def _insert_rows(cursor, sql: str, rows: list[tuple]) -> None:
    """SQLite: ``executemany`` (one prepared statement, the fastest there). PostgreSQL: ``COPY ... FROM STDIN``
    through psycopg, several times faster than statements there. Other databases: ``executemany``."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        head = sql.partition(" VALUES ")[0]
        with cursor.cursor.copy(head.replace("INSERT INTO", "COPY", 1) + " FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    cursor.executemany(sql, rows)


def _reset_sequences() -> None:
    """PostgreSQL: move the id sequences past the explicit ids (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Talent, Enterprise])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _create_demo_users(*, district: str, talent_id: int, enterprise_id: int) -> list[DemoLogin]:
    logins = demo_logins(district=district)
    names = dict(Division.objects.filter(code__in=[district, _second_district(district), _city(district)])
                 .values_list("code", "name"))
    second = _second_district(district)
    password = make_password(DEMO_PASSWORD)  # one hash for all of them: the PBKDF2 rounds are the slow part
    specs = {
        "admin": {"role": Role.ADMIN, "display_name": "系统管理员", "is_staff": True},
        "officer": {"role": Role.OFFICER, "scope_division": district, "is_payment_officer": True,
                    "display_name": f"{names.get(district, district)}人才办"},
        "officer2": {"role": Role.OFFICER, "scope_division": second,
                     "display_name": f"{names.get(second, second)}人才办"},
        "service": {"role": Role.OFFICER, "scope_division": district, "is_service_officer": True,
                    "display_name": f"{names.get(district, district)}人才服务专员"},
        "city": {"role": Role.OFFICER, "scope_division": _city(district),
                 "display_name": f"{names.get(_city(district), _city(district))}人才办"},
        "city2": {"role": Role.OFFICER, "scope_division": _city(district),
                  "display_name": f"{names.get(_city(district), _city(district))}人才办（复核）"},
        "hr": {"role": Role.ENTERPRISE, "enterprise_id": enterprise_id, "display_name": "企业人事"},
        "talent": {"role": Role.TALENT, "display_name": Talent.objects.get(id=talent_id).name},
    }
    for login in logins:
        # a user of that name left without a registry (an earlier demo whose registry was emptied) is reused
        user = demo_user_put(username=login.username, password_hash=password, **specs[login.username])
        if login.username == "talent":
            Talent.objects.filter(id=talent_id).update(user=user)
            # one open correction request, so the officer's queue has something to decide
            CorrectionRequest.objects.get_or_create(talent_id=talent_id, field="phone", defaults={
                "requested_value": "13900000000", "message": "手机号已更换"})
    return logins


def demo_employments_add(rows: list[dict]) -> list[Employment]:
    """Demo hires (recruitment's demo applications that reached 'hired'): certified employments, in order."""
    return Employment.objects.bulk_create([Employment(**row) for row in rows])
