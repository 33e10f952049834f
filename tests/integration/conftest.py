"""A real Celery worker process on the machine's Redis, for integration tests.

The worker is a separate process reading the test database (tests here use
`transactional_db` so rows are committed and visible to it) and writing e-mail to files.
Skipped where no Redis runs; CI points REDIS_URL at the machine's Redis.
"""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
# Every key this test run puts in Redis is prefixed, so parallel runs sharing one Redis
# (other checkouts, CI) never see each other's queues or unacknowledged messages. A short
# visibility timeout lets a new worker take over a task whose worker was killed.
VISIBILITY_TIMEOUT = 6
TRANSPORT_OPTIONS = {
    "global_keyprefix": f"journal-test-{uuid.uuid4().hex[:8]}:",
    "visibility_timeout": VISIBILITY_TIMEOUT,
}


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if url:
        return url
    with socket.socket() as s:
        s.settimeout(0.5)
        if s.connect_ex(("127.0.0.1", 6379)) == 0:
            return "redis://127.0.0.1:6379/0"
    return None


def database_url() -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):  # the embedded server's socket directory
        return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, broker: str, queue: str, mail_dir: Path):
        self.broker, self.queue, self.mail_dir = broker, queue, mail_dir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url(),
            "REDIS_URL": self.broker,
            "CELERY_QUEUE": self.queue,
            # django-environ drops one leading slash of the path: four slashes give an absolute path.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "DEBUG": "false",
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(TRANSPORT_OPTIONS),
        }
        # The worker's log goes to a file (a pipe nobody reads would fill up and block it).
        self.log = self.mail_dir.parent / "worker.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "-c",
                "1",
                "-Q",
                self.queue,
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("a"),
        )

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=20)

    def mails(self) -> list[str]:
        """Every message written, one string each (the file backend may put several in a
        file: it names files by second and backend object, and both repeat)."""
        separator = "-" * 79 + "\n"
        return [
            m
            for p in sorted(self.mail_dir.glob("*.log"))
            for m in p.read_text().split(separator)
            if m.strip()
        ]

    def kill(self) -> None:
        """Die as a crashed machine would: no warm shutdown, no acknowledgement."""
        self.stop(kill=True)


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """Python code in a separate process with the app's dev settings on the test database."""
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def wait_until(predicate, timeout: float = 30.0, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    return predicate()


def _configure_producer(**conf) -> None:
    """Point this process's Celery producer at the test broker.

    Even an eager `.delay()` borrows a producer from the app's pool, so an earlier test may
    have built the pool with other broker options: drop it, the next send builds a new one.
    """
    celery_app.conf.update(**conf)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    broker = redis_url()
    if broker is None:
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("no Redis here: tasks run in-process without REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = dict(celery_app.conf)
    _configure_producer(
        broker_url=broker,
        task_always_eager=False,
        task_default_queue=queue,
        broker_connection_retry_on_startup=True,
        broker_transport_options=TRANSPORT_OPTIONS,
    )
    worker = Worker(broker, queue, tmp_path / "mail")
    worker.mail_dir.mkdir()
    worker.start()
    yield worker
    worker.stop()
    log = worker.log.read_text() if worker.log.exists() else ""
    if "Traceback" in log or "ERROR" in log:
        print("worker log:\n" + log[-4000:])
    _configure_producer(
        broker_url=previous["broker_url"],
        task_always_eager=previous["task_always_eager"],
        task_default_queue=previous["task_default_queue"],
        broker_transport_options=previous["broker_transport_options"],
    )
