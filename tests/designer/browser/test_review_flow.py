"""The review journey in a real browser, with three people each in their own browser session:
an architect submits a draft; a reviewer comments on a column and requests changes; the
architect edits (the owner's earlier approval is dismissed) and replies; the reviewer approves;
meanwhile another draft is published, so the architect updates from the newer version; the
reviewer approves again and the owner publishes.

Screenshots of each step are kept in test-artifacts/review-flow/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.designer.browser.conftest import ARGS, ARTIFACTS  # noqa: F401 - ARGS: same launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "review-flow"
PASSWORD = "correct-horse"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def team(django_user_model, settings):
    """A project with v1, an architect's draft from it, and the three people."""
    from designer.models import Draft, Membership, Project, Role, SchemaVersion
    from tests.designer.schemas import sample_schema

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    project = Project.objects.create(name="Shop", slug="shop", dialect="postgresql", required_approvals=1)
    people = {}
    for name, role in (("arch", Role.ARCHITECT), ("rita", Role.REVIEWER), ("olga", Role.OWNER)):
        people[name] = django_user_model.objects.create_user(name, f"{name}@example.com", PASSWORD)
        Membership.objects.create(project=project, user=people[name], role=role)
    version = SchemaVersion.publish(project, sample_schema(), author=people["olga"], message="first")
    draft = Draft.objects.create_from_version(version, people["arch"], title="Customer phone")
    return project, people, draft


def session(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Publish …?", "Withdraw …?"
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_submit_comment_request_changes_edit_update_approve_publish(browser, live_server, team):
    from designer import reviewing
    from designer.models import Draft, Membership, SchemaVersion

    project, people, draft = team
    editor_url = f"{live_server.url}/p/shop/d/{draft.pk}/"
    review_url = f"{editor_url}review/"
    arch = session(browser, live_server, "arch")
    rita = session(browser, live_server, "rita")
    olga = session(browser, live_server, "olga")
    try:
        # The architect adds a column and submits the draft.
        arch.goto(f"{editor_url}?table=t-customer")
        arch.fill("#add-column input[name=name]", "phone")
        arch.fill("#add-column input[name=type]", "varchar(30)")
        arch.click("#add-column button")
        expect(arch.locator("#table-panel .col-row .name", has_text="phone")).to_be_visible()
        arch.click(".editor-head a:text-is('Submit for review')")
        arch.fill("#description", "Customers can be called back.")
        arch.click("#review-actions button:text-is('Submit for review')")
        expect(arch.locator(".review-head .status")).to_have_text("In review")
        expect(arch.locator("#change")).to_contain_text("Add column “phone”")
        expect(arch.locator("#change-sql-up")).to_contain_text('ADD COLUMN "phone" character varying(30)')
        shot(arch, "01-architect-submitted")

        # The owner approves early; the reviewer comments on the new column and requests changes.
        olga.goto(review_url)
        olga.click("#review-form button:text-is('Approve')")
        expect(olga.locator("#review-state")).to_contain_text("1 of 1 approval")
        rita.goto(f"{editor_url}?table=t-customer")
        rita.click("a[aria-label='Comment on column phone']")
        expect(rita.locator("#comment-form h3")).to_contain_text("Comment on column “customer”.“phone”")
        rita.fill("#comment-form textarea[name=body]", "Should a phone not be required?")
        rita.click("#comment-form button:text-is('Comment')")
        thread = rita.locator("#discussion .thread", has_text="Should a phone not be required?")
        expect(thread).to_contain_text("column “customer”.“phone”")
        rita.fill("#review-message", "Make phone NOT NULL, please.")
        rita.click("#review-form button:text-is('Request changes')")
        expect(rita.locator(".review-head .status")).to_have_text("Changes requested")
        expect(rita.locator("#review-state")).to_contain_text("rita requested changes")
        shot(rita, "02-reviewer-requested-changes")

        # The architect sees the count in the editor, edits the column, and replies.
        arch.goto(f"{editor_url}?table=t-customer")
        expect(arch.locator(".editor-head .badge")).to_have_text("1")
        expect(arch.locator("#table-panel .col-row .name", has_text="phone").locator(".thread-count")).to_have_text("1")
        arch.click("a[aria-label='Edit column phone']")
        arch.locator("#edit-column input[name=nullable]").uncheck()
        arch.click("#edit-column button:text-is('Save')")
        expect(arch.locator("#table-panel .col-row", has_text="phone")).to_contain_text("no")
        arch.goto(review_url)
        expect(arch.locator("#review-state")).to_contain_text("0 of 1 approval")
        expect(arch.locator("#activity")).to_contain_text("approvals dismissed by a change")
        expect(arch.locator("#activity")).to_contain_text("phone")
        arch.locator("#discussion .thread .reply-form input[name=body]").fill("Done: phone is NOT NULL now.")
        arch.click("#discussion .thread .reply-form button")
        expect(arch.locator("#discussion .thread .reply")).to_contain_text("Done: phone is NOT NULL now.")
        shot(arch, "03-architect-edited-and-replied")

        # Meanwhile another draft adds a table and is published as v2.
        other = Draft.objects.create_from_version(draft.base_version, people["olga"], title="Suppliers")
        from designer import editing

        with editing.change(other, "Add table supplier"):
            editing.add_table(other, "supplier")
        reviewing.submit(other, people["olga"], "")
        other.refresh_from_db()
        reviewing.give_verdict(other, Membership.objects.get(user=people["rita"]), "approved", "")
        reviewing.publish(other, people["olga"], "Suppliers")

        # The reviewer approves; the draft must still be brought up to date.
        rita.goto(review_url)
        expect(rita.locator("#discussion")).to_contain_text("Done: phone is NOT NULL now.")
        rita.click("#review-form button:text-is('Approve')")
        expect(rita.locator(".review-head .status")).to_have_text("Approved")
        expect(rita.locator("#review-state")).to_contain_text("v2 was published since this draft started")
        shot(rita, "04-reviewer-approved-but-behind")

        arch.goto(review_url)
        arch.click("#review-state a:text-is('Update from v2')")
        expect(arch.locator("#update-form")).to_contain_text("No conflict")
        shot(arch, "05-update-from-v2")
        arch.click("#update-form button:text-is('Update from v2')")
        expect(arch.locator("#review-state")).to_contain_text("0 of 1 approval")
        expect(arch.locator(".review-head")).to_contain_text("based on v2")
        expect(arch.locator("#activity")).to_contain_text("updated from a newer version")

        rita.goto(review_url)
        rita.click("#review-form button:text-is('Approve')")
        expect(rita.locator("#review-state")).to_contain_text("ready to publish")

        # The owner publishes.
        olga.goto(review_url)
        olga.fill("#version-message", "Customer phone")
        shot(olga, "06-owner-about-to-publish")
        olga.click("#review-actions button:text-is('Publish')")
        expect(olga.locator("h1")).to_have_text("Shop v3")
        expect(olga.locator(".heading")).to_contain_text("1 approval: rita")
        shot(olga, "07-published-version")
    finally:
        for page in (arch, rita, olga):
            page.context.close()

    v3 = SchemaVersion.objects.get(project=project, number=3).schema()
    assert v3.has_table("supplier")
    phone = v3.table("customer").column("phone")
    assert phone.nullable is False
