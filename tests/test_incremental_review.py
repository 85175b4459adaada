"""Review of partial passes: user scenarios after which a partial pass (or a daemon pass that
keeps a ``BuildMemory`` and is told which files changed) must publish what a full build from
the same state publishes, byte for byte, and must not lose, duplicate, wrongly retract or
leak a release."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest

from feeds.build import BuildMemory, BuildReport, build
from feeds.config import load_config
from feeds.store import SQLiteStore
from tests.conftest import write_config
from tests.test_incremental import T0, Site, _release, _tree


class Review(Site):
    """A Site with chosen output settings, a daemon mode, and a comparison that tolerates
    intake warnings (some scenarios need a file without a title, for instance)."""

    def __init__(self, root: Path, settings: str = 'items = 3\narchives = "all"') -> None:
        self.root = root
        self.content = root / "content"
        write_config(root, settings)
        self.memory: BuildMemory | None = None

    def daemon(self) -> None:
        self.memory = BuildMemory()

    def build(self, now: datetime, only: set[str] | None = None) -> BuildReport:  # type: ignore[override]
        config = load_config(self.root / "config.toml")
        with SQLiteStore(config.state_path) as store:
            return build(config, store, now=now, memory=self.memory, only=only)

    def compare(self, now: datetime, partial: bool | None = True,
                only: set[str] | None = None) -> BuildReport:
        report = self.build(now, only=only)
        if partial is not None:
            assert report.partial is partial, (report.up_to_date, report.problems)
        assert not report.write.failed, report.write.failed
        got = _tree(self.root / "public")
        want = self.full_build_from_the_same_state(now)
        diff = sorted(p for p in set(got) | set(want) if got.get(p) != want.get(p))
        assert not diff, f"partial pass differs from a full build in {diff}"
        return report

    def held_meta(self) -> dict[str, list[str]]:
        config = load_config(self.root / "config.toml")
        with SQLiteStore(config.state_path) as store:
            return json.loads(store.get_meta("held") or "{}")

    def text(self, rel: str) -> str:
        """The output file at this URL path (decoded, as a web server finds it)."""
        return (self.root / "public" / unquote(rel)).read_text(encoding="utf-8")


def _seed(s: Review, n: int = 8) -> None:
    for i in range(n):
        tags = ["water", "health"] if i % 2 else ["water"]
        s.write(f"r{i}.md", _release(f"Release {i}", f"2026-0{1 + i % 5}-1{i}T08:00:00Z", tags,
                                     "fr" if i == 3 else "en"))


@pytest.fixture
def rv(site: Path) -> Review:
    s = Review(site)
    _seed(s)
    s.compare(T0, partial=False)
    return s


# -- tags and languages ---------------------------------------------------------------------


def test_two_tags_with_one_slug_water_and_Water(rv: Review) -> None:
    now = T0 + timedelta(hours=1)
    rv.write("cap.md", _release("Capital Water", "2026-05-30T08:00:00Z", ["Water"]))
    rv.compare(now)
    assert "Test Newsroom: Water" in rv.text("tags/water.atom")
    now += timedelta(hours=1)
    # the newest release drops its capitalised tag: the feed's title comes from the next one
    rv.write("cap.md", _release("Capital Water", "2026-05-30T08:00:00Z", ["energy"]))
    rv.compare(now)
    assert "Test Newsroom: water" in rv.text("tags/water.atom")


def test_a_release_with_Education_and_Éducation_is_listed_once_in_their_feed(rv: Review) -> None:
    rv.write("edu.md", _release("Schools", "2026-05-30T08:00:00Z", ["Education", "Éducation"]))
    rv.compare(T0 + timedelta(hours=1))
    assert rv.text("tags/education.atom").count("<title>Schools</title>") == 1


def test_a_tag_feed_empties_and_comes_back(rv: Review) -> None:
    now = T0
    rv.write("e.md", _release("Energy", "2026-05-30T08:00:00Z", ["energy"]))
    for change in (
        lambda: rv.write("e.md", _release("Energy", "2026-05-30T08:00:00Z", ["food"])),
        lambda: rv.write("e.md", _release("Energy", "2026-05-30T08:00:00Z", ["energy", "food"])),
        lambda: rv.write("e.md", _release("Energy", "2026-05-30T08:00:00Z", [])),
    ):
        now += timedelta(hours=1)
        change()
        rv.compare(now)
    assert not (rv.root / "public" / "tags" / "energy.atom").exists()


def test_languages_fr_and_FR(rv: Review) -> None:
    """Two releases whose languages differ only in case: one language feed file."""
    rv.write("upper.md", _release("Upper", "2026-05-29T08:00:00Z", ["water"], "FR"))
    rv.compare(T0 + timedelta(hours=1))
    # an edit of the "FR" release alone
    rv.write("upper.md", _release("Upper, corrected", "2026-05-29T08:00:00Z", ["water"], "FR"))
    rv.compare(T0 + timedelta(hours=2))


def test_a_tag_whose_slug_ends_in_archive_and_a_number(rv: Review) -> None:
    """Tags "photo" and "Photo archive 2024": an edit of a "photo" release must not delete
    the feed of the other tag."""
    rv.write("p1.md", _release("Photo one", "2026-05-20T08:00:00Z", ["photo"]))
    rv.write("p2.md", _release("Old photos", "2026-05-21T08:00:00Z", ["Photo archive 2024"]))
    rv.compare(T0 + timedelta(hours=1))
    assert (rv.root / "public" / "tags" / "photo-archive-2024.atom").exists()
    rv.write("p1.md", _release("Photo one, corrected", "2026-05-20T08:00:00Z", ["photo"]))
    rv.compare(T0 + timedelta(hours=2))
    assert (rv.root / "public" / "tags" / "photo-archive-2024.atom").exists()


# -- retractions, renames, identities -------------------------------------------------------


def test_retracted_then_restored(rv: Review) -> None:
    now = T0
    for extra in ("retracted: true\n", "", "draft: true\n", ""):
        now += timedelta(hours=1)
        rv.write("r2.md", _release("Release 2", "2026-03-12T08:00:00Z", ["water"], extra=extra))
        rv.compare(now)
    assert "Release 2" in rv.text("feed.atom") or "Release 2" in rv.text("feed-archive-1.atom") \
        or "Release 2" in rv.text("feed-archive-2.atom")


def test_a_rename_with_an_edit(rv: Review) -> None:
    (rv.content / "r6.md").unlink()
    rv.write("r6-new.md", _release("Release 6, renamed", "2026-02-16T08:00:00Z", ["food"]))
    report = rv.compare(T0 + timedelta(hours=1))
    assert sorted(e.kind for e in report.events) == ["published", "retracted"]


def test_two_files_swap_names(rv: Review) -> None:
    a, b = rv.content / "r1.md", rv.content / "r2.md"
    a.rename(rv.content / "tmp.md")
    b.rename(a)
    (rv.content / "tmp.md").rename(b)
    rv.compare(T0 + timedelta(hours=1))


def test_an_untitled_release_renamed(rv: Review) -> None:
    """No title: the file name is the title. A rename (same bytes) changes the title."""
    rv.write("first-name.md", "---\ndate: 2026-05-30T08:00:00Z\ntags: [water]\n"
                              "summary: A statement follows.\n---\n")
    rv.compare(T0 + timedelta(hours=1))
    assert "first name" in rv.text("feed.atom")
    (rv.content / "first-name.md").rename(rv.content / "second-name.md")
    rv.compare(T0 + timedelta(hours=2))
    assert "second name" in rv.text("feed.atom")


def test_a_front_matter_id_that_another_file_already_has(rv: Review) -> None:
    rv.write("b.md", _release("Owner B", "2026-05-20T08:00:00Z", ["water"], extra="id: urn:x:dup\n"))
    rv.compare(T0 + timedelta(hours=1))
    # a.md sorts before b.md and claims the same id
    rv.write("a.md", _release("Copy A", "2026-05-21T08:00:00Z", ["water"], extra="id: urn:x:dup\n"))
    rv.compare(T0 + timedelta(hours=2))


def test_a_front_matter_id_that_gives_the_page_of_another_release(rv: Review) -> None:
    """A tag: id from elsewhere whose last part is another release's page name."""
    rv.write("other.md", _release("Syndicated", "2026-05-20T08:00:00Z", ["water"],
                                  extra="id: 'tag:partner.example,2020:r1'\n"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("r1.md", _release("Release 1, corrected", "2026-02-11T08:00:00Z", ["water"]))
    rv.compare(T0 + timedelta(hours=2))


def test_a_front_matter_id_added_then_removed(rv: Review) -> None:
    now = T0
    for extra in ("id: urn:x:one\n", ""):
        now += timedelta(hours=1)
        rv.write("r1.md", _release("Release 1", "2026-02-11T08:00:00Z", ["water"], extra=extra))
        rv.compare(now)
    live = [row for row in _listings(rv).values() if row.path == "r1.md" and not row.retracted]
    assert len(live) == 1


def _listings(rv: Review):  # type: ignore[no-untyped-def]
    config = load_config(rv.root / "config.toml")
    with SQLiteStore(config.state_path) as store:
        return store.listings()


# -- dates and archives ---------------------------------------------------------------------


def test_date_ties_across_an_archive_boundary(rv: Review) -> None:
    now = T0
    for name in ("tie-b.md", "tie-a.md", "tie-c.md"):
        now += timedelta(hours=1)
        rv.write(name, _release(name, "2026-03-12T08:00:00Z", ["water"]))
        rv.compare(now)
    now += timedelta(hours=1)
    (rv.content / "tie-a.md").unlink()
    rv.compare(now)


def test_tombstones_in_archives(rv: Review) -> None:
    now = T0
    for name in ("r0.md", "r5.md", "r2.md"):  # the oldest ones, in archive documents
        now += timedelta(hours=1)
        (rv.content / name).unlink()
        rv.compare(now)
    now += timedelta(hours=1)
    rv.write("r0.md", _release("Release 0", "2026-01-10T08:00:00Z", ["water"]))
    rv.compare(now)


@pytest.mark.parametrize("settings", [
    'items = 2\narchives = "home"',
    'items = 2\narchives = "none"',
    'items = 1\narchives = "all"',
    'items = 2\narchives = "all"\nper_tag = false',
    'items = 2\narchives = "all"\nper_language = false\nformats = ["atom"]',
])
def test_random_changes_under_other_settings(site: Path, settings: str) -> None:
    s = Review(site, settings)
    _seed(s)
    s.compare(T0, partial=False)
    _random_steps(s, random.Random(hash(settings) & 0xFFFF), 20)


def _random_steps(s: Review, rng: random.Random, steps: int, daemon: bool = False) -> None:
    tags = ["water", "Water", "health", "food", "éducation"]
    now = T0
    for step in range(steps):
        now += timedelta(minutes=rng.choice([1, 30, 300]))
        files = sorted(p.name for p in s.content.glob("*.md"))
        op = rng.choice(["add", "add", "edit", "delete", "rename", "embargo", "draft", "retract"])
        changed: set[str] = set()
        if op == "delete" and len(files) > 3:
            name = rng.choice(files)
            (s.content / name).unlink()
            changed.add(name)
        elif op == "rename" and files:
            name = rng.choice(files)
            (s.content / name).rename(s.content / f"moved-{step}.md")
            changed |= {name, f"moved-{step}.md"}
        else:
            name = rng.choice(files) if op in ("edit", "draft", "retract") and files else f"s{step}.md"
            day = f"2026-0{rng.randint(1, 5)}-{rng.randint(10, 12)}T08:00:00Z"  # many ties
            extra = ""
            if op == "embargo":
                extra = f"embargo: {(now + timedelta(minutes=rng.choice([1, 45]))).isoformat()}\n"
            elif op == "draft":
                extra = "draft: true\n"
            elif op == "retract":
                extra = "retracted: true\n"
            s.write(name, _release(f"Step {step} {op}", day, rng.sample(tags, rng.randint(0, 2)),
                                   rng.choice(["en", "en", "fr", "ar"]), extra))
            changed.add(name)
        s.compare(now, partial=None, only=changed if daemon else None)


# -- embargoes and drafts -------------------------------------------------------------------


def _held(title: str, until: str, date: str = "2026-05-31T08:00:00Z", extra: str = "") -> str:
    return _release(title, date, ["water"], extra=f"embargo: {until}\n{extra}")


def test_a_held_release_edited_before_its_lift(rv: Review) -> None:
    rv.write("held.md", _held("Secret v1", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("held.md", _held("Secret v2", "2026-06-01T14:00:00Z"))
    rv.compare(T0 + timedelta(hours=2))
    lifted = rv.build(T0 + timedelta(hours=3, seconds=1))  # 12:00 passed, 14:00 not
    assert lifted.up_to_date and not lifted.events and "Secret" not in rv.text("feed.atom")
    assert list(rv.held_meta()) and rv.held_meta()[next(iter(rv.held_meta()))][1].startswith(
        "2026-06-01T14:00")
    rv.compare(T0 + timedelta(hours=5, seconds=1))
    assert "Secret v2" in rv.text("feed.atom")


def test_a_held_release_deleted_before_its_lift(rv: Review) -> None:
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    (rv.content / "held.md").unlink()
    report = rv.compare(T0 + timedelta(hours=2))
    assert report.held == [] and rv.held_meta() == {}
    report = rv.build(T0 + timedelta(hours=4))
    assert not report.events and "Secret" not in rv.text("feed.atom")


def test_a_held_release_renamed_before_its_lift(rv: Review) -> None:
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    (rv.content / "held.md").rename(rv.content / "held-renamed.md")
    report = rv.compare(T0 + timedelta(hours=2))
    assert [h.path for h in report.held] == ["held-renamed.md"]
    report = rv.compare(T0 + timedelta(hours=4))
    assert [e.kind for e in report.events] == ["published"]
    assert "Secret" in rv.text("feed.atom")


def test_a_held_release_made_a_draft_before_its_lift(rv: Review) -> None:
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z", extra="draft: true\n"))
    rv.compare(T0 + timedelta(hours=2))
    assert rv.held_meta() == {}
    rv.build(T0 + timedelta(hours=4))
    assert "Secret" not in rv.text("feed.atom")


def test_a_held_release_given_a_front_matter_id_before_its_lift(rv: Review) -> None:
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z", extra="id: urn:x:secret\n"))
    report = rv.compare(T0 + timedelta(hours=2))
    assert [h.id for h in report.held] == ["urn:x:secret"]
    report = rv.compare(T0 + timedelta(hours=4))
    assert [(e.kind, e.id) for e in report.events] == [("published", "urn:x:secret")]


def test_held_meta_after_a_full_pass(rv: Review) -> None:
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    # a settings change: the next pass is a full one
    cfg = rv.root / "config.toml"
    cfg.write_text(cfg.read_text().replace("items = 3", "items = 4"), encoding="utf-8")
    report = rv.compare(T0 + timedelta(hours=2), partial=False)
    assert [h.path for h in report.held] == ["held.md"] and list(rv.held_meta())
    report = rv.compare(T0 + timedelta(hours=4))
    assert [e.kind for e in report.events] == ["published"]


def test_an_embargo_lifts_while_another_file_changes(rv: Review) -> None:
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("r2.md", _release("Release 2 again", "2026-03-12T08:00:00Z", ["water"]))
    report = rv.compare(T0 + timedelta(hours=4))
    assert sorted(e.kind for e in report.events) == ["published", "updated"]


def test_a_draft_never_leaks(rv: Review) -> None:
    rv.write("d.md", _release("Draft news", "2026-05-30T08:00:00Z", ["water"], extra="draft: true\n"))
    rv.compare(T0 + timedelta(hours=1))
    (rv.content / "d.md").rename(rv.content / "d2.md")
    rv.compare(T0 + timedelta(hours=2))
    public = rv.root / "public"
    assert not any(b"Draft news" in p.read_bytes() for p in public.rglob("*") if p.is_file())


# -- a release that cannot be rendered ------------------------------------------------------


def test_a_release_that_cannot_be_rendered_then_is_fixed(
    rv: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    import feeds.render.feeds as render

    real = render._atom_entry

    def flaky(entry, *args):  # type: ignore[no-untyped-def]
        if "BROKEN" in entry.release.title:
            raise ValueError("cannot encode this")
        return real(entry, *args)

    monkeypatch.setattr(render, "_atom_entry", flaky)
    rv.write("bad.md", _release("BROKEN one", "2026-05-30T08:00:00Z", ["water"]))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("bad.md", _release("Fixed one", "2026-05-30T08:00:00Z", ["water"]))
    rv.compare(T0 + timedelta(hours=2))
    assert "Fixed one" in rv.text("feed.atom")


# -- the daemon -----------------------------------------------------------------------------


def test_daemon_passes_with_memory_and_only(rv: Review) -> None:
    rv.daemon()
    rv.build(T0)
    now = T0
    steps = [
        ({"new.md"}, lambda: rv.write("new.md", _release("Newest", "2026-05-30T08:00:00Z", ["energy"]))),
        ({"r2.md"}, lambda: rv.write("r2.md", _release("Release 2b", "2026-03-12T08:00:00Z", ["Water"]))),
        ({"r5.md"}, lambda: (rv.content / "r5.md").unlink()),
        ({"r6.md", "r6b.md"}, lambda: (rv.content / "r6.md").rename(rv.content / "r6b.md")),
        ({"r1.md"}, lambda: rv.write("r1.md", _release("Release 1", "2026-02-11T08:00:00Z",
                                                       ["water"], extra="id: urn:x:one\n"))),
        ({"r1.md"}, lambda: rv.write("r1.md", _release("Release 1", "2026-02-11T08:00:00Z",
                                                       ["water"]))),
        ({"r3.md"}, lambda: rv.write("r3.md", _release("Release 3", "2026-04-13T08:00:00Z",
                                                       ["water"], "en"))),
        ({"r5.md"}, lambda: rv.write("r5.md", _release("Release 5", "2026-01-15T08:00:00Z",
                                                       ["water", "health"]))),
    ]
    for only, change in steps:
        now += timedelta(hours=1)
        change()
        rv.compare(now, partial=None, only=only)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_daemon_random_sequences(rv: Review, seed: int) -> None:
    rv.daemon()
    rv.build(T0)
    _random_steps(rv, random.Random(seed), 25, daemon=True)


@pytest.mark.parametrize("seed", [5, 6, 7, 8])
def test_cli_random_sequences_with_ties_retractions_and_case(rv: Review, seed: int) -> None:
    _random_steps(rv, random.Random(seed), 25)


# -- more collisions and their daemon variants ----------------------------------------------


def test_a_front_matter_id_that_gives_the_page_of_another_release_edit_the_newer(
    rv: Review,
) -> None:
    """As above, but the release that sorts first (the newer one) is edited."""
    rv.write("other.md", _release("Syndicated", "2026-05-20T08:00:00Z", ["water"],
                                  extra="id: 'tag:partner.example,2020:r1'\n"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("other.md", _release("Syndicated, corrected", "2026-05-20T08:00:00Z", ["water"],
                                  extra="id: 'tag:partner.example,2020:r1'\n"))
    rv.compare(T0 + timedelta(hours=2))
    # and each of the two releases has a page of its own (not a partial-pass issue: a full
    # build gives both the page releases/r1.html, and only one of them is made)
    public = rv.root / "public"
    pages = [p.read_text(encoding="utf-8") for p in (public / "releases").glob("*.html")]
    assert any("Syndicated, corrected" in t for t in pages)
    assert any("Release 1</h1>" in t for t in pages)


def test_language_EN_in_front_matter_beside_detected_en(rv: Review) -> None:
    """A writer types "EN"; every other release says (or is detected as) "en"."""
    rv.write("caps.md", _release("Capital language", "2026-05-29T08:00:00Z", ["water"], "EN"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("r7.md", _release("Release 7, corrected", "2026-03-17T08:00:00Z", ["water"]))
    rv.compare(T0 + timedelta(hours=2))
    feed = rv.text("lang/en.atom")
    assert "Capital language" in feed and "Release 7, corrected" in feed


def test_an_embargoed_file_that_copies_a_published_release_id(rv: Review) -> None:
    """A follow-up drafted from an existing release's front matter, id included, under an
    embargo: it must not be published before the embargo lifts."""
    rv.write("b.md", _release("Owner B", "2026-05-20T08:00:00Z", ["water"], extra="id: urn:x:dup\n"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("c.md", _release("Follow-up SECRET", "2026-06-02T08:00:00Z", ["water"],
                              extra="id: urn:x:dup\nembargo: 2026-06-05T08:00:00Z\n"))
    rv.build(T0 + timedelta(hours=2))
    public = rv.root / "public"
    assert not any(b"SECRET" in p.read_bytes() for p in public.rglob("*") if p.is_file())
    assert "Owner B" in rv.text("feed.atom")


def test_daemon_an_untitled_release_renamed(rv: Review) -> None:
    rv.daemon()
    rv.build(T0)
    rv.write("first-name.md", "---\ndate: 2026-05-30T08:00:00Z\ntags: [water]\n"
                              "summary: A statement follows.\n---\n")
    rv.compare(T0 + timedelta(hours=1), only={"first-name.md"})
    (rv.content / "first-name.md").rename(rv.content / "second-name.md")
    rv.compare(T0 + timedelta(hours=2), only={"first-name.md", "second-name.md"})
    assert "second name" in rv.text("feed.atom")


def test_daemon_a_front_matter_id_that_another_file_already_has(rv: Review) -> None:
    rv.daemon()
    rv.build(T0)
    rv.write("b.md", _release("Owner B", "2026-05-20T08:00:00Z", ["water"], extra="id: urn:x:dup\n"))
    rv.compare(T0 + timedelta(hours=1), only={"b.md"})
    rv.write("a.md", _release("Copy A", "2026-05-21T08:00:00Z", ["water"], extra="id: urn:x:dup\n"))
    rv.compare(T0 + timedelta(hours=2), only={"a.md"})


def test_daemon_a_tag_whose_slug_ends_in_archive_and_a_number(rv: Review) -> None:
    rv.daemon()
    rv.build(T0)
    rv.write("p1.md", _release("Photo one", "2026-05-20T08:00:00Z", ["photo"]))
    rv.write("p2.md", _release("Old photos", "2026-05-21T08:00:00Z", ["Photo archive 2024"]))
    rv.compare(T0 + timedelta(hours=1), only={"p1.md", "p2.md"})
    rv.write("p1.md", _release("Photo one, corrected", "2026-05-20T08:00:00Z", ["photo"]))
    rv.compare(T0 + timedelta(hours=2), only={"p1.md"})
    assert (rv.root / "public" / "tags" / "photo-archive-2024.atom").exists()


def test_daemon_held_release_lifts_with_an_empty_only(rv: Review) -> None:
    rv.daemon()
    rv.build(T0)
    rv.write("held.md", _held("Secret", "2026-06-01T12:00:00Z"))
    rv.compare(T0 + timedelta(hours=1), only={"held.md"})
    assert "Secret" not in rv.text("feed.atom")
    report = rv.compare(T0 + timedelta(hours=3, seconds=1), only=set())
    assert [e.kind for e in report.events] == ["published"] and "Secret" in rv.text("feed.atom")


def test_a_published_release_edited_with_a_future_embargo_stays_out(rv: Review) -> None:
    """Once out, out: an embargo added later keeps it published, in both kinds of pass."""
    rv.write("r7.md", _release("Release 7", "2026-03-17T08:00:00Z", ["water"],
                               extra="embargo: 2026-06-09T08:00:00Z\n"))
    report = rv.compare(T0 + timedelta(hours=1))
    assert report.held == [] and rv.held_meta() == {}


def test_a_draft_undrafted_under_an_embargo(rv: Review) -> None:
    rv.write("d.md", _release("Draft news", "2026-05-30T08:00:00Z", ["water"], extra="draft: true\n"))
    rv.compare(T0 + timedelta(hours=1))
    rv.write("d.md", _held("Draft news", "2026-06-01T12:00:00Z"))
    report = rv.compare(T0 + timedelta(hours=2))
    assert [h.path for h in report.held] == ["d.md"] and "Draft news" not in rv.text("feed.atom")
    report = rv.compare(T0 + timedelta(hours=4))
    assert [e.kind for e in report.events] == ["published"]
