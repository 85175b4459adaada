"""Subscribe, confirm and unsubscribe through `feeds serve` as a real process."""

from __future__ import annotations

import email
import email.policy
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from feeds.config import load_config
from feeds.digest.store import DigestStore
from feeds.digest.tokens import make_token, unsubscribe_secret
from tests.conftest import write_config
from tests.test_web import serving

EXTRA = """
[email]
from = "Newsroom <news@example.org>"
transport = "file"
maildir = "mail"
[[digest]]
name = "daily"
cron = "0 8 * * *"
[[digest]]
name = "weekly"
cron = "0 8 * * mon"
"""


@pytest.fixture
def server(site: Path) -> Iterator[tuple[Path, str]]:
    write_config(site, extra=EXTRA)
    subprocess.run([sys.executable, "-m", "feeds", "build"], cwd=site, check=True,
                   capture_output=True, timeout=120)
    with serving(site) as base:
        yield site, base


def mails(site: Path) -> list[email.message.EmailMessage]:
    folder = site / "mail" / "new"
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for p in sorted(folder.glob("*"))] if folder.exists() else []


def status(site: Path, address: str) -> tuple[str, tuple[str, ...]] | None:
    with DigestStore(site / "state" / "feeds.db") as store:
        for s in store.subscribers():
            if s.address == address:
                return s.status, s.digests
    return None


def confirm_link(message: email.message.EmailMessage) -> str:
    text = message.get_body(("plain",))
    assert text is not None
    match = re.search(r"https://news\.example\.org/(subscribe/confirm/\S+)", text.get_content())
    assert match
    return match.group(1)


def test_subscribe_confirm_then_one_click_unsubscribe(server: tuple[Path, str]) -> None:
    site, base = server
    form = httpx.get(base + "/subscribe")
    assert form.status_code == 200 and '<label for="email">' in form.text
    r = httpx.post(base + "/subscribe", data={"email": "Ada@Example.ORG", "digest": "daily"})
    assert r.status_code == 200 and "Check your inbox" in r.text
    assert status(site, "Ada@example.org") is None  # nothing until confirmed
    [message] = mails(site)
    assert message["To"] == "Ada@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    link = confirm_link(message)
    done = httpx.get(f"{base}/{link}")
    assert done.status_code == 200 and "You are subscribed" in done.text
    assert status(site, "Ada@example.org") == ("active", ("daily",))

    token = make_token("Ada@example.org", "daily", unsubscribe_secret(load_config(site / "config.toml")))
    page = httpx.get(f"{base}/unsubscribe/{token}")
    assert page.status_code == 200 and "Unsubscribe from daily" in page.text
    assert status(site, "Ada@example.org") == ("active", ("daily",))  # a GET changes nothing
    click = httpx.post(f"{base}/unsubscribe/{token}", content=b"List-Unsubscribe=One-Click",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert click.status_code == 200 and "You are unsubscribed" in click.text
    assert status(site, "Ada@example.org")[1] == ()  # type: ignore[index]


def test_tampered_tokens_change_nothing(server: tuple[Path, str]) -> None:
    site, base = server
    httpx.post(base + "/subscribe", data={"email": "bob@example.org"})
    httpx.get(f"{base}/{confirm_link(mails(site)[0])}")
    assert status(site, "bob@example.org") == ("active", ("daily", "weekly"))
    token = make_token("bob@example.org", "daily", unsubscribe_secret(load_config(site / "config.toml")))
    forged = make_token("bob@example.org", "daily", b"not the secret")
    for bad in (forged, token[:-2] + "xx", "garbage", token.replace(".", "")):
        r = httpx.post(f"{base}/unsubscribe/{bad}", content=b"List-Unsubscribe=One-Click")
        assert r.status_code == 400 and "This link is not valid" in r.text
    assert httpx.get(f"{base}/subscribe/confirm/not-a-token").status_code == 400
    assert status(site, "bob@example.org") == ("active", ("daily", "weekly"))


def test_no_address_enumeration_and_flood_limits(server: tuple[Path, str]) -> None:
    site, base = server
    httpx.post(base + "/subscribe", data={"email": "carol@example.org"})
    httpx.get(f"{base}/{confirm_link(mails(site)[0])}")
    known = httpx.post(base + "/subscribe", data={"email": "carol@example.org"}).text
    unknown = httpx.post(base + "/subscribe", data={"email": "dave@example.org"}).text
    assert known.replace("carol", "X") == unknown.replace("dave", "X")
    for _ in range(5):
        httpx.post(base + "/subscribe", data={"email": "erin@example.org"})
    to_erin = [m for m in mails(site) if m["To"] == "erin@example.org"]
    assert len(to_erin) == 3  # per-address limit
    bad = httpx.post(base + "/subscribe", data={"email": "not an address"})
    assert bad.status_code == 422


def test_preferences_from_the_same_link(server: tuple[Path, str]) -> None:
    site, base = server
    httpx.post(base + "/subscribe", data={"email": "fay@example.org"})
    httpx.get(f"{base}/{confirm_link(mails(site)[0])}")
    token = make_token("fay@example.org", "weekly", unsubscribe_secret(load_config(site / "config.toml")))
    page = httpx.get(f"{base}/preferences/{token}")
    assert page.status_code == 200 and 'value="daily" checked' in page.text
    saved = httpx.post(f"{base}/preferences/{token}", data={"action": "save", "digest": "weekly"})
    assert saved.status_code == 200 and "Saved." in saved.text
    assert status(site, "fay@example.org") == ("active", ("weekly",))
    gone = httpx.post(f"{base}/preferences/{token}", data={"action": "unsubscribe-all"})
    assert "no longer receive anything" in gone.text
    assert status(site, "fay@example.org")[0] == "unsubscribed"  # type: ignore[index]
