"""The designer in a real browser: create a project, design two tables, see the SQL follow."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ada(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_user("ada", password="analytical-engine")


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "analytical-engine")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def add_table(page, name: str) -> None:
    page.fill("#add-table input[name=new-table-name]", name)
    page.click("#add-table button")
    expect(page.locator("#table-list li.selected")).to_contain_text(name)


def add_column(page, name: str, type_: str) -> None:
    page.fill("#add-column input[name=name]", name)
    page.fill("#add-column input[name=type]", type_)
    page.click("#add-column button")
    expect(page.locator(f"#table-panel .col-row .name:text-is('{name}')")).to_be_visible()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_design_publish_and_rename(page, live_server, ada):
    log_in(page, live_server)

    # A project, and a draft starting from nothing.
    page.click("text=New project")
    page.fill("input[name=name]", "Library")
    page.select_option("select[name=dialect]", "postgresql")
    page.fill("input[name=required_approvals]", "0")  # working alone: no review needed
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Library")
    page.click("#new-draft button")
    expect(page.locator("#preview")).to_contain_text("Migration from an empty database")

    # Two tables and a foreign key, the SQL preview following each step without a reload.
    page.evaluate("window.notReloaded = true")
    add_table(page, "author")
    add_column(page, "name", "varchar(100)")
    expect(page.locator("#create-sql")).to_contain_text('CREATE TABLE "author"')
    add_table(page, "book")
    add_column(page, "author_id", "bigint")
    expect(page.locator("#create-sql")).to_contain_text('CREATE TABLE "book"')
    page.locator("#add-fk label", has_text="author_id").locator("input").check()
    page.select_option("#add-fk select[name=fk-ref_table]", label="author")
    page.click("#add-fk button")
    expect(page.locator("#foreign-keys")).to_contain_text("(author_id) → author(id)")
    expect(page.locator("#create-sql")).to_contain_text(
        'FOREIGN KEY ("author_id") REFERENCES "author" ("id")'
    )
    assert page.evaluate("window.notReloaded") is True

    # Publish it, then rename a column in a new draft: a rename, not a drop and an add.
    page.on("dialog", lambda dialog: dialog.accept())  # "Publish this draft as v1?"
    page.click("text=Publish…")
    page.click("#review-actions button:text-is('Publish')")
    expect(page.locator("h1")).to_have_text("Library v1")
    page.click("text=New draft from v1")
    expect(page.locator("#preview")).to_contain_text("No changes.")
    page.click("#table-list a:text-is('book')")
    expect(page.locator("#selected-table")).to_have_value(re.compile(".+"))
    page.click("a[aria-label='Edit column author_id']")
    page.fill("#edit-column input[name=name]", "writer_id")
    page.click("#edit-column button")
    migration = page.locator("#migration")
    expect(migration).to_contain_text("Rename column “author_id” of table “book” to “writer_id”")
    expect(migration).to_contain_text('ALTER TABLE "book" RENAME COLUMN "author_id" TO "writer_id"')
    expect(migration).not_to_contain_text("Drop column")
    expect(migration).not_to_contain_text("DROP COLUMN")


def open_empty_draft(page, live_server, ada, slug: str):
    """Ada, an architect of a new project ``slug``, in the editor of its empty draft."""
    from designer.models import Draft, Membership, Project, Role
    from migrations_engine.schema import Schema

    project = Project.objects.create(name=slug.title(), slug=slug)
    Membership.objects.create(project=project, user=ada, role=Role.ARCHITECT)
    draft = Draft.objects.create_from_schema(project, Schema(), None, ada, title="Play")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/p/{slug}/d/{draft.pk}/")
    return draft


def test_refused_input_stays_typed_and_undo_and_redo_restore(page, live_server, ada):
    open_empty_draft(page, live_server, ada, "scratch")

    add_table(page, "author")
    page.fill("#add-column input[name=name]", "born")
    page.fill("#add-column input[name=type]", "date")
    page.fill("#add-column input[name=default]", "yesterday")
    page.click("#add-column button")
    expect(page.locator("#add-column")).to_contain_text("is not a date")
    expect(page.locator("#add-column input[name=name]")).to_have_value("born")

    page.click("#undo")
    expect(page.locator("#workspace .notice")).to_contain_text("Undone: Add table author.")
    expect(page.locator("#table-list")).to_contain_text("No tables yet.")

    page.click("#redo")
    expect(page.locator("#workspace .notice")).to_contain_text("Redone: Add table author.")
    expect(page.locator("#table-list")).to_contain_text("author")
    expect(page.locator("#redo")).to_have_count(0)


def test_an_edit_from_a_page_older_than_the_drafts_last_change_is_refused(page, live_server, ada):
    """Two tabs on one draft: the second one's edit would be made on a state it never saw."""
    log_in(page, live_server)
    page.click("text=New project")
    page.fill("input[name=name]", "Shared")
    page.click("main button[type=submit]")
    page.click("#new-draft button")
    add_table(page, "author")
    other = page.context.new_page()
    other.goto(page.url)

    add_table(page, "book")  # the first tab moves on; the second has not seen it
    other.fill("#add-table input[name=new-table-name]", "review")
    other.click("#add-table button")

    expect(other.locator("#conflict")).to_contain_text("Not saved: this draft changed since this page was drawn")
    expect(other.locator("#conflict")).to_contain_text("Add table")
    other.click("#conflict a")
    add_table(other, "review")  # drawn afresh: the edit goes through
    expect(other.locator("#table-list")).to_contain_text("book")
    other.close()


def test_an_edit_made_before_the_last_ones_answer_waits_for_it(page, live_server, ada, monkeypatch):
    """A quick second edit would carry the token from before the first and be refused as if
    someone else had changed the draft: it waits for the first one's answer instead."""
    import time

    from designer import editing

    draft = open_empty_draft(page, live_server, ada, "quick")
    add_table(page, "author")
    slowly = editing.add_column

    def slow_add_column(*args, **kwargs):
        time.sleep(1.0)  # the first edit's answer is still on its way when the second is sent
        return slowly(*args, **kwargs)

    monkeypatch.setattr(editing, "add_column", slow_add_column)

    page.fill("#add-column input[name=name]", "born")
    page.fill("#add-column input[name=type]", "date")
    page.click("#add-column button")
    page.fill("#add-table input[name=new-table-name]", "book")
    page.click("#add-table button")

    expect(page.locator("#table-list")).to_contain_text("book")
    expect(page.locator("#conflict")).not_to_contain_text("Not saved")
    names = {t.name: [c.name for c in t.columns] for t in draft.to_schema().tables}
    assert names == {"author": ["id", "born"], "book": ["id"]}
