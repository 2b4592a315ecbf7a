"""Deploying from the browser, as an owner would: log in, open the project, go to Connections,
add a PostgreSQL connection (a scratch database), test it, check it, review the plan for v3
(migrations, then the validation when it loads) and deploy; the deployment page follows the run
done by a real ``manage.py deploy_worker`` process (its progress bar part-filled on the way, then
"Succeeded" with the runner's lines), and the connection then shows no drift.

To catch the bar part-filled, another PostgreSQL session holds an uncommitted
``CREATE TABLE "order line"``: v2's own ``CREATE TABLE "order line"`` waits on it (after v1 is
applied and counted) until the test has seen the bar part-filled and rolls that session back.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import psycopg
import pytest

from tests.designer.connection_pages import connection_settings  # noqa: F401 - the fixture
from tests.designer.deployments import TEST_CONNECTION_KEY, publish_three
from tests.designer.worker_process import worker_process

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("connection_settings"),
]



def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def worker() -> Iterator[subprocess.Popen]:
    """``manage.py deploy_worker`` on the live server's app database (the test's SQLite file)."""
    with worker_process("browser-test", CONNECTION_KEYS=TEST_CONNECTION_KEY) as process:
        yield process


@pytest.fixture
def order_line_held(pg_url) -> Iterator[psycopg.Connection]:
    """A session with an uncommitted ``CREATE TABLE "order line"`` on the scratch database: v2's
    table of that name waits for it. Rolling it back lets v2 go on."""
    holder = psycopg.connect(f"postgresql://{pg_url.user}@{pg_url.host}:{pg_url.port}/{pg_url.database}")
    holder.execute('CREATE TABLE "order line" (held integer)')
    yield holder
    if not holder.closed:
        holder.rollback()
        holder.close()


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def bar(page) -> tuple[str, float, float]:
    """The deployment's state and its progress bar's value and max, as the page shows them now."""
    return page.evaluate(
        """() => {
            const bar = document.querySelector('#deployment-bar');
            const state = document.querySelector('#deployment-state');
            return [state ? state.textContent.trim() : '', bar ? bar.value : -1, bar ? bar.max : -1];
        }"""
    )


def test_owner_adds_a_connection_reviews_the_plan_and_deploys_v3_through_the_worker(
    page, live_server, cast, pg_url, worker, order_line_held
):
    from designer.models.connections import Deployment, DeploymentState

    publish_three(cast.project, cast.owner)  # the cast's project is a PostgreSQL one
    log_in(page, live_server, "owner")

    page.goto(f"{live_server.url}/p/shop/")
    page.locator("#project-connections p a").click()
    expect(page.locator("h1")).to_have_text("Connections")
    page.fill("#connection-add input[name=name]", "dev")
    page.fill("#connection-add input[name=environment]", "development")
    url = f"postgresql://postgres@{pg_url.host}:{pg_url.port}/{pg_url.database}"
    page.fill("#connection-add input[name=url]", url)
    page.click("#connection-add button:text-is('Add connection')")
    expect(page.locator("h1")).to_have_text("dev")

    page.click("button:text-is('Test connection')")
    expect(page.locator("#test-result")).to_contain_text("Connected: PostgreSQL")
    page.click("#connection-status button:text-is('Check now')")
    expect(page.locator("#connection-status")).to_contain_text("At v0; pending: v1, v2, v3.")

    page.select_option("#deploy select[name=to]", "3")
    page.click("#deploy button:text-is('Review the plan')")
    expect(page.locator("h1")).to_have_text("Deploy dev to v3")
    migrations = page.locator("#plan-migrations ol.steps > li")
    expect(migrations).to_have_count(3)
    expect(migrations.nth(2)).to_contain_text("destructive")
    expect(page.locator("#plan-sql")).to_contain_text('CREATE TABLE "order line"')
    expect(page.locator("#validation-result")).to_contain_text("Validated", timeout=20_000)

    page.click("#plan-start button:text-is('Deploy')")
    page.wait_for_url(f"{live_server.url}/p/shop/deployments/**")
    deployment = Deployment.objects.get()
    assert page.url.rstrip("/").endswith(f"/{deployment.pk}")

    # The page polls every second; v2 waits on the other session until the bar was seen part-filled.
    seen: list[tuple[str, float, float]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        seen.append(bar(page))
        state, value, maximum = seen[-1]
        if 0 < value < maximum:
            order_line_held.rollback()
            break
        page.wait_for_timeout(100)
    partial = [(state, value, maximum) for state, value, maximum in seen if 0 < value < maximum]
    assert partial, f"the bar was never seen part-filled: {sorted(set(map(tuple, seen)))}"
    assert partial[0][0] == "Running"

    expect(page.locator("#deployment-state")).to_have_text("Succeeded", timeout=20_000)
    state, value, maximum = bar(page)
    assert value == maximum > partial[0][1]
    log = page.locator("#deployment-log")
    for label in ("0001", "0002", "0003"):
        expect(log).to_contain_text(f"applied {label}")
    expect(page.locator("#deployment-count")).to_contain_text(f"{int(maximum)} of {int(maximum)} statements")
    deployment.refresh_from_db()
    assert deployment.state == DeploymentState.SUCCEEDED
    assert deployment.worker.endswith(f":{worker.pid}")  # run by the worker process, not this one

    page.locator("header.site a", has_text="dev").click()
    expect(page.locator("h1")).to_have_text("dev")
    page.click("#connection-status button:text-is('Check now')")
    expect(page.locator("#connection-status")).to_contain_text("At v3; nothing pending.")
    expect(page.locator("#drift")).to_have_text("No drift")
    expect(page.locator("#deployments")).to_contain_text("Succeeded")
