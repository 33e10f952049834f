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


def start_server(port: int, workers: int) -> subprocess.Popen:
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
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()

    ctx = BenchContext.prepare()
    port = free_port()
    server = start_server(port, args.workers)
    results = {}
    failures: list[str] = []
    try:
        wait_for(port)
        for make in SCENARIOS:
            scenario = make(ctx, args.duration)
            if scenario is None or (args.only and scenario.name not in args.only.split(",")):
                continue
            run_scenario(port, scenario.warmup())  # warm caches and connections
            results[scenario.name] = {"target_rps": scenario.rate, **run_scenario(port, scenario)}
            print(f"{scenario.name:32} {results[scenario.name]}", flush=True)
            failed = {
                code: n
                for code, n in results[scenario.name]["statuses"].items()
                if code != scenario.expected_status
            }
            if failed:
                failures.append(f"{scenario.name}: {failed}")
    finally:
        server.terminate()
        server.wait(timeout=30)

    RESULTS.mkdir(exist_ok=True)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "gunicorn_workers": args.workers,
        "duration_s": args.duration,
        "students": ctx.student_count,
    }
    (RESULTS / "latest.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False)
    )
    lines = [
        f"# Benchmark {meta['date']}",
        "",
        f"{meta}",
        "",
        "| scenario | target req/s | req/s | median ms | p95 ms | p99 ms | statuses |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['target_rps']} | {r['throughput_rps']} | {r['median_ms']} | {r['p95_ms']} "
            f"| {r['p99_ms']} | {r['statuses']} |"
        )
        for tag, t in r.get("by_tag", {}).items():  # a mixed scenario: each kind of request apart
            lines.append(
                f"| {name} · {tag} | | {t['throughput_rps']} | {t['median_ms']} | {t['p95_ms']} "
                f"| {t['p99_ms']} | {t['statuses']} |"
            )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    print(f"written to {RESULTS / 'latest.md'}")
    if failures:
        # A page that answers a redirect or an error measures nothing: say so loudly.
        sys.exit("Not every answer was the expected one:\n" + "\n".join(failures))


if __name__ == "__main__":
    main()
