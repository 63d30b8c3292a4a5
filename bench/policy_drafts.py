"""Time the policy draft workflow's requests on a built demo district, through Django's test client.

    TALENTPOOL_HOME=DIR DJANGO_SETTINGS_MODULE=talentpool.settings.dev .venv/bin/python bench/policy_drafts.py \
        [--code hz-graduate-living] [--profile OUT.prof]

DIR holds a district built by ``talentpool demo --talents N`` (after ``reference load`` and ``policies sync``);
the run changes it (a draft is made and published), so time a copy. As the ``city`` login: POST the parameter
form (one amount raised), GET the draft page, wait for the draft's background checks, POST "ask to publish", and
as ``city2`` approve. Prints each request's status and seconds; with --profile, the draft creation and publish
request are profiled into OUT.prof.<step>.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings.dev")


def timed(label: str, fn, profile: str | None):
    prof = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if prof:
        prof.enable()
    response = fn()
    if prof:
        prof.disable()
        prof.dump_stats(f"{profile}.{label}")
    seconds = time.perf_counter() - started
    print(f"{label:<16} {response.status_code}  {seconds:6.2f} s")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", default="hz-graduate-living")
    parser.add_argument("--profile")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the background checks")
    parser.add_argument("--rounds", type=int, default=2, help="draft and publish this many times in one process")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from talentpool.accounts.models import User

    city, city2 = Client(), Client()
    city.force_login(User.objects.get(username="city"))
    city2.force_login(User.objects.get(username="city2"))
    url = reverse("policies:draft-create", args=[args.code])
    for round_ in range(1, args.rounds + 1):
        print(f"round {round_}{' (a fresh process: caches cold)' if round_ == 1 else ''}")
        _round(args, city, city2, url, _form(args.code, round_))


def _form(code: str, round_: int) -> dict[str, str]:
    """The parameter form as a browser posts it: every row of the first amount, and a new raise from a later date
    (the test cases, dated earlier, still pass)."""
    from talentpool.policies.models import PolicyVersion
    from talentpool.policies.selectors import policy_version_document

    base = PolicyVersion.objects.filter(policy__code=code, status="published").order_by("-version").first()
    doc = policy_version_document(base)
    name, param = next((n, p) for n, p in doc.parameters.items() if p.type == "money")
    last = param.values[-1]
    start = dt.date(2030 + round_, 1, 1)
    post = {f"p-{name}-{i}-{k}": v for i, item in enumerate(param.values)
            for k, v in (("from", item.start.isoformat()), ("value", str(item.value)))}
    post.update({f"p-{name}-{len(param.values)}-from": start.isoformat(),
                 f"p-{name}-{len(param.values)}-value": str(last.value + 1000)})
    print(f"{code} v{base.version}: {name} {last.value} -> {last.value + 1000} from {start}")
    return post


def _round(args, city, city2, url, post) -> None:
    from django.urls import reverse

    from talentpool.policies.models import PolicyApproval, PolicyVersion

    try:
        from talentpool.policies.checks import latest_check
    except ImportError:  # before the checks ran in a task (to time the old code the same way)
        def latest_check(draft):
            return None

    timed("form GET", lambda: city.get(url), None)
    made = timed("draft create", lambda: city.post(url, post), args.profile)
    assert made.status_code == 302, made.content[:500]
    draft = PolicyVersion.objects.filter(policy__code=args.code, status="draft").order_by("-version").first()
    timed("draft page", lambda: city.get(reverse("policies:draft-detail", args=[draft.pk])), None)
    started = time.perf_counter()
    check = latest_check(draft)
    while check is not None and check.status in ("pending", "running") and time.perf_counter() - started < args.wait:
        time.sleep(0.1)
        check.refresh_from_db()
    if check is not None:
        print(f"{'checks (task)':<16} {check.status:<5} {time.perf_counter() - started:6.2f} s after the draft page "
              f"({check.total} steps)")
    timed("publish ask", lambda: city.post(reverse("policies:draft-publish", args=[draft.pk]), {"reason": "bench"}),
          args.profile)
    approval = PolicyApproval.objects.filter(version=draft, status="pending").first()
    if approval is None:
        print("no approval waiting: the publish request was refused")
        return
    timed("approve", lambda: city2.post(reverse("policies:approval-approve", args=[approval.pk])), args.profile)
    draft.refresh_from_db()
    print(f"draft v{draft.version}: {draft.status}")

if __name__ == "__main__":
    main()
