"""Four known bugs, each as a user meets it: front-matter id refusals that outlive their
cause, a renamed holder that loses its id, two pages under one name, and an output file
replaced by someone else that the next build leaves as it is."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from feeds.build import BuildReport
from tests.test_incremental import T0, _release, _tree
from tests.test_incremental_review import Review
from tests.test_review_today import H, _live, _rel


def _refused(report: BuildReport) -> dict[str, str]:
    return {path: d.message for path, d in report.scan.refused.items()}


@pytest.fixture(params=["build", "daemon"])
def s(site: Path, request: pytest.FixtureRequest) -> Review:
    """A site built by `feeds build` (full scans), or by a daemon that keeps its memory and
    is told which files changed."""
    review = Review(site)
    if request.param == "daemon":
        review.daemon()
    return review


def _pass(s: Review, now: datetime, *names: str) -> BuildReport:
    """One pass after ``names`` changed: a daemon is told which; a build scans everything."""
    return s.compare(now, partial=None, only=set(names) if s.memory is not None else None)


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


def test_an_id_its_holder_gave_up_earlier_can_be_claimed(s: Review) -> None:
    """The claimant comes after the holder took another id: the old id is nobody's."""
    s.write("a.md", _rel("Holder", 1, "urn:x:same"))
    _pass(s, T0, "a.md")
    s.write("a.md", _rel("Holder", 1, "urn:x:other"))
    _pass(s, T0 + H, "a.md")
    s.write("b.md", _rel("Claimant", 2, "urn:x:same"))
    r = _pass(s, T0 + 2 * H, "b.md")
    assert not _refused(r)
    assert {p: row.id for p, row in _live(s).items()} == {"a.md": "urn:x:other",
                                                          "b.md": "urn:x:same"}
    s.write("a.md", _rel("Holder", 1))  # its front-matter id removed: it keeps its last id
    r = _pass(s, T0 + 3 * H, "a.md")
    assert not _refused(r) and _live(s)["a.md"].id == "urn:x:other"


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


# -- 3. a page name, percent-encoded or not, is one release's ---------------------------------

ARABIC = "\u0627"  # ا, whose minted page name is %d8%a7


def _each_release_has_its_own_page(s: Review, titles: dict[str, str]) -> dict[str, str]:
    """The page of each release by path: one each, showing that release."""
    live = _live(s)
    assert set(live) == set(titles)
    pages = {path: row.page for path, row in live.items()}
    assert len(set(pages.values())) == len(pages), pages
    for path, page in pages.items():
        assert f"<h1>{titles[path]}</h1>" in s.text(page), (path, page)
    return pages


@pytest.mark.parametrize("first", [f"{ARABIC}.md", "%d8%a7.md", "both"])
def test_an_arabic_name_and_its_percent_encoding_get_two_pages(s: Review, first: str) -> None:
    titles = {f"{ARABIC}.md": "Arabic", "%d8%a7.md": "Percent"}
    for path in titles if first == "both" else [first]:
        s.write(path, _rel(titles[path], 1))
    _pass(s, T0, *titles)
    for path in titles:  # the other one, a day later (its id has another date)
        s.write(path, _rel(titles[path], 1))
    _pass(s, T0 + timedelta(days=1), *titles)
    pages = _each_release_has_its_own_page(s, titles)
    if first != "both":  # the page first published keeps its URL
        assert pages[first] == "releases/%d8%a7.html"
        assert sorted(pages.values()) == ["releases/%d8%a7-2.html", "releases/%d8%a7.html"]


def test_a_front_matter_id_in_the_sites_own_form_cannot_take_a_page_by_its_case(
        s: Review) -> None:
    s.write("r1.md", _rel("Release 1", 1))
    _pass(s, T0, "r1.md")
    assert _live(s)["r1.md"].page == "releases/r1.html"
    s.write("other.md", _rel("Imported", 2, "tag:news.example.org,2025-01-01:R1"))
    r = _pass(s, T0 + H, "other.md")
    assert "whose page it would take" in _refused(r)["other.md"]
    _each_release_has_its_own_page(s, {"r1.md": "Release 1"})


# -- 4. an output file replaced by someone else is made again ------------------------------


@pytest.fixture(params=["build", "daemon"])
def built(site: Path, request: pytest.FixtureRequest) -> Review:
    s = Review(site)
    if request.param == "daemon":  # its full rescans (the timer's): no file named
        s.daemon()
    for n in range(6):
        s.write(f"r{n}.md", _release(f"Release {n}", f"2026-0{1 + n % 5}-1{n}T08:00:00Z",
                                     ["water"]))
    (s.content / "sub").mkdir()
    s.write("sub/deep.md", _release("Deep", "2026-02-02T08:00:00Z", ["water"]))
    s.build(T0)
    assert s.build(T0 + H).up_to_date
    return s


@pytest.mark.parametrize("target", ["feed.atom", "releases/r3.html", "releases/sub/deep.html",
                                    "tags/water.json"])
@pytest.mark.parametrize("how", ["overwritten", "overwritten, older mtime", "same size",
                                 "moved over it, older mtime"])
def test_a_replaced_output_file_is_made_again(built: Review, target: str, how: str) -> None:
    public = built.root / "public"
    before = _tree(public)
    path = public / target
    stat = path.stat()
    other = path.read_bytes()[::-1] if how == "same size" else b"<feed>someone else's</feed>\n"
    if how.startswith("moved"):
        (public / "elsewhere.tmp").write_bytes(other)
        os.utime(public / "elsewhere.tmp", ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))
        os.replace(public / "elsewhere.tmp", path)
    else:
        with open(path, "r+b") as f:  # in place: the folder's mtime stays as it was
            f.truncate(0)
            f.write(other)
        if "older" in how:
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 10**9))
    r = built.build(T0 + 2 * H)
    assert not r.up_to_date and target in r.write.written and not r.write.failed
    assert _tree(public) == before
    assert built.build(T0 + 3 * H).up_to_date


def test_a_touched_output_file_is_not_rewritten(built: Review) -> None:
    public = built.root / "public"
    before = _tree(public)
    path = public / "feed.rss"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # same bytes, another mtime
    r = built.build(T0 + 2 * H)
    assert not r.up_to_date and not r.write.written  # looked at, found the same bytes
    assert path.stat().st_mtime_ns == 1_000_000_000 and _tree(public) == before
    assert built.build(T0 + 3 * H).up_to_date


def test_feeds_build_restores_a_replaced_feed(site: Path, feeds_cli) -> None:  # type: ignore[no-untyped-def]
    s = Review(site)
    s.write("a.md", _rel("A", 1))
    assert feeds_cli("build", cwd=site).returncode == 0
    feed = site / "public" / "feed.atom"
    good = feed.read_bytes()
    out = feeds_cli("build", cwd=site)
    assert "nothing changed" in out.stdout, out.stdout
    feed.write_bytes(b"not a feed")
    out = feeds_cli("build", cwd=site)
    assert out.returncode == 0 and "wrote 1 files" in out.stdout, out.stdout
    assert feed.read_bytes() == good
    assert "nothing changed" in feeds_cli("build", cwd=site).stdout


# -- a state written before the store kept holders, page keys and output sizes ------------------


def test_a_state_from_before_these_columns(site: Path) -> None:
    import sqlite3

    s = Review(site)
    s.write(f"{ARABIC}.md", _rel("Arabic", 1))
    s.write("a.md", _rel("Holder", 2, "urn:x:same"))
    s.write("b.md", _rel("Claimant", 3, "urn:x:same"))
    s.compare(T0, partial=False)
    db = sqlite3.connect(site / "state" / "feeds.db", isolation_level=None)
    db.execute("DROP INDEX identities_page")  # as the previous feeds left the state
    db.execute("DROP INDEX files_index_2")
    db.execute("CREATE INDEX files_index ON files (path, size, mtime_ns, content_hash, error)")
    for table, column in [("files", "held_by"), ("identities", "page"),
                          ("outputs", "size"), ("outputs", "mtime_ns")]:
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    db.execute("DELETE FROM meta WHERE key = 'store_schema'")
    # its intake's source was another: every file is read again, every output looked at
    db.execute("UPDATE meta SET value = 'older' WHERE key IN ('intake_cache_key', 'build_key')")
    db.close()
    public = site / "public"
    pages = _each_release_has_its_own_page(s, {f"{ARABIC}.md": "Arabic", "a.md": "Holder"})
    (public / "feed.atom").write_bytes(b"not a feed")
    s.write("%d8%a7.md", _rel("Percent", 4))
    (s.content / "a.md").unlink()
    s.compare(T0 + timedelta(days=1), partial=None)
    titles = {f"{ARABIC}.md": "Arabic", "b.md": "Claimant", "%d8%a7.md": "Percent"}
    after = _each_release_has_its_own_page(s, titles)
    assert after[f"{ARABIC}.md"] == pages[f"{ARABIC}.md"] == "releases/%d8%a7.html"
    assert _live(s)["b.md"].id == "urn:x:same" and "Claimant" in s.text("feed.atom")
    assert s.build(T0 + timedelta(days=1, hours=1)).up_to_date


# -- a page whose URL form changed while its file did not ------------------------------------


def test_a_page_whose_link_gained_an_escape_is_not_removed_with_its_old_link(tmp_path: Path) -> None:
    """A site made before bare "%" signs were escaped published "releases/x-15%.html"; now
    the same page's link is "releases/x-15%25.html", the same file on disk. The writer
    writes it, and must not remove it as the old link's file."""
    from feeds.render.site import OutputFile
    from feeds.store import Output
    from feeds.writer import write_outputs

    out = tmp_path / "public"
    (out / "releases").mkdir(parents=True)
    (out / "releases" / "x-15%.html").write_bytes(b"old")
    old = Output("releases/x-15%.html", "k0", hashlib.sha256(b"old").hexdigest())
    report = write_outputs(out, [OutputFile("releases/x-15%25.html", "k1", lambda: b"new")],
                           {old.path: old})
    assert report.removed == ["releases/x-15%.html"]
    assert (out / "releases" / "x-15%.html").read_bytes() == b"new"


def test_page_keys_written_before_bare_percent_signs_were_escaped_are_made_again(
        tmp_path: Path) -> None:
    """An id minted from "x-15%.md" had the page key "x-15%"; its page is "x-15%25" now, and a
    new "x-15%" file minted on another day must see that page taken."""
    import sqlite3

    from feeds.store import Identity, SQLiteStore

    rid = "tag:news.example.org,2026-01-01:x-15%"
    with SQLiteStore(tmp_path / "feeds.db") as store:
        store.save_identities([Identity(rid, "x-15%.md", "h", T0)])
        assert store.ids_with_page("x-15%25") == [rid]
    db = sqlite3.connect(tmp_path / "feeds.db", isolation_level=None)
    db.execute("UPDATE identities SET page = 'x-15%'")  # as the previous feeds stored it
    db.execute("UPDATE meta SET value = '4' WHERE key = 'store_schema'")
    db.close()
    with SQLiteStore(tmp_path / "feeds.db") as store:
        assert store.ids_with_page("x-15%25") == [rid]
