"""Four known bugs, each as a user meets it: front-matter id refusals that outlive their
cause, a renamed holder that loses its id, two pages under one name, and an output file
replaced by someone else that the next build leaves as it is."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from feeds.catalogue import Listing
from feeds.config import load_config
from feeds.store import SQLiteStore
from tests.test_incremental import T0, _release
from tests.test_incremental_review import Review

H = timedelta(hours=1)


def _rel(title: str, day: int, rid: str = "") -> str:
    extra = f"id: '{rid}'\n" if rid else ""
    return _release(title, f"2026-05-{day:02d}T08:00:00Z", ["water"], extra=extra)


def _live(s: Review) -> dict[str, Listing]:
    """Published listings by content path."""
    config = load_config(s.root / "config.toml")
    with SQLiteStore(config.state_path) as store:
        return {row.path: row for row in store.listings().values() if not row.retracted}


def _refused(report: object) -> dict[str, str]:
    return {path: d.message for path, d in report.scan.refused.items()}  # type: ignore[attr-defined]


@pytest.fixture(params=["build", "daemon"])
def s(site: Path, request: pytest.FixtureRequest) -> Review:
    """A site built by `feeds build` (full scans), or by a daemon that keeps its memory and
    is told which files changed."""
    review = Review(site)
    if request.param == "daemon":
        review.daemon()
    return review


def _pass(s: Review, now: object, *names: str) -> object:
    """One pass after ``names`` changed: a daemon is told which; a build scans everything."""
    return s.compare(now, partial=None,  # type: ignore[arg-type]
                     only=set(names) if s.memory is not None else None)


# -- 2. a holder renamed in the scan in which another file claims its id -----------------


def test_renamed_holder_of_a_minted_id_keeps_it_when_another_file_claims_it(s: Review) -> None:
    s.write("h.md", _rel("Holder", 1))
    s.write("p.md", _rel("Other", 2))
    _pass(s, T0)
    hid, pid = _live(s)["h.md"].id, _live(s)["p.md"].id
    (s.content / "h.md").rename(s.content / "h2.md")
    s.write("p.md", _rel("Other", 2, hid))
    r = _pass(s, T0 + H, "h.md", "h2.md", "p.md")
    assert "already the id of h2.md" in _refused(r)["p.md"]
    live = _live(s)
    assert live["h2.md"].id == hid and live["p.md"].id == pid  # p.md's last good version
    assert "h.md" not in live


def test_renamed_holder_of_a_front_matter_id_keeps_it_when_another_file_claims_it(
        s: Review) -> None:
    s.write("a.md", _rel("Holder", 1, "urn:x:same"))
    s.write("q.md", _rel("Other", 2))
    _pass(s, T0)
    qid = _live(s)["q.md"].id
    # b.md sorts before c.md: the claim must not win over the rename for being read first
    (s.content / "a.md").rename(s.content / "c.md")
    s.write("b.md", _rel("Claimant", 3, "urn:x:same"))
    s.write("q.md", _rel("Other", 2, "urn:x:same"))
    r = _pass(s, T0 + H, "a.md", "c.md", "b.md", "q.md")
    refused = _refused(r)
    assert set(refused) == {"b.md", "q.md"}
    assert all("already the id of c.md" in why for why in refused.values())
    live = _live(s)
    assert live["c.md"].id == "urn:x:same" and live["q.md"].id == qid and "b.md" not in live
    assert "<h1>Holder</h1>" in s.text(live["c.md"].page)


# -- 1. a refusal for an id another file holds lasts as long as that file holds it ----------


@pytest.mark.parametrize("fix", ["holder deleted", "holder takes another id"])
def test_refused_claimant_is_published_once_the_holder_lets_go(s: Review, fix: str) -> None:
    s.write("a.md", _rel("Holder", 1, "urn:x:same"))
    s.write("b.md", _rel("Claimant", 2, "urn:x:same"))
    r = _pass(s, T0, "a.md", "b.md")
    assert "already the id of a.md" in _refused(r)["b.md"]
    r = _pass(s, T0 + H)  # nothing changed: still refused
    assert set(_refused(r)) == {"b.md"}
    if fix == "holder deleted":
        (s.content / "a.md").unlink()
    else:
        s.write("a.md", _rel("Holder", 1, "urn:x:other"))
    r = _pass(s, T0 + 2 * H, "a.md")  # a daemon is told of a.md alone
    assert not _refused(r)
    live = _live(s)
    assert live["b.md"].id == "urn:x:same"
    assert "<h1>Claimant</h1>" in s.text(live["b.md"].page)
    assert ("a.md" in live) is (fix != "holder deleted")
    r = _pass(s, T0 + 3 * H)
    assert not _refused(r) and _live(s)["b.md"].id == "urn:x:same"


def test_refused_edit_publishes_under_the_claimed_id_once_the_holder_is_deleted(
        s: Review) -> None:
    s.write("a.md", _rel("Holder", 1, "urn:x:same"))
    s.write("b.md", _rel("B", 2))
    _pass(s, T0, "a.md", "b.md")
    bid = _live(s)["b.md"].id
    s.write("b.md", _rel("B edited", 2, "urn:x:same"))
    r = _pass(s, T0 + H, "b.md")
    assert set(_refused(r)) == {"b.md"} and _live(s)["b.md"].id == bid  # the last good version
    (s.content / "a.md").unlink()
    r = _pass(s, T0 + 2 * H, "a.md")
    assert not _refused(r)
    assert _live(s)["b.md"].id == "urn:x:same"
    assert bid not in {row.id for row in _live(s).values()}  # its old id is retracted
    feed = s.text("feed.atom")
    assert "B edited" in feed and "<title>Holder</title>" not in feed


def test_refusal_follows_a_renamed_holder_then_lifts_when_it_goes(s: Review) -> None:
    s.write("a.md", _rel("Holder", 1, "urn:x:same"))
    s.write("b.md", _rel("Claimant", 2, "urn:x:same"))
    s.write("d.md", _rel("Second claimant", 3, "urn:x:same"))
    _pass(s, T0, "a.md", "b.md", "d.md")
    (s.content / "a.md").rename(s.content / "c.md")
    r = _pass(s, T0 + H, "a.md", "c.md")
    assert {p: "already the id of c.md" in why for p, why in _refused(r).items()} == {
        "b.md": True, "d.md": True}
    assert _live(s)["c.md"].id == "urn:x:same"
    (s.content / "c.md").unlink()
    r = _pass(s, T0 + 2 * H, "c.md")
    assert list(_refused(r)) == ["d.md"] and "already the id of b.md" in _refused(r)["d.md"]
    assert _live(s)["b.md"].id == "urn:x:same" and "d.md" not in _live(s)
    (s.content / "b.md").unlink()
    r = _pass(s, T0 + 3 * H, "b.md")
    assert not _refused(r) and _live(s)["d.md"].id == "urn:x:same"


def test_feeds_check_and_build_after_the_holder_is_deleted(site: Path, feeds_cli) -> None:  # type: ignore[no-untyped-def]
    s = Review(site)
    s.write("a.md", _rel("Holder", 1, "urn:x:same"))
    s.write("b.md", _rel("Claimant", 2, "urn:x:same"))
    out = feeds_cli("build", cwd=site)
    assert out.returncode == 1 and "1 refused" in out.stdout, out.stdout
    out = feeds_cli("check", cwd=site)
    assert "b.md: error: its front-matter id 'urn:x:same' is already the id of a.md" in out.stdout
    (s.content / "a.md").unlink()
    out = feeds_cli("check", cwd=site)
    assert out.returncode == 0, out.stdout
    assert "1 files read, 1 releases, 0 warnings, 0 refused" in out.stdout, out.stdout
    out = feeds_cli("build", cwd=site)
    assert out.returncode == 0 and "0 refused" in out.stdout, out.stdout
    assert _live(s)["b.md"].id == "urn:x:same"
    assert "<title>Claimant</title>" in s.text("feed.atom")
