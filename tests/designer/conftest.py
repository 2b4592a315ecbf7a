"""The cast: one project and a user in each role, plus an outsider who belongs to nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from designer.models import Draft, Membership, Project, Role, SchemaVersion, new_uid
from tests.designer.schemas import sample_schema


@dataclass
class Cast:
    project: Project
    owner: object
    architect: object
    reviewer: object
    viewer: object
    outsider: object

    def user(self, role: str):
        return getattr(self, role)


ROLES = ("owner", "architect", "reviewer", "viewer")
EVERYONE = (*ROLES, "outsider")


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    # The default hasher takes about a second per password by design: too slow for a cast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def erd_cache(settings) -> None:
    # Empty caches of diagrams and analyses per test, in memory: the configured file caches
    # outlive runs.
    settings.CACHES = {
        **settings.CACHES,
        "erd": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": new_uid()},
        "analysis": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": new_uid()},
    }


@pytest.fixture
def dot_calls(monkeypatch) -> list[str]:
    """The formats ``dot`` is run for, in order, once per drawing however many parts it is
    drawn in (it still runs)."""
    from designer.erd import render

    calls: list[str] = []
    real = render.run_dots

    def counting(sources: list[str], fmt: str, timeout: float = render.TIMEOUT) -> list[bytes]:
        calls.append(fmt)
        return real(sources, fmt, timeout)

    monkeypatch.setattr(render, "run_dots", counting)
    return calls


@pytest.fixture
def mailbox(settings, cast) -> list:
    """Mail kept in ``django.core.mail.outbox``; everyone in the cast has an address."""
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = ""
    for user in (cast.owner, cast.architect, cast.reviewer, cast.viewer, cast.outsider):
        user.email = f"{user.username}@example.com"
        user.save()
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def cast(db, django_user_model) -> Cast:
    project = Project.objects.create(name="Shop", slug="shop", dialect="postgresql")
    users = {}
    for name in EVERYONE:
        users[name] = django_user_model.objects.create_user(name, password="password")
        if name in ROLES:
            Membership.objects.create(project=project, user=users[name], role=Role(name))
    return Cast(project=project, **users)


@pytest.fixture
def version(cast) -> SchemaVersion:
    return SchemaVersion.publish(cast.project, sample_schema(), author=cast.owner, message="first")


@pytest.fixture
def draft(cast, version) -> Draft:
    return Draft.objects.create_from_version(version, cast.architect, title="Add things")


def expect_status(client, user, method: str, url: str, data: dict | None = None, **extra) -> int:
    """Log ``user`` in and return the status of one request."""
    client.force_login(user)
    response = getattr(client, method)(url, data or {}, **extra)
    client.logout()
    return response.status_code


READ_MATRIX = [
    ("owner", 200),
    ("architect", 200),
    ("reviewer", 200),
    ("viewer", 200),
    ("outsider", 404),
]
EDIT_MATRIX = [
    ("owner", 200),
    ("architect", 200),
    ("reviewer", 403),
    ("viewer", 403),
    ("outsider", 404),
]
HTMX = {"HTTP_HX_REQUEST": "true"}


def draft_url(draft: Draft, rest: str = "") -> str:
    return f"/p/{draft.project.slug}/d/{draft.pk}/{rest}"


def htmx_post(client, user, url: str, data: dict | None = None):
    client.force_login(user)
    return client.post(url, data or {}, **HTMX)


@pytest.fixture
def everything_large(settings):
    """Every draft counts as large: its edits leave its content to the worker (PreparedState)."""
    settings.UNDO_PREPARE_BYTES = 1


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what an edit leaves for after its commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def content_reads(monkeypatch):
    """The drafts whose whole content was read, once per read."""
    from designer import conversion

    calls = []
    read = conversion.read_content

    def counted(draft, *only, **named):
        if not only and not named:
            calls.append(draft.pk)
        return read(draft, *only, **named)

    monkeypatch.setattr(conversion, "read_content", counted)
    return calls


def add_table(client, cast, draft, name):
    """The architect adds a table through the editor."""
    return htmx_post(client, cast.architect, draft_url(draft, "tables/new/"), {"new-table-name": name})
