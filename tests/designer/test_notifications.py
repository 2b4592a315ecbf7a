"""Review mail (designer/notifications.py): one message per address, handed over on commit,
never to the person who acted nor to users without an address; a failing server is logged."""

import logging

import pytest

from designer import comments, notifications, reviewing
from designer.models import Draft, DraftStatus, Membership, Verdict
from tests.designer.conftest import draft_url




def verdict(draft, user, kind, message=""):
    draft.refresh_from_db()
    return reviewing.give_verdict(draft, Membership.objects.get(user=user), kind, message)


def test_each_recipient_gets_their_own_message(cast, draft, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.submit(draft, cast.architect, "")

    assert [m.to for m in mailbox] == [["owner@example.com"], ["reviewer@example.com"]]
    assert all(not m.cc and not m.bcc for m in mailbox)
    assert all(m.from_email == "schema-designer@localhost" for m in mailbox)


def test_a_request_for_changes_is_mailed_to_the_author(cast, draft, mailbox, django_capture_on_commit_callbacks):
    reviewing.submit(draft, cast.architect, "")
    with django_capture_on_commit_callbacks(execute=True):
        verdict(draft, cast.owner, Verdict.CHANGES_REQUESTED, "name it mail")

    assert [m.to for m in mailbox] == [["architect@example.com"]]
    assert mailbox[0].subject == "[Shop] Changes requested: Add things"
    assert "name it mail" in mailbox[0].body
    assert draft_url(draft, "review/") in mailbox[0].body


def test_the_verdict_mail_says_who_did_what_in_a_sentence(cast, draft, mailbox, django_capture_on_commit_callbacks):
    reviewing.submit(draft, cast.architect, "")
    with django_capture_on_commit_callbacks(execute=True):
        verdict(draft, cast.owner, Verdict.CHANGES_REQUESTED)

    assert mailbox[0].body.startswith("owner requested changes on “Add things”.")


def test_a_comment_on_the_draft_has_no_anchor_in_its_subject(cast, draft, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        comments.add_comment(draft, cast.viewer, "why?", comments.Anchor("", "", "", ""))

    assert mailbox[0].subject == "[Shop] New comment: Add things"
    assert mailbox[0].body.startswith("viewer wrote:\n\nwhy?\n\n")


def test_the_author_commenting_on_their_own_draft_mails_nobody(cast, draft, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comments.add_comment(draft, cast.architect, "note to self", comments.Anchor("", "", "", ""))

    assert mailbox == [] and callbacks == []


def test_a_draft_without_an_author_still_mails_the_thread(cast, draft, mailbox, django_capture_on_commit_callbacks):
    root = comments.add_comment(draft, cast.viewer, "why?", comments.Anchor("", "", "", ""))
    Draft.objects.filter(pk=draft.pk).update(author=None)
    draft.refresh_from_db()
    mailbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        comments.add_comment(draft, cast.reviewer, "because", comments.Anchor("", "", "", ""), root)

    assert [m.to for m in mailbox] == [["viewer@example.com"]]


def test_withdrawing_and_resolving_send_nothing(cast, draft, mailbox, django_capture_on_commit_callbacks):
    reviewing.submit(draft, cast.architect, "")
    verdict(draft, cast.reviewer, Verdict.CHANGES_REQUESTED)
    thread = comments.add_comment(draft, cast.viewer, "why?", comments.Anchor("", "", "", ""))
    mailbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reviewing.withdraw_verdict(draft, cast.reviewer)
        comments.set_resolved(thread, cast.architect, True)
        reviewing.withdraw(Draft.objects.get(pk=draft.pk), cast.architect)

    assert callbacks == [] and mailbox == []
    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.OPEN


def test_a_failing_mail_server_is_logged_not_raised(cast, draft, mailbox, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(notifications, "send_mass_mail", down)

    with caplog.at_level(logging.ERROR, logger="designer.notifications"), django_capture_on_commit_callbacks(execute=True):
        reviewing.submit(draft, cast.architect, "")

    assert Draft.objects.get(pk=draft.pk).status == DraftStatus.IN_REVIEW
    assert "could not send 2 review notification(s): [Shop] Review requested: Add things" in caplog.text
    assert "connection refused" in caplog.text


def test_the_review_link_is_relative_without_site_url(cast, draft, settings):
    settings.SITE_URL = ""
    assert notifications.review_link(draft) == draft_url(draft, "review/")
    settings.SITE_URL = "https://schemas.example.com/"
    assert notifications.review_link(draft) == f"https://schemas.example.com{draft_url(draft, 'review/')}"
