import pytest

from designer.models import Draft, DraftColumn, DraftTable
from migrations_engine.schema import Schema
from tests.designer.conftest import HTMX, READ_MATRIX, draft_url, htmx_post


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft, "preview/"), **HTMX).status_code == status


def preview(client, user, draft, query: str = "") -> str:
    client.force_login(user)
    return client.get(draft_url(draft, f"preview/{query}"), **HTMX).content.decode()


def test_an_unchanged_draft_has_no_migration_and_a_full_script(client, cast, draft):
    content = preview(client, cast.viewer, draft)

    assert "<html" not in content
    assert "Migration from v1" in content
    assert "No changes." in content
    assert "CREATE TABLE &quot;customer&quot;" in content


def test_a_rename_shows_as_a_rename_up_and_down(client, cast, draft):
    DraftColumn.objects.filter(uid="c-email").update(name="mail")

    content = preview(client, cast.viewer, draft)

    assert "Rename column “email” of table “customer” to “mail”" in content
    assert (
        "ALTER TABLE &quot;customer&quot; RENAME COLUMN &quot;email&quot; TO &quot;mail&quot;"
        in content
    )
    assert "RENAME COLUMN &quot;mail&quot; TO &quot;email&quot;" in content  # the down script
    assert "DROP COLUMN" not in content


def test_destructive_steps_are_marked(client, cast, draft):
    DraftColumn.objects.filter(uid="o-note").delete()

    content = preview(client, cast.viewer, draft)

    assert 'class="step destructive"' in content
    assert "ADD COLUMN &quot;note&quot;" in content  # the down script brings it back


def test_other_dialects_on_demand(client, cast, draft):
    DraftColumn.objects.filter(uid="c-email").update(name="mail")

    content = preview(client, cast.viewer, draft, "?dialect=sqlite")

    assert 'data-dialect="sqlite"' in content
    assert "RENAME COLUMN &quot;email&quot; TO &quot;mail&quot;" in content
    assert '<option value="sqlite" selected>' in content


def test_a_dialect_that_cannot_express_the_draft_says_why(client, cast, draft):
    DraftColumn.objects.filter(uid="o-note").update(type="text")  # leave the partial index as the reason

    content = preview(client, cast.viewer, draft, "?dialect=mysql")

    assert "MySQL has no partial indexes" in content


def test_a_native_type_without_equivalent_says_why(client, cast, draft):
    content = preview(client, cast.viewer, draft, "?dialect=sqlite")

    assert "type postgresql:inet has no sqlite equivalent" in content


def test_errors_and_warnings_are_listed(client, cast, draft):
    DraftColumn.objects.filter(uid="c-email").update(default="x" * 300)
    DraftTable.objects.filter(uid="t-order").update(pk_columns=[])

    content = preview(client, cast.viewer, draft)

    assert "1 error" in content
    assert "longer than 200 characters" in content
    assert "Table “order” has no primary key." in content


def test_a_draft_without_a_base_migrates_from_nothing(client, cast):
    draft = Draft.objects.create_from_schema(cast.project, Schema(), None, cast.architect)
    htmx_post(
        client,
        cast.architect,
        draft_url(draft, "tables/new/"),
        {"new-table-name": "author", "new-table-with_id": "on"},
    )

    content = preview(client, cast.viewer, draft)

    assert "Migration from an empty database" in content
    assert "Create table “author”" in content


def test_without_htmx_it_is_a_page(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "preview/"))

    assert b"<html" in response.content and b"Full CREATE script" in response.content


def test_a_type_the_dialect_only_approximates_is_flagged_lossy(client, cast, draft):
    DraftColumn.objects.filter(uid="c-email").update(type="boolean")

    content = preview(client, cast.viewer, draft, "?dialect=mysql")

    assert '<span class="badge warning" title="the dialect writes a near type">lossy</span>' in content
    assert "customer.email (boolean) is lossy on mysql: MySQL has no boolean type" in content
    assert "lossy" not in preview(client, cast.viewer, draft, "?dialect=postgresql")


def test_a_large_drafts_preview_not_analysed_yet_is_left_to_a_worker_and_polls(
    client, cast, draft, settings, django_capture_on_commit_callbacks
):
    from tests.designer.deployments import run_queued

    settings.ANALYSIS_INLINE_TABLES = 0  # every draft counts as large
    with django_capture_on_commit_callbacks(execute=True):
        waiting = preview(client, cast.viewer, draft, "?dialect=postgresql")

    assert 'id="preview-pending"' in waiting and 'hx-trigger="load delay:1000ms"' in waiting
    assert "preview/?dialect=postgresql" in waiting  # asks again for the same dialect
    # and the editor's refresh after the next edit keeps it (hx-include="#preview-dialect")
    assert '<input type="hidden" id="preview-dialect" name="dialect" value="postgresql">' in waiting
    assert "CREATE TABLE" not in waiting
    assert run_queued() == ["SUCCESSFUL"]
    assert "CREATE TABLE" in preview(client, cast.viewer, draft, "?dialect=postgresql")


def test_a_draft_an_edit_changed_meanwhile_is_not_analysed_by_the_worker(client, cast, draft, settings):
    from designer.tasks import analyse_draft
    from tests.designer.deployments import run_queued

    stale = str(draft.content_token)
    Draft.objects.get(pk=draft.pk).renew_content_token()
    analyse_draft.enqueue(draft.pk, stale, "postgresql")

    assert run_queued() == ["SUCCESSFUL"]
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get().return_value == "stale"
