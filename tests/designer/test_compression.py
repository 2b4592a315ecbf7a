"""Answers are gzipped for browsers that take it (GZipMiddleware): a large diagram's SVG is
megabytes of text."""

from __future__ import annotations

import gzip

import pytest

pytestmark = pytest.mark.django_db

URL = "/p/shop/v/1/erd/"


def test_a_diagram_is_sent_gzipped_to_a_browser_that_takes_it(client, cast, version):
    client.force_login(cast.viewer)

    plain = client.get(URL + "?view=all")
    packed = client.get(URL + "?view=all", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert plain.get("Content-Encoding") is None and b"<svg" in plain.content
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert gzip.decompress(packed.content).count(b'class="node"') == plain.content.count(
        b'class="node"'
    )
