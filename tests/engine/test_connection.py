"""Opening connections from URLs: the options each driver takes, and clear refusals."""

from __future__ import annotations

import pytest

from migrations_engine.connection import connect, mysql_tls
from migrations_engine.errors import ConnectionFailed
from migrations_engine.urls import parse_url
from tests.conftest import SERVERS


def with_options(server: str, options: str) -> str:
    return f"{server}?{options}"


def test_postgresql_options_reach_libpq():
    with connect(with_options(SERVERS["postgresql"], "sslmode=disable&application_name=me%20test")) as db:
        assert db.query("SELECT current_setting('application_name')") == [("me test",)]


def test_postgresql_ssl_required_by_the_url_is_not_dropped():
    """The server here has no TLS: a URL demanding it must fail, not connect in the clear."""
    ssl_on = connect(SERVERS["postgresql"])
    try:
        if ssl_on.query("SHOW ssl") != [("off",)]:
            pytest.skip("this PostgreSQL server offers TLS")
    finally:
        ssl_on.close()
    with pytest.raises(ConnectionFailed, match="SSL"):
        connect(with_options(SERVERS["postgresql"], "sslmode=require"))


def test_an_unknown_postgresql_option_is_named():
    with pytest.raises(ConnectionFailed, match='invalid connection option "colour"'):
        connect(with_options(SERVERS["postgresql"], "colour=blue"))


def test_mysql_tls_can_be_turned_off():
    with connect(with_options(SERVERS["mysql"], "ssl_mode=disabled")) as db:
        assert db.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'") == [("Ssl_cipher", "")]


def test_mysql_ssl_required_by_the_url_is_not_dropped():
    with connect(SERVERS["mysql"]) as db:
        if db.query("SHOW VARIABLES LIKE 'have_ssl'") != [("have_ssl", "DISABLED")]:
            pytest.skip("this MySQL server offers TLS")
    with pytest.raises(ConnectionFailed, match="SSL is required"):
        connect(with_options(SERVERS["mysql"], "ssl_mode=REQUIRED"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("colour=blue", "unknown option 'colour'"),
        ("ssl_mode=sometimes", "ssl_mode must be one of"),
        ("ssl_ca=/no/such/ca.pem", "ssl_ca file '/no/such/ca.pem' does not exist"),
    ],
)
def test_bad_mysql_options_are_refused_before_connecting(options, message):
    with pytest.raises(ConnectionFailed, match=message):
        mysql_tls(parse_url(f"mysql://root@db.invalid/shop?{options}"))


def test_mysql_tls_arguments(tmp_path):
    assert mysql_tls(parse_url("mysql://root@h/shop")) == {}
    assert mysql_tls(parse_url("mysql://root@h/shop?ssl_mode=DISABLED")) == {"ssl_disabled": True}
    import ssl

    context = mysql_tls(parse_url("mysql://root@h/shop?ssl_mode=verify_identity"))["ssl"]
    assert (context.check_hostname, context.verify_mode) == (True, ssl.CERT_REQUIRED)
    context = mysql_tls(parse_url("mysql://root@h/shop?ssl_mode=REQUIRED"))["ssl"]
    assert (context.check_hostname, context.verify_mode) == (False, ssl.CERT_NONE)


def test_sqlite_urls_take_no_options(tmp_path):
    with pytest.raises(ConnectionFailed, match=r"SQLite URLs take no options \(got mode\)"):
        connect(f"sqlite:///{tmp_path / 'a.db'}?mode=ro")
