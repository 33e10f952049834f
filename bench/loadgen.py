"""A small open-loop HTTP load generator, run as its own process by bench/run.py.

Each scenario is a list of requests (method, path, cookie, body); worker threads pick
requests at the target rate for a bounded time and record each latency. Only 127.0.0.1.
"""

import argparse
import http.client
import json
import random
import statistics
import threading
import time


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run(spec: dict) -> dict:
    port, duration, rate, threads = spec["port"], spec["duration"], spec["rate"], spec["threads"]
    requests = spec["requests"]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    tagged: dict[
        str, list[tuple[float, int]]
    ] = {}  # a mixed scenario reports each kind of request apart
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    interval = threads / rate if rate else 0.0

    def worker(seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        next_at = time.monotonic() + rnd.random() * interval
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            if interval and now < next_at:
                time.sleep(next_at - now)
            req = rnd.choice(requests)
            headers = {
                "Cookie": req["cookie"],
                "Connection": "keep-alive",
                **req.get("headers", {}),
            }
            body = req.get("body")
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                conn.request(req["method"], req["path"], body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if req.get("tag"):
                    tagged.setdefault(req["tag"], []).append((elapsed, status))
            next_at += interval
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    t0 = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.monotonic() - t0
    result = summary(latencies, statuses, wall)
    if tagged:
        result["by_tag"] = {
            tag: summary([ms for ms, _s in rows], _count(s for _ms, s in rows), wall)
            for tag, rows in tagged.items()
        }
    return result


def _count(statuses) -> dict[int, int]:
    counted: dict[int, int] = {}
    for status in statuses:
        counted[status] = counted.get(status, 0) + 1
    return counted


def summary(latencies: list[float], statuses: dict[int, int], wall: float) -> dict:
    return {
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "statuses": statuses,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("spec", help="JSON file with port, duration, rate, threads, requests")
    args = parser.parse_args()
    with open(args.spec) as fh:
        spec = json.load(fh)
    print(json.dumps(run(spec)))
