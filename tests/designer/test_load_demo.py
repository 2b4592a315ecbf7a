from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from designer.models import Draft, DraftStatus, Membership, Project, Role
from designer.preview import create_script, migration


def run(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(django_user_model):
    return django_user_model.objects.create_user("demo")


def test_it_loads_two_versions_and_an_open_draft(demo):
    output = run()

    project = Project.objects.get(slug="sakila")
    assert "Loaded demo project 'sakila'" in output
    assert Membership.objects.get(project=project, user=demo).role == Role.OWNER
    v1, v2 = project.versions.order_by("number")
    assert len(v1.schema().tables) == 15
    assert {g["name"] for g in v1.groups} == {"Films", "Customers", "Rentals"}
    draft = Draft.objects.get(project=project, status=DraftStatus.OPEN)
    assert draft.base_version == v2
    assert draft.to_schema() == v2.schema()


def test_v2_renames_and_adds_without_losing_data(demo):
    run()
    v1, v2 = Project.objects.get(slug="sakila").versions.order_by("number")

    result = migration(v1.schema(), v2.schema(), "postgresql")

    descriptions = [step.description for step in result.steps]
    assert "Rename column “activebool” of table “customer” to “is_active”" in descriptions
    assert any("loyalty_tier" in d for d in descriptions)
    assert not result.destructive


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_every_dialect_renders_the_demo(demo, dialect):
    run()
    v2 = Project.objects.get(slug="sakila").versions.get(number=2)

    sql, error = create_script(v2.schema(), dialect)

    assert error == ""
    assert sql.count("CREATE TABLE") >= 15  # SQLite rebuilds some tables to add foreign keys


def test_it_is_idempotent(demo):
    run()
    Membership.objects.filter(user=demo).update(role=Role.VIEWER)

    output = run()

    assert "is there already" in output
    assert Project.objects.get().versions.count() == 2
    assert Membership.objects.get(user=demo).role == Role.OWNER


def test_it_needs_the_user(db):
    with pytest.raises(CommandError, match="ensure_demo"):
        run(username="nobody")


def test_a_draft_waits_in_review_with_the_reviewers_question(demo, django_user_model):
    reviewer = django_user_model.objects.create_user("reviewer")

    run()

    project = Project.objects.get(slug="sakila")
    assert Membership.objects.get(project=project, user=reviewer).role == Role.REVIEWER
    draft = Draft.objects.get(project=project, status=DraftStatus.IN_REVIEW)
    assert draft.author == demo
    assert [step.description for step in migration(draft.base_schema(), draft.to_schema(), "postgresql").steps] == [
        "Add column “phone” (varchar(30)) to table “customer”"
    ]
    (thread,) = draft.comments.all()
    assert thread.author == reviewer and thread.anchor_label == "column “customer”.“phone”"


def test_without_a_reviewer_the_draft_waits_for_one(demo):
    run()

    draft = Draft.objects.get(project__slug="sakila", status=DraftStatus.IN_REVIEW)
    assert not draft.comments.exists()
