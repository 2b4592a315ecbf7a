import pytest

from designer.models import Draft, DraftStatus
from designer.views.editor import LIST_PAGE
from tests.designer.conftest import READ_MATRIX, draft_url
from tests.designer.schemas import wide_schema


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    assert client.get(draft_url(draft)).status_code == status


def test_it_shows_the_table_list_and_the_first_table(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft)).content.decode()

    assert 'id="table-list"' in content
    assert 'data-uid="t-customer" class="selected"' in content
    assert 'id="column-c-email"' in content
    assert 'id="preview"' in content and 'hx-trigger="load, draft-changed from:body"' in content


def test_it_opens_the_table_asked_for(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "?table=t-order")).content.decode()

    assert 'data-uid="t-order" class="selected"' in content
    assert 'id="column-o-total"' in content


def test_an_unknown_table_falls_back_to_the_first(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "?table=nope"))

    assert response.status_code == 200
    assert b'data-uid="t-customer" class="selected"' in response.content


def test_it_filters_the_list_by_the_search(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "?q=ORD")).content.decode()

    assert 'data-uid="t-order"' in content
    assert 'data-uid="t-customer"' not in content


def test_viewers_get_no_editing_controls(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft)).content.decode()

    assert "read-only" in content
    assert "/tables/new/" not in content
    assert "/columns/new/" not in content
    assert 'id="undo"' not in content


def test_architects_get_editing_controls_with_real_actions(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft)).content.decode()

    assert f'action="{draft_url(draft, "tables/new/")}"' in content
    assert f'hx-post="{draft_url(draft, "tables/new/")}"' in content
    assert f'action="{draft_url(draft, "t/t-customer/columns/new/")}"' in content
    assert 'list="type-options"' in content
    assert "/publish/" not in content


@pytest.mark.parametrize("role", ["owner", "architect"])
def test_editors_are_led_to_review_and_publish(client, cast, draft, role):
    client.force_login(cast.user(role))

    content = client.get(draft_url(draft)).content.decode()

    assert f'href="{draft_url(draft, "review/")}#review-actions">Submit for review</a>' in content
    assert "Publish…" in content


def test_readers_see_the_review_link_only(client, cast, draft):
    client.force_login(cast.reviewer)

    content = client.get(draft_url(draft)).content.decode()

    assert f'href="{draft_url(draft, "review/")}"' in content
    assert "Submit for review" not in content and "Publish…" not in content


def test_merged_drafts_are_read_only(client, cast, draft):
    Draft.objects.filter(pk=draft.pk).update(status=DraftStatus.MERGED)
    client.force_login(cast.owner)

    content = client.get(draft_url(draft)).content.decode()

    assert "read-only" in content
    assert "/columns/new/" not in content


def test_the_type_picker_offers_portable_enum_and_native_types(client, cast, draft):
    client.force_login(cast.architect)

    content = client.get(draft_url(draft)).content.decode()

    assert '<option value="varchar(255)">' in content
    assert '<option value="enum(status)">' in content
    assert '<option value="postgresql:inet">' in content
    assert "mysql:mediumint" not in content


@pytest.mark.parametrize("size", [10, 1000])
def test_the_page_runs_a_fixed_number_of_queries(client, cast, size, django_assert_num_queries):
    draft = Draft.objects.create_from_schema(cast.project, wide_schema(size), None, cast.architect)
    client.force_login(cast.architect)
    url = draft_url(draft, "?table=t5")

    with django_assert_num_queries(EDITOR_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.count(b'<li id="table-item-') == min(size, LIST_PAGE)  # a page at a time


# Session, user, membership, draft, table check, table list, undo, the table, its foreign keys'
# targets, the read of the table and its targets (8, and one for the column names of tables
# their own foreign keys point at), referenced-by, groups, enums.
# 21, plus the open comment threads per table and column, the count of the tables and the
# tables offered by the pickers.
EDITOR_PAGE_QUERIES = 24


def test_open_comment_threads_are_counted_beside_their_table_and_column(client, cast, draft):
    from designer import comments

    anchor = comments.find_anchor(draft, "column", "c-email")
    thread = comments.add_comment(draft, cast.reviewer, "Why text?", anchor)
    comments.add_comment(draft, cast.viewer, "On the draft", comments.Anchor("", "", "", ""))
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "?table=t-customer")).content.decode()
    comments.set_resolved(thread, cast.architect, resolved=True)
    resolved = client.get(draft_url(draft, "?table=t-customer")).content.decode()

    column_link = f'href="{draft_url(draft, "review/")}?on=column:c-email#comment-form" title="1 open comment thread"'
    assert column_link in content
    assert 'title="1 open comment thread">1</a> ' in content.split('id="table-item-t-customer"')[1].split("</li>")[0]
    assert 'Review <span class="badge" title="open comment threads">2</span>' in content
    assert column_link not in resolved
    assert 'Review <span class="badge" title="open comment threads">1</span>' in resolved
    assert 'aria-label="Comment on column email"' in content


def test_tables_and_their_keys_have_comment_links_to_the_review(client, cast, draft):
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "?table=t-customer")).content.decode()

    review = draft_url(draft, "review/")
    assert f'href="{review}?on=table:t-customer#comment-form" aria-label="Comment on table customer"' in content
    assert f'href="{review}?on=element:i-created#comment-form" aria-label="Comment on index"' in content
    assert f'href="{review}?on=element:pk-customer#comment-form"' in content


def test_an_edit_that_dismisses_an_approval_redraws_the_drafts_state(client, cast, draft):
    from designer import reviewing
    from designer.models import Membership

    reviewing.submit(draft, cast.architect, "")
    draft.refresh_from_db()
    reviewing.give_verdict(draft, Membership.objects.get(user=cast.reviewer), "approved", "")
    client.force_login(cast.architect)

    response = client.post(
        draft_url(draft, "t/t-customer/columns/new/"),
        {"name": "phone", "type": "varchar(30)", "nullable": "on"},
        HTTP_HX_REQUEST="true",
    )

    content = response.content.decode()
    assert '<span id="draft-status" class="status status-in_review" hx-swap-oob="true">In review</span>' in content


def test_attributes_read_from_a_database_show_read_only_beside_the_column(client, cast):
    from tests.designer.test_conversion import _every_engine_attribute

    draft = Draft.objects.create_from_schema(cast.project, _every_engine_attribute(), None, cast.architect)
    client.force_login(cast.viewer)

    content = client.get(draft_url(draft, "?table=t1")).content.decode()

    assert 'title="generated as (&quot;id&quot; * 2) VIRTUAL">gen</abbr>' in content
    assert 'title="counts by itself, GENERATED ALWAYS; sequence options kept">auto</abbr>' in content
    assert 'title="ON UPDATE CURRENT_TIMESTAMP">upd</abbr>' in content
    assert 'title="character set utf8mb4 collation utf8mb4_bin">cs</abbr>' in content
