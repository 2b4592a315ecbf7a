"""A 10,000-table project in a real browser: its diagram is drawn in the background by a real
``manage.py deploy_worker`` (the page shows a placeholder meanwhile), a table that is in no
default view is found with the search box, opened highlighted and centred, its address opened
in a new page shows the same view, and Back goes to the view before."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.designer.browser.conftest import owner_of_generated, shared_file_cache
from tests.designer.browser.test_editor_flow import expect, log_in
from tests.designer.worker_process import worker_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = 30_000  # ms: a view of the 10,000 tables, drawn by the worker (a few seconds here)


@pytest.fixture
def erd_dir(tmp_path, settings) -> Path:
    """The diagrams' file cache, shared by the live server and the worker process."""
    return shared_file_cache(settings, tmp_path, "erd")


@pytest.fixture
def worker(erd_dir) -> Iterator[subprocess.Popen]:
    """``manage.py deploy_worker`` (every queue) on the live server's database and cache."""
    with worker_process("erd-browser-test", ERD_CACHE_DIR=str(erd_dir)) as process:
        yield process


@pytest.fixture
def big(django_user_model, settings):
    """Ada, owner of a project whose v1 is bench/generate.py's 10,000-table schema."""
    return owner_of_generated(django_user_model, settings, 10_000)[1]


def _drawn(page) -> set[str]:
    return set(page.eval_on_selector_all("#erd svg g.node[data-table]", "gs => gs.map(g => g.dataset.table)"))


def _offset_from_centre(page, table: str) -> list[float]:
    """How far the table's box is from the canvas's centre (x, y in pixels), and its width."""
    return page.evaluate(
        """(table) => {
            const node = [...document.querySelectorAll('#erd svg g.node')].find(g => g.dataset.table === table);
            const canvas = document.querySelector('#erd .erd-canvas').getBoundingClientRect();
            const box = node.getBoundingClientRect();
            return [box.left + box.width / 2 - (canvas.left + canvas.width / 2),
                    box.top + box.height / 2 - (canvas.top + canvas.height / 2), box.width];
        }""",
        table,
    )


def test_search_a_table_in_no_default_view_land_on_it_share_it_and_go_back(
    page, browser, live_server, big, worker
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/p/big/v/1/erd/")
    # Cold: a placeholder at once, filled in when the worker has drawn the default view.
    expect(page.locator("#erd .erd-pending")).to_be_visible()
    expect(page.locator("#erd .erd-canvas svg")).to_be_visible(timeout=DRAWN)
    default = _drawn(page)
    wanted = next(t.name for t in big.tables[5000:] if t.name not in default)

    page.keyboard.press("/")
    expect(page.locator("#erd .erd-search-box")).to_be_focused()
    page.keyboard.type(wanted[:-1])
    expect(page.locator("#erd .erd-search-results li.active")).to_contain_text(wanted[:-1])
    page.keyboard.press("ArrowDown")
    expect(page.locator("#erd .erd-search-results li").nth(1)).to_have_class("active")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#erd .erd-search-results li").first).to_have_class("active")
    # Enter before the matches of the last key are in: they are searched, then the first opened.
    page.keyboard.type(wanted[-1])
    page.keyboard.press("Enter")

    node = page.locator(f'#erd svg g.node[data-table="{wanted}"]')
    expect(node).to_be_visible(timeout=DRAWN)
    expect(node.locator('polygon[fill="#fff08a"]').first).to_be_attached()  # highlighted
    expect(page.locator("#erd .erd-crumbs")).to_contain_text(f"{wanted} (within 1 hop)")
    page.wait_for_function("() => new URL(location.href).searchParams.has('z')")
    x, y, width = _offset_from_centre(page, wanted)
    assert abs(x) < 5 and abs(y) < 5  # centred
    assert width > 150  # at a legible zoom: the drawing's own size, not fitted to the panel
    url = page.url
    assert f"focus={wanted}" in url and f"at={wanted}" in url

    shared = browser.new_context(viewport={"width": 1500, "height": 1000}, storage_state=page.context.storage_state())
    try:
        other = shared.new_page()
        other.goto(url)
        expect(other.locator(f'#erd svg g.node[data-table="{wanted}"]')).to_be_visible()
        other_x, other_y, other_width = _offset_from_centre(other, wanted)
        assert abs(other_x - x) < 2 and abs(other_y - y) < 2 and abs(other_width - width) < 2
        assert _drawn(other) == _drawn(page)
    finally:
        shared.close()

    page.go_back()
    page.wait_for_url(f"{live_server.url}/p/big/v/1/erd/")
    expect(page.locator(f'#erd svg g.node[data-table="{wanted}"]')).to_have_count(0)
    expect(page.locator("#erd .erd-canvas svg")).to_be_visible()
    assert _drawn(page) == default
