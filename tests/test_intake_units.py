"""Unit tests of the intake's pure pieces: decoding, front matter, markup, identity."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds.errors import FileRefused, FrontMatterError
from feeds.intake.decode import clean_text, decode
from feeds.intake.frontmatter import split_front_matter
from feeds.intake.identity import mint_id, resolve, slugify
from feeds.intake.markup import body_html, looks_like_markdown
from feeds.model import BodyFormat, DateSource, Release
from feeds.store import Identity
from tests.conftest import REPO

# -- decoding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "Titre – Genève".encode(),
        codecs.BOM_UTF8 + "Titre – Genève".encode(),
        codecs.BOM_UTF16_LE + "Titre – Genève".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Titre – Genève".encode("utf-16-be"),
    ],
)
def test_utf8_and_utf16_with_bom_decode_the_same(data: bytes) -> None:
    assert decode(data, "x.txt").text == "Titre – Genève"
    assert decode(data, "x.txt").warnings == ()


def test_legacy_encoding_is_detected_and_warned() -> None:
    decoded = decode("Communiqué à Genève, élèves déplacés. Zoë Béranger.\n".encode("latin-1"), "f.txt")
    assert decoded.text.startswith("Communiqué à Genève")
    assert "\ufffd" not in decoded.text
    assert decoded.warnings and "not UTF-8" in decoded.warnings[0]


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"  \n\n ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"), (b"abc" + bytes(range(1, 9)) * 3, "control characters")],
)
def test_refused(data: bytes, reason: str) -> None:
    with pytest.raises(FileRefused, match=reason):
        decode(data, "x.txt")


def test_characters_xml_cannot_carry_are_removed() -> None:
    text = clean_text("a\x00b\x0bc\ufffed\ufeffe\u202ef\x85g\r\nh\u2028i")
    assert text == "abcdefg\nh\ni"


@given(st.binary(max_size=512))
def test_decode_never_crashes(data: bytes) -> None:
    try:
        text = decode(data, "x.txt").text
    except FileRefused:
        return
    assert "\x00" not in text


# -- front matter --------------------------------------------------------------------------


def test_yaml_front_matter_keeps_timestamps_as_text() -> None:
    fm = split_front_matter("---\ntitle: T\ndate: 9999-12-31T23:59:59-12:00\n---\nBody\n---\nmore\n", "a.md")
    assert fm.syntax == "yaml"
    assert fm.data == {"title": "T", "date": "9999-12-31T23:59:59-12:00"}
    assert fm.body == "Body\n---\nmore\n"
    assert fm.body_first_line == 5


def test_toml_front_matter() -> None:
    fm = split_front_matter('+++\ntitle = "T"\ntags = ["a"]\n+++\n\nBody\n', "a.md")
    assert fm.syntax == "toml"
    assert fm.data["tags"] == ["a"]
    assert fm.body.strip() == "Body"


def test_a_rule_later_in_the_body_is_not_front_matter() -> None:
    fm = split_front_matter("Title\n\n---\nfoo: bar\n---\n", "a.txt")
    assert fm.syntax == "" and fm.data == {}


def test_unclosed_front_matter_is_an_error_on_line_1() -> None:
    with pytest.raises(FrontMatterError) as err:
        split_front_matter("---\ntitle: x\ntags: [a, b\n\nBody\n", "a.md")
    assert err.value.line == 1 and "never closed" in str(err.value)


def test_broken_yaml_names_its_line() -> None:
    """A key that does not parse is left out with a warning naming its line; the other keys
    are kept (one broken line does not lose the release). A broken key that decides what is
    published or when (embargo, draft, published, id, retracted) refuses the file, and so
    does a block of which nothing parses."""
    fm = split_front_matter("---\ntitle: x\ntags: [a, b\n---\nBody\n", "a.md")
    assert fm.data == {"title": "x"}
    ((line, message),) = fm.warnings
    assert line == 3 and "'tags' does not parse and is left out" in message
    fm = split_front_matter("---\ntitle: x\nimage: a.jpg\n  src: b.jpg\ndate: 2022-06-07\n---\nB\n", "a.md")
    assert fm.data == {"title": "x", "date": "2022-06-07"} and fm.warnings[0][0] == 3
    with pytest.raises(FrontMatterError) as err:
        split_front_matter("---\ntitle: x\nembargo: [2026\n---\nBody\n", "a.md")
    assert "does not parse at its key 'embargo'" in str(err.value) and err.value.line == 3
    with pytest.raises(FrontMatterError) as err:
        split_front_matter("---\n[a, b\n---\nBody\n", "a.md")
    assert "does not parse" in str(err.value)


def test_front_matter_that_is_not_a_mapping() -> None:
    with pytest.raises(FrontMatterError, match="mapping"):
        split_front_matter("---\n- a\n- b\n---\nBody\n", "a.md")


# -- markup --------------------------------------------------------------------------------


def test_an_empty_image_is_no_photo_and_a_wrong_one_names_the_key() -> None:
    """Site generators' archetypes write `image = ""`: that is a release without a photo, not
    a refused file (held-out 37, a Hugo site's TOML). A value of the wrong type is refused,
    naming the key and what was expected."""
    from zoneinfo import ZoneInfo

    from feeds.intake.release import parse_release

    def read(front: str):  # type: ignore[no-untyped-def]
        text = f"+++\ntitle = \"Neuwagen 2017\"\n{front}\n+++\n\nBerlin – Der Text.\n"
        return parse_release(text.encode(), "r.md", site_language="de", timezone=ZoneInfo("UTC"))

    for empty in ('image = ""', 'image = "  "'):
        release = read(empty)
        assert release.title == "Neuwagen 2017"
        assert release.photo is None or release.photo.url is None
    assert read('image = "https://example.org/a.jpg"').photo.url == "https://example.org/a.jpg"
    with pytest.raises(FrontMatterError, match="'image' must be a URL or a mapping"):
        read("image = 5")


def test_front_matter_dates_that_are_not_iso_are_read_or_left_out_with_a_warning() -> None:
    """A CMS's "2020-07-15 23:51:39 UTC+0200" or "2025年11月7日" is read by dateparser, with a
    warning; Hugo's publishDate/lastmod are date/updated; a date that is no date at all is
    left out with a warning (the text's date is used), but a bad embargo refuses the file:
    a release is never published early."""
    from zoneinfo import ZoneInfo

    from feeds.intake.release import parse_release
    from feeds.model import DateSource

    def read(front: str):  # type: ignore[no-untyped-def]
        text = f"---\ntitle: T\n{front}\n---\n\nBern, 18. Juli 2020 – Der Text.\n"
        return parse_release(text.encode(), "r.md", site_language="de", timezone=ZoneInfo("Europe/Zurich"))

    r = read("date: 2020-07-15 23:51:39 UTC+0200")
    assert r.date == datetime(2020, 7, 15, 21, 51, 39, tzinfo=UTC)
    assert r.date_source == DateSource.FRONT_MATTER
    assert any("not ISO 8601; read as 2020-07-15T23:51:39+02:00" in w.message for w in r.warnings)
    r = read("date: 2025年11月7日")
    assert r.date is not None and r.date.date().isoformat() == "2025-11-07"
    r = read("publishDate: 2020-07-18T10:00:00+02:00\nlastmod: 2020-07-19")
    assert (r.date.isoformat(), r.updated.date().isoformat()) == ("2020-07-18T10:00:00+02:00", "2020-07-19")
    r = read("date: soon")
    assert r.date_source == DateSource.TEXT and r.date.date().isoformat() == "2020-07-18"
    assert any("front matter 'date' is left out" in w.message for w in r.warnings)
    with pytest.raises(FrontMatterError, match="'embargo'"):
        read("embargo: soon")


def test_image_mappings_of_site_themes_are_read_and_published_false_is_a_draft() -> None:
    """A theme's image keys (src, title, license; focal_point, preview_only) do not refuse the
    release: the known ones and their usual names are read, the others named in a warning.
    Jekyll's ``published: false`` keeps the release a draft."""
    from zoneinfo import ZoneInfo

    from feeds.intake.release import parse_release

    def read(front: str):  # type: ignore[no-untyped-def]
        text = f"---\ntitle: T\n{front}\n---\n\nBerlin, 06.07.2023 – Der Text.\n"
        return parse_release(text.encode(), "r.md", site_language="de", timezone=ZoneInfo("UTC"))

    r = read("image:\n  src: /files/a.jpg\n  title: Fünf Warnleuchten\n  license: Foto von Marek auf Unsplash\n"
             "  license_url: https://unsplash.com/x")
    assert (r.photo.url, r.photo.caption, r.photo.credit) == (
        "/files/a.jpg", "Fünf Warnleuchten", "Foto von Marek auf Unsplash")
    assert any("['license_url'] are not used" in w.message for w in r.warnings)
    r = read('image:\n  caption: ""\n  focal_point: ""\n  preview_only: false')
    assert r.photo is None and r.title == "T"
    assert not r.draft
    assert read("published: false").draft and not read("published: true").draft


def test_front_matter_leniency_never_publishes_early_or_a_draft() -> None:
    """Review of the lenient front matter: an embargo that is not ISO 8601 is refused, not
    guessed ("05.10.2099 09:00" was read as 10 May); a broken entry that holds a publishing
    key anywhere ("draft:true" glued under "title:", a quoted '"draft"') refuses the file; a
    date in Jekyll's ``published`` is not a draft, with a warning."""
    from zoneinfo import ZoneInfo

    from feeds.intake.release import parse_release

    def read(front: str, fence: str = "---"):  # type: ignore[no-untyped-def]
        text = f"{fence}\n{front}\n{fence}\n\nBern – Text.\n"
        return parse_release(text.encode(), "r.md", site_language="de", timezone=ZoneInfo("UTC"))

    for front in ("title: T\nembargo: 05.10.2099 09:00", "title: T\nembargo: 03/04/2099",
                  "date: 2024-01-01\ntitle: Foo\ndraft:true", "title: Foo\nsummary: S\nembargo:2099-01-01",
                  'title: Foo\n"draft": [true'):
        with pytest.raises(FrontMatterError):
            read(front)
    r = read("title: T\npublished: 2024-01-01")
    assert not r.draft and any("'published' '2024-01-01' is a date" in w.message for w in r.warnings)
    assert not read('title = "T"\npublished = 2024-01-01', "+++").draft
    assert read('title: T\npublished: "no"').draft
    with pytest.raises(FrontMatterError):
        read("title: T\npublished: 0")


def test_markdown_body_is_sanitised() -> None:
    out = body_html(["Hello <script>alert(1)</script> **world** [x](javascript:alert(2))",
                     '<img src="x" onerror="alert(3)">'], BodyFormat.MARKDOWN)
    assert "<script" not in out and "onerror" not in out and "javascript:" not in out
    assert "<strong>world</strong>" in out


def test_text_body_is_escaped_and_linked() -> None:
    out = body_html(["a < b & <b>c</b> see https://example.org/x."], BodyFormat.TEXT)
    assert "a &lt; b &amp; &lt;b&gt;c&lt;/b&gt;" in out
    assert '<a href="https://example.org/x" rel="noopener noreferrer">' in out


def test_markdown_sniffing() -> None:
    assert looks_like_markdown("# Title\n\nText")
    assert not looks_like_markdown("Title\n\nAnkara – Text, with a - dash.\n")


# -- identity ------------------------------------------------------------------------------

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _release(path: str, chash: str, rid: str = "") -> Release:
    return Release(path=path, content_hash=chash, title=path, id=rid)


def test_slugs() -> None:
    assert slugify("2025/03/Hiber Acquires Srett!") == "2025/03/hiber-acquires-srett"
    assert slugify("Genève – été") == "geneve-ete"
    assert slugify("بيان") == "%D8%A8%D9%8A%D8%A7%D9%86"


def test_minted_ids_are_tag_uris_and_unique() -> None:
    first = mint_id("example.org", "a/b.txt", NOW, set())
    assert first == "tag:example.org,2026-03-01:a/b"
    assert mint_id("example.org", "a/b.md", NOW, {first}) == first + "-2"
    assert mint_id("tag:example.org,2020:", "x.txt", NOW, set()) == "tag:example.org,2020:x"


def test_identity_survives_edit_and_rename_and_front_matter_wins() -> None:
    first = resolve({"a.txt": _release("a.txt", "h1")}, {}, id_prefix="ex.org", now=NOW)
    ident = first.changed[0]
    assert first.releases["a.txt"].id == ident.id
    assert first.releases["a.txt"].date == NOW
    assert first.releases["a.txt"].date_source == DateSource.FIRST_SEEN
    known = {ident.id: ident}
    later = NOW + timedelta(days=3)

    edited = resolve({"a.txt": _release("a.txt", "h2")}, known, id_prefix="ex.org", now=later)
    assert edited.releases["a.txt"].id == ident.id
    assert edited.releases["a.txt"].date == NOW  # first seen never moves

    renamed = resolve({"b.txt": _release("b.txt", "h1")}, known, id_prefix="ex.org", now=later)
    assert renamed.releases["b.txt"].id == ident.id and renamed.gone == []

    replaced = resolve({"b.txt": _release("b.txt", "other")}, known, id_prefix="ex.org", now=later)
    assert replaced.releases["b.txt"].id != ident.id
    assert [g.id for g in replaced.gone] == [ident.id]

    explicit = resolve({"c.txt": _release("c.txt", "h9", "urn:uuid:1")}, {}, id_prefix="x", now=NOW)
    assert explicit.releases["c.txt"].id == "urn:uuid:1"


def test_a_present_but_unreadable_file_is_not_gone() -> None:
    ident = Identity("tag:x,2026-03-01:a", "a.txt", "h1", NOW)
    out = resolve({}, {ident.id: ident}, id_prefix="x", now=NOW, present={"a.txt"})
    assert out.gone == []


def test_markdown_rendering_matches_cmarkgfm_and_frees_what_it_allocates() -> None:
    """cmarkgfm's own GFM call leaks the syntax tree and the HTML (about 36 KB a body)."""
    import gc

    import cmarkgfm
    from cmarkgfm.cmark import Options

    from feeds.intake.markup import _gfm_to_html

    samples = [
        "Geneva – **Bold** and _em_, www.example.org and https://example.org/x.",
        "| a | b |\n|---|---|\n| 1 | 2 |", "~~gone~~", "- [ ] task\n- [x] done",
        "<script>alert(1)</script>", "```python\ncode\n```", "", "# Heading\n\n> quote",
    ]
    options = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8
    for text in samples:
        assert _gfm_to_html(text) == cmarkgfm.github_flavored_markdown_to_html(text, options)

    def resident_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20

    body = "\n\n".join(f"Paragraph {n} with a [link](https://example.org/{n})." * 8
                       for n in range(30))
    for _ in range(200):  # warm up the allocator
        _gfm_to_html(body)
    gc.collect()
    before = resident_mb()
    for _ in range(3000):
        _gfm_to_html(body)
    gc.collect()
    assert resident_mb() - before < 8  # cmarkgfm's own call grows by about 100 MB here


def test_front_matter_title_leaves_every_body_paragraph_in_the_body() -> None:
    """With a title in front matter, a short first paragraph is body (it was taken for a
    title and lost); only a repetition of that title at the top is skipped; an editor's
    update note above the lead stays, and the dateline is still found."""
    from zoneinfo import ZoneInfo

    from feeds.intake.release import parse_release

    def read(text: str):  # type: ignore[no-untyped-def]
        return parse_release(text.encode(), "r.md", site_language="en", timezone=ZoneInfo("UTC"))

    short_lede = "---\ntitle: Terminal opens\n---\n\nThe board opened it.\n\nMore follows here.\n"
    assert read(short_lede).paragraphs == ("The board opened it.", "More follows here.")
    repeated = "---\ntitle: Terminal opens\n---\n\n# Terminal Opens\n\nGeneva – The board opened it.\n"
    assert read(repeated).paragraphs == ("Geneva – The board opened it.",)
    # An editor's update note above the lead (content/markdown-toml-update.md) stays in the
    # body, and the dateline after it is still found.
    noted = read((REPO / "content" / "markdown-toml-update.md").read_text(encoding="utf-8"))
    assert noted.dateline_city == "Dhaka"
    assert noted.paragraphs[0].startswith("**Updated 20 January 2026:**")
    assert noted.paragraphs[1].startswith("Dhaka – A pilot")
