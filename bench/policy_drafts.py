"""Time the policy draft workflow's requests on a demo district, through Django's test client.

    .venv/bin/python bench/policy_drafts.py [--talents 20000] [--home DIR] [--code hz-graduate-living]
                                            [--rounds 2] [--profile OUT.prof] [--smoke]

Builds a demo district (``migrate``, ``reference load``, ``policies sync``, ``talentpool demo --talents N``) in a
temporary home, or uses --home DIR, a home that already holds one (the run changes it: a draft is made and
published, so time a copy). As the ``city`` login: POST the parameter form (one amount raised), GET the draft
page, wait for the draft's background checks, POST "ask to publish", and as ``city2`` approve. Prints each
request's status and seconds; with --profile, the draft creation and publish request are profiled into
OUT.prof.<step>.

Baseline, measured in the same run: the draft's checks themselves (the published set, the test cases, the what-if
budget over every talent), which the requests ran inline before they moved into a task; the ratio is what the
officer no longer waits for: checks / (draft create + publish ask).

``--smoke``: a 300-talent district and one round (proof the bench works; bench/_smoke.py).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _smoke import seeded_home

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
    TIMES.setdefault(label, []).append(seconds)
    return response


TIMES: dict[str, list[float]] = {}


def _build(home: Path, talents: int) -> None:
    env = dict(os.environ, TALENTPOOL_HOME=str(home), DJANGO_SETTINGS_MODULE="talentpool.settings.dev")
    tp = [sys.executable, "-m", "talentpool"]
    for cmd in (["migrate", "-v", "0"], ["reference", "load"], ["policies", "sync"],
                ["demo", "--talents", str(talents), "-v", "0"]):
        subprocess.run(tp + cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", default="hz-graduate-living")
    parser.add_argument("--profile")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the background checks")
    parser.add_argument("--rounds", type=int, default=2, help="draft and publish this many times in one process")
    parser.add_argument("--talents", type=int, default=20_000)
    parser.add_argument("--home", help="existing TALENTPOOL_HOME with a demo district (skips the build; changed)")
    parser.add_argument("--smoke", action="store_true", help="300 talents, one round")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.rounds = 300, 1
        args.home = args.home or seeded_home("tp-bench-drafts-", demo=True)
    home = Path(args.home or tempfile.mkdtemp(prefix="tp-bench-drafts-"))
    if not args.home:
        started = time.perf_counter()
        _build(home, args.talents)
        print(f"built a {args.talents:,}-talent demo district in {time.perf_counter() - started:.0f} s at {home}")
    os.environ["TALENTPOOL_HOME"] = str(home)

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
    _summary()


def _summary() -> None:
    def median(label: str) -> float:
        values = sorted(TIMES.get(label, [0.0]))
        return values[len(values) // 2]

    waited = median("draft create") + median("publish ask")
    checks = median("checks (task)")
    print(f"median: draft create {median('draft create'):.2f} s, publish ask {median('publish ask'):.2f} s, "
          f"approve {median('approve'):.2f} s")
    print(f"baseline (same run): the checks these requests ran inline before: {checks:.2f} s; "
          f"ratio checks / (create + publish ask) {checks / max(waited, 1e-6):.1f}x")


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
        seconds = time.perf_counter() - started
        TIMES.setdefault("checks (task)", []).append(seconds)
        print(f"{'checks (task)':<16} {check.status:<5} {seconds:6.2f} s after the draft page "
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
