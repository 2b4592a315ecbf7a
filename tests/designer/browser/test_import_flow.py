"""Import in a real browser: a new project made by uploading Chinook's SQL, its draft's tables
listed, its CREATE script downloaded from the draft's Download menu; then Chinook's SQL
uploaded again with a column renamed, the rename suggested, confirmed, and the change a rename."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHINOOK = Path(__file__).resolve().parents[2] / "fixtures" / "corpus" / "chinook" / "Chinook_PostgreSql.sql"


@pytest.fixture
def ada(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_user("ada", password="analytical-engine")


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def test_a_project_from_an_uploaded_sql_file(page, live_server, ada):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "analytical-engine")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("text=Import a schema")
    page.fill("input[name=name]", "Chinook")
    page.select_option("select[name=dialect]", "postgresql")
    page.check("input[name=source][value=sql]")
    page.set_input_files("input[name=file]", str(CHINOOK))
    page.click("main button[type=submit]")

    expect(page.locator("h1")).to_have_text("Imported from Chinook_PostgreSql.sql")
    expect(page.locator(".import-messages")).to_contain_text("Imported 11 tables")
    tables = page.locator("#table-list li")
    expect(tables).to_have_count(11)
    for name in ("album", "artist", "invoice_line", "track"):
        expect(page.locator("#table-list")).to_contain_text(name)

    page.click("summary:text('Download')")
    with page.expect_download() as info:
        page.click("text=SQL (PostgreSQL CREATE script)")
    download = info.value
    assert download.suggested_filename.endswith(".sql")
    assert 'CREATE TABLE "album"' in Path(download.path()).read_text(encoding="utf-8")

    # The same SQL with artist.name renamed, uploaded into the draft, the rename suggested.
    sql = CHINOOK.read_text(encoding="utf-8")
    marker = "    name VARCHAR(120),\n    CONSTRAINT artist_pkey"
    assert marker in sql
    page.click("text=Import…")
    page.check("input[name=source][value=sql]")
    changed = sql.replace(marker, marker.replace("name", "artist_name", 1)).encode()
    page.set_input_files("input[name=file]", {"name": "chinook-2.sql", "mimeType": "text/plain", "buffer": changed})
    page.click("main button[type=submit]")

    expect(page.locator("h1")).to_contain_text("Imported into")
    expect(page.locator("#import-change")).to_contain_text("2 operations")
    suggestion = page.locator(".rename-suggestions li")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("Rename column artist.name to artist_name")
    suggestion.locator("button:text('Confirm rename')").click()

    expect(page.locator(".import-messages")).to_contain_text("Rename column artist.name to artist_name: done.")
    expect(page.locator(".rename-suggestions li")).to_have_count(0)
    expect(page.locator("#import-change")).to_contain_text("1 operation")
    expect(page.locator(".import-operations li")).to_have_text("Rename column “name” of table “artist” to “artist_name”")
