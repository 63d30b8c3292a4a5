"""The database side of the matching engine: documents from the models, and this process's live index.

**Documents.** A talent is indexed when it has a job profile or has applied somewhere: résumé, declared skills,
the highest degree of its education records (``DEGREE_RANK``), the major of its latest education, years of
experience (the profile's figure, or else the union of its employment periods), the industries of its employers,
and the profile's wishes and consent. Every job is indexed (drafts too, so an enterprise can preview candidates);
it is *open* for talents while its status is open, it is not hidden and its deadline has not passed.

**One index per process, kept current without rebuilds.** A page or an API call never builds an index: at
20,000 talents a build outlasts a gunicorn worker's timeout, and a killed worker would start it again forever.
Requests use ``LiveIndex.ready_index``, which loads the saved index (``$TALENTPOOL_HOME/matching/index``, written
by the build task, ``talentpool match rebuild`` and the demo) or answers that there is none; the caller then asks
for the background build (``tasks.match_index_build_enqueue``, at most one at a time across processes through a
marker file) and tells the person that recommendations are being prepared. The CLI and tests may build in process
(``match_index``). Services
record each changed talent or job as a ``MatchChange`` row in the same transaction as the change, and after the
commit this process applies it at once (``index_sync``), so a saved job or profile is searchable immediately.

Other processes (several gunicorn workers, the CLI) converge through the same log: before every query a process
reads the rows it has not seen — ``id > last seen`` plus a few *gap* ids — in one indexed query, and upserts or
removes those documents. Gaps cover ids that were allocated but not yet committed when a later id was read
(PostgreSQL sequences are not transactional); a gap is re-asked for five minutes, then forgotten (its transaction
rolled back). A ``kind="all"`` row (written by the demo generator and the build task after bulk changes) makes
every process load the saved index once it is newer; until then a serving process keeps answering from the index it
has (a request never rebuilds). When the local date changes, open jobs whose deadline just passed are re-indexed as
closed. Registry imports ask for a build when they finish (``tasks``); other changes made outside the services
reach the index with the next ``talentpool match rebuild``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.core.errors import ApplicationError
from talentpool.engines import matching as engine  # MatchIndex read when used: the CLI need not load jieba
from talentpool.engines.matching import DEGREE_RANKS, JobDoc, TalentDoc
from talentpool.registry.models import Education, Employment

from .models import Application, ChangeKind, Job, JobProfile, JobStatus, MatchChange
from .ranking_cache import rankings_clear

if TYPE_CHECKING:
    from talentpool.engines.matching import MatchIndex

GAP_SECONDS = 300.0
"""How long an id skipped in the change log is asked for again (an uncommitted transaction's change)."""
SAVED_MAX_AGE = dt.timedelta(days=7)
"""A saved index older than this is not loaded (the change log is pruned after this long)."""
CHUNK = 5000
BUILD_CLAIM_SECONDS = 900.0
"""A build asked for less than this long ago (by any process) is not asked for again; an older claim is taken to
be a build that died with its process."""
RETRY_AFTER_SECONDS = 30


class IndexPreparing(ApplicationError):
    """No match index is ready in this process yet; a background task is building it (503, retry later)."""

    status = 503

    def __init__(self) -> None:
        super().__init__(_("Recommendations are being prepared. Please come back in a minute."),
                         code="index_preparing", extra={"retry_after": RETRY_AFTER_SECONDS})


def matching_dir() -> Path:
    return Path(getattr(settings, "TALENTPOOL_MATCHING_DIR", None) or Path(settings.HOME_DIR) / "matching")


# --- documents --------------------------------------------------------------------------------------------------


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _years_from(periods: list[tuple[dt.date, dt.date | None]], today: dt.date) -> float:
    """Years covered by the union of the employment periods (overlaps count once), up to today."""
    spans = sorted((start, min(end or today, today)) for start, end in periods if start and start <= today)
    days, current_start, current_end = 0, None, None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None:
                days += (current_end - current_start).days
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        days += (current_end - current_start).days
    return round(days / 365.25, 1)


def indexed_talent_ids() -> list[int]:
    """Talents that belong in the index: those with a job profile or an application."""
    ids = set(JobProfile.objects.values_list("talent_id", flat=True))
    ids.update(Application.objects.values_list("talent_id", flat=True).distinct())
    return sorted(ids)


def talent_docs(talent_ids: Iterable[int], *, today: dt.date | None = None,
                only_indexed: bool = True) -> list[TalentDoc]:
    """Documents of these talents (those without a profile or application are left out when ``only_indexed``)."""
    today = today or timezone.localdate()
    out: list[TalentDoc] = []
    for chunk in _chunks(sorted(set(talent_ids))):
        profiles = {p.talent_id: p for p in JobProfile.objects.filter(talent_id__in=chunk)}
        applied = set(Application.objects.filter(talent_id__in=chunk).values_list("talent_id", flat=True))
        degree: dict[int, int] = defaultdict(int)
        major: dict[int, str] = {}
        for tid, deg, code in (Education.objects.filter(talent_id__in=chunk)
                               .order_by("talent_id", "graduation_date", "id")
                               .values_list("talent_id", "degree", "major_code")):
            degree[tid] = max(degree[tid], DEGREE_RANKS.get(deg, 0))
            if code:
                major[tid] = code  # the latest education's major wins
        periods: dict[int, list] = defaultdict(list)
        industries: dict[int, list[str]] = defaultdict(list)
        positions: dict[int, list[str]] = defaultdict(list)
        for tid, start, end, industry, position in (
                Employment.objects.filter(talent_id__in=chunk).order_by("talent_id", "start_date")
                .values_list("talent_id", "start_date", "end_date", "enterprise__industry_code", "position")):
            periods[tid].append((start, end))
            if industry and industry not in industries[tid]:
                industries[tid].append(industry)
            if position and position not in positions[tid]:
                positions[tid].append(position)
        for tid in chunk:
            profile = profiles.get(tid)
            if only_indexed and profile is None and tid not in applied:
                continue
            text = profile.resume if profile and profile.resume else "、".join(positions.get(tid, []))
            years = (float(profile.years_experience) if profile and profile.years_experience is not None
                     else _years_from(periods.get(tid, []), today))
            out.append(TalentDoc(
                id=tid,
                text=text,
                skills=list(profile.skills) if profile else [],
                degree_rank=degree.get(tid, 0),
                major_code=major.get(tid, ""),
                years_experience=years,
                desired_occupations=list(profile.desired_occupations) if profile else [],
                desired_divisions=list(profile.desired_divisions) if profile else [],
                salary_min=profile.salary_min if profile else None,
                salary_max=profile.salary_max if profile else None,
                industry_codes=industries.get(tid, []),
                consent=bool(profile and profile.consent_search),
            ))
    return out


def job_is_open(*, status: str, hidden: bool, deadline: dt.date | None, today: dt.date) -> bool:
    return status == JobStatus.OPEN and not hidden and (deadline is None or deadline >= today)


_JOB_COLUMNS = ("id", "title", "description", "skills", "occupation_code", "min_degree", "accepted_majors",
                "min_years", "salary_min", "salary_max", "division", "enterprise__industry_code", "status", "hidden",
                "deadline")


def _job_doc(row: dict, today: dt.date) -> JobDoc:
    return JobDoc(
        id=row["id"],
        title=row["title"],
        text=row["description"],
        skills=list(row["skills"] or []),
        occupation_code=row["occupation_code"],
        min_degree_rank=DEGREE_RANKS.get(row["min_degree"], 0),
        accepted_majors=list(row["accepted_majors"] or []),
        min_years=float(row["min_years"] or 0),
        salary_min=row["salary_min"],
        salary_max=row["salary_max"],
        division_code=row["division"],
        industry_code=row["enterprise__industry_code"] or "",
        open=job_is_open(status=row["status"], hidden=row["hidden"], deadline=row["deadline"], today=today),
    )


def job_docs(job_ids: Iterable[int] | None = None, *, today: dt.date | None = None) -> list[JobDoc]:
    """Documents of these jobs (every job when ``job_ids`` is None)."""
    today = today or timezone.localdate()
    if job_ids is None:
        return [_job_doc(row, today) for row in Job.objects.order_by("id").values(*_JOB_COLUMNS).iterator(2000)]
    out = []
    for chunk in _chunks(sorted(set(job_ids))):
        out += [_job_doc(row, today) for row in Job.objects.filter(pk__in=chunk).values(*_JOB_COLUMNS)]
    return out


# --- the change log ---------------------------------------------------------------------------------------------


def changes_record(kind: str, ids: Iterable[int]) -> None:
    """Note changed talents or jobs (inside the writing transaction); this process applies them after commit."""
    rows = [MatchChange(kind=kind, object_id=int(i)) for i in dict.fromkeys(ids)]
    if rows:
        MatchChange.objects.bulk_create(rows)
        transaction.on_commit(index_sync)


def rebuild_requested() -> None:
    """Ask every process to reload or rebuild its index (after bulk loads that bypassed the services)."""
    MatchChange.objects.create(kind=ChangeKind.ALL)


def build_claim() -> bool:
    """Claim the one background build (a marker file beside the saved index, created atomically, so several web
    processes asking at once enqueue one task). False while another claim is younger than
    ``BUILD_CLAIM_SECONDS``."""
    marker = matching_dir() / "build.claimed"
    marker.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(2):
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                if time.time() - marker.stat().st_mtime < BUILD_CLAIM_SECONDS:
                    return False
                marker.unlink()  # a build that died with its process
            except FileNotFoundError:
                pass  # released meanwhile: claim again
            continue
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return True
    return False


def build_release() -> None:
    (matching_dir() / "build.claimed").unlink(missing_ok=True)


def changes_prune(*, older_than: dt.timedelta = SAVED_MAX_AGE) -> int:
    deleted, _rows = MatchChange.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted


# --- the live index ------------------------------------------------------------------------------------------------


@dataclass
class Watermark:
    seen: int = 0                         # every id up to here was applied, except the gaps
    gaps: dict[int, float] | None = None  # id → when it was first missed (time.time())

    def to_json(self) -> dict:
        return {"seen": self.seen, "gaps": sorted(self.gaps or {})}


def _watermark_now() -> Watermark:
    """Where the log stands now: its last id, and the ids below it missing among the recent rows."""
    recent = set(MatchChange.objects.filter(at__gte=timezone.now() - dt.timedelta(seconds=GAP_SECONDS))
                 .values_list("id", flat=True))
    top = MatchChange.objects.aggregate(m=Max("id"))["m"] or 0
    now = time.time()
    gaps = {i: now for i in range(min(recent), top) if i not in recent} if recent else {}
    return Watermark(top, gaps)


@dataclass(frozen=True)
class BuildInfo:
    talents: int
    jobs: int
    seconds: float
    source: str  # "database" or "saved"


class LiveIndex:
    """A ``MatchIndex`` kept current with the database through the change log (see the module docstring)."""

    def __init__(self, directory: Path | None = None, *, load_saved: bool = True):
        self._directory = directory
        self._load_saved = load_saved
        self._index: MatchIndex | None = None
        self._mark = Watermark(0, {})
        self._day: dt.date | None = None
        self._lock = threading.RLock()
        self._built_empty = False
        self._wanted_after: int | None = None  # a rebuild request (log id) not met yet: load a newer saved index
        self._needs_build = False  # a request found the index stale or missing: a build should be asked for
        self.last_build: BuildInfo | None = None

    @property
    def directory(self) -> Path:
        return self._directory or matching_dir()

    @property
    def built(self) -> bool:
        return self._index is not None

    def _set(self, index: MatchIndex, mark: Watermark, day: dt.date) -> None:
        self._index, self._mark, self._day = index, mark, day
        self._built_empty = index.talent_count + index.job_count == 0
        self._wanted_after, self._needs_build = None, False

    def index(self) -> MatchIndex:
        """The index, caught up with the database (built or loaded on first use). Builds in this thread: for the
        CLI and tests; requests use ``ready_index``."""
        with self._lock:
            if self._index is None or self._needs_build:
                self._start(after=self._wanted_after or 0)
            self.sync()
            return self._index

    def ready_index(self) -> tuple[MatchIndex | None, bool]:
        """For requests: the index caught up with the change log, never built here (a saved one may be loaded,
        which is quick). Returns the index (None when there is none yet) and whether a build should be asked for
        (none, or the one served is older than a rebuild request)."""
        with self._lock:
            if self._index is None and not self._load(self._wanted_after or 0):
                self._needs_build = True
                return None, True
            self.sync(build=False)
            return self._index, self._needs_build

    def _load(self, after: int) -> bool:
        clock = time.perf_counter()
        if not (self._load_saved and self._try_load(after)):
            return False
        self.last_build = BuildInfo(self._index.talent_count, self._index.job_count, time.perf_counter() - clock,
                                    "saved")
        return True

    def sync(self, *, build: bool = True) -> int:
        """Apply the changes not seen yet (one query when there are none); returns how many were applied. With
        ``build=False`` (requests, the after-commit hook) a rebuild request that no saved index meets yet leaves
        the index served as it is, marked as needing a build."""
        with self._lock:
            if self._index is None:
                return 0
            if self._wanted_after is not None:
                self._load(self._wanted_after)  # the build task has saved it meanwhile?
            mark = self._mark
            now = time.time()
            wanted = Q(id__gt=mark.seen)
            if mark.gaps:
                wanted |= Q(id__in=list(mark.gaps))
            rows = list(MatchChange.objects.filter(wanted).order_by("id").values_list("id", "kind", "object_id"))
            found = {r[0] for r in rows}
            for i in found:
                mark.gaps.pop(i, None)
            top = max(found | {mark.seen})
            for i in range(mark.seen + 1, top):
                if i not in found:
                    mark.gaps[i] = now
            mark.seen = top
            for i in [i for i, at in mark.gaps.items() if now - at > GAP_SECONDS]:
                del mark.gaps[i]
            if any(kind == ChangeKind.ALL for _i, kind, _o in rows):
                after = max(i for i, kind, _o in rows if kind == ChangeKind.ALL)
                if build:
                    self._start(after=after)
                    return len(rows)
                if self._load(after):
                    return len(rows)
                self._wanted_after, self._needs_build = after, True  # serve what we have meanwhile
            if rows and self._built_empty:
                # An index built from nothing has no vocabulary, and the engine cannot search a delta on top of
                # it: build afresh (there is little to read) instead of upserting, or ask for a build.
                if build:
                    self._start(after=rows[-1][0], load=False)
                else:
                    self._wanted_after, self._needs_build = rows[-1][0], True
                return len(rows)
            talents = {o for _i, kind, o in rows if kind == ChangeKind.TALENT}
            jobs = {o for _i, kind, o in rows if kind == ChangeKind.JOB}
            today = timezone.localdate()
            if self._day is not None and today != self._day:
                jobs.update(Job.objects.filter(status=JobStatus.OPEN, deadline__lt=today, deadline__gte=self._day)
                            .values_list("pk", flat=True))
            self._day = today
            if talents:
                docs = {d.id: d for d in talent_docs(talents, today=today)}
                for tid in talents:
                    if tid in docs:
                        self._index.upsert_talent(docs[tid])
                    else:
                        self._index.remove_talent(tid)
            if jobs:
                docs = {d.id: d for d in job_docs(jobs, today=today)}
                for jid in jobs:
                    if jid in docs:
                        self._index.upsert_job(docs[jid])
                    else:
                        self._index.remove_job(jid)
            return len(rows)

    def _start(self, *, after: int = 0, load: bool = True) -> None:
        """Load the saved index when it is recent and has seen the log up to ``after``; else build."""
        clock = time.perf_counter()
        if load and self._load(after):
            return
        mark = _watermark_now()  # before reading: a change made while building is applied again afterwards
        index = engine.MatchIndex.build(talent_docs(indexed_talent_ids()), job_docs())
        self._set(index, mark, timezone.localdate())
        self.last_build = BuildInfo(index.talent_count, index.job_count, time.perf_counter() - clock, "database")

    def _try_load(self, after: int) -> bool:
        path = self.directory / "index"
        try:
            meta = json.loads((path / "watermark.json").read_text(encoding="utf-8"))
            saved_at = dt.datetime.fromisoformat(meta["saved_at"])
        except (OSError, ValueError, KeyError):
            return False
        if (timezone.now() - saved_at > SAVED_MAX_AGE or meta["seen"] < after
                or not _same_database(meta.get("database", ""))):
            return False  # too old, older than a rebuild request, or saved from another database
        # (the log's top is asked only now: a worker waiting for a rebuild tries each request, and the saved index
        # is usually still the old one)
        if meta["seen"] > (MatchChange.objects.aggregate(m=Max("id"))["m"] or 0):
            return False  # saved from another database whose log is longer
        try:
            index = engine.MatchIndex.load(path, mmap=True)
        except (OSError, ValueError):
            return False
        now = time.time()
        self._set(index, Watermark(int(meta["seen"]), {int(i): now for i in meta.get("gaps", [])}),
                  dt.date.fromisoformat(meta["day"]))
        return True

    def rebuild(self, *, save: bool = True) -> BuildInfo:
        """Build from the database now (and save it for other processes to load). The build runs outside the
        lock, so the requests of this process keep being answered from the index they have meanwhile."""
        clock = time.perf_counter()
        mark = _watermark_now()  # before reading: a change made while building is applied again afterwards
        today = timezone.localdate()
        index = engine.MatchIndex.build(talent_docs(indexed_talent_ids(), today=today), job_docs(today=today))
        if save:
            _save(self.directory, index, mark, today)
        with self._lock:
            self._set(index, mark, today)
            self.last_build = BuildInfo(index.talent_count, index.job_count, time.perf_counter() - clock,
                                        "database")
            return self.last_build

    def save(self) -> Path:
        """Write the index and its watermark to ``<dir>/index``."""
        with self._lock:
            return _save(self.directory, self._index, self._mark, self._day)


def _save(directory: Path, index: MatchIndex, mark: Watermark, day: dt.date) -> Path:
    """Write an index and its watermark to ``<dir>/index`` (through a temporary directory and a rename, so a
    process loading at the same time reads either the old or the new one)."""
    target = directory / "index"
    temp = directory / f"index.tmp-{os.getpid()}-{threading.get_ident()}"
    if temp.exists():
        shutil.rmtree(temp)
    index.save(temp)
    meta = mark.to_json() | {"saved_at": timezone.now().isoformat(), "day": day.isoformat(),
                             "database": _database_name(), "talents": index.talent_count, "jobs": index.job_count}
    (temp / "watermark.json").write_text(json.dumps(meta), encoding="utf-8")
    old = directory / f"index.old-{os.getpid()}-{threading.get_ident()}"
    if target.exists():
        target.rename(old)
    temp.rename(target)
    if old.exists():
        shutil.rmtree(old)
    return target


def _database_name() -> str:
    """The database as named, not where it is reached: the same database behind another address (a new port, a
    moved server, the bench's throwaway cluster started on a free port) keeps its saved index."""
    db = settings.DATABASES["default"]
    return f"{db['ENGINE']}:{db['NAME']}"


def _same_database(saved: str) -> bool:
    """Whether a saved watermark's database is this one; indexes saved before the address was left out of the
    name wrote ``ENGINE:HOST:PORT:NAME``."""
    db = settings.DATABASES["default"]
    return saved == _database_name() or (saved.startswith(f"{db['ENGINE']}:") and saved.endswith(f":{db['NAME']}")
                                         and saved.count(":") >= 3)


_live = LiveIndex()


def live_index() -> LiveIndex:
    return _live


def match_index() -> MatchIndex:
    """This process's index, current with the database."""
    return _live.index()


def index_sync() -> None:
    """Apply committed changes now if this process has an index (called after each service's commit, inside a
    request: it never builds)."""
    if _live.built:
        _live.sync(build=False)


def index_reset(directory: Path | None = None, *, load_saved: bool = True) -> LiveIndex:
    """Forget this process's index and the rankings kept from it (tests; a new database)."""
    global _live
    rankings_clear()
    _live = LiveIndex(directory, load_saved=load_saved)
    return _live


# --- explanations for people -----------------------------------------------------------------------------------


def match_reasons(explanation: dict, *, limit: int = 4) -> list[str]:
    """The strongest parts of a match in words: matched terms, fitting codes and skills, and any near miss."""
    contributions = explanation.get("contributions", {})
    terms = explanation.get("matched_terms", [])[:6]
    components = explanation.get("components", {})
    job_view = components.get("job", {})
    talent_view = components.get("talent", {})
    out: list[tuple[float, str]] = []
    for name, value in contributions.items():
        if value <= 0.005:
            continue
        if name == "bm25":
            if terms:
                out.append((value, _("Words in common: %(terms)s") % {"terms": "、".join(terms)}))
        elif name == "major":
            fit = job_view.get("major", 0.0)
            if fit >= 0.99:
                out.append((value, _("The major is one the job accepts")))
            elif fit > 0.5:
                out.append((value, _("The major is in an accepted class")))
            elif fit > 0.0 and fit != 0.5:
                out.append((value, _("The major is in an accepted category")))
        elif name == "occupation":
            fit = talent_view.get("occupation", 0.0)
            if fit >= 0.99:
                out.append((value, _("The occupation is one the talent wants")))
            elif fit > 0.5:
                out.append((value, _("The occupation is close to one the talent wants")))
        elif name == "skills":
            if max(job_view.get("skills", 0.0), talent_view.get("skills", 0.0)) > 0.5:
                out.append((value, _("Skills in common")))
        elif name == "industry":
            if talent_view.get("industry", 0.0) > 0.5:
                out.append((value, _("Experience in the same industry")))
    reasons = [text for _v, text in sorted(out, key=lambda x: -x[0])[:limit]]
    for note in explanation.get("notes", []):
        reasons.append(_note_text(note))
    return reasons


def _note_text(note: dict) -> str:
    constraint = note.get("constraint", "")
    if note.get("status") == "tight":
        if constraint == "experience":
            return _("Experience only just meets the minimum")
        if constraint == "salary":
            return _("The salary ranges only just overlap")
        return _("%(constraint)s only just met") % {"constraint": constraint}
    if constraint == "degree":
        return _("Almost: one degree level below the minimum")
    if constraint == "experience":
        return _("Almost: %(years)s years short of the experience asked for") % {"years": f"{-note['margin']:g}"}
    if constraint == "salary":
        return _("Almost: the salary ranges are %(gap)s yuan apart") % {"gap": f"{-note['margin']:,.0f}"}
    if constraint == "place":
        return _("Almost: the place is in the same province as one wanted")
    return str(note.get("message", ""))
