"""The production start, for real: scripts/run-production migrates a fresh SQLite app database,
collects the static files and runs gunicorn with DEBUG off; pages, the stylesheet and htmx are
served with the security headers. Its worker mode runs the background worker."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "run-production"
# Settings of the test run that must not leak into the server's environment.
OURS = {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}

pytestmark = pytest.mark.skipif(
    not (REPO / ".venv" / "bin" / "gunicorn").exists(), reason="no .venv with gunicorn (make setup)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(tmp: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return {
        **clean,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp / 'app.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONNECTION_KEYS": Fernet.generate_key().decode(),
        "STATIC_ROOT": str(tmp / "static"),
        "ERD_CACHE_DIR": str(tmp / "erd"),
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "2",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    }


def start(mode: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    # A session of its own, so the script and everything it started stop together.
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(SCRIPT), mode], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def fetch(url: str, https: bool = True):
    """The answer (status, headers, body) to a GET, as if through a TLS-ending proxy."""
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("production")
    # The script turns DEBUG off whatever the environment says.
    env = {**environment(tmp), "DEBUG": "1"}
    log = tmp / "server.log"
    process = start("web", env, log)
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"run-production stopped ({process.returncode}):\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", int(env["PORT"])), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not listen in time:\n{log.read_text()}")
                time.sleep(0.3)
        yield base
    finally:
        stop(process)
    assert "Booting worker" in log.read_text()  # gunicorn's, not another server


def test_a_page_is_served_with_debug_off(server):
    status, headers, body = fetch(f"{server}/accounts/login/")

    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert b'name="password"' in body
    # Not Django's debug error pages: a missing page is the plain 404.
    status, _, body = fetch(f"{server}/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body


def test_the_stylesheet_and_scripts_the_page_names_are_served(server):
    _, _, body = fetch(f"{server}/accounts/login/")
    assets = dict.fromkeys(p.decode() for p in re.findall(rb'(?:href|src)="(/static/[^"]+)"', body))
    kinds = {
        "designer/designer.css": ("text/css", b".htmx-indicator"),
        "vendor/htmx.min.js": ("javascript", b"htmx"),
        "js/confirm.js": ("javascript", b"data-confirm"),
    }

    for name, (kind, content) in kinds.items():
        url = f"/static/{name}"
        assert url in assets, f"the page does not name {url}"
        status, headers, asset = fetch(server + url)
        assert status == 200, url
        assert kind in headers["Content-Type"], (url, headers["Content-Type"])
        assert content in asset, url


def test_the_answers_carry_the_security_headers(server):
    _, headers, _ = fetch(f"{server}/accounts/login/")

    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Secure" in headers["Set-Cookie"]


def test_plain_http_is_redirected_to_https(server):
    status, headers, _ = fetch(f"{server}/accounts/login/", https=False)

    assert status == 301
    assert headers["Location"] == f"https://{server.removeprefix('http://')}/accounts/login/"


def test_the_worker_runs_as_a_process_of_its_own(tmp_path):
    env = environment(tmp_path)
    release = subprocess.run(
        [str(SCRIPT), "release"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert release.returncode == 0, release.stderr
    assert (tmp_path / "static" / "vendor" / "htmx.min.js").exists()

    log = tmp_path / "worker.log"
    worker = start("worker", env, log)
    try:
        deadline = time.monotonic() + 30
        while "Starting worker" not in log.read_text():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        stop(worker)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "CONNECTION_KEYS", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_it_refuses_to_start_without_a_required_setting(tmp_path, missing):
    env = environment(tmp_path)
    del env[missing]

    result = subprocess.run([str(SCRIPT), "web"], cwd=REPO, env=env, capture_output=True, text=True, timeout=30)

    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr
    assert not (tmp_path / "app.sqlite3").exists()
