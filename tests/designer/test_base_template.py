"""What every page inherits from templates/base.html."""

import pytest


@pytest.mark.parametrize("url, user", [("/accounts/login/", None), ("/", "viewer")])
def test_template_comments_stay_out_of_the_page(client, cast, url, user):
    if user:
        client.force_login(cast.user(user))

    content = client.get(url).content.decode()

    assert "responseHandling" in content  # the htmx configuration the comment explains
    assert "Swap 422 answers" not in content
    assert "{#" not in content and "#}" not in content
