"""Browser tests: Playwright driving Debian's Chromium (no browser download) against live_server.

A failing test leaves a screenshot in test-artifacts/. Without /usr/bin/chromium or the
playwright package the tests are skipped, saying which is missing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures
    # and assertions are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1500, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def owner_of_generated(django_user_model, settings, tables: int):
    """Ada (logged in by ``log_in``), owner of project "Big" whose v1 is bench/generate.py's
    schema of ``tables`` tables (seed 1): (ada, the schema, the version)."""
    import random

    from bench.generate import generate_schema
    from designer.models import Membership, Project, Role, SchemaVersion

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ada = django_user_model.objects.create_user("ada", password="analytical-engine")
    project = Project.objects.create(name="Big", slug="big")
    Membership.objects.create(project=project, user=ada, role=Role.OWNER)
    schema = generate_schema(tables, random.Random(1))
    return ada, schema, SchemaVersion.publish(project, schema, author=ada)


def shared_file_cache(settings, tmp_path: Path, alias: str) -> Path:
    """The live server's cache ``alias`` as a file cache in a folder of its own, which a
    worker process given that folder (``ERD_CACHE_DIR``, ``ANALYSIS_CACHE_DIR``) shares."""
    folder = tmp_path / alias
    settings.CACHES = {
        **settings.CACHES,
        alias: {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(folder)},
    }
    return folder
