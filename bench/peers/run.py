"""«Журнал» and a peer, RosarioSIS, side by side on this machine: `make bench-peers`.

RosarioSIS (PHP + PostgreSQL, GPL) is a benchmark tool here, never part of this repository:
its code is taken at run time from ROSARIOSIS_SRC (a clone of its public repository, or a
bare git directory of it), exported into var/peers/rosariosis/src and served by the Debian
packages' Apache + mod_php on 127.0.0.1. Its database (ROSARIOSIS_DATABASE, default
rosariosis_bench, on the PostgreSQL of DATABASE_URL) is made from its own rosariosis.sql and
loaded with a school of our demo school's size (bench/peers/rosariosis/make_sql.py).

One run measures, with the same load generator (bench/loadgen.py) and the same rates and
threads, each pair in turn: the trivial page of each stack (the ceiling), our diary week
against its parent grades page, our journal grid against its teacher gradebook. Figures go
to bench/results/peers.{md,json}. See bench/README.md for the set-up and the caveats.
"""

import argparse
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench-only")
# Production settings want the special-data key; the pages measured decrypt nothing.
os.environ.setdefault("SPECIAL_DATA_KEYS", "YmVuY2gtb25seS1zcGVjaWFsLWRhdGEta2V5LTAwMDE=")

from bench import run as bench_run  # noqa: E402  (sets Django up)
from bench import scenarios  # noqa: E402
from bench.scenarios import Scenario  # noqa: E402

PEER_DIR = Path(__file__).resolve().parent / "rosariosis"
WORK = ROOT / "var" / "peers" / "rosariosis"
RESULTS = ROOT / "bench" / "results"
APACHE_WORKERS = 16  # the largest thread count of the scenarios: one keep-alive connection each
PASSWORD = "admin"  # every generated account (make_sql.py)
# RosarioSIS reads the browser's name: without one it logs a PHP warning on every request.
BROWSER = {"User-Agent": "Mozilla/5.0 (bench/peers)"}


def sh(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


# --- the peer's code, database and server -----------------------------------------------------


def export_source(src: Path) -> Path:
    """A work tree of RosarioSIS under var/: from a clone or a bare git directory."""
    dest = WORK / "src"
    if (src / "index.php").exists() and (src / "rosariosis.sql").exists():
        git_dir = src / ".git" if (src / ".git").exists() else None
        if git_dir is None:  # a plain copy: use it as it is
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(src, dest)
            return dest
    else:
        git_dir = src
    commit = sh(
        ["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    stamp = dest / ".bench-commit"
    if stamp.exists() and stamp.read_text() == commit:
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = sh(
        ["git", "--git-dir", str(git_dir), "archive", "--format=tar", commit], capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    stamp.write_text(commit)
    return dest


def pg_params() -> dict:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": str(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
    }


def psql(pg: dict, database: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    cmd = [
        "psql",
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        pg["host"],
        "-p",
        pg["port"],
        "-U",
        pg["user"],
        "-d",
        database,
    ]
    return sh(cmd + list(args), **kwargs)


def load_database(src: Path, pg: dict, database: str) -> dict:
    """Its own schema (rosariosis.sql), then our demo school's size (make_sql.py)."""
    psql(pg, "postgres", "-c", f'DROP DATABASE IF EXISTS "{database}"')
    psql(pg, "postgres", "-c", f'CREATE DATABASE "{database}"')
    psql(pg, database, "-f", str(src / "rosariosis.sql"), stdout=subprocess.DEVNULL)
    data = WORK / "data.sql"
    out = sh(
        [sys.executable, str(PEER_DIR / "make_sql.py"), str(data)], capture_output=True, text=True
    ).stdout
    psql(pg, database, "-f", str(data), stdout=subprocess.DEVNULL)
    return json.loads(out.strip().splitlines()[-1])


def configure(src: Path, pg: dict, database: str, school_year: int) -> None:
    (src / "config.inc.php").write_text(
        "<?php\n// Written by bench/peers/run.py: the benchmark's database on this machine.\n"
        "$DatabaseType = 'postgresql';\n"
        f"$DatabaseServer = '{pg['host']}';\n$DatabasePort = '{pg['port']}';\n"
        f"$DatabaseUsername = '{pg['user']}';\n$DatabasePassword = '';\n"
        f"$DatabaseName = '{database}';\n$DatabaseDumpPath = '';\n$wkhtmltopdfPath = '';\n"
        f"$DefaultSyear = '{school_year}';\n$RosarioNotifyAddress = '';\n$RosarioErrorsAddress = '';\n"
        "$RosarioLocales = [ 'en_US.utf8' ];\n"
    )
    dsn = f"host={pg['host']} port={pg['port']} user={pg['user']} dbname={database}"
    (src / "bench-trivial.php").write_text(
        (PEER_DIR / "trivial.php").read_text().replace("{dsn}", dsn)
    )


def start_apache(docroot: Path, port: int) -> subprocess.Popen:
    run_dir = WORK / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    (run_dir / "sessions").mkdir(parents=True)
    os.chmod(run_dir / "sessions", 0o1777)
    conf = (
        (PEER_DIR / "apache.conf")
        .read_text()
        .format(port=port, run_dir=run_dir, docroot=docroot, workers=APACHE_WORKERS)
    )
    (run_dir / "apache.conf").write_text(conf)
    # A session of its own: Apache's parent signals its whole process group when it stops.
    return subprocess.Popen(
        ["apache2", "-f", str(run_dir / "apache.conf"), "-DFOREGROUND"], start_new_session=True
    )


def server_rss_mb(pids: list[int]) -> float | None:
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        sizes += [
            int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")
        ]
    return round(max(sizes), 1) if sizes else None


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


# --- logging in to the peer, as a browser does ------------------------------------------------


def peer_session(port: int, username: str) -> str:
    """Log in through its form (index.php) and return the session cookie it answers with."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/index.php", headers=BROWSER)
    resp = conn.getresponse()
    resp.read()
    cookie = re.search(r"RosarioSIS=([^;]+)", resp.getheader("Set-Cookie", "")).group(1)
    body = urllib.parse.urlencode({"USERNAME": username, "PASSWORD": PASSWORD})
    conn.request(
        "POST",
        "/index.php",
        body=body,
        headers={
            **BROWSER,
            "Cookie": f"RosarioSIS={cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    resp = conn.getresponse()
    resp.read()
    renewed = re.search(r"RosarioSIS=([^;]+)", resp.getheader("Set-Cookie", "") or "")
    conn.close()
    if resp.status != 302 or renewed is None:
        raise RuntimeError(f"RosarioSIS did not log {username} in (status {resp.status})")
    return f"RosarioSIS={renewed.group(1)}"


def peer_choose(port: int, cookie: str, **field: str) -> None:
    """Choose in the side menu, as its form does (one choice per post): quarter, class, child."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/Side.php?sidefunc=update",
        body=urllib.parse.urlencode(field),
        headers={**BROWSER, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    resp = conn.getresponse()
    resp.read()
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"RosarioSIS refused the choice {field} (status {resp.status})")


def peer_page(port: int, username: str, path: str, quarter: int, **choice: str) -> dict:
    """A logged-in request for `path` with the quarter and the class or child chosen."""
    cookie = peer_session(port, username)
    peer_choose(port, cookie, mp=str(quarter))
    peer_choose(port, cookie, **choice)
    return {"method": "GET", "path": path, "cookie": cookie, "headers": BROWSER}


def check_page(port: int, request: dict, must_contain: list[str], sample: Path) -> None:
    """The page measured is the real one (RosarioSIS answers 200 to a refusal too)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", request["path"], headers={**BROWSER, "Cookie": request["cookie"]})
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    conn.close()
    sample.write_text(body)
    if resp.status != 200 or not all(text in body for text in must_contain):
        raise RuntimeError(f"{request['path']} is not the expected page: see {sample}")


# --- the run ----------------------------------------------------------------------------------


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def cpu_seconds(pid: int) -> float:
    """CPU time of a server: its master, its live workers and the workers it has reaped."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(p: int) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    own = fields(pid)
    total = sum(int(v) for v in own[11:15])  # utime, stime, cutime, cstime
    for child in children(pid):
        try:
            total += sum(int(v) for v in fields(child)[11:13])
        except OSError:
            continue
    return total / tick


class LoadSampler(threading.Thread):
    """The 1-minute load average every two seconds while a scenario runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(2.0):
            self.samples.append(float(loadavg()[0]))

    def summary(self) -> dict:
        self.done.set()
        self.join()
        values = self.samples or [float(loadavg()[0])]
        return {"min": min(values), "mean": round(sum(values) / len(values), 2), "max": max(values)}


# PostgreSQL publishes a busy connection's statistics at most once a second and an idle one's
# within ten: wait that long around a measurement so each window holds its own statements.
PG_STATS_SETTLE_S = 11


def db_stats(database: str) -> tuple[float, int, int]:
    """Statement time (ms), connections and transactions of a database so far."""
    pg = pg_params()
    out = psql(
        pg,
        "postgres",
        "-Atc",
        "SELECT active_time, sessions, xact_commit + xact_rollback FROM pg_stat_database "
        f"WHERE datname = '{database}'",
        capture_output=True,
        text=True,
    ).stdout.split("|")
    return float(out[0]), int(out[1]), int(out[2])


def measure(port: int, server_pid: int, database: str, scenario: Scenario) -> dict:
    bench_run.run_scenario(port, scenario.warmup())
    time.sleep(PG_STATS_SETTLE_S)
    db_before = db_stats(database)
    sampler = LoadSampler()
    cpu_before = cpu_seconds(server_pid)
    sampler.start()
    result = bench_run.run_scenario(port, scenario)
    load = sampler.summary()
    cpu = cpu_seconds(server_pid) - cpu_before
    time.sleep(PG_STATS_SETTLE_S)
    db = [after - before for after, before in zip(db_stats(database), db_before, strict=True)]
    served = max(1, result["requests"])
    return {
        "target_rps": scenario.rate,
        "threads": scenario.threads,
        "loadavg_1min": load,
        # The server's own processes only: PostgreSQL's backends are shared with the machine.
        "server_cpu_ms_per_request": round(1000 * cpu / served, 2),
        # Its own database's statement time (wall time: waiting for a core is in it too),
        # connections opened and transactions (each query is one: both sides autocommit).
        "db_statement_ms_per_request": round(db[0] / served, 2),
        "db_connections_per_request": round(db[1] / served, 2),
        "db_transactions_per_request": round(db[2] / served, 1),
        **result,
    }


def main() -> None:
    import faulthandler
    import signal

    faulthandler.register(signal.SIGTERM, chain=True)  # where a run stopped from outside was
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument(
        "--src",
        default=os.environ.get("ROSARIOSIS_SRC", ""),
        help="RosarioSIS clone or bare git dir (ROSARIOSIS_SRC)",
    )
    parser.add_argument(
        "--database", default=os.environ.get("ROSARIOSIS_DATABASE", "rosariosis_bench")
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="reuse the peer's database of the last run"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads")
    args = parser.parse_args()
    if not args.src:
        sys.exit(
            "Set ROSARIOSIS_SRC to a clone of RosarioSIS (git clone https://github.com/francoisjacquet/rosariosis)."
        )
    if (
        shutil.which("apache2") is None
        or not Path("/usr/lib/apache2/modules/libphp8.2.so").exists()
    ):
        sys.exit(
            "Needs Apache and mod_php: apt-get install apache2 libapache2-mod-php php-pgsql php-mbstring php-xml php-gd php-intl php-curl php-zip"
        )

    load_start = loadavg()
    src = export_source(Path(args.src))
    pg = pg_params()
    counts_file = WORK / "counts.json"
    if args.keep_database and counts_file.exists():
        counts = json.loads(counts_file.read_text())
    else:
        print("loading the peer's database…", flush=True)
        counts = load_database(src, pg, args.database)
        counts_file.write_text(json.dumps(counts, ensure_ascii=False))
    configure(src, pg, args.database, counts["school_year"])

    ctx = scenarios.BenchContext.prepare()
    ours_database = bench_run.settings.DATABASES["default"]["NAME"]
    subprocess.run(  # as bench/run.py: production settings serve the collected static files
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.prod"},
    )
    ours_port, peer_port = bench_run.free_port(), bench_run.free_port()
    gunicorn = bench_run.start_server(ours_port, args.workers, args.threads)
    apache = None
    results: dict[str, dict] = {}
    try:
        apache = start_apache(src, peer_port)
        bench_run.wait_for(ours_port)
        bench_run.wait_for(peer_port)
        print("logging the peer's teachers and parents in…", flush=True)
        # One session per course period (our grid scenario's teachers) and per parent: PHP
        # locks a session for the length of a request, so a shared one would queue.
        diary_requests = scenarios._diary_requests(ctx)
        parents = counts["parent_logins"][: len(diary_requests)]
        teacher_names = sorted(
            {t["username"] for t in counts["teacher_logins"]}, key=lambda n: int(n[7:])
        )
        first_teachers = set(teacher_names[: scenarios.JOURNAL_TEACHERS])
        periods = [t for t in counts["teacher_logins"] if t["username"] in first_teachers]
        # The quarter of today, as our pages show the current week and period (RosarioSIS keeps
        # the first quarter in a new session otherwise).
        today = time.strftime("%Y-%m-%d")
        quarter = next(
            (4 + i for i, (start, end) in enumerate(counts["quarters"]) if start <= today <= end), 4
        )
        with ThreadPoolExecutor(8) as pool:  # a few hundred logins: not one at a time
            peer_grades = list(
                pool.map(
                    lambda p: peer_page(
                        peer_port,
                        p["username"],
                        "/Modules.php?modname=Grades/StudentGrades.php",
                        quarter,
                        student_id=str(p["student"]),
                    ),
                    parents,
                )
            )
            peer_gradebook = list(
                pool.map(
                    lambda t: peer_page(
                        peer_port,
                        t["username"],
                        "/Modules.php?modname=Grades/Grades.php&assignment_id=all",
                        quarter,
                        period=str(t["course_period"]),
                    ),
                    periods,
                )
            )
        peer_trivial = [{**r, "path": "/bench-trivial.php"} for r in peer_grades]
        check_page(
            peer_port,
            peer_grades[0],
            ["courses were found", f'menuMP="{quarter}"'],
            WORK / "sample-student-grades.html",
        )
        check_page(
            peer_port,
            peer_gradebook[0],
            ["students were found", f'menuMP="{quarter}"'],
            WORK / "sample-gradebook.html",
        )
        check_page(peer_port, peer_trivial[0], ["ok parent"], WORK / "sample-trivial.txt")

        d = args.duration
        ours_trivial = scenarios.trivial_page(ctx, d)
        ours_diary = scenarios.diary_week_parents(ctx, d)
        ours_grid = scenarios.journal_grid_views(ctx, d)
        pairs = [
            ("trivial page (ceiling)", ours_trivial, peer_trivial),
            ("diary week / parent grades", ours_diary, peer_grades),
            (
                "diary week / parent grades 40/s",
                replace(ours_diary, rate=40, threads=4),
                peer_grades,
            ),
            ("journal grid / teacher gradebook", ours_grid, peer_gradebook),
            (
                "journal grid / teacher gradebook 30/s",
                replace(ours_grid, rate=30, threads=8),
                peer_gradebook,
            ),
        ]
        for turn, (name, ours, peer_requests) in enumerate(pairs):
            peer = replace(ours, requests=peer_requests, expected_status="200")
            sides = [
                ("ours", ours_port, gunicorn.pid, ours_database, ours),
                ("peer", peer_port, apache.pid, args.database, peer),
            ]
            if turn % 2:  # the load drifts: each side goes first in turn
                sides.reverse()
            results[name] = {side: measure(*how) for side, *how in sides}
            print(
                f"{name:40} ours {results[name]['ours']['throughput_rps']} req/s, "
                f"peer {results[name]['peer']['throughput_rps']} req/s",
                flush=True,
            )
        rss = {
            "ours_worker_mb": bench_run.worker_rss_mb(gunicorn.pid),
            "peer_process_mb": server_rss_mb(children(apache.pid)),
        }
    finally:
        for server in (gunicorn, apache):
            if server is not None:
                server.terminate()
                server.wait(timeout=30)

    commit = (src / ".bench-commit").read_text() if (src / ".bench-commit").exists() else "a copy"
    php_version = sh(["php", "-r", "echo PHP_VERSION;"], capture_output=True, text=True).stdout
    apache_version = (
        sh(["apache2", "-v"], capture_output=True, text=True)
        .stdout.splitlines()[0]
        .split(": ", 1)[-1]
    )
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "loadavg_start": load_start,
        "loadavg_end": loadavg(),
        "duration_s": args.duration,
        "ours": f"gunicorn {args.workers} workers × {args.threads} threads (config/gunicorn.py)",
        "peer": f"RosarioSIS {commit[:12]}, {apache_version} prefork × {APACHE_WORKERS} + mod_php {php_version} (opcache)",
        "rss": rss,
        "peer_data": {k: v for k, v in counts.items() if not k.endswith("_logins")},
        "ours_students": ctx.student_count,
    }
    write_results(meta, results)


def _ratio(a, b) -> str:
    return f"{a / b:.2f}" if a and b else "—"


def write_results(meta: dict, results: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "peers.json").write_text(
        json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False)
    )
    ceiling = results.get("trivial page (ceiling)", {})
    ours_ceiling = ceiling.get("ours", {}).get("throughput_rps")
    peer_ceiling = ceiling.get("peer", {}).get("throughput_rps")
    data = meta["peer_data"]
    lines = [
        f"# «Журнал» and RosarioSIS side by side, {meta['date']}",
        "",
        f"Machine: {meta['cpus']} cores shared by both servers, PostgreSQL and the load generator "
        "(and by the other users of the machine). **1/5/15-minute load average: "
        f"{' '.join(meta['loadavg_start'])} at the start, {' '.join(meta['loadavg_end'])} at the end**; "
        "each row gives the 1-minute load sampled while it ran (min–max). Figures taken at a load "
        "above ~1 measure the other processes too: read each side against its own ceiling (the "
        "trivial page row of the same run) and by its server CPU per request, which the load "
        "inflates less than the latency.",
        "",
        f"- ours: {meta['ours']}; largest worker RSS after the run {meta['rss']['ours_worker_mb']} MB",
        f"- peer: {meta['peer']}; largest Apache process RSS {meta['rss']['peer_process_mb']} MB",
        f"- peer data (bench/peers/rosariosis/make_sql.py, from our demo school of {meta['ours_students']} "
        f"students, {data['students']} of them enrolled this year): {data['students']} students in "
        f"{data['classes']} classes, {data['teachers']} teachers, {data['parents']} parents, "
        f"{data['course_periods']} course periods, {data['gradebook_grades']} grades on "
        f"{data['gradebook_assignments']} gradebook assignments, {data['attendance_period']} absences, "
        f"school year {data['school_year']}",
        f"- {meta['duration_s']} s per scenario after a warm-up, the same bench/loadgen.py spec (rate, "
        "threads, keep-alive) for both sides, each side first in turn; whole pages, logged in",
        "- server CPU ms/req: CPU time of the server's own processes (gunicorn master and workers; "
        "Apache and its children) over the requests answered; PostgreSQL's CPU is not in it",
        "- DB columns: from `pg_stat_database` of each side's own database over the same window: "
        "statement time (wall time, so the load inflates it), transactions (each query is one: "
        "both sides autocommit) and connections opened, per request",
        "",
        "| pair | target req/s | threads | ours req/s | peer req/s | ours ÷ peer (req/s) "
        "| ours p50 / p95 ms | peer p50 / p95 ms | peer p95 ÷ ours p95 | ours ÷ own ceiling "
        "| peer ÷ own ceiling | server CPU ms/req (ours; peer) | DB statement ms/req (ours; peer) "
        "| DB transactions/req (ours; peer) | DB connections/req (ours; peer) | load 1-min (ours; peer) "
        "| statuses (ours; peer) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def load(r: dict) -> str:
        return f"{r['loadavg_1min']['min']}–{r['loadavg_1min']['max']}"

    for name, pair in results.items():
        o, p = pair["ours"], pair["peer"]
        lines.append(
            f"| {name} | {o['target_rps']} | {o['threads']} | {o['throughput_rps']} | {p['throughput_rps']} "
            f"| {_ratio(o['throughput_rps'], p['throughput_rps'])} | {o['median_ms']} / {o['p95_ms']} "
            f"| {p['median_ms']} / {p['p95_ms']} | {_ratio(p['p95_ms'], o['p95_ms'])} "
            f"| {_ratio(o['throughput_rps'], ours_ceiling)} | {_ratio(p['throughput_rps'], peer_ceiling)} "
            f"| {o['server_cpu_ms_per_request']}; {p['server_cpu_ms_per_request']} "
            f"| {o['db_statement_ms_per_request']}; {p['db_statement_ms_per_request']} "
            f"| {o['db_transactions_per_request']}; {p['db_transactions_per_request']} "
            f"| {o['db_connections_per_request']}; {p['db_connections_per_request']} "
            f"| {load(o)}; {load(p)} | {o['statuses']}; {p['statuses']} |"
        )
    lines += [
        "",
        "Pairs: our `trivial page (ceiling)` (`/healthz/session`: middleware, session, login, one query) "
        "against `bench-trivial.php` (PHP, RosarioSIS's session, one query); our diary week (200 parents, "
        "each their child's week) against its parent's grades page (`Grades/StudentGrades.php`, the "
        "child's courses with their grades this quarter, the same parents); our journal grid (the "
        "grids of the first 20 teachers' assignments) against its teacher gradebook "
        "(`Grades/Grades.php&assignment_id=all`: a course period's students × this quarter's assignments, a grade field each), one session "
        "per course period. Caveats: bench/README.md.",
    ]
    (RESULTS / "peers.md").write_text("\n".join(lines) + "\n")
    print(f"written to {RESULTS / 'peers.md'}")


if __name__ == "__main__":
    main()
