"""The Django side of bench/web.py, run in its own process on the bench's database (talentpool.settings.prod):

    python bench/web_prepare.py prepare   # once per built demo: the records some pages need and the demo lacks
    python bench/web_prepare.py targets   # prints JSON: each listed page's URL, status and SQL queries per request

``prepare`` adds, through the services (as the demo logins): an eligibility run of the officer's district, twenty
approved lines in a payment batch, an import with one rejected row, a draft of a shipped policy (by the city
officer, whose scope owns the shipped policies), an objection of the ``talent`` login and an open-API partner of
the ``hr`` login's enterprise (its key is kept in TALENTPOOL_HOME for the partner's reads). A step that fails is
reported and skipped: the pages that need its record are then reported as missing, not measured.

``targets`` requests every page of tests/factories/pages.py twice with Django's test client, signed in as its
role, and counts the SQL queries of each request with ``CaptureQueriesContext``: the second request is the figure
(the first also fills per-process caches such as the reference names), both are printed.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

HOST = "127.0.0.1"
KEY_FILE = "bench-partner-key"
IMPORT_ROWS = (
    "姓名,证件类型,证件号码,性别,出生日期,手机号,邮箱,户籍地,居住地,来区日期,人才层次\n"
    "陈思远,居民身份证,330106199805170113,男,1998-05-17,13800138001,,330106,330106,2024-07-01,\n"
    "林晓雨,居民身份证,330106199903020229,女,1999-03-02,13800138002,,330106,330106,2024-07-01,\n"
)


def _step(name: str, fn) -> None:
    try:
        print(f"{name}: {fn()}")
    except BaseException as exc:  # a rejected import exits 1 by design; any failure only skips its pages
        if isinstance(exc, KeyboardInterrupt):
            raise
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        print(f"{name}: skipped ({detail})")


def prepare() -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from talentpool.accounts.models import User
    from talentpool.eligibility.models import Channel, Entitlement, Status
    from talentpool.eligibility.services import objection_raise
    from talentpool.payments.models import BatchStatus
    from talentpool.payments.services import batch_approve, batch_create, entitlements_approve
    from talentpool.policies.models import PolicyVersion
    from talentpool.policies.services import policy_draft_create
    from talentpool.recruitment.services.partners import partner_create
    from talentpool.registry.models import Talent

    home = Path(os.environ["TALENTPOOL_HOME"])
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["officer", "service", "city", "admin", "hr", "talent"])}
    officer = users["officer"]

    def run() -> str:
        call_command("eligibility", "run", "--as-of", today.isoformat(), "--district", officer.scope_division,
                     stdout=open(os.devnull, "w"))
        return f"{Entitlement.objects.count():,} ledger lines"

    def batch() -> str:
        ids = list(Entitlement.objects.filter(
            status=Status.CANDIDATE, district__startswith=officer.scope_division, review_required=False,
            channel=Channel.BANK_TRANSFER, amount__gt=0, talent__bank_account__isnull=False,
        ).order_by("pk").values_list("pk", flat=True)[:20])
        entitlements_approve(actor=officer, ids=ids)
        made = batch_create(actor=officer, ids=ids)
        if made.status != BatchStatus.READY:  # above the two-person amount: a second officer of the district
            made = batch_approve(actor=users["service"], batch_id=made.pk)
        return f"batch {made.number} of {len(ids)} lines, {made.status}"

    def import_job() -> str:
        path = home / "bench-import.csv"
        path.write_text("\ufeff" + IMPORT_ROWS, encoding="utf-8")
        try:
            call_command("import", "talents", str(path), "--user", "officer", stdout=open(os.devnull, "w"))
        except SystemExit as exc:  # exit status 1: some rows rejected, which is what the error pages need
            if exc.code != 1:
                raise
            return "one row rejected, as meant"
        return "every row accepted (the error pages will have nothing to show)"

    def draft() -> str:
        version = PolicyVersion.objects.filter(status="published").order_by("policy__code").first()
        made = policy_draft_create(actor=users["city"], version=version)
        return f"draft {made.pk} of {version.policy.code}"

    def objection() -> str:
        version = PolicyVersion.objects.filter(status="published").order_by("policy__code").first()
        talent = Talent.objects.get(user=users["talent"])
        objection_raise(talent=talent, policy_code=version.policy.code, message="我认为我符合条件", as_of=today)
        return f"objection to {version.policy.code}"

    def partner() -> str:
        made, key = partner_create(actor=users["admin"], name="bench partner",
                                   enterprise_id=users["hr"].enterprise_id, scopes=["jobs:read", "candidates:read"])
        (home / KEY_FILE).write_text(key)
        (home / KEY_FILE).chmod(0o600)
        return f"partner {made.pk}"

    for name, fn in (("eligibility run", run), ("payment batch", batch), ("import", import_job),
                     ("policy draft", draft), ("objection", objection), ("partner", partner)):
        _step(name, fn)
    # the maps and KPI pages read the columnar snapshot: build it once the records above exist
    _step("insights snapshot", lambda: call_command("kpi", "--refresh", stdout=open(os.devnull, "w")) or "built")


def targets() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from factories.pages import DEMO_LOGINS, PAGES, demo_ids

    from talentpool.accounts.models import User

    home = Path(os.environ["TALENTPOOL_HOME"])
    key = (home / KEY_FILE).read_text().strip() if (home / KEY_FILE).exists() else None
    ids = demo_ids()
    users = {role: User.objects.get(username=name) for role, name in DEMO_LOGINS.items()}
    clients: dict[str, Client] = {}
    out = []
    for page in PAGES:
        url = page.url(ids)
        entry = {"label": page.label, "role": page.role, "route": page.route, "url": url}
        out.append(entry)
        if url is None:
            missing = sorted(n for n in page.needs if ids.get(n) is None)
            entry["note"] = f"no {', '.join(missing)} in the demo"
            continue
        client = clients.get(page.role)
        if client is None:
            client = clients[page.role] = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https",
                                                 HTTP_X_FORWARDED_FOR=HOST, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if page.role in users:
                client.force_login(users[page.role], backend="talentpool.accounts.backends.AccountBackend")
        headers = {"X-Partner-Key": key} if page.role == "partner" and key else {}
        with CaptureQueriesContext(connection) as first:
            client.get(url, headers=headers)
        with CaptureQueriesContext(connection) as steady:
            response = client.get(url, headers=headers)
        entry.update(status=response.status_code, queries_first=len(first), queries=len(steady))
    print(json.dumps({"pages": out, "logins": DEMO_LOGINS, "partner_key": key}, ensure_ascii=False))


def main() -> None:
    import django

    django.setup()
    {"prepare": prepare, "targets": targets}[sys.argv[1]]()


if __name__ == "__main__":
    main()
