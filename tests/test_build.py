"""`feeds build`: valid, stable, deterministic, atomic feeds, checked by software nobody here wrote."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from subprocess import CompletedProcess

import feedparser
import pytest
from lxml import etree

from feeds.build import build
from feeds.config import load_config
from feeds.errors import OutputError
from feeds.store import SQLiteStore
from tests.conftest import CORPUS, REPO, SHARED

Run = Callable[..., CompletedProcess[str]]
CHECK_FEEDS = SHARED / "validation" / "check_feeds.py"
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _build(site: Path, now: datetime = NOW):  # type: ignore[no-untyped-def]
    config = load_config(site / "config.toml")
    with SQLiteStore(config.state_path) as store:
        return build(config, store, now=now)


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def full_site(site: Path) -> Path:
    """The sample content plus the real corpus releases, named .md where they are Markdown."""
    shutil.copytree(REPO / "content", site / "content", dirs_exist_ok=True)
    corpus = site / "content" / "corpus"
    corpus.mkdir()
    for f in (CORPUS / "releases").iterdir():
        shutil.copy(f, corpus / f.name)
    return site


def test_every_output_passes_the_independent_validators(full_site: Path) -> None:
    report = _build(full_site)
    assert not report.write.failed
    out = subprocess.run(
        [sys.executable, str(CHECK_FEEDS), str(full_site / "public")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout[-3000:]
    summary = out.stdout.strip().splitlines()[-1]
    passed = int(summary.split()[0])
    assert passed >= 3 * 8  # home, tags and languages, in three formats
    for f in (full_site / "public").rglob("*.atom"):
        etree.parse(str(f), etree.XMLParser(resolve_entities=False))  # strict XML


def test_feedparser_reads_back_what_inspect_reports(full_site: Path, feeds_cli: Run) -> None:
    _build(full_site)
    parsed = feedparser.parse((full_site / "public" / "feed.atom").read_bytes())
    assert not parsed.bozo
    files = sorted(p for p in (full_site / "content").rglob("*") if p.is_file())
    out = feeds_cli("inspect", "--json", *map(str, files), cwd=full_site)
    inspected = {i["id"]: i for i in json.loads(out.stdout) if "id" in i and not i["draft"]}
    entries = {e.id: e for e in parsed.entries}
    assert set(entries) <= set(inspected)
    assert len(entries) == min(50, len(inspected))
    for rid, entry in entries.items():
        assert entry.title == inspected[rid]["title"]
        published = datetime.fromisoformat(inspected[rid]["date"]).astimezone(UTC).replace(microsecond=0)
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == published
    rss = feedparser.parse((full_site / "public" / "feed.rss").read_bytes())
    assert [e.id for e in rss.entries] == [e.id for e in parsed.entries]


def test_two_builds_give_the_same_bytes_and_touch_nothing(full_site: Path) -> None:
    _build(full_site)
    first, mtimes = _tree(full_site / "public"), _mtimes(full_site / "public")
    again = _build(full_site, NOW + timedelta(hours=1))
    assert again.up_to_date
    shutil.rmtree(full_site / "state")
    rebuilt = _build(full_site, NOW)  # a fresh state at the same time gives the same bytes
    assert _tree(full_site / "public") == first
    assert rebuilt.write.written == []
    assert _mtimes(full_site / "public") == mtimes


def test_an_edit_rewrites_only_the_files_holding_that_release(full_site: Path) -> None:
    _build(full_site)
    before = _tree(full_site / "public")
    target = full_site / "content" / "communique-fr.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("baromètre", "Baromètre"), encoding="utf-8")
    report = _build(full_site, NOW + timedelta(days=1))
    changed = {p for p, h in _tree(full_site / "public").items() if before.get(p) != h}
    assert changed == set(report.write.written)
    expected = {"releases/communique-fr.html", "index.html"}
    expected |= {f"{base}.{ext}" for base in ("feed", "lang/fr", "tags/water")
                 for ext in ("atom", "rss", "json")}
    assert changed <= expected | {f"tags/{t}.{e}" for t in ("climate", "funding", "health", "migration")
                                  for e in ("atom", "rss", "json")}
    assert "releases/communique-fr.html" in changed and "feed.atom" in changed
    assert "releases/bayan-ar.html" not in changed and "lang/ar.atom" not in changed
    entry = next(e for e in feedparser.parse(str(full_site / "public" / "feed.atom")).entries
                 if e.id.endswith(":communique-fr"))
    assert entry.updated.startswith("2026-11-02")  # the edit is an update, same id


def test_deleted_release_becomes_a_tombstone(full_site: Path) -> None:
    _build(full_site)
    (full_site / "content" / "communique-fr.txt").unlink()
    report = _build(full_site, NOW + timedelta(days=1))
    assert [e.kind for e in report.events] == ["retracted"]
    atom = (full_site / "public" / "feed.atom").read_text(encoding="utf-8")
    assert 'xmlns:at="http://purl.org/atompub/tombstones/1.0"' in atom
    assert '<at:deleted-entry ref="tag:news.example.org,2026-11-01:communique-fr" when="2026-11-02T12:00:00Z"/>' in atom
    assert "communique-fr" not in (full_site / "public" / "feed.rss").read_text(encoding="utf-8")
    assert "communique-fr" not in (full_site / "public" / "feed.json").read_text(encoding="utf-8")
    assert not (full_site / "public" / "releases" / "communique-fr.html").exists()
    assert not (full_site / "public" / "lang" / "fr.atom").exists()


def test_embargo_and_draft_stay_out_until_their_time(site: Path) -> None:
    content = site / "content"
    (content / "later.md").write_text(
        "---\ntitle: Embargoed news\nembargo: 2026-11-01T15:00:00+01:00\n---\n\nBern – Body.\n", encoding="utf-8")
    (content / "draft.md").write_text("---\ntitle: Draft news\ndraft: true\n---\n\nBern – Body.\n", encoding="utf-8")
    (content / "now.md").write_text("---\ntitle: Public news\n---\n\nBern – Body.\n", encoding="utf-8")
    _build(site, datetime(2026, 11, 1, 13, 59, 59, tzinfo=UTC))
    public = site / "public"
    text = "".join(p.read_text(encoding="utf-8") for p in public.rglob("*") if p.is_file())
    assert "Public news" in text and "Embargoed news" not in text and "Draft news" not in text
    report = _build(site, datetime(2026, 11, 1, 14, 0, 0, tzinfo=UTC))
    assert [e.kind for e in report.events] == ["published"]
    assert "Embargoed news" in (public / "feed.atom").read_text(encoding="utf-8")
    assert "Draft news" not in (public / "feed.atom").read_text(encoding="utf-8")


def test_hostile_markup_is_escaped_and_xml_stays_strict(site: Path, hostile_dir: Path) -> None:
    for f in hostile_dir.iterdir():
        shutil.copy(f, site / "content" / f.name)
    report = _build(site)
    assert {p for p in report.scan.refused} == {
        "01_empty.txt", "02_binary-random.txt", "04_broken-frontmatter.md", "05_huge-20mb.txt"}
    public = site / "public"
    for f in list(public.rglob("*.atom")) + list(public.rglob("*.rss")):
        etree.parse(str(f))
    atom = (public / "feed.atom").read_text(encoding="utf-8")
    assert "<script>" not in atom and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in atom
    assert "Release embargoed until the year 2999" not in atom
    page = next(public.glob("releases/06*.html")).read_text(encoding="utf-8")
    assert "<script>" not in page and "onerror" not in page.replace("onerror=alert(2)&gt;", "")
    assert "<svg" not in page
    assert max(p.stat().st_size for p in public.rglob("*")) < 1_000_000


def test_archives_make_the_whole_history_reachable(full_site: Path) -> None:
    cfg = full_site / "config.toml"
    cfg.write_text(cfg.read_text() + "items = 4\n", encoding="utf-8")  # [output] is the last table
    _build(full_site)
    public = full_site / "public"
    seen: list[str] = []
    url = "https://news.example.org/feed.atom"
    hops = 0
    while url:
        path = public / url.removeprefix("https://news.example.org/")
        parsed = feedparser.parse(path.read_bytes())
        seen += [e.id for e in parsed.entries]
        links = {link.rel: link.href for link in parsed.feed.links}
        if hops:
            assert "http://purl.org/syndication/history/1.0" in path.read_text(encoding="utf-8")
            assert links["current"] == "https://news.example.org/feed.atom"
        url = links.get("prev-archive", "")
        hops += 1
    total = len(json.loads((public / "feed.json").read_text())["items"])
    assert total == 4
    assert len(set(seen)) == 8 + 11 and hops > 2  # every release, through the archive chain
    chain = json.loads((public / "feed.json").read_text())
    assert chain["next_url"].startswith("https://news.example.org/feed-archive-")


def test_an_unwritable_output_folder_is_named(site: Path) -> None:
    (site / "content" / "a.md").write_text("---\ntitle: A\n---\n\nBern – Body.\n", encoding="utf-8")
    (site / "public").write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError) as err:
        _build(site)
    assert str(site / "public") in str(err.value)


def test_build_command_prints_a_summary(full_site: Path, feeds_cli: Run) -> None:
    out = feeds_cli("build", cwd=full_site)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "published (" in out.stdout.splitlines()[-1]
    assert "published tag:news.example.org," in out.stderr  # the log says what it did
    again = feeds_cli("build", cwd=full_site)
    assert "up to date" in again.stdout
    assert os.path.exists(full_site / "public" / "feed.xsl")


def test_hub_and_self_links_when_a_websub_hub_is_configured(site: Path) -> None:
    cfg = site / "config.toml"
    cfg.write_text(cfg.read_text() + '[[endpoint]]\nname = "hub"\nkind = "websub"\n'
                   'url = "https://hub.example.net/"\n', encoding="utf-8")
    (site / "content" / "a.md").write_text("---\ntitle: A\ntags: [x]\n---\n\nBern – Body.\n", encoding="utf-8")
    _build(site)
    atom = feedparser.parse(str(site / "public" / "tags" / "x.atom"))
    links = {link.rel: link.href for link in atom.feed.links}
    assert links["hub"] == "https://hub.example.net/"
    assert links["self"] == "https://news.example.org/tags/x.atom"
    rss = (site / "public" / "feed.rss").read_text(encoding="utf-8")
    assert '<atom:link rel="hub" href="https://hub.example.net/"/>' in rss
    assert json.loads((site / "public" / "feed.json").read_text())["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example.net/"}]


def test_a_release_that_cannot_be_rendered_is_left_out_and_named(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import feeds.render.feeds as render

    for name in ("good", "bad"):
        (site / "content" / f"{name}.md").write_text(
            f"---\ntitle: {name} news\n---\n\nBern – Body.\n", encoding="utf-8")
    real = render._atom_entry

    def flaky(entry, *args):  # type: ignore[no-untyped-def]
        if entry.release.path == "bad.md":
            raise ValueError("cannot encode this")
        return real(entry, *args)

    monkeypatch.setattr(render, "_atom_entry", flaky)
    report = _build(site)
    assert [str(p) for p in report.problems if p.severity == "error"] == [
        "bad.md: error: left out of the feeds: cannot render: ValueError: cannot encode this"]
    atom = (site / "public" / "feed.atom").read_text(encoding="utf-8")
    assert "good news" in atom and "bad news" not in atom
    assert "bad news" in (site / "public" / "feed.rss").read_text(encoding="utf-8")


def test_marked_retracted_leaves_a_tombstone(site: Path) -> None:
    page = site / "content" / "a.md"
    page.write_text("---\ntitle: Wrong figures\n---\n\nBern – 12 million.\n", encoding="utf-8")
    _build(site)
    page.write_text("---\ntitle: Wrong figures\nretracted: true\n---\n\nBern – 12 million.\n",
                    encoding="utf-8")
    report = _build(site, NOW + timedelta(hours=2))
    assert [e.kind for e in report.events] == ["retracted"]
    atom = (site / "public" / "feed.atom").read_text(encoding="utf-8")
    assert '<at:deleted-entry ref="tag:news.example.org,2026-11-01:a" when="2026-11-01T14:00:00Z"/>' in atom
    assert "Wrong figures" not in atom


def test_a_deck_under_the_title_reaches_every_feed_and_the_page(site: Path) -> None:
    # A subheadline between the headline and the lead is the release's text too: it used to be
    # read and dropped. An HTML comment there is a note to colleagues and is never published.
    (site / "content" / "results.txt").write_text(
        "Half-year results: growth continues\n\n"
        "Organic sales up 2.9% <and> operating income up 5.3%\n\n"
        "<!-- figures to be confirmed by Finance -->\n\n"
        "PARIS, July 20, 2016 – The group today reported its results for the first half of the "
        "year, with organic sales growth in every region.\n\nMore detail follows in the report.\n",
        encoding="utf-8")
    _build(site)
    public = site / "public"
    deck = "Organic sales up 2.9% &lt;and&gt; operating income up 5.3%"
    page = next(public.glob("releases/*.html")).read_text(encoding="utf-8")
    assert f'<p class="deck">{deck}</p>' in page
    parsed = feedparser.parse(str(public / "feed.atom")).entries[0]
    assert parsed.content[0].value.startswith(
        "<p><strong>Organic sales up 2.9% &lt;and&gt; operating income up 5.3%</strong></p>")
    rss = feedparser.parse(str(public / "feed.rss")).entries[0]
    assert "Organic sales up 2.9% &lt;and&gt; operating income" in rss.content[0].value
    item = json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"][0]
    assert item["content_text"].startswith(
        "Organic sales up 2.9% <and> operating income up 5.3%\n\nPARIS, July 20, 2016 –")
    everything = "".join(p.read_text(encoding="utf-8") for p in public.rglob("*") if p.is_file())
    assert "confirmed by Finance" not in everything


def test_html_comments_are_never_published(site: Path) -> None:
    # A note to colleagues in a plain-text release, and one in Markdown (where the HTML was
    # clean already but JSON Feed's content_text carried it); an unclosed "<!--" hides nothing
    content = site / "content"
    (content / "plain.txt").write_text(
        "Water project opens\n\nGENEVA, March 3, 2026 – The agency today opened a water project "
        "for three villages. <!-- check the number with Finance -->\n\n<!-- Not before the\n"
        "minister's visit -->\n\nThe project cost 2 million francs < budget.\n", encoding="utf-8")
    (content / "marked.md").write_text(
        "---\ntitle: School opens\n---\n\nBERN, March 4, 2026 – The school opened today.\n\n"
        "<!-- Do not publish before sign-off -->\n\nPupils start on Monday.\n", encoding="utf-8")
    _build(site)
    public = site / "public"
    everything = "".join(p.read_text(encoding="utf-8") for p in public.rglob("*") if p.is_file())
    for note in ("Finance", "minister's visit", "minister&#x27;s visit", "sign-off"):
        assert note not in everything, note
    items = json.loads((public / "feed.json").read_text(encoding="utf-8"))["items"]
    texts = {item["title"]: item["content_text"] for item in items}
    assert texts["School opens"] == ("BERN, March 4, 2026 – The school opened today.\n\n"
                                     "Pupils start on Monday.")
    assert texts["Water project opens"].endswith("The project cost 2 million francs < budget.")
