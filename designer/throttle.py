"""Login throttling with django-axes: the authentication backend that refuses locked-out logins,
and the client address that failures are counted against (settings: AXES_*, PROXY_COUNT)."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before the password is looked at, for logins over the web.

    ``authenticate()`` called without a request (a shell, a management command, a test) has no
    client to throttle and nobody guessing through it: it is passed on to the next backend,
    where django-axes would raise instead.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """The address failed logins are counted against.

    Without proxies (``PROXY_COUNT`` 0) it is the peer's address. Each proxy in front of the app
    appends the address it was called from to X-Forwarded-For, so with N proxies the client is
    the N-th entry from the right; entries further left were written by the client and could be
    anything, so they are never used.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count <= 0:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer entries than proxies: every entry there was written by one of ours.
        return forwarded[0] if forwarded else peer
    return forwarded[-count]
