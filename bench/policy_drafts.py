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
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from talentpool.accounts.models import User
    from talentpool.policies.models import PolicyApproval, PolicyVersion
    from talentpool.policies.selectors import policy_version_document

    city, city2 = Client(), Client()
    city.force_login(User.objects.get(username="city"))
    city2.force_login(User.objects.get(username="city2"))
    base = PolicyVersion.objects.filter(policy__code=args.code, status="published").order_by("-version").first()
    doc = policy_version_document(base)
    name, param = next((n, p) for n, p in doc.parameters.items() if p.type == "money")
    last = param.values[-1]
    post = {f"p-{name}-{i}-from": v.start.isoformat() for i, v in enumerate(param.values)}
    post.update({f"p-{name}-{i}-value": str(v.value) for i, v in enumerate(param.values)})
    post[f"p-{name}-{len(param.values) - 1}-value"] = str(last.value + 1)
    print(f"{args.code} v{base.version}: {name} {last.value} -> {last.value + 1} from {last.start}")

    url = reverse("policies:draft-create", args=[args.code])
    timed("form GET", lambda: city.get(url), None)
    made = timed("draft create", lambda: city.post(url, post), args.profile)
    draft = PolicyVersion.objects.filter(policy__code=args.code, status="draft").order_by("-version").first()
    timed("draft page", lambda: city.get(reverse("policies:draft-detail", args=[draft.pk])), None)
    started = time.perf_counter()
    check = getattr(draft, "check_state", lambda: None)
    while check() not in (None, "passed", "failed") and time.perf_counter() - started < args.wait:
        time.sleep(0.2)
        draft.refresh_from_db()
    if check() is not None:
        print(f"{'checks (task)':<16} {check():<5} {time.perf_counter() - started:6.2f} s after the redirect")
    assert made.status_code == 302, made.content[:500]
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
