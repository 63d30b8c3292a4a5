import gc
import logging
import os
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.prod")
application = get_wsgi_application()

# imported once Django is set up by the line above
from pathlib import Path  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.template import TemplateDoesNotExist, TemplateSyntaxError  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from talentpool.api import api  # noqa: E402
from talentpool.eligibility.selectors import eligibility_for_talent, fact_labels  # noqa: E402
from talentpool.eligibility.verdicts import verdicts_cache_clear  # noqa: E402
from talentpool.engines.matching import MatchIndex  # noqa: E402, F401 (jieba, bm25s: loaded now, not on a first hit)
from talentpool.engines.policy import explain  # noqa: E402
from talentpool.policies.selectors import policy_version_compiled, policy_versions_applicable  # noqa: E402
from talentpool.registry.models import Talent  # noqa: E402

log = logging.getLogger("talentpool.wsgi")


def _templates_compile() -> int:
    """Every template of the project parsed once (the cached template loader keeps them): the first render of a
    page otherwise pays ~100 ms compiling its template, the base and the includes."""
    done = 0
    for folder in Path(__file__).resolve().parent.rglob("templates"):
        for path in folder.rglob("*.html"):
            try:
                get_template(path.relative_to(folder).as_posix())
                done += 1
            except (TemplateDoesNotExist, TemplateSyntaxError):
                log.warning("template %s not compiled", path, exc_info=True)
    return done


def _verdicts_once(today) -> None:
    """One real person's verdicts computed end to end (facts read through the registry's Arrow reader, their
    ledger, every policy explained on their facts, the fact labels): what a talent's first visit would otherwise
    pay on top of their own explanations (~100 ms: the CSV reader's and DuckDB's first use with real rows). The
    cache is emptied afterwards: the warm-up leaves nobody's verdicts behind (``eligibility.verdicts``)."""
    talent = Talent.objects.order_by("pk").first()
    if talent is not None:
        eligibility_for_talent(talent=talent, as_of=today)
        verdicts_cache_clear()
    fact_labels()


def warm_caches() -> None:
    """Fill each worker's per-process caches before it serves (the first hit after a restart would otherwise pay
    them): the OpenAPI document in both languages, every template compiled, every published policy version that
    may judge someone today parsed, compiled and run once through DuckDB (which also opens the worker's
    explanation connection), and one person's verdicts end to end. The versions are those in force and the earlier
    ones whose entitlements arose under them (a talent's page explains those too: parsing their YAML alone made
    its first hit 1 s). Best effort: a database that is not ready yet only leaves the caches to fill on first
    use."""
    started = time.perf_counter()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            api.get_openapi_schema()
    compiled = _templates_compile()
    try:
        today = timezone.localdate()
        for row, doc in policy_versions_applicable(today):
            explain(doc, {}, today, compiled=policy_version_compiled(row, today))
        _verdicts_once(today)
    except Exception:  # noqa: BLE001 - a worker must start even when the database is not there yet
        log.warning("policy caches not warmed", exc_info=True)
    finally:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()  # the worker opens its own connection on its first request
    log.info("caches warmed in %.1f s (%s templates)", time.perf_counter() - started, compiled)


if os.environ.get("TALENTPOOL_WARM_CACHES", "1") == "1":
    warm_caches()

# What is loaded by now (Django, the URLconf, every template, the compiled policies) lives as long as the worker:
# frozen out of the garbage collector's generations, so the collections that each request's allocations trigger no
# longer walk it (about a tenth of a kept page's CPU, measured in process).
gc.freeze()
