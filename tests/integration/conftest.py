"""A real Celery worker process on the machine's Redis, for integration tests.

The worker is a separate process reading the test database (tests here use
`transactional_db` so rows are committed and visible to it) and writing e-mail to files.
Skipped where no Redis runs; CI points REDIS_URL at the machine's Redis.
"""

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
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-c", "1",
             "-Q", self.queue, "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def stop(self, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=20)

    def mails(self) -> list[str]:
        return [p.read_text() for p in sorted(self.mail_dir.glob("*.log"))]


def wait_until(predicate, timeout: float = 30.0, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    return predicate()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    broker = redis_url()
    if broker is None:
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("no Redis here: tasks run in-process without REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = dict(celery_app.conf)
    celery_app.conf.update(
        broker_url=broker, task_always_eager=False, task_default_queue=queue,
        broker_connection_retry_on_startup=True,
    )
    worker = Worker(broker, queue, tmp_path / "mail")
    worker.mail_dir.mkdir()
    worker.start()
    yield worker
    worker.stop()
    celery_app.conf.update(
        broker_url=previous["broker_url"], task_always_eager=previous["task_always_eager"],
        task_default_queue=previous["task_default_queue"],
    )
