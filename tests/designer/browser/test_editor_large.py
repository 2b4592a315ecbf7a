"""A 250-table draft in a real browser: the table list a page at a time ("Show more" in place),
and a foreign key to a table found with the picker's search (issue 14)."""

from __future__ import annotations

import pytest

from designer.models import Draft, Membership, Project, Role
from tests.designer.browser.test_editor_flow import expect, log_in
from tests.designer.schemas import wide_schema

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(django_user_model, settings) -> Draft:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ada = django_user_model.objects.create_user("ada", password="analytical-engine")
    project = Project.objects.create(name="Large", slug="large", required_approvals=0)
    Membership.objects.create(project=project, user=ada, role=Role.ARCHITECT)
    return Draft.objects.create_from_schema(project, wide_schema(250), None, ada, title="Large")


def test_show_more_and_the_pickers_search(page, live_server, draft):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/p/large/d/{draft.pk}/?table=t200")
    rows = page.locator("#table-list li[data-uid]")

    expect(rows).to_have_count(100)
    page.click("#table-list a:text-is('Show more tables')")
    expect(rows).to_have_count(200)
    page.click("#table-list a:text-is('Show more tables')")
    expect(rows).to_have_count(250)
    expect(page.locator("#table-list")).not_to_contain_text("Show more")

    picker = page.locator("#add-fk select[name=fk-ref_table] option")
    expect(picker).to_have_count(3)  # t0199, t0200 itself, t0201
    page.fill("#add-fk input[name=pick]", "t0007")
    expect(picker).to_have_count(1)
    page.locator("#add-fk label", has_text="parent_id").locator("input").check()
    page.click("#add-fk button")
    expect(page.locator("#foreign-keys")).to_contain_text("(parent_id) → t0007(id)")
