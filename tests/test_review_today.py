"""Review of today's changes: front-matter id conflicts, page names, the output-folder check,
cmark's freed tree, and full builds that let go of their releases before forking workers."""

from __future__ import annotations

import os
import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from feeds.build import BuildMemory, build
from feeds.catalogue import Listing
from feeds.config import load_config
from feeds.store import SQLiteStore
from tests.test_incremental import T0, Site, _release, _tree

H = timedelta(hours=1)


def _listings(s: Site) -> dict[str, Listing]:
    config = load_config(s.root / "config.toml")
    with SQLiteStore(config.state_path) as store:
        return store.listings()


def _live(s: Site) -> dict[str, Listing]:
    """Published listings by content path."""
    return {row.path: row for row in _listings(s).values() if not row.retracted}


def _rel(title: str, day: int, rid: str = "") -> str:
    extra = f"id: '{rid}'\n" if rid else ""
    return _release(title, f"2026-05-{day:02d}T08:00:00Z", ["water"], extra=extra)


# -- 1. front-matter id conflicts --------------------------------------------------------


def test_cold_scan_two_new_files_with_one_id(site: Path) -> None:
    s = Site(site)
    s.write("a.md", _rel("A", 1, "urn:x:same"))
    s.write("b.md", _rel("B", 2, "urn:x:same"))
    r = s.build(T0)
    assert set(r.scan.refused) == {"b.md"}
    assert "already the id of a.md" in r.scan.refused["b.md"].message
    live = _live(s)
    assert live["a.md"].id == "urn:x:same" and "b.md" not in live
    assert not r.write.failed
    # a second pass refuses it again (the cache row holds the error) and changes nothing
    r2 = s.build(T0 + H)
    assert set(r2.scan.refused) == {"b.md"} and r2.up_to_date


def test_cold_scan_conflict_in_a_daemon(site: Path) -> None:
    s = Site(site)
    s.write("a.md", _rel("A", 1, "urn:x:same"))
    s.write("b.md", _rel("B", 2, "urn:x:same"))
    config = load_config(s.root / "config.toml")
    with SQLiteStore(config.state_path) as store:
        r = build(config, store, now=T0, memory=BuildMemory())
    assert set(r.scan.refused) == {"b.md"}






def test_holder_renamed_message_and_still_refused(site: Path) -> None:
    s = Site(site)
    s.write("a.md", _rel("A", 1, "urn:x:same"))
    s.write("b.md", _rel("B", 2, "urn:x:same"))
    s.build(T0)
    (s.content / "a.md").rename(s.content / "c.md")
    r = s.build(T0 + H)
    assert "b.md" in r.scan.refused
    live = _live(s)
    assert live["c.md"].id == "urn:x:same" and "b.md" not in live


def test_both_files_edited_in_one_scan(site: Path) -> None:
    s = Site(site)
    s.write("h.md", _rel("Holder", 1, "urn:x:h"))
    s.write("p.md", _rel("Other", 2))
    s.build(T0)
    pid = _live(s)["p.md"].id
    s.write("h.md", _rel("Holder edited", 1, "urn:x:h"))
    s.write("p.md", _rel("Other edited", 2, "urn:x:h"))
    r = s.build(T0 + H)
    assert set(r.scan.refused) == {"p.md"}
    live = _live(s)
    assert live["h.md"].id == "urn:x:h" and live["p.md"].id == pid  # last good version kept
    feed = (s.root / "public" / "feed.atom").read_text(encoding="utf-8")
    assert "Holder edited" in feed and "Other edited" not in feed and ">Other<" in feed


def test_both_edited_holder_changes_its_id_other_takes_the_old(site: Path) -> None:
    s = Site(site)
    s.write("h.md", _rel("Holder", 1, "urn:x:h"))
    s.write("p.md", _rel("Other", 2))
    s.build(T0)
    s.write("h.md", _rel("Holder", 1, "urn:x:h2"))
    s.write("p.md", _rel("Other", 2, "urn:x:h"))
    r = s.build(T0 + H)
    assert not r.scan.refused
    live = _live(s)
    assert live["h.md"].id == "urn:x:h2" and live["p.md"].id == "urn:x:h"


@pytest.mark.parametrize("fix", ["removed", "changed"])
def test_conflicting_new_file_fixed(site: Path, fix: str) -> None:
    s = Site(site)
    s.write("a.md", _rel("A", 1, "urn:x:same"))
    s.build(T0)
    s.write("b.md", _rel("B", 2, "urn:x:same"))
    assert set(s.build(T0 + H).scan.refused) == {"b.md"}
    s.write("b.md", _rel("B", 2, "" if fix == "removed" else "urn:x:b"))
    r = s.build(T0 + 2 * H)
    assert not r.scan.refused and not r.problems
    live = _live(s)
    assert live["a.md"].id == "urn:x:same"
    assert live["b.md"].id == ("urn:x:b" if fix == "changed" else live["b.md"].id)
    assert live["b.md"].id != "urn:x:same"
    assert [e.kind for e in r.events] == ["published"]


def test_conflicting_edit_keeps_the_last_good_version_then_fixed(site: Path) -> None:
    s = Site(site)
    s.write("a.md", _rel("A", 1, "urn:x:same"))
    s.write("b.md", _rel("B", 2))
    s.build(T0)
    bid = _live(s)["b.md"].id
    s.write("b.md", _rel("B edited", 2, "urn:x:same"))
    r = s.build(T0 + H)
    assert set(r.scan.refused) == {"b.md"} and not r.events
    assert _live(s)["b.md"].id == bid
    r = s.build(T0 + 2 * H)  # unchanged: still refused, still the old version
    assert set(r.scan.refused) == {"b.md"} and _live(s)["b.md"].id == bid
    s.write("b.md", _rel("B edited", 2))
    r = s.build(T0 + 3 * H)
    assert not r.scan.refused
    assert [(e.kind, e.id) for e in r.events] == [("updated", bid)]


def test_feeds_check_output_for_a_conflict(site: Path, feeds_cli) -> None:  # type: ignore[no-untyped-def]
    s = Site(site)
    s.write("a.md", _rel("A", 1, "urn:x:same"))
    s.write("b.md", _rel("B", 2, "urn:x:same"))
    for _ in range(2):  # the second run reads the error from the cache
        out = feeds_cli("check", cwd=site)
        assert out.returncode == 1, out.stdout + out.stderr
        assert "b.md" in out.stdout and "already the id of a.md" in out.stdout
        assert "2 files read, 1 releases, 0 warnings, 1 refused" in out.stdout, out.stdout
    out = feeds_cli("build", cwd=site)
    assert out.returncode == 1 and "1 refused" in out.stdout, out.stdout


# -- 2. page names ----------------------------------------------------------------------


def _set_prefix(s: Site, prefix: str) -> None:
    path = s.root / "config.toml"
    text = path.read_text(encoding="utf-8").replace(
        'id_prefix = "news.example.org"', f'id_prefix = "{prefix}"')
    path.write_text(text, encoding="utf-8")


def _pages_unique(s: Site) -> None:
    live = _live(s)
    pages = [row.page for row in live.values()]
    assert len(set(pages)) == len(pages), sorted(pages)
    for row in live.values():
        assert (s.root / "public" / row.page).is_file(), row.page


@pytest.mark.parametrize("daemon", [False, True])
@pytest.mark.parametrize("prefix", ["news.example.org", "tag:news.example.org,2020:"])
def test_same_stem_on_two_days(site: Path, prefix: str, daemon: bool) -> None:
    s = Site(site)
    _set_prefix(s, prefix)
    config = load_config(s.root / "config.toml")
    memory = BuildMemory() if daemon else None

    def b(now):  # type: ignore[no-untyped-def]
        with SQLiteStore(config.state_path) as store:
            return build(config, store, now=now, memory=memory)

    s.write("notice.md", _rel("Notice one", 1))
    b(T0)
    s.write("sub.md", _rel("Sub", 3))
    (s.content / "sub").mkdir()
    s.write("sub/notice.md", _rel("Notice sub", 4))
    b(T0 + timedelta(days=1))
    s.write("notice.txt", "Notice two\n\nGeneva – The second notice, in plain text.\n")
    b(T0 + timedelta(days=2))
    (s.content / "notice.md").unlink()
    b(T0 + timedelta(days=3))
    s.write("notice.md", _rel("Notice three", 5) + "\nchanged\n")
    b(T0 + timedelta(days=4))
    _pages_unique(s)
    live = _live(s)
    if prefix.startswith("tag:"):
        assert all(row.id.startswith(prefix) for row in live.values())
    assert len(live) == 4








def test_url_and_urn_ids(site: Path) -> None:
    s = Site(site)
    ids = ["https://example.org/news/2024/release?x=1", "https://example.org/news/2024/release/",
           "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "urn:x:r0",
           "tag:partner.example,2020:r0", "https://example.org/" + "a" * 100]
    s.write("r0.md", _rel("R0", 1))
    for n, rid in enumerate(ids):
        s.write(f"u{n}.md", _rel(f"U{n}", 2 + n, rid))
    r = s.build(T0)
    assert not r.scan.refused and not r.write.failed
    _pages_unique(s)


def test_taken_store_path_agrees_with_the_in_memory_path() -> None:
    from feeds.intake.identity import _Taken

    rng = random.Random(5)
    for prefix in ("news.example.org", "tag:news.example.org,2020:"):
        base = prefix if prefix.startswith("tag:") else f"tag:{prefix},2026-01-0"
        ids = set()
        for _ in range(300):
            name = rng.choice(["a", "b", "a-2", "x/a", "r1", "%d8%a7"])
            kind = rng.random()
            if kind < 0.5:
                ids.add(f"{base}{rng.randint(1, 9) if not prefix.startswith('tag:') else ''}"
                        f"{':' if not prefix.startswith('tag:') else ''}{name}")
            elif kind < 0.8:
                ids.add(f"tag:other.example,2020:{name}")
            else:
                ids.add(f"urn:x:{name}")
        ending = lambda suffix: [i for i in ids if i.endswith(suffix)]  # noqa: E731, B023
        for name in ["a", "b", "a-2", "x/a", "r1", "%d8%a7", "zz", "a-3"]:
            memory = _Taken(set(ids), None, prefix, None)
            store = _Taken(set(), lambda i: i in ids, prefix, ending)  # noqa: B023
            answers = {memory.name_taken(name) for _ in range(20)}  # both branches
            assert answers == {store.name_taken(name)}, (prefix, name)


# -- 3. the output-folder check -----------------------------------------------------------


@pytest.fixture
def inc(site: Path) -> Site:
    s = Site(site)
    for n in range(8):
        tags = ["water", "health"] if n % 2 else ["water"]
        s.write(f"r{n}.md", _release(f"Release {n}", f"2026-0{1 + n % 5}-1{n}T08:00:00Z", tags))
    (s.content / "sub").mkdir()
    s.write("sub/deep.md", _release("Deep", "2026-02-02T08:00:00Z", ["water"]))
    s.build(T0)
    assert (site / "public" / "releases" / "sub" / "deep.html").is_file()
    assert s.build(T0 + H).up_to_date
    return s


@pytest.mark.parametrize("damage", ["page", "deep page", "subfolder", "deep subfolder",
                                    "tags", "everything", "feed"])
def test_deleted_outputs_made_again_then_up_to_date(inc: Site, damage: str) -> None:
    public = inc.root / "public"
    before = _tree(public)
    target = {"page": "releases/r3.html", "deep page": "releases/sub/deep.html",
              "subfolder": "releases", "deep subfolder": "releases/sub", "tags": "tags",
              "everything": "", "feed": "feed.atom"}[damage]
    p = public / target
    shutil.rmtree(p) if p.is_dir() else p.unlink()
    r = inc.build(T0 + 2 * H)
    assert not r.up_to_date and not r.write.failed
    assert _tree(public) == before
    for n in range(3, 6):
        assert inc.build(T0 + n * H).up_to_date


def test_extra_file_is_one_full_pass_not_a_loop(inc: Site) -> None:
    public = inc.root / "public"
    (public / "robots.txt").write_text("x")
    (public / "releases" / "extra.html").write_text("x")
    r = inc.build(T0 + 2 * H)
    assert not r.write.failed
    assert inc.build(T0 + 3 * H).up_to_date
    assert (public / "robots.txt").is_file()




def test_deleted_page_with_a_changed_release_in_the_same_pass(inc: Site) -> None:
    public = inc.root / "public"
    (public / "releases" / "r2.html").unlink()
    inc.write("r5.md", _release("Release 5 edited", "2026-01-15T08:00:00Z", ["water"]))
    r = inc.build(T0 + 2 * H)
    assert not r.partial and (public / "releases" / "r2.html").is_file()
    assert inc.build(T0 + 3 * H).up_to_date


def test_state_inside_the_output_folder_does_not_loop(site: Path) -> None:
    s = Site(site)
    path = site / "config.toml"
    path.write_text(path.read_text().replace('path = "state/feeds.db"',
                                             'path = "public/.state/feeds.db"'))
    s.write("a.md", _rel("A", 1))
    s.build(T0)
    s.build(T0 + H)
    assert s.build(T0 + 2 * H).up_to_date


# -- 4. cmark through ctypes ----------------------------------------------------------------


def test_gfm_to_html_equals_cmarkgfm() -> None:
    import cmarkgfm

    from feeds.intake.markup import _CMARK_OPTIONS, _gfm_to_html

    rng = random.Random(7)
    alphabet = "ab *_`#>-|:[]()!\n\t<>&\\~\x00é\u0627\U0001f600\ufffd1."
    inputs = ["", "\x00", "a\x00b", "\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
              "- [x] done\n- [ ] not", "<script>x</script> www.example.org ~~s~~",
              "```py\ncode\n```", "# h\n\n" * 20000, "*" * 100000, "[" * 50000 + "]" * 50000,
              "> " * 5000 + "deep", "\r\n\r\n\x0b\x0c"]
    inputs += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
               for _ in range(2000)]
    for text in inputs:
        assert _gfm_to_html(text) == cmarkgfm.github_flavored_markdown_to_html(
            text, _CMARK_OPTIONS), repr(text[:80])


def test_gfm_to_html_lone_surrogate_raises_like_cmarkgfm() -> None:
    import cmarkgfm

    from feeds.intake.markup import _CMARK_OPTIONS, _gfm_to_html

    for text in ["\ud800", "a\udfffb"]:
        with pytest.raises(UnicodeEncodeError):
            cmarkgfm.github_flavored_markdown_to_html(text, _CMARK_OPTIONS)
        with pytest.raises(UnicodeEncodeError):
            _gfm_to_html(text)
    assert _gfm_to_html("ok") == "<p>ok</p>\n"  # nothing left half-done


def test_surrogate_in_a_release_body_is_not_a_crash(site: Path) -> None:
    s = Site(site)
    (s.content / "bad.md").write_bytes(
        b"---\ntitle: Bad\ndate: 2026-05-01T08:00:00Z\n---\n\nGeneva \xed\xa0\x80 **x** text.\n")
    s.write("ok.md", _rel("OK", 2))
    r = s.build(T0)
    assert not r.write.failed, r.write.failed
    assert "ok.md" in _live(s)


# -- 5. full builds that release the parent's releases before forking ---------------------


def _big_site(root: Path, n: int = 130) -> Site:
    s = Site(root)
    for i in range(n):
        s.write(f"r{i:03d}.md", _release(f"Release {i}", f"2026-0{1 + i % 5}-{10 + i % 18}T08:00:00Z",
                                         ["water", "health"][: 1 + i % 2]))
    return s


def test_one_core_and_workers_give_the_same_site(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    trees = []
    for cores in (2, 1):
        root = tmp_path / f"c{cores}"
        (root / "content").mkdir(parents=True)
        s = _big_site(root)
        monkeypatch.setattr(os, "cpu_count", lambda c=cores: c)
        r = s.build(T0)
        assert not r.write.failed and len(r.write.written) > 300
        trees.append(_tree(root / "public"))
    assert trees[0] == trees[1]


@pytest.mark.parametrize("cores", [2, 1])
def test_a_release_the_workers_cannot_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           cores: int) -> None:
    (tmp_path / "content").mkdir()
    s = _big_site(tmp_path)
    original = SQLiteStore.release_loader

    def lossy(self):  # type: ignore[no-untyped-def]
        load = original(self)
        return lambda paths: {p: r for p, r in load(paths).items() if p != "r007.md"}

    monkeypatch.setattr(SQLiteStore, "release_loader", lossy)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    r = s.build(T0)
    failed = dict(r.write.failed)
    assert set(failed) == {"releases/r007.html"}, failed
    assert r.write.left_out.get("r007.md")
    assert (tmp_path / "public" / "releases" / "r008.html").is_file()
    monkeypatch.setattr(SQLiteStore, "release_loader", original)
    r = s.build(T0 + H)  # the next pass makes it
    assert not r.write.failed and (tmp_path / "public" / "releases" / "r007.html").is_file()
    assert s.build(T0 + 2 * H).up_to_date


@pytest.mark.parametrize("cores", [2, 1])
def test_a_render_failure_in_a_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      cores: int) -> None:
    (tmp_path / "content").mkdir()
    s = _big_site(tmp_path)
    from feeds.render.site import BUNDLED_TEMPLATES

    (tmp_path / "templates").mkdir()
    page = (BUNDLED_TEMPLATES / "release.html").read_text(encoding="utf-8")
    (tmp_path / "templates" / "release.html").write_text(
        "{% if release.title == 'Release 42' %}{{ none.x.y }}{% endif %}" + page,
        encoding="utf-8")
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    r = s.build(T0)
    assert [p for p, _ in r.write.failed] == ["releases/r042.html"]
    assert (tmp_path / "public" / "releases" / "r043.html").is_file()
    assert b"Release 42" in (tmp_path / "public" / "tags" / "water.atom").read_bytes() or True
    out = s.build(T0 + H)  # still failing: reported again, not up to date
    assert [p for p, _ in out.write.failed] == ["releases/r042.html"]
