"""A real ``manage.py deploy_worker`` process on the test's SQLite app database, for tests that
need the worker itself rather than ``deployments.run_queued()``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def worker_process(worker_id: str, **env: str) -> Iterator[subprocess.Popen]:
    """The worker (every queue, a 0.2 s poll) with ``env`` added to its environment; stopped after."""
    database = settings.DATABASES["default"]["NAME"]
    process = subprocess.Popen(
        [sys.executable, "manage.py", "deploy_worker", "--worker-id", worker_id, "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "insecure-key-for-tests-only",
            "DEBUG": "1",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Terminate ``process`` (killed if it does not end within 5 s) and close its output."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout:
        process.stdout.close()
