"""The review page of a draft (GET …/d/<id>/review/): viewers and up read it; what it shows."""

import pytest

from bench.generate import generate_pair
from designer import comments, editing, reviewing
from designer.models import (
    Comment,
    Draft,
    DraftColumn,
    Membership,
    Project,
    Role,
    SchemaVersion,
    Verdict,
)
from tests.designer.conftest import HTMX, READ_MATRIX, draft_url

URL = "review/"
SQL_PARTIAL = {**HTMX, "HTTP_HX_TARGET": "change-sql"}


def give(draft, user, verdict=Verdict.APPROVED, message=""):
    draft.refresh_from_db()
    membership = Membership.objects.get(project=draft.project, user=user)
    return reviewing.give_verdict(draft, membership, verdict, message)


def page(client, user, draft, query=""):
    client.force_login(user)
    response = client.get(draft_url(draft, URL) + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def drops_status(cast, draft) -> Draft:
    """The draft, dropping the column "customer"."status" (a destructive change)."""
    with editing.change(draft, "Delete column customer.status"):
        editing.delete_column(DraftColumn.objects.get(draft=draft, uid="c-status"))
    return draft


@pytest.mark.parametrize("role, status", READ_MATRIX)
def test_role_matrix(client, cast, draft, role, status):
    client.force_login(cast.user(role))

    response = client.get(draft_url(draft, URL))

    assert response.status_code == status
    assert ("<h1>Add things</h1>" in response.content.decode()) == (status == 200)


def test_it_needs_a_login(client, draft):
    response = client.get(draft_url(draft, URL))

    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_a_draft_of_another_project_is_not_found(client, cast, draft):
    other = Project.objects.create(name="Other", slug="other")
    Membership.objects.create(project=other, user=cast.owner, role=Role.OWNER)
    elsewhere = Draft.objects.create(project=other, title="Elsewhere", author=cast.owner)
    client.force_login(cast.owner)

    assert client.get(f"/p/shop/d/{elsewhere.pk}/{URL}").status_code == 404
    assert client.get(f"/p/other/d/{elsewhere.pk}/{URL}").status_code == 200


def test_the_header_says_what_it_is_and_where_it_stands(client, cast, draft):
    cast.project.required_approvals = 2
    cast.project.save()
    reviewing.submit(draft, cast.architect, "adds things\nfor the shop")
    give(draft, cast.reviewer)

    content = page(client, cast.viewer, draft)

    assert "<h1>Add things</h1>" in content
    assert '<span class="status status-in_review">In review</span>' in content
    assert "by architect" in content
    assert 'based on <a href="/p/shop/v/1/">v1</a>' in content
    assert 'latest <a href="/p/shop/v/1/">v1</a>' in content
    assert "<strong>1 of 2 approvals</strong>" in content
    assert "✓ reviewer" in content
    assert '<li class="warning">1 more approval needed (1 of 2)</li>' in content
    assert "adds things<br>for the shop" in content  # the description


def test_what_is_missing_names_who_requested_changes(client, cast, draft):
    reviewing.submit(draft, cast.architect, "")
    give(draft, cast.owner, Verdict.CHANGES_REQUESTED, "no")

    content = page(client, cast.architect, draft)

    assert '<span class="status status-changes_requested">Changes requested</span>' in content
    assert "<strong>0 of 1 approval</strong>" in content
    assert '<span class="badge danger">✗ owner requested changes</span> <span class="prose">“no”</span>' in content
    assert '<li class="warning">owner requested changes</li>' in content


def test_an_approved_draft_is_ready_to_publish(client, cast, draft):
    reviewing.submit(draft, cast.architect, "")
    give(draft, cast.reviewer)

    content = page(client, cast.architect, draft)

    assert "<strong>1 of 1 approval</strong>" in content
    assert "Every rule holds: ready to publish." in content
    assert 'class="messages missing"' not in content


def test_a_destructive_change_asks_for_an_owner_when_the_rule_says_so(client, cast, drops_status):
    cast.project.owner_approval_for_destructive = True
    cast.project.save()
    reviewing.submit(drops_status, cast.architect, "")
    give(drops_status, cast.reviewer)

    content = page(client, cast.architect, drops_status)

    assert "an owner's approval is needed (destructive change)" in content
    assert "the change is destructive: an owner must approve it" in content


def test_each_operation_is_described_with_its_badge_and_data_loss(client, cast, drops_status):
    content = page(client, cast.viewer, drops_status)

    assert "1 operation, <strong class=\"error\">1 destructive</strong>" in content
    assert '<li class="step destructive" id="op-drop_column:c-status" data-kind="drop_column">' in content
    assert "Drop column “status” from table “customer” and its values" in content
    assert '<span class="badge danger" title="running this can lose data">destructive</span>' in content
    assert (
        '<p class="data-loss">drops column “customer”.“status”: its values are lost unless backed up</p>'
        in content
    )
    assert 'href="?on=operation:drop_column%3Ac-status#comment-form">Comment</a>' in content


def test_a_change_that_loses_nothing_has_no_badge(client, cast, draft):
    with editing.change(draft, "Add table author"):
        editing.add_table(draft, "author")

    content = page(client, cast.viewer, draft)

    assert "Create table “author”" in content
    assert "destructive" not in content.split('id="change"')[1].split('id="change-sql"')[0]
    assert 'class="data-loss"' not in content


def test_an_unchanged_draft_says_so(client, cast, draft):
    content = page(client, cast.viewer, draft)

    assert "No changes from the base version." in content
    assert "No SQL: nothing changes." in content


def test_the_sql_up_and_down_with_copy_and_download(client, cast, drops_status):
    content = page(client, cast.viewer, drops_status)

    up = content.split('id="change-sql-up"')[1].split("</pre>")[0]
    down = content.split('id="change-sql-down"')[1].split("</pre>")[0]
    assert "ALTER TABLE &quot;customer&quot; DROP COLUMN &quot;status&quot;;" in up
    assert "ALTER TABLE &quot;customer&quot; ADD COLUMN &quot;status&quot; &quot;status&quot;" in down
    assert content.count(">Copy</button>") == 2
    assert 'data-copy-target="change-sql-up"' in content and 'data-copy-target="change-sql-down"' in content
    d = drops_status.pk
    assert f'<a href="/p/shop/d/{d}/change.up.sql?dialect=postgresql" download>Download .sql</a>' in content
    assert f'<a href="/p/shop/d/{d}/change.down.sql?dialect=postgresql" download>Download .sql</a>' in content


def test_the_dialect_switch_answers_htmx_with_the_sql_partial_only(client, cast, drops_status):
    client.force_login(cast.viewer)

    response = client.get(draft_url(drops_status, URL), {"dialect": "mysql"}, **SQL_PARTIAL)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="change-sql" class="change-sql" data-dialect="mysql">')
    assert "ALTER TABLE `customer` DROP COLUMN `status`;" in content
    assert '<strong aria-current="true">MySQL / MariaDB</strong>' in content
    assert "change.up.sql?dialect=mysql" in content
    assert "<html" not in content and 'id="discussion"' not in content and 'id="change-steps"' not in content
    assert "HX-Request" in response["Vary"]


def test_without_htmx_the_dialect_link_renders_the_whole_page(client, cast, drops_status):
    content = page(client, cast.viewer, drops_status, "?dialect=sqlite")

    assert "<html" in content and 'id="discussion"' in content
    assert 'data-dialect="sqlite"' in content


def test_another_htmx_target_gets_the_whole_page(client, cast, drops_status):
    client.force_login(cast.viewer)

    response = client.get(draft_url(drops_status, URL), **{**HTMX, "HTTP_HX_TARGET": "erd"})

    assert "<html" in response.content.decode()


def test_an_unknown_dialect_falls_back_to_the_projects(client, cast, drops_status):
    content = page(client, cast.viewer, drops_status, "?dialect=oracle")

    assert 'data-dialect="postgresql"' in content


def test_the_diagram_placeholder_loads_the_erd_diff_changes_only(client, cast, draft):
    content = page(client, cast.viewer, draft)

    erd = f"/p/shop/d/{draft.pk}/erd/diff/?view=changes"
    assert f'<section id="erd" class="erd" aria-label="Diagram" hx-get="{erd}" hx-trigger="load"' in content
    assert f'<a href="{erd}">Diagram</a>' in content


def test_on_a_column_anchors_the_comment_form(client, cast, draft):
    content = page(client, cast.viewer, draft, "?on=column:c-email")

    assert "Comment on column “customer”.“email”" in content
    assert '<input type="hidden" name="anchor_kind" value="column">' in content
    assert '<input type="hidden" name="anchor_uid" value="c-email">' in content


def test_on_an_operation_anchors_the_comment_form(client, cast, drops_status):
    content = page(client, cast.viewer, drops_status, "?on=operation:drop_column%3Ac-status")

    assert (
        "Comment on operation: Drop column “status” from table “customer” and its values" in content
    )
    assert '<input type="hidden" name="anchor_uid" value="drop_column:c-status">' in content


@pytest.mark.parametrize("on", ["column:nope", "nonsense:c-email", "column:", "column"])
def test_an_anchor_that_names_nothing_comments_on_the_draft(client, cast, draft, on):
    content = page(client, cast.viewer, draft, f"?on={on}")

    assert "<h3>Comment on the draft</h3>" in content
    assert 'name="anchor_kind"' not in content


# ---------------------------------------------------------------- what each role is offered

BUTTONS = {
    "submit": ">Submit for review</button>",
    "approve": ">Approve</button>",
    "request": ">Request changes</button>",
    "withdraw": ">Withdraw</button>",
    "publish": ">Publish</button>",
}


@pytest.mark.parametrize(
    "role, offered",
    [
        ("owner", {"submit", "publish"}),
        ("architect", {"submit", "publish"}),
        ("reviewer", set()),
        ("viewer", set()),
    ],
)
def test_an_open_draft_offers(client, cast, draft, role, offered):
    content = page(client, cast.user(role), draft)

    assert {name for name, label in BUTTONS.items() if label in content} == offered


@pytest.mark.parametrize(
    "role, offered",
    [
        ("owner", {"approve", "request", "withdraw", "publish"}),
        ("architect", {"withdraw", "publish"}),  # the author: nobody approves their own draft
        ("reviewer", {"approve", "request"}),
        ("viewer", set()),
    ],
)
def test_a_draft_in_review_offers(client, cast, draft, role, offered):
    reviewing.submit(draft, cast.architect, "")

    content = page(client, cast.user(role), draft)

    assert {name for name, label in BUTTONS.items() if label in content} == offered


def test_an_owner_does_not_approve_their_own_draft(client, cast, version):
    mine = Draft.objects.create_from_version(version, cast.owner, title="Owner's")
    reviewing.submit(mine, cast.owner, "")

    own = page(client, cast.owner, mine)
    other = page(client, cast.architect, mine)

    assert BUTTONS["approve"] not in own and BUTTONS["withdraw"] in own
    assert BUTTONS["approve"] in other and BUTTONS["withdraw"] not in other


def test_a_project_that_requires_no_approval_says_so(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()

    content = page(client, cast.reviewer, draft)

    assert "<strong>No approval required</strong>" in content and "0 of 0" not in content


def test_a_published_draft_offers_nothing_and_links_its_version(client, cast, draft):
    cast.project.required_approvals = 0
    cast.project.save()
    reviewing.publish(draft, cast.architect, "v2")

    content = page(client, cast.owner, draft)

    assert not [label for label in BUTTONS.values() if label in content]
    assert 'Published as <a href="/p/shop/v/2/">v2</a>.' in content
    assert 'id="comment-form"' not in content


def test_the_reviewer_sees_their_verdict_and_may_withdraw_it(client, cast, draft):
    reviewing.submit(draft, cast.architect, "")
    give(draft, cast.reviewer)

    content = page(client, cast.reviewer, draft)

    assert "Your verdict: approved," in content
    assert ">Withdraw my verdict</button>" in content


def test_update_from_v2_appears_once_another_draft_is_published(client, cast, draft, version):
    assert "Update from v" not in page(client, cast.architect, draft)
    other = Draft.objects.create_from_version(version, cast.owner, title="Other")
    with editing.change(other, "Add table author"):
        editing.add_table(other, "author")
    SchemaVersion.publish(cast.project, other.to_schema(), author=cast.owner, message="v2")

    content = page(client, cast.architect, draft)
    viewer = page(client, cast.viewer, draft)

    assert f'<a class="button" href="/p/shop/d/{draft.pk}/update/">Update from v2</a>' in content
    assert 'latest <a href="/p/shop/v/2/">v2</a>' in content
    assert "v2 was published since this draft started: update from v2 first" in content
    assert "Update from v2</a>" not in viewer  # only architects and owners update
    assert "update from v2 first" in viewer


# ---------------------------------------------------------------- a fixed number of queries


def _reviewed_draft(cast, tables: int, threads: int, reviewers: int, django_user_model) -> Draft:
    """A draft changing a generated schema of ``tables`` tables, in review, with ``threads``
    comment threads (each with a reply; every third resolved; anchored to tables and columns),
    verdicts from ``reviewers`` extra reviewers, and the activity all that wrote."""
    old, new = generate_pair(tables=tables, seed=3)
    base = SchemaVersion.publish(cast.project, old, author=cast.owner, message="generated")
    draft = Draft.objects.create_from_schema(cast.project, new, base, cast.architect, title="Big")
    reviewing.submit(draft, cast.architect, "a round of changes")
    for n in range(reviewers):
        user = django_user_model.objects.create_user(f"r{n}", password="x")
        Membership.objects.create(project=cast.project, user=user, role=Role.REVIEWER)
        give(draft, user, Verdict.APPROVED if n % 2 else Verdict.CHANGES_REQUESTED, f"verdict {n}")
    table_uids = list(draft.tables.order_by("name").values_list("uid", flat=True))
    column_uids = list(DraftColumn.objects.filter(draft=draft).order_by("id").values_list("uid", flat=True))
    for n in range(threads):
        kind, uid = ("table", table_uids[n]) if n % 2 else ("column", column_uids[n])
        anchor = comments.find_anchor(draft, kind, uid)
        root = comments.add_comment(draft, cast.viewer, f"thread {n}", anchor)
        comments.add_comment(draft, cast.reviewer, f"reply {n}", comments.Anchor("", "", "", ""), root)
        if n % 3 == 0:
            comments.set_resolved(root, cast.owner, True)
    # One thread on an element that is gone: outdated.
    Comment.objects.create(draft=draft, author=cast.viewer, body="gone", anchor_kind="column",
                           anchor_uid="no-longer", anchor_label="column “x”.“y”")
    draft.refresh_from_db()
    return draft


QUERIES = 22  # one of them counts the tables: a large draft not analysed yet is left to a worker


def test_the_page_takes_a_fixed_number_of_queries(client, cast, django_user_model, django_assert_num_queries):
    draft = _reviewed_draft(cast, tables=10, threads=2, reviewers=1, django_user_model=django_user_model)
    client.force_login(cast.owner)

    with django_assert_num_queries(QUERIES):
        response = client.get(draft_url(draft, URL))

    assert response.status_code == 200
    assert "thread 1" in response.content.decode()


def test_a_large_draft_takes_as_many_queries(client, cast, django_user_model, django_assert_num_queries):
    draft = _reviewed_draft(cast, tables=300, threads=40, reviewers=6, django_user_model=django_user_model)
    assert draft.tables.count() > 250
    client.force_login(cast.owner)

    with django_assert_num_queries(QUERIES):
        response = client.get(draft_url(draft, URL))

    content = response.content.decode()
    assert response.status_code == 200
    assert "thread 38" in content and "reply 39" in content
    assert "14 resolved threads" in content
    assert '<span class="badge">outdated</span> <s>column “x”.“y”</s>' in content


def test_a_dismissed_approval_is_shown_beside_the_count_with_the_change_that_did_it(client, cast, draft):
    reviewing.submit(draft, cast.architect, "")
    give(draft, cast.reviewer, Verdict.APPROVED, "")
    with editing.change(Draft.objects.get(pk=draft.pk), "Rename column customer.email"):
        pass

    content = page(client, cast.architect, draft)

    assert "<strong>0 of 1 approval</strong>" in content
    assert "✓̶ reviewer: approval dismissed by “Rename column customer.email”" in content


def test_the_owner_rule_says_when_only_the_author_could_meet_it(client, cast, draft):
    from designer.models import Membership, Role

    Membership.objects.filter(project=cast.project, role=Role.OWNER).update(role=Role.REVIEWER)
    Membership.objects.filter(user=cast.architect).update(role=Role.OWNER)
    cast.project.owner_approval_for_destructive = True
    cast.project.save()
    with editing.change(draft, "Drop column customer.status"):
        editing.delete_column(draft.tables.get(uid="t-customer").columns.get(uid="c-status"))
    reviewing.submit(Draft.objects.get(pk=draft.pk), cast.architect, "")
    give(draft, cast.reviewer, Verdict.APPROVED, "")

    content = page(client, cast.architect, draft)

    assert "an owner must approve it, and the only owner wrote it: add another owner, or change the rule" in content
    assert Draft.objects.get(pk=draft.pk).status == "in_review"  # not "Approved" while blocked


def test_the_page_is_never_cached(client, cast, draft):
    client.force_login(cast.viewer)

    response = client.get(draft_url(draft, "review/"))

    assert "no-store" in response["Cache-Control"]


def test_resolve_is_offered_only_to_who_may_resolve(client, cast, draft):
    anchor = comments.Anchor("", "", "", "")
    comments.add_comment(draft, cast.viewer, "mine", anchor)
    comments.add_comment(draft, cast.owner, "theirs", anchor)

    as_reviewer = page(client, cast.reviewer, draft)
    as_viewer = page(client, cast.viewer, draft)
    as_author = page(client, cast.architect, draft)

    assert ">Resolve</button>" not in as_reviewer
    assert as_viewer.count(">Resolve</button>") == 1  # their own thread only
    assert as_author.count(">Resolve</button>") == 2


def test_publish_is_disabled_with_the_reasons_until_the_rules_hold(client, cast, draft):
    reviewing.submit(draft, cast.architect, "")
    waiting = page(client, cast.architect, draft)
    give(draft, cast.reviewer, Verdict.APPROVED, "")
    ready = page(client, cast.architect, draft)

    assert '<button type="submit" class="primary" disabled aria-describedby="publish-needs">Publish</button>' in waiting
    assert "Publishing needs: 1 more approval needed (0 of 1)." in waiting
    assert '<button type="submit" class="primary">Publish</button>' in ready
    assert "Publishing needs" not in ready


def test_a_large_drafts_review_not_analysed_yet_is_left_to_a_worker_and_asked_for_again(
    client, cast, draft, settings, django_capture_on_commit_callbacks
):
    import time

    from django.core.cache import caches
    from django_tasks_db.models import DBTaskResult

    from designer import analysis
    from tests.designer.deployments import run_queued

    settings.ANALYSIS_INLINE_TABLES = 0  # every draft counts as large
    with django_capture_on_commit_callbacks(execute=True):
        first = page(client, cast.reviewer, draft)
        again = page(client, cast.reviewer, draft)

    for waiting in (first, again):
        assert 'id="review-pending"' in waiting and 'http-equiv="refresh"' in waiting
        assert "id=\"change\"" not in waiting
    assert DBTaskResult.objects.count() == 1  # asked for once
    assert "taking longer" not in again
    key = analysis._key(draft, draft.project.dialect)
    caches[analysis.CACHE].set(f"asked:{key}", time.time() - analysis.SLOW_SECONDS - 5)
    late = page(client, cast.reviewer, draft)
    assert "s so far" in late and "is the background worker running" in late
    assert run_queued() == ["SUCCESSFUL"]
    ready = page(client, cast.reviewer, draft)
    assert 'id="review-pending"' not in ready and 'id="change"' in ready


def test_a_large_draft_the_worker_failed_on_is_analysed_by_the_page_not_waited_for(
    client, cast, draft, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from designer import analysis
    from tests.designer.deployments import run_queued

    settings.ANALYSIS_INLINE_TABLES = 0
    real = analysis._analysed
    monkeypatch.setattr(analysis, "_analysed", lambda *args: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert 'id="review-pending"' in page(client, cast.reviewer, draft)
    assert run_queued() == ["FAILED"]

    monkeypatch.setattr(analysis, "_analysed", real)
    again = page(client, cast.reviewer, draft)
    assert 'id="review-pending"' not in again and 'id="change"' in again
