"""The pages keep to the Content-Security-Policy: Chromium loads each main page of the demo with
the policy on and reports no violation (an inline script or handler, a style attribute, svg-pan-zoom's
stylesheet if its hash went stale); the scripts that replaced inline ones still do their work."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password"

# Each violation the page sees, kept where the test can read it (the event does not reach the
# console when the page is closed too soon, the array does).
WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def demo(django_user_model, settings):
    """The demo data (load_demo): the Sakila project with two versions, an open draft, and a
    draft in review by its owner ``demo``."""
    from django.core.management import call_command

    from designer.models import Draft, DraftTable

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_user("demo", password=PASSWORD)
    django_user_model.objects.create_user("reviewer", password=PASSWORD)
    call_command("load_demo", verbosity=0)
    drafts = {
        "open": Draft.objects.get(title="Try things here"),
        "in_review": Draft.objects.get(title="Customer phone numbers"),
    }
    customer = DraftTable.objects.get(draft=drafts["open"], name="customer")
    assert customer.group is not None  # its colour is drawn beside its name
    return {**drafts, "customer": customer.uid}


@pytest.fixture
def shop(django_user_model, settings):
    """A project from the tests' sample schema, owned by ``ada``, with v1 and a draft of it
    (the diagrams are drawn from it)."""
    from designer.models import Draft, Membership, Project, Role, SchemaVersion
    from tests.designer.schemas import sample_schema

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {
        **settings.CACHES,
        "erd": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "erd-csp"},
    }
    ada = django_user_model.objects.create_user("ada", password=PASSWORD)
    project = Project.objects.create(name="Shop", slug="shop")
    Membership.objects.create(project=project, user=ada, role=Role.OWNER)
    version = SchemaVersion.publish(project, sample_schema(), author=ada)
    return Draft.objects.create_from_version(version, ada, title="Add things")


@pytest.fixture
def watched(page) -> Iterator[object]:
    """The page, with CSP violations collected, and console errors about them too."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.add_init_script(WATCH)
    page.console_errors = console
    yield page


def violations(page) -> list[str]:
    found = list(page.evaluate("window.cspViolations"))
    found += [text for text in page.console_errors if "Content Security Policy" in text]
    return found


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")  # htmx's lazy parts (diagrams, previews) are in
    assert violations(page) == [], url


def log_in(page, base: str, username: str) -> None:
    visit(page, f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_the_main_pages_break_no_rule_of_the_policy(watched, live_server, demo):
    base = live_server.url
    project = f"{base}/p/sakila"
    log_in(watched, base, "demo")

    for url in (
        f"{base}/",
        f"{project}/",
        f"{project}/v/2/",
        f"{project}/d/{demo['open'].pk}/?table={demo['customer']}",
        f"{project}/d/{demo['in_review'].pk}/review/",
    ):
        visit(watched, url)


def test_the_diagram_pages_break_no_rule_of_the_policy(watched, live_server, shop):
    from playwright.sync_api import expect

    base = live_server.url
    log_in(watched, base, "ada")

    for url in (f"{base}/p/shop/v/1/erd/", f"{base}/p/shop/d/{shop.pk}/erd/", f"{base}/p/shop/d/{shop.pk}/"):
        visit(watched, url)
        # Zoom and pan are on: svg-pan-zoom's own stylesheet was let in by its hash.
        expect(watched.locator("#erd #svg-pan-zoom-controls")).to_have_count(1)
        cursor = "getComputedStyle(document.querySelector('.svg-pan-zoom-control')).cursor"
        assert watched.evaluate(cursor) == "pointer"
        assert violations(watched) == [], url


def test_a_confirmation_still_guards_withdrawing_a_draft(watched, live_server, demo):
    from designer.models import Draft, DraftTable

    log_in(watched, live_server.url, "demo")
    visit(watched, f"{live_server.url}/p/sakila/d/{demo['in_review'].pk}/review/")
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    watched.once("dialog", dismiss)
    watched.click("form[data-confirm] button:has-text('Withdraw')")
    watched.wait_for_timeout(300)
    assert asked and asked[0].startswith("Withdraw this draft from review?")
    assert Draft.objects.get(pk=demo["in_review"].pk).status == "in_review"

    watched.once("dialog", lambda dialog: dialog.accept())
    with watched.expect_navigation():
        watched.click("form[data-confirm] button:has-text('Withdraw')")
    assert Draft.objects.get(pk=demo["in_review"].pk).status == "open"
    assert violations(watched) == []
