"""Real services broken on purpose: a Redis of our own that we stop, database connections
we kill, a Celery worker we kill, a web server in its own process.

Never the machine's shared Redis on 6379: the suite starts `redis-server` on a free port
and stops only that process. Skipped where redis-server is missing, failed under CI.
"""

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, database_url, wait_until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    """A redis-server process on a free port; stop() is a crash (SIGKILL), start() a restart."""

    def __init__(self, workdir: Path):
        self.port, self.workdir = free_port(), workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(lambda: port_answers(self.port), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        assert wait_until(lambda: not port_answers(self.port), timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed: the fault suite needs its own Redis")
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


class WebServer:
    """The app under gunicorn in its own process, on the test database."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port, self.env, self.log = port, env, log
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("a"),
        )
        assert wait_until(lambda: port_answers(self.port), timeout=60), self.log.read_text()[-3000:]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def web_server(transactional_db, tmp_path):
    url = database_url()
    url += ("&" if "?" in url else "?") + "application_name=faults-web"
    env = {
        **os.environ,
        # The test settings: the users' passwords are hashed with the test hasher.
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "REDIS_URL": "",
    }
    server = WebServer(free_port(), env, tmp_path / "gunicorn.log")
    server.start()
    yield server
    server.stop()


class Browser:
    """A cookie-keeping HTTP client for a server in another process (login, CSRF, POST)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            req.add_header("X-CSRFToken", self._csrf())
            req.add_header("Referer", self.base + path)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, username: str, password: str) -> int:
        status, page = self.request("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            "/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


from tests.integration.conftest import celery_worker_process  # noqa: E402, F401  (the real worker)
