"""Server time of the hot pages without HTTP or load: the WSGI application called in-process.

    .venv/bin/python bench/inprocess.py [--only diary-week,...] [--n 300] [--profile]

Each scenario sends the same requests as bench/scenarios.py (the same sessions and paths)
straight into `config.wsgi.application`, one after the other in one thread, and prints the
mean milliseconds and queries per request. Unlike the HTTP figures it is stable on a loaded
machine (it measures CPU spent, not queueing), so designs can be compared while others run.
`--profile` prints the top of a cProfile of each scenario (cumulative time).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench import scenarios  # noqa: E402
from config.wsgi import application  # noqa: E402


def environ_for(req: dict) -> dict:
    path, _, query = req["path"].partition("?")
    body = (req.get("body") or "").encode()
    env = {
        "REQUEST_METHOD": req["method"],
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": req["cookie"],
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    if body:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    for name, value in req.get("headers", {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(req: dict) -> str:
    status = []
    body = application(environ_for(req), lambda s, h, *a: status.append(s))
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return status[0].split()[0]


def requests_of(ctx, name: str) -> tuple[list[dict], str]:
    for make in scenarios.SCENARIOS:
        scenario = make(ctx, 1.0)
        if scenario is not None and scenario.name == name:
            return scenario.requests, scenario.expected_status
    raise SystemExit(f"no scenario {name!r}")


def measure(reqs: list[dict], n: int, expected: str, profile: bool) -> dict:
    for req in reqs[: min(len(reqs), 20)]:
        call(req)  # warm connections, caches, imports
    profiler = cProfile.Profile() if profile else None
    statuses: dict[str, int] = {}
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.process_time()
        wall = time.perf_counter()
        if profiler:
            profiler.enable()
        for i in range(n):
            status = call(reqs[i % len(reqs)])
            statuses[status] = statuses.get(status, 0) + 1
        if profiler:
            profiler.disable()
        cpu = time.process_time() - started
        wall = time.perf_counter() - wall
    result = {
        "cpu_ms": round(cpu / n * 1000, 2),
        "wall_ms": round(wall / n * 1000, 2),
        "queries": round(len(executed) / n, 2),
        "statuses": statuses,
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        result["profile"] = out.getvalue()
    return result


DEFAULT = [
    "diary week many parents",
    "diary week 304",
    "journal grid views",
    "trivial page (ceiling)",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(DEFAULT))
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    ctx = scenarios.BenchContext.prepare()
    for name in args.only.split(","):
        try:
            reqs, expected = requests_of(ctx, name)
        except SystemExit as missing:
            print(missing)
            continue
        result = measure(reqs, args.n, expected, args.profile)
        profile = result.pop("profile", None)
        print(f"{name:40} {result}", flush=True)
        if profile:
            print(profile)


if __name__ == "__main__":
    main()
