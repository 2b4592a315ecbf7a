"""The project's "Lint rules" (POST …/settings/lint-rules/): only owners change them; the
settings page lists every rule with a checkbox; turned-off rules stay off in the findings."""

import re

import pytest

from designer.lint import disabled_rules
from designer.models import Activity, Project
from migrations_engine.lint import all_rules

URL = "/p/shop/settings/lint-rules/"


def all_on_but(*off: str) -> dict:
    return {rule.id: "on" for rule in all_rules() if rule.id not in off}


@pytest.mark.parametrize(
    "role, status",
    [("owner", 302), ("architect", 403), ("reviewer", 403), ("viewer", 403), ("outsider", 404)],
)
def test_role_matrix(client, cast, role, status):
    client.force_login(cast.user(role))

    assert client.post(URL, all_on_but("L004", "L009")).status_code == status
    assert Project.objects.get().lint_disabled == (["L004", "L009"] if role == "owner" else [])


def test_anonymous_is_sent_to_login(client, cast):
    response = client.post(URL, all_on_but("L004"))

    assert response.status_code == 302 and "/login" in response["Location"]
    assert Project.objects.get().lint_disabled == []


def test_get_is_refused(client, cast):
    client.force_login(cast.owner)

    assert client.get(URL).status_code == 405


def test_owners_see_every_rule_with_a_checkbox_checked_when_on(client, cast):
    cast.project.lint_disabled = ["L010"]
    cast.project.save()
    client.force_login(cast.owner)

    content = client.get("/p/shop/settings/").content.decode()

    assert 'id="lint-rules"' in content
    for rule in all_rules():
        assert f'name="{rule.id}"' in content
        assert f'href="/lint/#{rule.slug}"' in content
    assert re.search(r'<input type="checkbox" name="L010"[^>]*id="id_L010">', content)
    assert re.search(r'<input type="checkbox" name="L001"[^>]*id="id_L001" checked>', content)
    assert 'id="id_L001_helptext"' in content


def test_saving_redirects_to_the_section_and_is_recorded(client, cast):
    client.force_login(cast.owner)

    response = client.post(URL, all_on_but("L008"))

    assert response["Location"] == "/p/shop/settings/#lint-rules"
    assert Activity.objects.filter(project=cast.project, detail="lint rules off: L008").exists()
    assert client.post(URL, all_on_but()).status_code == 302
    assert Project.objects.get().lint_disabled == []


def test_unknown_ids_stored_earlier_are_ignored(cast):
    cast.project.lint_disabled = ["L004", "L999"]

    assert disabled_rules(cast.project) == ["L004"]


def test_the_docs_page_has_every_rules_anchor(client, cast):
    client.force_login(cast.viewer)

    content = client.get("/lint/").content.decode()

    for rule in all_rules():
        assert f'<a id="{rule.slug}"></a>' in content
        assert f"{rule.id} {rule.slug}</h2>" in content
    assert "<pre class=\"sql\"><code>CREATE INDEX CONCURRENTLY" in content
    assert "<script" not in content.split('class="prose lint-docs"')[1].split("</article>")[0]
