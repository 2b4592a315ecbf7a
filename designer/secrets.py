"""Connection URLs encrypted at rest: Fernet tokens under keys that are not SECRET_KEY.

``CONNECTION_KEYS`` (settings, from the environment) lists the keys, newest first: the first
encrypts, every one decrypts (``MultiFernet``), so a key is rotated by putting a new one in
front, running ``manage.py rotate_connection_keys`` (which re-encrypts every URL under it) and
then dropping the old one (docs/connections.md). Without ``CONNECTION_KEYS`` a development
server (DEBUG) keeps a key of its own in ``CONNECTION_KEY_FILE``, made on first use; anything
else refuses to store or read a connection, with the setting to add.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables


class SecretUnreadable(Exception):
    """A stored secret does not decrypt under any configured key (a key dropped too early)."""


@sensitive_variables()
def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


@sensitive_variables()
def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SecretUnreadable(
            "this connection's URL cannot be decrypted with the configured CONNECTION_KEYS "
            "(was the key it was stored under removed before rotate_connection_keys ran?): enter its URL again"
        ) from None


def rotate(token: str) -> str:
    """``token`` re-encrypted under the first key (decrypting with any of them)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise SecretUnreadable("a stored URL does not decrypt under any of CONNECTION_KEYS") from None


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.CONNECTION_KEYS), bool(settings.DEBUG), str(settings.CONNECTION_KEY_FILE))


@cache
def _fernet_for(keys: tuple[str, ...], debug: bool, key_file: str) -> MultiFernet:
    if not keys:
        if not debug:
            raise ImproperlyConfigured(
                "CONNECTION_KEYS is not set: connection URLs are encrypted with it. Set it to the output of "
                "`python manage.py rotate_connection_keys --new-key` (docs/connections.md)"
            )
        keys = (_development_key(Path(key_file)),)
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, UnicodeEncodeError):
        raise ImproperlyConfigured(
            "CONNECTION_KEYS holds a key that is not a Fernet key (32 url-safe base64-encoded bytes)"
        ) from None


def _development_key(path: Path) -> str:
    """The development server's own key, made once and kept readable by its owner only."""
    if not path.is_file():
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(generate_key() + "\n")
    return path.read_text().strip()
