"""The ER diagram in a real browser: it shows in the editor, and clicking a table opens it."""

from __future__ import annotations

import re

import pytest

from tests.designer.browser.test_editor_flow import expect, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ada(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        **settings.CACHES,
        "erd": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "erd-browser",
        },
    }
    return django_user_model.objects.create_user("ada", password="analytical-engine")


@pytest.fixture
def draft(ada):
    from designer.models import Draft, Membership, Project, Role, SchemaVersion
    from tests.designer.schemas import sample_schema

    project = Project.objects.create(name="Shop", slug="shop")
    Membership.objects.create(project=project, user=ada, role=Role.OWNER)
    version = SchemaVersion.publish(project, sample_schema(), author=ada)
    return Draft.objects.create_from_version(version, ada, title="Add things")


def test_the_diagram_shows_and_clicking_a_table_opens_it(page, live_server, draft):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/p/shop/d/{draft.pk}/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#selected-table")).to_have_value("t-customer")

    node = page.locator('#erd svg g[data-table="order"]')
    expect(node).to_be_visible()
    expect(page.locator('#erd svg g[data-table="customer"]')).to_be_visible()
    expect(page.locator("#erd #svg-pan-zoom-controls")).to_have_count(1)  # zoom and pan

    node.locator("a").first.click()

    expect(page.locator("#selected-table")).to_have_value("t-order")
    expect(page.locator("#table-list li.selected")).to_contain_text("order")
    assert re.search(r"\?table=t-order$", page.url)
    assert page.evaluate("window.notReloaded") is True


def test_searching_the_version_diagram_highlights_and_a_click_focuses(page, live_server, draft):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/p/shop/v/1/")

    expect(page.locator('#erd svg g[data-table="customer"]')).to_be_visible()
    page.fill("#erd input[name=q]", "email")
    page.press("#erd input[name=q]", "Enter")
    expect(page.locator('#erd svg polygon[fill="#fff08a"]')).to_have_count(3)

    page.locator('#erd svg g[data-table="order"] a').first.click()

    expect(page.locator("#erd input[name=focus]")).to_have_value("order")
    expect(page.locator("#erd .erd-views")).to_contain_text("2 of 2 tables")
