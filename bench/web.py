"""Every page and API read of each role, under gunicorn, on a demo district.

    .venv/bin/python bench/web.py [--talents 400000] [--db sqlite|postgresql] [--home DIR] [--seconds 5]
                                  [--connections 16] [--json FILE] [--smoke] [--only REGEX]

What it does, in a throwaway TALENTPOOL_HOME (or --home DIR, kept and reused between runs):

1. the database: SQLite in the home, or (--db postgresql) a throwaway PostgreSQL 15 cluster in DIR/pgdata on a
   free loopback port, started like scripts/test does and stopped at the end (kept with --home, so a built demo
   is reused);
2. the demo, once per home: migrate, collectstatic, reference data, shipped policies, ``talentpool demo
   --talents N``, then what the demo lacks for some pages: an eligibility run, a payment batch, an import with a
   rejected row, a policy draft, an objection and an open-API partner (``--prepare`` steps, in bench/web_prepare.py);
3. the production server: ``gunicorn talentpool.wsgi:application`` with the command of docs/operations.md (2 sync
   workers, --max-requests 20000) and ``talentpool.settings.prod`` with its documented environment, on 127.0.0.1.
   Requests carry ``X-Forwarded-Proto: https`` and ``X-Forwarded-For`` as nginx sets them, so the HTTPS redirect
   and secure cookies behave as behind the proxy;
4. signs in as each role through the login page (demo logins, password demo12345; the partner sends its key);
5. per page of tests/factories/pages.py: one GET for its status, then ``wrk`` (16 connections, --seconds each,
   loopback only) for req/s, p50 and p99; /healthz first, as the ratio's baseline in the same run, and again (1 s)
   before every page: each page's ratio is to the mean of /healthz just before and just after it, since this
   machine's speed drifts by half within minutes (``--health-every N`` re-measures before every Nth page only);
6. SQL queries per request: counted in a separate process on the same database with Django's test client under
   ``CaptureQueriesContext``, second request of each page (the first warms per-process caches; both counts are
   kept), so the figure is what each request of the load costs. A signed-in GET that writes nothing is served
   from the worker's kept responses after its first request (``core.pagecache``): its steady figure is the user
   load plus one count of writes (2), and its first figure is what making it costs (plus that count);
7. first hit after a restart: gunicorn is restarted (its workers report ready through a ``post_worker_init``
   hook) and the page's first request is timed; with ``--first-hit each`` (default) a restart per page, with
   ``once`` one restart and the pages in list order (then the first page also pays for the shared warm-up).

Prints a table (req/s, p50, p99, ratio to /healthz, queries, first hit) and writes it as JSON with --json.
``--smoke`` is a 300-talent district, 1 s per page and one restart: proof the command works.
wrk comes from Debian (``apt-get install wrk``, done here when missing and running as root).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
PASSWORD = "demo12345"
BUILT = "bench-web-built.json"
HEALTH_SECONDS = 1.0
"""/healthz is measured again (for this long) before every page (``--health-every``, default 1), and each page's
ratio is to the mean of the measurements just before and just after it."""


@dataclass
class Result:
    label: str
    role: str
    route: str
    url: str | None
    status: int | None = None
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    ratio: float | None = None
    errors: int = 0
    queries: int | None = None
    queries_first: int | None = None
    first_hit_ms: float | None = None
    note: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _talentpool(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talentpool", *args], env=env, check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk")
    print("installing wrk (Debian package)")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    return shutil.which("wrk") or "wrk"


@contextlib.contextmanager
def database(kind: str, home: Path):
    """Yields the DATABASE_URL: SQLite in the home, or a throwaway PostgreSQL 15 cluster under home/pgdata."""
    if kind == "sqlite":
        yield f"sqlite:///{home / 'talentpool.sqlite3'}"
        return
    data = home / "pgdata"
    root = os.geteuid() == 0

    def as_pg(*cmd: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run((["runuser", "-u", "postgres", "--"] if root else []) + list(cmd), check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)

    fresh = not (data / "PG_VERSION").exists()
    if fresh:
        data.mkdir(parents=True, exist_ok=True)
        if root:
            os.chmod(home, 0o755)
            shutil.chown(data, "postgres", "postgres")
        as_pg(str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8")
    port = _free_port()
    as_pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w", "-t", "60", "-o",
          f"-p {port} -k {data} -c listen_addresses={HOST}", "start")
    try:
        if fresh:
            as_pg(str(PG_BIN / "createdb"), "-h", HOST, "-p", str(port), "-U", "postgres", "talentpool")
        yield f"postgres://postgres@{HOST}:{port}/talentpool"
    finally:
        as_pg(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


def production_env(home: Path, database_url: str, port: int) -> dict[str, str]:
    """talentpool.settings.prod with the environment of docs/operations.md; keys made once per home."""
    keys_file = home / "bench-keys.json"
    if not keys_file.exists():
        def key() -> str:
            return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        keys_file.write_text(json.dumps({"secret": secrets.token_urlsafe(50), "data": key(), "lookup": key()}))
        keys_file.chmod(0o600)
    keys = json.loads(keys_file.read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TALENTPOOL_", "DATABASE_URL"))}
    env.update({
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT / "tests"),
                                                    os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "talentpool.settings.prod",
        "DJANGO_SECRET_KEY": keys["secret"],
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "600",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{port}",
        "TALENTPOOL_HOME": str(home),
        "TALENTPOOL_DATA_KEY": keys["data"],
        "TALENTPOOL_LOOKUP_KEY": keys["lookup"],
        "TALENTPOOL_BEHIND_PROXY": "1",
        "TALENTPOOL_SITE_URL": f"https://{HOST}:{port}",
        "DJANGO_HSTS_SECONDS": "3600",
    })
    return env


MATCH_INDEX_FRESH_SECONDS = 3 * 86400
# prints "behind" when the change log asks for a rebuild the saved match index has not seen
INDEX_BEHIND = (
    "import json; from django.db.models import Max; from talentpool.recruitment.models import ChangeKind, MatchChange; "
    "from talentpool.recruitment.matching import matching_dir; p = matching_dir() / 'index' / 'watermark.json'; "
    "seen = json.loads(p.read_text())['seen'] if p.exists() else -1; "
    "top = MatchChange.objects.filter(kind=ChangeKind.ALL).aggregate(m=Max('id'))['m'] or 0; "
    "print('behind' if top > seen else 'current')")
"""A reused home's saved match index older than this is rebuilt before measuring (it expires after 7 days)."""
INSIGHTS_FRESH_SECONDS = 1800  # INSIGHTS_MAX_AGE (one hour) less the half hour a run may take


def _snapshot_age(home: Path) -> float:
    """Seconds since the home's insights snapshot was built (infinite when there is none)."""
    try:
        root = home / "insights"
        meta = json.loads((root / (root / "current").read_text().strip() / "meta.json").read_text())
        return time.time() - dt.datetime.fromisoformat(meta["built_at"]).timestamp()
    except (FileNotFoundError, ValueError, KeyError):
        return float("inf")


def build_demo(env: dict[str, str], home: Path, talents: int, db: str) -> None:
    """Migrate, load and generate the demo district once per home (a marker file remembers what was built)."""
    marker = home / BUILT
    want = {"talents": talents, "db": db}
    if marker.exists() and json.loads(marker.read_text()) == want:
        print(f"reusing the demo district in {home} ({talents:,} talents, {db})")
        for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
            _talentpool(env, *step)  # the code may have new migrations or static files since the build
        saved = home / "matching"
        newest = max((f.stat().st_mtime for f in saved.rglob("*")), default=0.0) if saved.exists() else 0.0
        behind = _talentpool(env, "shell", "-c", INDEX_BEHIND).stdout.strip().endswith("behind")
        if time.time() - newest > MATCH_INDEX_FRESH_SECONDS or behind:
            # the workers load a saved index only while it is recent (recruitment.matching.SAVED_MAX_AGE) and has
            # seen the change log's last rebuild request (an import asks for one; the build it enqueues dies with
            # the command that ran it here); no task worker runs here to rebuild it, so an old home would answer
            # 503 on the recommendation pages, and a home behind a request would serve its old index on each
            # request while asking for a build, which a gunicorn worker would then run in a thread mid-measurement
            step = time.perf_counter()
            _talentpool(env, "match", "rebuild")
            print(f"  talentpool match rebuild: {time.perf_counter() - step:.0f} s")
        if _snapshot_age(home) > INSIGHTS_FRESH_SECONDS:
            # a page reading a snapshot older than INSIGHTS_MAX_AGE enqueues its rebuild, which the default task
            # backend runs in a thread of the gunicorn worker: at 400,000 talents that build took the CPU from
            # every page measured after /insights/early-warning/ (p99 0.9-1.1 s for pages of 15-30 ms)
            step = time.perf_counter()
            _talentpool(env, "kpi", "--refresh")
            print(f"  talentpool kpi --refresh: {time.perf_counter() - step:.0f} s")
        return
    if marker.exists() or (db == "sqlite" and (home / "talentpool.sqlite3").exists()):
        raise SystemExit(f"{home} holds another build ({marker.read_text() if marker.exists() else '?'}): "
                         "use another --home")
    started = time.perf_counter()
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"],
                 ["reference", "load"], ["policies", "sync"], ["demo", "--talents", str(talents), "-v", "0"]):
        step = time.perf_counter()
        _talentpool(env, *args)
        print(f"  talentpool {' '.join(args[:3])}: {time.perf_counter() - step:.0f} s")
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "web_prepare.py"), "prepare"], env=env, text=True,
                         check=True, stdout=subprocess.PIPE).stdout
    print("  " + out.strip().replace("\n", "\n  "))
    if _talentpool(env, "shell", "-c", INDEX_BEHIND).stdout.strip().endswith("behind"):  # the prepared import
        step = time.perf_counter()
        _talentpool(env, "match", "rebuild")
        print(f"  talentpool match rebuild: {time.perf_counter() - step:.0f} s")
    marker.write_text(json.dumps(want))
    print(f"built the demo district ({talents:,} talents, {db}) in {time.perf_counter() - started:.0f} s")


class Gunicorn:
    """The production command of docs/operations.md on 127.0.0.1:PORT; a post_worker_init hook writes each
    worker's pid to a file, so ``start`` returns when both workers have loaded the application."""

    def __init__(self, env: dict[str, str], home: Path, port: int, *, recycle: bool = True) -> None:
        self.env, self.home, self.port, self.recycle = env, home, port, recycle
        self.ready = home / "bench-gunicorn-ready"
        self.config = home / "bench-gunicorn.conf.py"
        self.config.write_text(
            "def post_worker_init(worker):\n"
            f"    with open({str(self.ready)!r}, 'a') as f:\n"
            "        f.write(f'{worker.pid}\\n')\n")
        self.proc: subprocess.Popen | None = None

    def start(self) -> float:
        self.ready.write_text("")
        cmd = [str(Path(sys.executable).with_name("gunicorn")), "talentpool.wsgi:application", "-c", str(self.config),
               "--bind", f"{HOST}:{self.port}", "--workers", "2", "--worker-class", "sync", "--timeout", "120",
               "--access-logfile", str(self.home / "bench-access.log"), "--forwarded-allow-ips", HOST,
               "--error-logfile", str(self.home / "bench-gunicorn.log")]
        if self.recycle:
            cmd += ["--max-requests", "20000", "--max-requests-jitter", "10000"]  # docs/operations.md
        started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.home, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        while len(self.ready.read_text().split()) < 2:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.home / 'bench-gunicorn.log'}")
            if time.perf_counter() - started > 120:
                raise SystemExit("gunicorn workers not ready after 120 s")
            time.sleep(0.02)
        return time.perf_counter() - started

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def _request(port: int, path: str, headers: dict[str, str], *, method: str = "GET", body: str | None = None):
    """One request to the bench server; returns (status, headers list, body bytes)."""
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    out = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            out[key.strip()] = rest.split(";", 1)[0]
    return out


def proxy_headers(port: int) -> dict[str, str]:
    """What nginx adds (docs/operations.md): the scheme and the client address."""
    return {"Host": f"{HOST}:{port}", "X-Forwarded-Proto": "https", "X-Forwarded-For": HOST,
            "Accept-Language": "zh-hans"}


def sign_in(port: int, username: str) -> str:
    """Signs in through the login page as a browser would; returns the Cookie header of the session."""
    base = proxy_headers(port)
    status, headers, body = _request(port, "/accounts/login/", base)
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise SystemExit(f"login page answered {status} without a CSRF token")
    form = f"csrfmiddlewaretoken={token.group(1).decode()}&username={username}&password={PASSWORD}"
    status, headers, _ = _request(port, "/accounts/login/", base | {
        "Cookie": f"csrftoken={cookies['csrftoken']}", "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"https://{HOST}:{port}", "Referer": f"https://{HOST}:{port}/accounts/login/"},
        method="POST", body=form)
    session = _cookies(headers).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"signing in as {username} failed: {status}")
    return f"sessionid={session}; csrftoken={cookies['csrftoken']}"


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(wrk: str, port: int, path: str, headers: dict[str, str], *, seconds: float, connections: int) -> dict:
    """wrk on the loopback address for a fixed time; returns req/s, p50, p99 (ms) and the error count."""
    cmd = [wrk, "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "60s",
           "--latency"]
    for name, value in headers.items():
        if name != "Host":
            cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [f"http://{HOST}:{port}{path}"], check=True, text=True, capture_output=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    done = re.search(r"(\d+) requests in", out)
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout)[: ]+(\d+)", out))
    if not done or int(done.group(1)) == 0:  # nothing finished within the window: no figures, not zeros
        return {"rps": None, "p50_ms": None, "p99_ms": None, "errors": errors}
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50_ms": _ms(*p50.groups()) if p50 else None,
            "p99_ms": _ms(*p99.groups()) if p99 else None, "errors": errors}


def page_targets(env: dict[str, str]) -> dict:
    """URLs, statuses and SQL query counts of every listed page, from bench/web_prepare.py in its own process."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "web_prepare.py"), "targets"], env=env, text=True,
                         check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(args, wrk: str, env: dict[str, str], home: Path, port: int) -> list[Result]:
    targets = page_targets(env)
    for t in targets["pages"]:  # a URL with Chinese in its query string goes on the wire percent-encoded
        t["url"] = t["url"] and urllib.parse.quote(t["url"], safe="/?&=%:+,;@")
    if args.only:
        targets["pages"] = [t for t in targets["pages"] if re.search(args.only, t["label"])]
    results = [Result(t["label"], t["role"], t["route"], t["url"], queries=t.get("queries"),
                      queries_first=t.get("queries_first"), note=t.get("note", "")) for t in targets["pages"]]
    server = Gunicorn(env, home, port, recycle=not args.no_recycle)
    boot = server.start()
    print(f"gunicorn up in {boot:.1f} s on {HOST}:{port} (2 workers)")
    try:
        sessions = {role: {"Cookie": sign_in(port, username)} for role, username in targets["logins"].items()}
        sessions["anonymous"] = {}
        sessions["partner"] = {"X-Partner-Key": targets["partner_key"]} if targets.get("partner_key") else {}
        health = run_wrk(wrk, port, "/healthz", proxy_headers(port), seconds=args.seconds,
                         connections=args.connections)
        baselines = [health["rps"]]

        def healthz_again() -> float | None:
            return run_wrk(wrk, port, "/healthz", proxy_headers(port), seconds=min(args.seconds, HEALTH_SECONDS),
                           connections=args.connections)["rps"]

        # each page's ratio is to /healthz measured just before it and just after it (the next page's "before"):
        # this machine's speed drifts by half within minutes, so a baseline taken a few pages earlier skews a ratio
        before = health["rps"]
        measured: list[tuple[Result, float | None]] = []
        for i, r in enumerate(results):
            if r.url is None:
                continue
            if i and args.health_every and i % args.health_every == 0:
                before = healthz_again() or before
                baselines.append(before)
            headers = proxy_headers(port) | sessions.get(r.role, {})
            r.status = _request(port, r.url, headers)[0]
            if r.status != 200:
                r.note = (r.note + f" answered {r.status}").strip()
                continue
            figures = run_wrk(wrk, port, r.url, headers, seconds=args.seconds, connections=args.connections)
            r.rps, r.p50_ms, r.p99_ms, r.errors = (figures["rps"], figures["p50_ms"], figures["p99_ms"],
                                                   figures["errors"])
            if r.rps is None:
                r.note = (r.note + f" no request finished within {args.seconds:g} s").strip()
                continue
            measured.append((r, before))
            print(f"  {r.label:<60} {r.rps:8.1f} req/s  p99 {_fmt(r.p99_ms, '8.1f')} ms", flush=True)
        after = healthz_again() or before
        baselines.append(after)
        for k, (r, base) in enumerate(measured):
            following = measured[k + 1][1] if k + 1 < len(measured) else after
            if args.health_every == 1 and base and following:
                base = (base + following) / 2
            r.ratio = r.rps / base if base else None
        first_hits(server, results, sessions, port, each=args.first_hit == "each")
    finally:
        server.stop()
    every = "page" if args.health_every == 1 else f"{args.health_every} pages"
    drift = (f"re-measured every {every}: {min(baselines):.0f}-{max(baselines):.0f} req/s"
             if len(baselines) > 1 else "")
    return [Result("healthz (baseline)", "anonymous", "core:healthz", "/healthz", status=200,
                   rps=health["rps"], p50_ms=health["p50_ms"], p99_ms=health["p99_ms"], ratio=1.0,
                   errors=health["errors"], note=drift), *results]


def first_hits(server: Gunicorn, results: list[Result], sessions: dict, port: int, *, each: bool) -> None:
    """The time of each page's first request after gunicorn restarted (workers loaded, nothing else warm)."""
    pages = [r for r in results if r.status == 200]
    if not each:
        server.stop()
        server.start()
    for r in pages:
        if each:
            server.stop()
            server.start()
        started = time.perf_counter()
        _request(port, r.url, proxy_headers(port) | sessions.get(r.role, {}))
        r.first_hit_ms = (time.perf_counter() - started) * 1000


def _fmt(value, spec: str) -> str:
    return format(value, spec) if value is not None else "-".rjust(int(spec.split(".")[0].rstrip("dfs")))


def targets(measured: list[Result]) -> str:
    """How many measured pages meet each of issue 12's goals: p99 under 250 ms, at least a quarter of /healthz's
    throughput, a first hit after a restart under 1 s."""
    timed = [r for r in measured if r.first_hit_ms is not None]
    return (f"goals: p99 < 250 ms {sum(r.p99_ms is not None and r.p99_ms < 250 for r in measured)} of {len(measured)}"
            f"; >= 0.25 of /healthz {sum(r.ratio is not None and r.ratio >= 0.25 for r in measured)} of {len(measured)}"
            f"; first hit < 1 s {sum(r.first_hit_ms < 1000 for r in timed)} of {len(timed)}")


def print_table(results: list[Result], args) -> None:
    print(f"\n{'page (role path)':<62} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'SQL':>4} "
          f"{'1st ms':>8}  note")
    for r in results:
        print(f"{r.label[:62]:<62} {_fmt(r.rps, '8.1f')} {_fmt(r.p50_ms, '8.1f')} {_fmt(r.p99_ms, '8.1f')} "
              f"{_fmt(r.ratio, '6.3f')} {_fmt(r.queries, '4d')} {_fmt(r.first_hit_ms, '8.0f')}  "
              f"{(r.note + (f' {r.errors} errors' if r.errors else '')).strip()}")
    measured = [r for r in results[1:] if r.rps]
    if measured:
        slowest = min(measured, key=lambda r: r.rps)
        print(f"\n{len(measured)} of {len(results) - 1} pages measured; slowest: {slowest.label} "
              f"({slowest.rps:.1f} req/s, {slowest.ratio:.3f} of /healthz)")
        print(targets(measured))
    print(f"({args.talents:,} talents, {args.db}, {args.seconds:g} s per page, {args.connections} connections, "
          f"first hit: {args.first_hit})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talents", type=int, default=400_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--home", help="TALENTPOOL_HOME to build in and reuse (default: a temporary one, removed)")
    parser.add_argument("--seconds", type=float, default=5.0, help="load per page (default 5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--first-hit", choices=("each", "once"), default="each",
                        help="restart gunicorn before each page's first hit (each) or once (once)")
    parser.add_argument("--no-recycle", action="store_true",
                        help="leave out --max-requests (production recycles each worker every 20,000-30,000 requests)")
    parser.add_argument("--health-every", type=int, default=1, metavar="N",
                        help="measure /healthz again before every Nth page (default 1: each page's ratio is to the "
                             "mean of /healthz just before and just after it; 0: only at the start)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--only", metavar="REGEX", help="only the pages whose label (role path) matches")
    parser.add_argument("--smoke", action="store_true", help="300 talents, 1 s per page, one restart")
    args = parser.parse_args()
    if args.smoke:
        args.talents, args.seconds, args.first_hit = 300, 1.0, "once"
    wrk = ensure_wrk()
    home = Path(args.home).resolve() if args.home else Path(tempfile.mkdtemp(prefix="tp-bench-web-"))
    home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        with database(args.db, home) as url:
            port = _free_port()
            env = production_env(home, url, port)
            build_demo(env, home, args.talents, args.db)
            results = measure(args, wrk, env, home, port)
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    print_table(results, args)
    print(f"total {time.perf_counter() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "talents": args.talents, "db": args.db, "seconds": args.seconds, "connections": args.connections,
            "first_hit": args.first_hit, "recycle": not args.no_recycle,
            "pages": [asdict(r) for r in results]}, ensure_ascii=False, indent=1))
    failed = [r for r in results if r.url and r.status != 200]
    if failed:
        raise SystemExit(f"{len(failed)} pages did not answer 200: " + ", ".join(r.label for r in failed))


if __name__ == "__main__":
    main()
