"""Latency benchmark on the demo school: `make bench` (or `.venv/bin/python bench/run.py`).

Builds the demo school if the database has none, serves the app with gunicorn on
127.0.0.1, and drives each scenario from a second process (bench/loadgen.py) for a bounded
time. Figures go to bench/results/latest.json and bench/results/latest.md. This machine is
noisy: the figures are for comparison between runs, not assertions in tests.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# The sessions made here must verify on the server, which runs with this key.
os.environ.setdefault("SECRET_KEY", "bench-only")
# Production settings refuse to start without a key for special-category data (a valid
# Fernet key: 32 bytes, url-safe base64); the benchmark reads none of that data.
os.environ.setdefault("SPECIAL_DATA_KEYS", "YmVuY2gtb25seS1zcGVjaWFsLWRhdGEta2V5LTAwMDE=")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from bench.scenarios import SCENARIOS, BenchContext  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        # The sessions were signed here (BenchContext.prepare): the server must share the key.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Production settings need DATABASE_URL: name the database this process uses (the
        # embedded server's socket directory when DATABASE_URL is unset).
        "DATABASE_URL": os.environ.get("DATABASE_URL") or _database_url(),
    }
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_WORKERS"] = str(workers)
    env["GUNICORN_THREADS"] = str(threads)
    env["GUNICORN_ACCESSLOG"] = ""  # an access log line per request would be measured too
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


LOAD_BEFORE = Path("/proc/loadavg").read_text().split()[:3]


def _fragment_keys(kind: str):
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    return client.scan_iter(match=f"*:{kind}:*", count=1000)


def _forget_fragments(kind: str) -> int:
    """Drop the rendered fragments of `kind` (e.g. diary-week) so the scenario starts cold."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for key in list(_fragment_keys(kind)):
        client.delete(key)
    return 0


def _count_fragments(kind: str) -> int:
    return sum(1 for _ in _fragment_keys(kind))


def worker_rss_mb(master_pid: int) -> float | None:
    """The resident memory of the largest gunicorn worker (after the scenarios ran)."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return round(max(sizes), 1) if sizes else None


def run_scenario(port: int, scenario) -> dict:
    spec = {
        "port": port,
        "duration": scenario.duration,
        "rate": scenario.rate,
        "threads": scenario.threads,
        "requests": scenario.requests,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(spec, fh)
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "loadgen.py"), fh.name],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(fh.name)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()

    ctx = BenchContext.prepare()
    subprocess.run(  # the static-file ceiling is served from STATIC_ROOT
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod"},
    )
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    results = {}
    failures: list[str] = []
    try:
        wait_for(port)
        for make in SCENARIOS:
            scenario = make(ctx, args.duration)
            if scenario is None or (args.only and scenario.name not in args.only.split(",")):
                continue
            if scenario.cold:  # an honest hit rate: no page rendered before the run
                fragments_before = _forget_fragments(scenario.cold)
            else:
                run_scenario(port, scenario.warmup())  # warm caches and connections
            results[scenario.name] = {"target_rps": scenario.rate, **run_scenario(port, scenario)}
            if scenario.cold:
                built = _count_fragments(scenario.cold) - fragments_before
                served = results[scenario.name]["statuses"].get(scenario.expected_status, 0)
                results[scenario.name]["cache_hit_rate"] = round(1 - built / max(1, served), 3)
            print(f"{scenario.name:32} {results[scenario.name]}", flush=True)
            failed = {
                code: n
                for code, n in results[scenario.name]["statuses"].items()
                if code != scenario.expected_status
            }
            if failed:
                failures.append(f"{scenario.name}: {failed}")
        rss = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    # A write measured in-process: one letter to every parent, one INSERT of the copies.
    from bench.mail_send import NAME as MAIL_SEND
    from bench.mail_send import measure_mail_send

    mail_send = None
    if not args.only or MAIL_SEND in args.only.split(","):
        mail_send = measure_mail_send()
        print(f"{MAIL_SEND:32} {mail_send}", flush=True)

    RESULTS.mkdir(exist_ok=True)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "worker_rss_mb": rss,
        "loadavg_before": LOAD_BEFORE,
        "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
        "duration_s": args.duration,
        "students": ctx.student_count,
    }
    (RESULTS / "latest.json").write_text(
        json.dumps(
            {"meta": meta, "results": results, "mail_send": mail_send}, indent=2, ensure_ascii=False
        )
    )
    lines = [
        f"# Benchmark {meta['date']}",
        "",
        f"{meta}",
        "",
        "| scenario | target req/s | req/s | median ms | p95 ms | p99 ms | statuses | hit rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['target_rps']} | {r['throughput_rps']} | {r['median_ms']} | {r['p95_ms']} "
            f"| {r['p99_ms']} | {r['statuses']} | {r.get('cache_hit_rate', '')} |"
        )
        for tag, t in r.get("by_tag", {}).items():  # a mixed scenario: each kind of request apart
            lines.append(
                f"| {name} · {tag} | | {t['throughput_rps']} | {t['median_ms']} | {t['p95_ms']} "
                f"| {t['p99_ms']} | {t['statuses']} |"
            )
    if mail_send:
        lines += [
            "",
            f"{MAIL_SEND} (in-process, rolled back): {mail_send['recipients']} recipients, "
            f"median {mail_send['median_ms']} ms, max {mail_send['max_ms']} ms, "
            f"{mail_send['queries']} queries, {mail_send['delivery_inserts']} INSERT of the copies",
        ]
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print(f"written to {RESULTS / 'latest.md'}")
    if failures:
        # A page that answers a redirect or an error measures nothing: say so loudly.
        sys.exit("Not every answer was the expected one:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
