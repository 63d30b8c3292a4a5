import logging
import os
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.prod")
application = get_wsgi_application()

# imported once Django is set up by the line above
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from talentpool.api import api  # noqa: E402
from talentpool.engines.policy import explain  # noqa: E402
from talentpool.policies.selectors import policy_version_compiled, policy_versions_applicable  # noqa: E402

log = logging.getLogger("talentpool.wsgi")


def warm_caches() -> None:
    """Fill each worker's per-process caches before it serves (the first hit after a restart would otherwise pay
    them): the OpenAPI document in both languages, and every published policy version that may judge someone
    today parsed, compiled and run once through DuckDB (which also opens the worker's explanation connection).
    That is the versions in force and the earlier ones whose entitlements arose under them (a talent's page
    explains those too: parsing their YAML alone made its first hit 1 s). Best effort: a database that is not
    ready yet only leaves the caches to fill on first use."""
    started = time.perf_counter()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            api.get_openapi_schema()
    try:
        today = timezone.localdate()
        for row, doc in policy_versions_applicable(today):
            explain(doc, {}, today, compiled=policy_version_compiled(row, today))
    except Exception:  # noqa: BLE001 - a worker must start even when the database is not there yet
        log.warning("policy caches not warmed", exc_info=True)
    finally:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()  # the worker opens its own connection on its first request
    log.info("caches warmed in %.1f s", time.perf_counter() - started)


if os.environ.get("TALENTPOOL_WARM_CACHES", "1") == "1":
    warm_caches()
