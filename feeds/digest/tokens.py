"""Per-recipient unsubscribe tokens that verify without a database lookup.

A token is ``<payload>.<mac>``: the payload is the list (digest name) and the address,
base64url-encoded; the mac is HMAC-SHA256 over a version tag, the list and the address
with the site's secret, cut to 128 bits. ``verify_token`` needs only the secret, so the
web front (and any replica of it) can honour a one-click unsubscribe (RFC 8058) without
reading the subscriber table first.

The secret comes from the environment variable named by ``[email] unsubscribe_secret_env``;
when that is unset, a random secret is generated once and kept in the state store's
``meta`` table, so links in mail already sent keep working across restarts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import sqlite3
from pathlib import Path

from feeds.config import Config

SECRET_META_KEY = "digest_unsubscribe_secret"
_VERSION = b"feeds-unsubscribe-v1"
_MAC_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, address: str, list_name: str) -> bytes:
    message = b"\0".join((_VERSION, list_name.encode(), address.encode()))
    return hmac.new(secret, message, hashlib.sha256).digest()[:_MAC_BYTES]


def _key(secret: bytes | str) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def make_token(address: str, list_name: str, secret: bytes | str) -> str:
    """The token for one address on one list (a digest's name). URL- and HTML-safe."""
    payload = _b64(list_name.encode() + b"\0" + address.encode())
    return f"{payload}.{_b64(_mac(_key(secret), address, list_name))}"


def verify_token(token: str, secret: bytes | str) -> tuple[str, str] | None:
    """``(address, list)`` when ``token`` was made with ``secret``, else None."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 2048:
        return None
    payload, mac = token.split(".")
    try:
        raw = _unb64(payload)
        given = _unb64(mac)
        list_name, address = (part.decode() for part in raw.split(b"\0", 1))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if _b64(raw) != payload or _b64(given) != mac:
        return None  # one token per (address, list): no second spelling of the same bytes
    if not address or not hmac.compare_digest(given, _mac(_key(secret), address, list_name)):
        return None
    return address, list_name


def unsubscribe_secret(config: Config) -> bytes:
    """The secret tokens are made with: from the environment, else the state store's own."""
    env = config.email.unsubscribe_secret_env if config.email else ""
    value = os.environ.get(env, "") if env else ""
    if value:
        return value.encode()
    return stored_secret(config.state_path)


def stored_secret(state_path: Path) -> bytes:
    """A random secret made once and kept in ``meta``; concurrent first callers agree."""
    from feeds.digest.store import connect

    db = connect(state_path)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (SECRET_META_KEY,)).fetchone()
        if row is None:
            try:
                db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                           (SECRET_META_KEY, secrets.token_hex(32)))
            except sqlite3.DatabaseError as e:
                from feeds.errors import StoreError

                raise StoreError(state_path, f"cannot store the unsubscribe secret: {e}") from None
            row = db.execute("SELECT value FROM meta WHERE key = ?", (SECRET_META_KEY,)).fetchone()
        return str(row[0]).encode()
    finally:
        db.close()
