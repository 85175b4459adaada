"""Digest pieces without a server: tokens, addresses, CSV, header cleaning, message building,
release selection. Round trips are Hypothesis properties."""

from __future__ import annotations

import email
import email.policy
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.config import Config, config_from_dict
from feeds.digest.errors import AddressError
from feeds.digest.message import Letter, MessageFactory, _qp, qp_fill, qp_parts
from feeds.digest.render import clean_header, select_releases
from feeds.digest.store import DigestStore
from feeds.digest.subscribers import (
    STATUSES,
    SUPPRESSED,
    parse_address,
    read_csv,
    write_csv,
)
from feeds.digest.tokens import make_token, stored_secret, verify_token
from feeds.model import DateSource, Release

NOW = datetime(2026, 11, 2, 8, tzinfo=UTC)

local_parts = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._+-]{0,20}[A-Za-z0-9]\Z")
domains = st.from_regex(r"\A[a-z][a-z0-9-]{0,10}[a-z0-9]\.(org|com|ch|example)\Z")
addresses = st.builds(lambda local, domain: f"{local}@{domain}", local_parts, domains).filter(
    # (a label with "--" in its third and fourth places is reserved for IDNs, RFC 5891 4.2.3.1,
    # and refused, rightly, by email-validator: hypothesis found "00@a0--0.org")
    lambda a: ".." not in a and a.rpartition("@")[2][2:4] != "--")


def _config(tmp: Path, **digest: object) -> Config:
    return config_from_dict({
        "site": {"title": "Newsroom", "url": "https://news.example.org/"},
        "email": {"from": "Newsroom <news@example.org>"},
        "digest": [{"name": "daily", "cron": "0 8 * * *", **digest}],
    }, tmp / "config.toml")


# -- tokens ------------------------------------------------------------------------------------


@given(address=addresses, list_name=st.text(min_size=1, max_size=20).filter(lambda s: "\0" not in s),
       secret=st.binary(min_size=1, max_size=64))
def test_a_token_verifies_to_its_address_and_list(address: str, list_name: str, secret: bytes) -> None:
    token = make_token(address, list_name, secret)
    assert verify_token(token, secret) == (address, list_name)
    assert verify_token(token, secret + b"x") is None
    assert all(c.isalnum() or c in "-_." for c in token)  # URL- and HTML-safe as it is


@given(address=addresses, index=st.integers(min_value=0), replacement=st.sampled_from("AQgw-_.x0"))
def test_a_tampered_token_does_not_verify(address: str, index: int, replacement: str) -> None:
    token = make_token(address, "daily", b"secret")
    i = index % len(token)
    tampered = token[:i] + replacement + token[i + 1:]
    if tampered != token:
        assert verify_token(tampered, b"secret") is None


def test_tokens_refuse_junk() -> None:
    for junk in ("", ".", "a.b.c", "!!!.???", "x" * 5000, "ZGFpbHkA.AAAA"):
        assert verify_token(junk, b"secret") is None


def test_the_stored_secret_is_made_once(tmp_path: Path) -> None:
    first = stored_secret(tmp_path / "state.db")
    assert len(first) == 64 and stored_secret(tmp_path / "state.db") == first


# -- addresses and CSV -------------------------------------------------------------------------


def test_case_variants_are_one_subscriber() -> None:
    a = parse_address(" Ann.Lee@Example.ORG ")
    b = parse_address("ann.lee@example.org")
    assert a.key == b.key and a.address == "Ann.Lee@example.org"
    idn = parse_address("x@Bücher.example")
    assert idn.address == "x@bücher.example" and idn.envelope == "x@xn--bcher-kva.example"
    for bad in ("no-at-sign", "a@b", "two@@example.org", "a b@example.org", ""):
        with pytest.raises(AddressError):
            parse_address(bad)


rows = st.lists(st.tuples(addresses, st.sampled_from(STATUSES),
                          st.lists(st.sampled_from(["daily", "weekly"]), unique=True)),
                max_size=20)


@given(rows=rows)
def test_export_then_import_gives_the_same_list(rows: list[tuple[str, str, list[str]]]) -> None:
    unique = {parse_address(a).key: (a, s, d) for a, s, d in rows}
    text = write_csv({"email": a, "status": s, "digests": " ".join(d)} for a, s, d in unique.values())
    parsed, problems = read_csv(text, ["daily", "weekly"])
    assert problems == []
    assert [(r.address.address, r.status, r.digests) for r in parsed] == [
        (parse_address(a).address, s, tuple(d)) for a, s, d in unique.values()]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30,
          deadline=None)
@given(rows=rows)
def test_suppressed_addresses_stay_suppressed_whatever_is_imported(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, list[str]]],
) -> None:
    path = tmp_path_factory.mktemp("store") / "state.db"
    with DigestStore(path) as store:
        store.upsert(((parse_address(a), s, tuple(d)) for a, s, d in rows), NOW)
        before = {s.address.lower(): s.status for s in store.subscribers()}
        store.upsert(((parse_address(a), "active", ("daily",)) for a, _, _ in rows), NOW)
        after = {s.address.lower(): s.status for s in store.subscribers()}
    assert before.keys() == after.keys()
    for key, status in before.items():
        if status in SUPPRESSED:
            assert after[key] == status
        else:
            assert after[key] == "active"


# -- headers and messages ----------------------------------------------------------------------


@given(st.text())
def test_clean_header_leaves_no_controls_separators_or_overrides(text: str) -> None:
    out = clean_header(text)
    for ch in out:
        assert unicodedata.category(ch) not in ("Cc", "Zl", "Zp")
        assert not (0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069)
    assert clean_header(out) == out and out == out.strip()


body_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400).map(
    lambda s: s.replace("\r", ""))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=body_text, html=body_text, subject=st.text(max_size=120), address=addresses)
def test_a_built_message_parses_back_to_what_was_rendered(
    tmp_path: Path, text: str, html: str, subject: str, address: str,
) -> None:
    config = _config(tmp_path)
    placeholder = "feedsunsubPH"
    letter = Letter("daily", 7, "n0nce", subject, f"<p>{html}</p>{placeholder}",
                    f".{text}\n{placeholder}\n", placeholder)
    factory = MessageFactory(config, letter, b"secret")
    raw = factory.build(address, address, 42)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    m = email.message_from_bytes(raw, policy=email.policy.default)
    token = make_token(address, "daily", b"secret")
    assert m.get_content_type() == "multipart/alternative"
    assert m["Subject"] == clean_header(subject)
    assert m["Message-ID"] == factory.message_id(42) and len(m["Message-ID"]) < 48
    plain = m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert plain.replace("\r\n", "\n") == f".{text}\n{token}\n".replace(placeholder, token)
    rich = m.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert rich.replace("\r\n", "\n") == f"<p>{html}</p>{token}"


@given(text=st.text(st.sampled_from("ab =.\t\né€\u2028x"), max_size=300),
       token=st.from_regex(r"\A[A-Za-z0-9_.-]{0,80}\Z"))
def test_quoted_printable_pieces_encode_like_the_whole(text: str, token: str) -> None:
    """Lines without the placeholder are encoded once per issue; the result must be the
    encoding of the whole text with the token in place, byte for byte."""
    ph = "PLACEHOLDER"
    for source in (text, text.replace("x", ph), ph + text + ph, f"{text}\n{ph}\n"):
        assert qp_fill(qp_parts(source, ph), ph, token) == _qp(source.replace(ph, token))


def test_list_unsubscribe_uses_the_configured_mailto(tmp_path: Path) -> None:
    config = config_from_dict({
        "site": {"title": "Newsroom", "url": "https://news.example.org/"},
        "email": {"from": "Newsroom <news@example.org>", "unsubscribe_mailto": "leave@example.org",
                  "reply_to": "desk@example.org"},
        "digest": [{"name": "daily", "cron": "0 8 * * *"}],
    }, tmp_path / "config.toml")
    letter = Letter("daily", 1, "n", "S", "h PH", "t PH", "PH")
    m = email.message_from_bytes(MessageFactory(config, letter, b"k").build("a@example.org",
                                 "a@example.org", 1), policy=email.policy.default)
    assert m["List-Unsubscribe"].endswith("<mailto:leave@example.org?subject=unsubscribe>")
    assert m["Reply-To"] == "desk@example.org"


# -- which releases an issue holds -------------------------------------------------------------


def _release(n: int, *, tags: tuple[str, ...] = (), language: str = "en") -> Release:
    return Release(f"r{n}.md", f"h{n}", f"Release {n}", id=f"tag:x,2026:r{n}",
                   date=NOW - timedelta(hours=n), date_source=DateSource.FRONT_MATTER,
                   tags=tags, language=language)


def test_select_releases_filters_orders_and_caps(tmp_path: Path) -> None:
    releases = [_release(n, tags=("Water",) if n % 2 else ("health",),
                         language="ar" if n == 3 else "en-GB") for n in range(10)]
    config = _config(tmp_path, tags=["water"], max_releases=3)
    chosen, more = select_releases(config, config.digests[0], reversed(releases))
    assert [r.id for r in chosen] == ["tag:x,2026:r1", "tag:x,2026:r3", "tag:x,2026:r5"]
    assert more == 2
    config = _config(tmp_path, languages=["en"])
    chosen, more = select_releases(config, config.digests[0], releases)
    assert len(chosen) == 9 and more == 0 and all(r.language == "en-GB" for r in chosen)
