"""A large draft's preview and review in a real browser, analysed by a real ``manage.py
deploy_worker`` (designer.analysis): straight after an edit, the review page says the change is
on its way and turns into the review by itself; the editor's SQL preview does the same."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.designer.browser.conftest import owner_of_generated, shared_file_cache
from tests.designer.browser.test_editor_flow import expect, log_in
from tests.designer.worker_process import worker_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANALYSED = 30_000  # ms: the worker's analysis of 300 tables (well under a second here)


@pytest.fixture
def analysis_dir(tmp_path, settings) -> Path:
    """The analyses' file cache, shared by the live server and the worker process; every draft
    over 100 tables counts as large."""
    settings.ANALYSIS_INLINE_TABLES = 100
    return shared_file_cache(settings, tmp_path, "analysis")


@pytest.fixture
def worker(analysis_dir) -> Iterator[subprocess.Popen]:
    with worker_process("analysis-browser-test", ANALYSIS_CACHE_DIR=str(analysis_dir)) as process:
        yield process


@pytest.fixture
def draft(django_user_model, settings):
    """Ada's draft of a project whose v1 is bench/generate.py's 300-table schema."""
    from designer.models import Draft

    ada, _, version = owner_of_generated(django_user_model, settings, 300)
    return Draft.objects.create_from_version(version, ada, title="Wider accounts")


def test_the_review_and_the_preview_of_a_large_draft_fill_in_once_analysed(page, live_server, draft, worker):
    from designer.models import DraftColumn, DraftTable

    table = DraftTable.objects.filter(draft=draft).order_by("name").first()
    DraftColumn.objects.create(draft=draft, table=table, name="reviewed_at", type="timestamp", position=99)
    draft.renew_content_token()  # an edit the worker has not been through
    log_in(page, live_server)

    page.goto(f"{live_server.url}/p/big/d/{draft.pk}/review/")
    expect(page.locator("#review-pending")).to_contain_text("in the background")
    expect(page.locator("#change")).to_contain_text("reviewed_at", timeout=ANALYSED)  # refreshed itself
    expect(page.locator("#review-pending")).to_have_count(0)

    DraftColumn.objects.create(draft=draft, table=table, name="approved_by", type="text", position=100)
    draft.renew_content_token()
    page.goto(f"{live_server.url}/p/big/d/{draft.pk}/")
    preview = page.locator("#preview")
    expect(preview.locator("#preview-pending, #migration").first).to_be_visible()
    expect(preview.locator("#migration")).to_contain_text("approved_by", timeout=ANALYSED)
