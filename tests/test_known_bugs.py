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
