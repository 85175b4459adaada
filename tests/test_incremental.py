"""A pass after a few changes looks only at what they touch: its output folder must be, byte
for byte, what a full build from the same state makes."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feeds.build import BuildMemory, BuildReport, build
from feeds.config import load_config
from feeds.store import SQLiteStore
from tests.conftest import write_config

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def _release(title: str, date: str, tags: list[str], language: str = "en", extra: str = "") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\ntags: [{', '.join(tags)}]\n"
            f"language: {language}\n{extra}---\n\nGeneva – The first paragraph of {title}.\n\n"
            "The second paragraph, with a [link](https://example.org/).\n")


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


class Site:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        write_config(root, 'items = 3\narchives = "all"')

    def write(self, name: str, text: str) -> None:
        (self.content / name).write_text(text, encoding="utf-8")

    def build(self, now: datetime) -> BuildReport:
        config = load_config(self.root / "config.toml")
        with SQLiteStore(config.state_path) as store:
            return build(config, store, now=now)

    def full_build_from_the_same_state(self, now: datetime) -> dict[str, str]:
        """Copy the state, then build everything afresh into an empty folder."""
        ref = self.root / "ref"
        shutil.rmtree(ref, ignore_errors=True)
        (ref / "state").mkdir(parents=True)
        shutil.copy(self.root / "state" / "feeds.db", ref / "state" / "feeds.db")
        with sqlite3.connect(ref / "state" / "feeds.db") as db:  # render every entry afresh
            assert db.execute("SELECT count(*) FROM fragments").fetchone()[0] > 0
            db.execute("DELETE FROM fragments")
        text = (self.root / "config.toml").read_text(encoding="utf-8")
        text = text.replace('dir = "content"', f'dir = "{self.content}"')
        (ref / "config.toml").write_text(text, encoding="utf-8")
        config = load_config(ref / "config.toml")
        with SQLiteStore(config.state_path) as store:
            report = build(config, store, now=now, force=True)
        assert not report.partial and not report.write.failed
        return _tree(ref / "public")

    def check(self, now: datetime, partial: bool = True) -> BuildReport:
        report = self.build(now)
        assert report.partial is partial, (report.up_to_date, report.problems, report.write.failed)
        assert not report.write.failed and not report.problems
        assert _tree(self.root / "public") == self.full_build_from_the_same_state(now)
        return report


@pytest.fixture
def inc(site: Path) -> Site:
    s = Site(site)
    for n in range(8):
        tags = ["water", "health"] if n % 2 else ["water"]
        s.write(f"r{n}.md", _release(f"Release {n}", f"2026-0{1 + n % 5}-1{n}T08:00:00Z", tags,
                                     "fr" if n == 3 else "en"))
    s.check(T0, partial=False)
    return s


def test_each_kind_of_change_gives_what_a_full_build_gives(inc: Site) -> None:
    now = T0
    steps: list[tuple[str, object]] = [
        ("a new newest release with a new tag",
         lambda: inc.write("new.md", _release("Newest", "2026-05-30T08:00:00Z", ["energy"]))),
        ("a backdated release: every archive after it shifts",
         lambda: inc.write("old.md", _release("Old", "2025-12-01T08:00:00Z", ["water"]))),
        ("an edit that changes the title and the tags",
         lambda: inc.write("r2.md", _release("Release 2, corrected", "2026-03-12T08:00:00Z",
                                             ["health", "food"]))),
        ("a deleted file: a tombstone", lambda: (inc.content / "r5.md").unlink()),
        ("a rename with the same bytes",
         lambda: (inc.content / "r6.md").rename(inc.content / "renamed.md")),
        ("a front-matter id added: the old id is retracted",
         lambda: inc.write("r1.md", _release("Release 1", "2026-02-11T08:00:00Z",
                                             ["water", "health"], extra="id: urn:x:one\n"))),
        ("marked draft: retracted", lambda: inc.write(
            "r4.md", _release("Release 4", "2026-05-14T08:00:00Z", ["water"], extra="draft: true\n"))),
        ("the deleted file comes back",
         lambda: inc.write("r5.md", _release("Release 5", "2026-01-15T08:00:00Z",
                                             ["water", "health"]))),
        ("the last release of a tag goes: its feed goes",
         lambda: (inc.content / "new.md").unlink()),
        ("the only French release becomes English",
         lambda: inc.write("r3.md", _release("Release 3", "2026-04-13T08:00:00Z",
                                             ["water", "health"], "en"))),
    ]
    for what, change in steps:
        now += timedelta(hours=1)
        change()  # type: ignore[operator]
        report = inc.check(now)
        assert bool(report.events) is (what != "a rename with the same bytes"), what
    public = inc.root / "public"
    assert not (public / "tags" / "energy.atom").exists()
    assert not (public / "lang" / "fr.atom").exists()
    assert (public / "tags" / "food.atom").exists()


def test_an_embargo_lifts_in_a_pass_that_reads_no_file(inc: Site) -> None:
    inc.write("held.md", _release("Held", "2026-05-31T08:00:00Z", ["water"],
                                  extra="embargo: 2026-06-01T12:00:00Z\n"))
    report = inc.check(T0 + timedelta(hours=1))
    assert [h.path for h in report.held] == ["held.md"]
    assert b"Held" not in (inc.root / "public" / "feed.atom").read_bytes()
    lifted = inc.check(T0 + timedelta(hours=3, seconds=1))
    assert lifted.scan.read == 0 and lifted.held == []
    assert [e.kind for e in lifted.events] == ["published"]
    assert b"Held" in (inc.root / "public" / "feed.atom").read_bytes()


def test_a_pass_that_stopped_half_way_is_followed_by_a_full_one(inc: Site) -> None:
    inc.write("new.md", _release("Newest", "2026-05-30T08:00:00Z", ["energy"]))
    config = load_config(inc.root / "config.toml")
    with SQLiteStore(config.state_path) as store:
        from feeds.intake.scan import scan

        scan(config, store, now=T0)  # the intake committed; then the process died
    report = inc.check(T0 + timedelta(hours=1), partial=False)
    assert [e.kind for e in report.events] == ["published"]
    assert b"Newest" in (inc.root / "public" / "feed.atom").read_bytes()


def test_a_daemon_pass_after_feeds_check_read_the_cache_agrees_with_the_store(inc: Site) -> None:
    """`feeds check` (another process) reads and mints a new file first; the daemon's next
    pass, with its memory of the state, must not mint a second id or miss the release."""
    from feeds.intake.scan import scan

    config = load_config(inc.root / "config.toml")
    memory = BuildMemory()
    with SQLiteStore(config.state_path) as store:
        build(config, store, now=T0, memory=memory)
    inc.write("new.md", _release("Newest", "2026-05-30T08:00:00Z", ["energy"]))
    with SQLiteStore(config.state_path) as store:
        checked = scan(config, store, now=T0 + timedelta(days=3))  # what `feeds check` does
        report = build(config, store, now=T0 + timedelta(days=4), memory=memory,
                       only={"new.md"})
        assert len({i.path for i in store.identities().values()}) == 9
    assert [e.id for e in report.events] == [checked.releases["new.md"].id]
    assert _tree(inc.root / "public") == inc.full_build_from_the_same_state(T0 + timedelta(days=4))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sequences_of_changes_give_what_a_full_build_gives(inc: Site, seed: int) -> None:
    import random

    rng = random.Random(seed)
    tags = ["water", "health", "food", "energy", "éducation"]
    now = T0
    for step in range(25):
        now += timedelta(minutes=rng.choice([1, 30, 300]))
        files = sorted(p.name for p in inc.content.glob("*.md"))
        op = rng.choice(["add", "add", "edit", "delete", "rename", "embargo", "draft"])
        if op == "delete" and len(files) > 3:
            (inc.content / rng.choice(files)).unlink()
        elif op == "rename" and files:
            (inc.content / rng.choice(files)).rename(inc.content / f"moved-{step}.md")
        else:
            name = rng.choice(files) if op in ("edit", "draft") and files else f"s{step}.md"
            day = f"2026-0{rng.randint(1, 5)}-{rng.randint(10, 28)}T0{rng.randint(0, 9)}:00:00Z"
            extra = ""
            if op == "embargo":
                extra = f"embargo: {(now + timedelta(minutes=rng.choice([1, 45]))).isoformat()}\n"
            elif op == "draft":
                extra = "draft: true\n"
            inc.write(name, _release(f"Step {step} {op}", day, rng.sample(tags, rng.randint(0, 2)),
                                     rng.choice(["en", "en", "fr", "ar"]), extra))
        inc.check(now)


def test_deleted_output_files_are_made_again_by_the_next_build(inc: Site) -> None:
    public = inc.root / "public"
    before = _tree(public)
    shutil.rmtree(public / "tags")
    (public / "feed.atom").unlink()
    report = inc.build(T0 + timedelta(hours=1))
    assert not report.up_to_date and not report.partial
    assert _tree(public) == before
    shutil.rmtree(public)
    inc.build(T0 + timedelta(hours=2))
    assert _tree(public) == before
    assert inc.build(T0 + timedelta(hours=3)).up_to_date


def _ordered_as_the_builder_would(memory: BuildMemory) -> None:
    """The daemon's catalogue in order, kept between passes, is the catalogue sorted."""
    if memory.ordered is not None:
        assert memory.listings is not None
        assert memory.ordered == sorted(memory.listings.values(), key=lambda r: r.sort_key)


def test_daemon_passes_over_the_files_a_watcher_names_give_what_a_full_build_gives(
    inc: Site,
) -> None:
    """The daemon keeps its memory between passes and reads only the files named."""

    config = load_config(inc.root / "config.toml")
    memory = BuildMemory()
    now = T0

    def daemon_pass(*names: str) -> None:
        nonlocal now
        now += timedelta(minutes=30)
        with SQLiteStore(config.state_path) as store:
            report = build(config, store, now=now, memory=memory, only=set(names))
        assert (report.partial or report.up_to_date) and not report.write.failed
        assert _tree(inc.root / "public") == inc.full_build_from_the_same_state(now)
        _ordered_as_the_builder_would(memory)

    daemon_pass()  # the first pass: memory filled from the state
    inc.write("new.md", _release("Newest", "2026-05-30T08:00:00Z", ["energy"]))
    daemon_pass("new.md")
    (inc.content / "r2.md").rename(inc.content / "moved.md")
    daemon_pass("r2.md", "moved.md")
    (inc.content / "r3.md").unlink()
    daemon_pass("r3.md")
    inc.write("r4.md", _release("Release 4 again", "2026-01-01T08:00:00Z", ["food"], "ar"))
    daemon_pass("r4.md")
    inc.write(".r5.md.swp", "editor swap file")
    daemon_pass(".r5.md.swp")
    inc.write("held.md", _release("Held", "2026-05-31T08:00:00Z", ["water"],
                                  extra=f"embargo: {(now + timedelta(minutes=45)).isoformat()}\n"))
    daemon_pass("held.md")
    daemon_pass()  # the embargo job: no file named, the lift is due
    assert b"Held" in (inc.root / "public" / "feed.atom").read_bytes()


def test_every_release_has_a_page_of_its_own(inc: Site) -> None:
    """Same file stem on two days (a minted id's page name is its stem), and an id brought
    in front matter whose last part is another release's page name."""
    inc.write("notice.md", _release("Notice one", "2026-05-01T08:00:00Z", ["water"]))
    inc.check(T0 + timedelta(days=1))
    inc.write("notice.txt", "Notice two\n\nGeneva – The second notice, in plain text.\n")
    inc.write("syndicated.md", _release("Syndicated", "2026-05-02T08:00:00Z", ["water"],
                                        extra="id: 'tag:partner.example,2020:r1'\n"))
    inc.check(T0 + timedelta(days=2))
    pages = {p.name: p.read_text(encoding="utf-8")
             for p in (inc.root / "public" / "releases").glob("*.html")}
    titles = sorted(t for t in ("Notice one", "Notice two", "Syndicated", "Release 1")
                    if any(f"<h1>{t}</h1>" in html for html in pages.values()))
    assert titles == ["Notice one", "Notice two", "Release 1", "Syndicated"]
    assert "notice.html" in pages and "r1.html" in pages


def test_a_front_matter_id_in_the_sites_own_form_cannot_take_a_minted_page(inc: Site) -> None:
    """r1.md's minted id is tag:news.example.org,<day>:r1, its page releases/r1.html."""
    inc.write("other.md", _release("Imported", "2026-05-20T08:00:00Z", ["water"],
                                   extra="id: 'tag:news.example.org,2025-01-01:r1'\n"))
    report = inc.build(T0 + timedelta(hours=1))
    assert [p.path for p in report.problems if p.severity == "error"] == ["other.md"]
    assert "<h1>Release 1</h1>" in (inc.root / "public" / "releases" / "r1.html").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("seed", [4, 5])
def test_random_sequences_in_the_daemon_give_what_a_full_build_gives(inc: Site, seed: int) -> None:
    """The same as above through the daemon's passes: its memory (the catalogue in order, the
    entries) kept between them, and the files a watcher would name."""
    import random


    config = load_config(inc.root / "config.toml")
    memory = BuildMemory()
    rng = random.Random(seed)
    now = T0
    with SQLiteStore(config.state_path) as store:
        build(config, store, now=now, memory=memory)
    for step in range(20):
        now += timedelta(minutes=rng.choice([1, 30, 300]))
        files = sorted(p.name for p in inc.content.glob("*.md"))
        op = rng.choice(["add", "add", "edit", "backdate", "delete", "rename"])
        named: set[str] = set()
        if op == "delete" and len(files) > 3:
            gone = rng.choice(files)
            (inc.content / gone).unlink()
            named = {gone}
        elif op == "rename" and files:
            old = rng.choice(files)
            (inc.content / old).rename(inc.content / f"moved-{step}.md")
            named = {old, f"moved-{step}.md"}
        else:
            name = rng.choice(files) if op in ("edit", "backdate") and files else f"d{step}.md"
            year = "2025" if op == "backdate" else "2026"
            day = f"{year}-0{rng.randint(1, 5)}-{rng.randint(10, 28)}T0{rng.randint(0, 9)}:00:00Z"
            inc.write(name, _release(f"Step {step} {op}", day, rng.sample(["water", "food"], 1)))
            named = {name}
        with SQLiteStore(config.state_path) as store:
            report = build(config, store, now=now, memory=memory, only=named)
        assert not report.write.failed
        _ordered_as_the_builder_would(memory)
        assert _tree(inc.root / "public") == inc.full_build_from_the_same_state(now), (step, op)
