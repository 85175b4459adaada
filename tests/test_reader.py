"""The press-release reader (``feeds.intake.reader``) and its date parsing (``feeds.intake.dates``).

The corpus test reads every real release in ``shared/corpus/releases`` and checks each field
against ``expected.json`` and ``bodies/``; the rest are focused unit tests and properties.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feeds.intake.dates import (
    parse_embargo,
    parse_iso_datetime,
    parse_text_date,
    read_embargo,
)
from feeds.intake.reader import TextReading, read_text
from feeds.model import Contact

from .conftest import CORPUS, SHARED

REFERENCE = SHARED / "reference" / "000_1bc792b4840c575e.txt"
EXPECTED: dict[str, Any] = (
    json.loads((CORPUS / "expected.json").read_text("utf-8"))
    if (CORPUS / "expected.json").exists()
    else {"releases": []}
)
RELEASES = {Path(r["file"]).stem: r for r in EXPECTED["releases"]}

needs_corpus = pytest.mark.skipif(not RELEASES, reason="shared corpus not available")


def _ws(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _read(text: str, markdown: bool = False, **kw: Any) -> TextReading:
    return read_text(text, markdown=markdown, **kw)


# --- the real corpus, field by field ----------------------------------------------------

FIELDS = [
    "title", "dateline_city", "date", "embargo", "photo_credit", "contacts",
    "body_paragraphs", "body_text", "end_mark",
]


@pytest.fixture(scope="module")
def corpus_readings() -> dict[str, TextReading]:
    return {
        stem: read_text((CORPUS / rel["file"]).read_text("utf-8"), markdown=True)
        for stem, rel in RELEASES.items()
    }


def _expected_blocks(rel: dict[str, Any]) -> list[str]:
    body = (CORPUS / rel["body_file"]).read_text("utf-8").strip()
    return [_ws(b) for b in re.split(r"\n[ \t]*\n", body) if b.strip()]


@needs_corpus
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("stem", sorted(RELEASES))
def test_corpus_field(
    stem: str, field: str, corpus_readings: dict[str, TextReading]
) -> None:
    rel = RELEASES[stem]
    r = corpus_readings[stem]
    if field == "title":
        assert r.title == rel["title"]
    elif field == "dateline_city":
        assert r.dateline_city == rel["dateline_city"]
        if rel["dateline_raw"] is not None:
            assert _ws(r.dateline_raw) == _ws(rel["dateline_raw"])
    elif field == "date":
        assert (r.date.isoformat() if r.date else None) == rel["date"]
    elif field == "embargo":
        expected = datetime.fromisoformat(rel["embargo"]) if rel["embargo"] else None
        assert r.embargo_until == expected  # aware datetimes compare as instants
        if expected is not None:
            assert r.embargo_until is not None and r.embargo_until.tzinfo is not None
            assert r.embargo_until.utcoffset() == expected.utcoffset()
    elif field == "photo_credit":
        assert r.photo_credit == rel["photo_credit"]
    elif field == "contacts":
        got = [(_ws(c.name) or None, c.email, c.phone) for c in r.contacts]
        want = [(_ws(c["name"]) or None, c["email"], c["phone"]) for c in rel["contacts"]]
        assert got == want
        for c, w in zip(r.contacts, rel["contacts"], strict=True):
            for key in ("org", "title"):
                if key in w:
                    assert getattr(c, key) == w[key], key
    elif field == "body_paragraphs":
        alt = rel.get("body_paragraphs_alt")
        # File 22 is one physical line whose paragraphs are glued by runs of 2+ spaces. The
        # blank-line rule makes it 1 block; the reader splits such a line so its About and
        # contact segments can be recognised, which gives the 6 body blocks of
        # body_paragraphs_alt["split_on_2plus_spaces_body_only"].
        want = alt["split_on_2plus_spaces_body_only"] if alt else rel["body_paragraphs"]
        assert len(r.paragraphs) == want
    elif field == "body_text":
        blocks = _expected_blocks(rel)
        if rel.get("body_paragraphs_alt"):
            assert _ws(" ".join(r.paragraphs)) == _ws(" ".join(blocks))
        else:
            assert [_ws(p) for p in r.paragraphs] == blocks
    elif field == "end_mark":
        assert r.end_mark == rel["end_mark"]


@needs_corpus
@pytest.mark.parametrize("stem", sorted(RELEASES))
def test_corpus_body_keeps_file_syntax(stem: str, corpus_readings: dict[str, TextReading]) -> None:
    """Blocks keep the file's own lines: a bullet list is one block of "\\n"-joined items."""
    for p in corpus_readings[stem].paragraphs:
        assert p == p.strip()
        if p.startswith("* "):
            assert all(line.startswith("* ") for line in p.split("\n"))


@needs_corpus
def test_corpus_back_matter(corpus_readings: dict[str, TextReading]) -> None:
    r = corpus_readings["16_argentem-groza-ends-notes"]
    assert [a.split("\n")[0] for a in r.about] == [
        "About Argentem Creek Partners", "About Innovatus Capital Partners, LLC",
    ]
    assert r.notes == ("Notes to editors:\n\nYou can find the full judgement here.",)
    assert r.subtitles and r.subtitles[0].startswith("1. Sergiy Groza")
    r = corpus_readings["14_keep-a-breast-embargo"]  # boilerplate with no About heading
    assert len(r.about) == 1 and "Keep A Breast Foundation" in r.about[0]
    r = corpus_readings["21_ugi-steelton-upgrades"]
    assert len(r.about) == 1 and r.about[0].startswith("UGI Utilities, Inc. is")
    r = corpus_readings["18_royalty-mgmt-dividend-clarification"]
    assert len(r.subtitles) == 2
    assert r.contacts[0].title == "Chief Executive Officer"
    r = corpus_readings["15_aha-bp-cuff-embargo"]
    assert r.subtitles[0] == "Research Highlights:"
    assert any(n.startswith("Note: Moderated Poster") for n in r.notes)
    r = corpus_readings["22_hiber-srett-acquisition"]
    assert [a[:14] for a in r.about] == ["About Hiber: R", "About Srett In"]


# --- the reference release and the hostile inputs ---------------------------------------

@pytest.mark.skipif(not REFERENCE.exists(), reason="reference release not available")
def test_reference_release() -> None:
    title = "UN Network on Migration Established in World's Largest Refugee-Hosting Country"
    r = read_text(REFERENCE.read_text("utf-8"), markdown=False)
    assert r.title == title and r.title_line == 1
    assert r.photo_credit == "IOM"
    assert r.photo_caption == title  # the repeated title line is the caption
    assert r.dateline_city == "Ankara"
    assert r.date is None and r.embargo_until is None and r.end_mark is None
    # The file has 7 lines from "Ankara – Turkey, host to …" to "As the Coordinator and
    # Secretariat …" (lines 5-11), one paragraph each; the contact line after them is not body.
    assert r.paragraphs[0].startswith("Ankara\u00a0– Turkey, host to")
    assert r.paragraphs[-1].startswith("As the Coordinator and Secretariat")
    assert len(r.paragraphs) == 7
    assert not any("For more information" in p for p in r.paragraphs)
    assert [(c.name, c.phone) for c in r.contacts] == [
        ("Lanna Walsh", None), ("Florence Kim", "+4179 748 0395"),
    ]
    assert any("Email" in message for _, message in r.warnings)  # the links were lost


def _hostile_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def test_hostile_latin1(hostile_dir: Path) -> None:
    text = (hostile_dir / "03_latin1-accents.txt").read_bytes().decode("latin-1")
    r = read_text(text, markdown=False)
    assert r.title == (
        "Communiqué de presse : la Fondation Exemple ouvre un centre d'accueil à Genève"
    )
    assert r.dateline_city == "Genève"
    assert r.contacts == (
        Contact(name="Zoë Béranger", email="zoe.beranger@example.org", phone="+41 22 000 00 00"),
    )
    assert len(r.paragraphs) == 2


def test_hostile_inputs_never_raise(hostile_dir: Path) -> None:
    for path in sorted(hostile_dir.iterdir()):
        started = time.perf_counter()
        r = read_text(_hostile_text(path), markdown=path.suffix == ".md")
        assert time.perf_counter() - started < 10, path.name
        assert isinstance(r, TextReading)


def test_hostile_broken_front_matter_is_not_the_title(hostile_dir: Path) -> None:
    r = read_text((hostile_dir / "04_broken-frontmatter.md").read_text("utf-8"), markdown=True)
    assert r.title == "Front matter that never closes"
    assert any("never closed" in message for _, message in r.warnings)


def test_hostile_future_embargo(hostile_dir: Path) -> None:
    text = (hostile_dir / "07_future-embargo.md").read_text("utf-8")
    body = text.split("---\n", 2)[2]  # the caller cuts the front matter off
    r = read_text(body, markdown=True, first_line=7)
    assert r.embargo_until == datetime(2999, 1, 1, 0, 1, tzinfo=UTC)
    assert r.embargo_raw == "EMBARGOED UNTIL 00:01 GMT, 1 January 2999"
    assert r.dateline_city == "Example City"
    assert r.contacts == (Contact(name="Jane Example", email="jane@example.org"),)


# --- dates --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 19, 2024", date(2024, 3, 19)),
        ("Sept. 5, 2024", date(2024, 9, 5)),
        ("Thursday, Sept. 5, 2024", date(2024, 9, 5)),
        ("September 05, 2024", date(2024, 9, 5)),
        ("15 October 2024", date(2024, 10, 15)),
        ("the 24th of September 2025", date(2025, 9, 24)),
        ("2024-03-19", date(2024, 3, 19)),
        ("19.03.2024", date(2024, 3, 19)),
        ("19/03/2024", date(2024, 3, 19)),
        ("03/19/2024", date(2024, 3, 19)),
        ("5 de septiembre de 2025", date(2025, 9, 5)),
        ("13 de agosto de 2026", date(2026, 8, 13)),
        ("3 mai 2024", date(2024, 5, 3)),
        ("3. Mai 2024", date(2024, 5, 3)),
        ("3 april 2023", date(2023, 4, 3)),
        ("March 2024", None),  # no day: never invented
        ("03/04/2024", None),  # March or April? no date rather than a wrong one
        ("February 30, 2024", None),
        ("12 million people in 2024", None),
        ("", None),
    ],
)
def test_parse_text_date(text: str, expected: date | None) -> None:
    assert parse_text_date(text) == expected


def test_parse_text_date_language_hint() -> None:
    assert parse_text_date("03/04/2024", ["fr"]) == date(2024, 4, 3)
    assert parse_text_date("13 de agosto de 2026", ["es"]) == date(2026, 8, 13)
    assert parse_text_date("13 de agosto de 2026", ["en"]) == date(2026, 8, 13)  # wrong hint
    assert parse_text_date("5 يونيو 2024", ["ar"]) == date(2024, 6, 5)


_MONTH_WORDS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
}
_SHAPES_OF = {"fr": "{d} {m} {y}", "es": "{d} de {m} de {y}", "de": "{d}. {m} {y}", "pt": "{d} de {m} de {y}"}


@settings(max_examples=150, deadline=None)
@given(lang=st.sampled_from(sorted(_MONTH_WORDS)), month=st.integers(1, 12),
       day=st.integers(1, 33), year=st.integers(1990, 2040), first=st.integers(1, 28))
def test_a_known_date_shape_reads_as_dateparser_reads_it(
    lang: str, month: int, day: int, year: int, first: int
) -> None:
    """Dates of a shape seen before are placed without asking dateparser again (dates._SHAPES):
    the answer must be dateparser's own, for every day (including impossible ones) and year."""
    from feeds.intake import dates

    word = _MONTH_WORDS[lang].split()[month - 1]
    seen = _SHAPES_OF[lang].format(d=first, m=word, y=2001)
    text = _SHAPES_OF[lang].format(d=day, m=word, y=year)
    dates._dateparser_date(seen, (lang,))  # the shape is learnt here
    assert dates._dateparser_date(text, (lang,)) == dates._ask_dateparser(text, (lang,))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("EMBARGOED UNTIL 00:01 GMT, 5 June 2026", datetime(2026, 6, 5, 0, 1, tzinfo=UTC)),
        (
            "UNDER EMBARGO until May 1, 2025 9 a.m. (PACIFIC)",
            datetime(2025, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=-7))),
        ),
        (
            "Embargoed until 8 a.m. CT/9 a.m. ET, Thursday, Sept. 5, 2024",
            datetime(2024, 9, 5, 13, 0, tzinfo=UTC),
        ),
        ("Embargo: 5 June 2026, 14:00 CEST", datetime(2026, 6, 5, 12, 0, tzinfo=UTC)),
        ("Embargo: 5 January 2026, 14:00 CET", datetime(2026, 1, 5, 13, 0, tzinfo=UTC)),
        ("Embargoed until 10:00 BST, 5 June 2026", datetime(2026, 6, 5, 9, 0, tzinfo=UTC)),
        ("Embargoed until 10:00 EET, 5 January 2026", datetime(2026, 1, 5, 8, 0, tzinfo=UTC)),
        ("Embargoed until 9am Eastern, 5 January 2026", datetime(2026, 1, 5, 14, 0, tzinfo=UTC)),
        ("Embargoed until 9am Eastern, 5 July 2026", datetime(2026, 7, 5, 13, 0, tzinfo=UTC)),
        ("Embargoed until 9:30 a.m. MT, March 3, 2026", datetime(2026, 3, 3, 16, 30, tzinfo=UTC)),
        ("Embargoed until 6 p.m. PST, Jan. 8, 2026", datetime(2026, 1, 9, 2, 0, tzinfo=UTC)),
        ("Embargoed until 12:00 UTC on 2026-06-05", datetime(2026, 6, 5, 12, 0, tzinfo=UTC)),
        ("Embargo: 2026-06-05 12:00 Z", datetime(2026, 6, 5, 12, 0, tzinfo=UTC)),
        ("Embargo: 5 June 2026, 14:00 Europe/Stockholm", datetime(2026, 6, 5, 12, 0, tzinfo=UTC)),
        ("Embargo until 5 June 2026, 9am Stockholm time", datetime(2026, 6, 5, 7, 0, tzinfo=UTC)),
        ("Embargoed until 10:00 UTC+2 on 5 June 2026", datetime(2026, 6, 5, 8, 0, tzinfo=UTC)),
        ("Sperrfrist: 5. Juni 2026, 10:00 Uhr MESZ", datetime(2026, 6, 5, 8, 0, tzinfo=UTC)),
        (
            "Embargo jusqu'au 3 mai 2024 à 9h00 (heure de Paris)",
            datetime(2024, 5, 3, 7, 0, tzinfo=UTC),
        ),
        ("Embargoed until noon GMT, 5 June 2026", datetime(2026, 6, 5, 12, 0, tzinfo=UTC)),
        ("Embargoed until further notice", None),
        ("Embargoed until 9 a.m. ET on Thursday", None),  # no date: no instant
    ],
)
def test_parse_embargo(line: str, expected: datetime | None) -> None:
    got = parse_embargo(line)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None


def test_embargo_zone_resolves_to_iana_zone() -> None:
    got = parse_embargo("UNDER EMBARGO until May 1, 2025 9 a.m. (PACIFIC)")
    assert got is not None and got.isoformat() == "2025-05-01T09:00:00-07:00"
    assert got.tzinfo == ZoneInfo("America/Los_Angeles")
    got = parse_embargo("Embargoed until 8 a.m. CT/9 a.m. ET, Thursday, Sept. 5, 2024")
    assert got is not None and got.isoformat() == "2024-09-05T09:00:00-04:00"


def test_embargo_without_zone_uses_default_tz_and_says_so() -> None:
    zurich = ZoneInfo("Europe/Zurich")
    reading = read_embargo("Embargo: 5 June 2026 10:00", default_tz=zurich)
    assert reading.until == datetime(2026, 6, 5, 10, 0, tzinfo=zurich)
    assert reading.zone_given is False and reading.time_given is True
    assert parse_embargo("Embargo: 5 June 2026 10:00") == datetime(2026, 6, 5, 10, tzinfo=UTC)
    r = read_text("Title\n\nEmbargo: 5 June 2026 10:00\n\nGENEVA – Text.", markdown=False,
                  default_tz=zurich)
    assert r.embargo_until == datetime(2026, 6, 5, 10, 0, tzinfo=zurich)
    assert any("no time zone" in message for _, message in r.warnings)


def test_embargo_abbreviation_against_dst_takes_the_later_instant() -> None:
    reading = read_embargo("Embargoed until 9 a.m. EST, July 4, 2025")  # EDT is in force
    assert reading.until == datetime(2025, 7, 4, 14, 0, tzinfo=UTC)
    assert reading.note and "later" in reading.note
    reading = read_embargo("Embargoed until 9 a.m. EDT, January 4, 2025")  # EST is in force
    assert reading.until == datetime(2025, 1, 4, 14, 0, tzinfo=UTC)


def test_embargo_times_that_disagree_take_the_latest() -> None:
    reading = read_embargo("Embargoed until 8 a.m. CT/10 a.m. ET, Sept. 5, 2024")
    assert reading.until == datetime(2024, 9, 5, 14, 0, tzinfo=UTC)
    assert reading.note and "do not agree" in reading.note


@pytest.mark.parametrize(
    "line", ["Embargoed until 23:00 PST, December 31, 9999", "Embargo 31 December 9999 23:00 UTC-12"]
)
def test_embargo_at_the_end_of_time_does_not_overflow(line: str) -> None:
    got = parse_embargo(line)
    assert got == datetime.max.replace(tzinfo=UTC)
    got.astimezone(UTC)


def test_embargo_date_only_is_midnight() -> None:
    reading = read_embargo("EMBARGOED UNTIL 5 June 2026")
    assert reading.until == datetime(2026, 6, 5, tzinfo=UTC)
    assert reading.time_given is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-19", datetime(2024, 3, 19, tzinfo=UTC)),
        ("2024-03-19T10:00:00Z", datetime(2024, 3, 19, 10, tzinfo=UTC)),
        ("2024-03-19T10:00:00+01:00", datetime(2024, 3, 19, 9, tzinfo=UTC)),
        ("2024-03-19 10:00:00 +02:00", datetime(2024, 3, 19, 8, tzinfo=UTC)),
        ("2024-03-19t10:00:00z", datetime(2024, 3, 19, 10, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("Tue, 19 Mar 2024 10:00:00 +0000", datetime(2024, 3, 19, 10, tzinfo=UTC)),
        (date(2024, 3, 19), datetime(2024, 3, 19, tzinfo=UTC)),
        (datetime(2024, 3, 19, 10), datetime(2024, 3, 19, 10, tzinfo=UTC)),
        (datetime(2024, 3, 19, 10, tzinfo=UTC), datetime(2024, 3, 19, 10, tzinfo=UTC)),
        ("2999-01-01T00:01:00Z", datetime(2999, 1, 1, 0, 1, tzinfo=UTC)),
    ],
)
def test_parse_iso_datetime(value: Any, expected: datetime) -> None:
    got = parse_iso_datetime(value)
    assert got == expected and got.tzinfo is not None


def test_parse_iso_datetime_naive_takes_default_tz() -> None:
    zurich = ZoneInfo("Europe/Zurich")
    assert parse_iso_datetime("2024-07-01T10:00", zurich) == datetime(
        2024, 7, 1, 8, tzinfo=UTC
    )
    assert parse_iso_datetime(date(2024, 7, 1), default_tz=zurich).tzinfo == zurich


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59:59-12:00", datetime(9999, 12, 31, 23, 0, tzinfo=timezone(-timedelta(hours=5)))],
)
def test_parse_iso_datetime_overflow_clamps_to_far_future(value: Any) -> None:
    got = parse_iso_datetime(value)
    assert got == datetime.max.replace(tzinfo=UTC)
    got.astimezone(UTC)  # and it can be compared and converted without OverflowError
    assert got > datetime(2999, 1, 1, tzinfo=UTC)


def test_parse_iso_datetime_naive_overflow_in_default_zone() -> None:
    got = parse_iso_datetime("9999-12-31T23:59:59", ZoneInfo("America/New_York"))
    assert got == datetime.max.replace(tzinfo=UTC)


@pytest.mark.parametrize("value", ["soon", "", "2024-13-45", "next Tuesday", "1e9", 2024, True, None])
def test_parse_iso_datetime_rejects_non_dates(value: Any) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_iso_datetime(value)


# --- datelines ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("lead", "raw", "city", "day"),
    [
        ("Ankara – Turkey, host to refugees, has established a network.", "Ankara –", "Ankara",
         None),
        ("Genève – La fondation a inauguré un centre.", "Genève –", "Genève", None),
        ("GENEVA, Switzerland, March 4, 2025 /PRNewswire/ -- The agency said.",
         "GENEVA, Switzerland, March 4, 2025 /PRNewswire/ --", "GENEVA", date(2025, 3, 4)),
        ("CHELMSFORD, Mass.–(BUSINESS WIRE)–The Cannabist Company said.",
         "CHELMSFORD, Mass.–(BUSINESS WIRE)–", "CHELMSFORD", None),
        ("(Agency) - 5 de septiembre de 2025 - BOGOTÁ — La empresa anunció.",
         "(Agency) - 5 de septiembre de 2025 - BOGOTÁ —", "BOGOTÁ", date(2025, 9, 5)),
        ("MINNEAPOLIS, MN — 13 de agosto de 2026 — (NOTICIAS NEWSWIRE) — Lotto.com, la primera.",
         "MINNEAPOLIS, MN — 13 de agosto de 2026 — (NOTICIAS NEWSWIRE) —", "MINNEAPOLIS",
         date(2026, 8, 13)),
        ("FISHERS, INDIANA - July 8, 2025 (NEWMEDIAWIRE) - Royalty Management said.",
         "FISHERS, INDIANA - July 8, 2025 (NEWMEDIAWIRE) -", "FISHERS", date(2025, 7, 8)),
        ("Yucca Valley, CA – May 1, 2025 – The Keep A Breast Foundation announced.",
         "Yucca Valley, CA – May 1, 2025 –", "Yucca Valley", date(2025, 5, 1)),
        ("London, UK, 15 October 2024 – The former owners were sentenced.",
         "London, UK, 15 October 2024 –", "London", date(2024, 10, 15)),
        ("AMSTERDAM and PARIS, March 19, 2024 /24-7PressRelease/ -- Today Hiber acquires.",
         "AMSTERDAM and PARIS, March 19, 2024 /24-7PressRelease/ --", "AMSTERDAM and PARIS",
         date(2024, 3, 19)),
        ("Genève, le 3 mai 2024 – La Fondation Exemple a inauguré un centre.",
         "Genève, le 3 mai 2024 –", "Genève", date(2024, 5, 3)),
        ("AUSTIN, Texas (March 5, 2025) – The City Council approved a plan.",
         "AUSTIN, Texas (March 5, 2025) –", "AUSTIN", date(2025, 3, 5)),
        ("WASHINGTON, D.C. — The Department announced a rule today.", "WASHINGTON, D.C. —",
         "WASHINGTON", None),
        ("**LONDON, 15 October 2024** – The company said.", "LONDON, 15 October 2024 –",
         "LONDON", date(2024, 10, 15)),
        ("BRUSSELS, 5 March 2025 (GLOBE NEWSWIRE) -- The company said.",
         "BRUSSELS, 5 March 2025 (GLOBE NEWSWIRE) --", "BRUSSELS", date(2025, 3, 5)),
        ("NEW YORK (AP) — The company said.", "NEW YORK (AP) —", "NEW YORK", None),
        ("GENEVA (5 March 2025) – The agency said.", "GENEVA (5 March 2025) –", "GENEVA",
         date(2025, 3, 5)),
        ("Madrid, 5 de marzo de 2025.- La empresa anunció un acuerdo.",
         "Madrid, 5 de marzo de 2025.-", "Madrid", date(2025, 3, 5)),
        ("دبي، 5 يونيو 2024 – أعلنت الشركة اليوم عن افتتاح مكتب جديد.", "دبي، 5 يونيو 2024 –",
         "دبي", date(2024, 6, 5)),
    ],
)
def test_datelines(lead: str, raw: str, city: str, day: date | None) -> None:
    r = _read(f"A Title For The Release\n\n{lead}\n\nA second paragraph of the body.\n",
              markdown=True)
    assert (r.dateline_raw, r.dateline_city, r.date) == (raw, city, day)
    assert r.paragraphs[0] == lead  # the lead keeps its dateline


def test_standalone_dateline_line() -> None:
    r = _read("Title\n\nFOR IMMEDIATE RELEASE\n\nBurlington, ON – December 11, 2025\n\n"
              "The association was honoured with an award.\n\nMore text.\n")
    assert r.dateline_city == "Burlington" and r.date == date(2025, 12, 11)
    assert r.paragraphs == ("The association was honoured with an award.", "More text.")


def test_wire_dateline_without_city() -> None:
    r = _read("# Title\n\n--News Direct--\n\nFeganScott announces a lawsuit.\n", markdown=True)
    assert (r.dateline_raw, r.dateline_city, r.date) == ("--News Direct--", None, None)
    assert r.paragraphs == ("FeganScott announces a lawsuit.",)


def test_release_date_label_is_a_date_not_a_dateline() -> None:
    r = _read("# Title\n\nFOR IMMEDIATE RELEASE\n\nRelease Date: October 3, 2025\n\n"
              "UGI Utilities began a project in Steelton.\n", markdown=True)
    assert (r.dateline_raw, r.dateline_city, r.date) == (None, None, date(2025, 10, 3))
    assert r.paragraphs == ("UGI Utilities began a project in Steelton.",)


def test_quotation_dash_is_not_a_dateline() -> None:
    r = _read("# Rubrik\n\n– Situationen i Ukraina fortsätter att vara mycket svår, säger hon.\n\n"
              "Mer text.\n", markdown=True)
    assert r.dateline_raw is None and r.dateline_city is None
    assert r.paragraphs[0].startswith("– Situationen")


def test_title_after_furniture_and_bare_date() -> None:
    r = _read("Home > News > Press releases\n\nMarch 19, 2024\n\nFOR IMMEDIATE RELEASE\n\n"
              "Acme Opens a Factory\n\nACME CITY – Acme opened a factory today.\n")
    assert r.title == "Acme Opens a Factory" and r.title_line == 7
    assert r.date == date(2024, 3, 19)
    assert r.paragraphs == ("ACME CITY – Acme opened a factory today.",)


def test_embargo_after_a_highlights_list() -> None:
    r = _read("# Title\n\nHighlights:\n\n* one\n* two\n\nEmbargoed until 9 a.m. ET, Sept. 5, 2024"
              "\n\n(Wire) - September 05, 2024 - CHICAGO — Text of the lead.\n", markdown=True)
    assert r.embargo_until == datetime(2024, 9, 5, 13, tzinfo=UTC)
    assert r.embargo_raw == "Embargoed until 9 a.m. ET, Sept. 5, 2024"
    assert r.subtitles == ("Highlights:", "* one\n* two")
    assert r.paragraphs == ("(Wire) - September 05, 2024 - CHICAGO — Text of the lead.",)


# --- end marks ------------------------------------------------------------------------------

@pytest.mark.parametrize("mark", ["###", "# # #", "-30-", "- 30 -", "-ENDS-", "ENDS", "- ENDS -",
                                  "-FIN-", "SOURCE: Acme Corporation", "SOURCE Acme Corp"])
def test_end_marks(mark: str) -> None:
    text = (f"# Title\n\nCITY – The lead paragraph of the release.\n\nA second paragraph.\n\n"
            f"{mark}\n\nA line after the end mark that is not body.\n\n"
            "About Acme\n\nAcme is a company.\n")
    r = _read(text, markdown=True)
    assert r.end_mark == mark
    assert r.paragraphs == ("CITY – The lead paragraph of the release.", "A second paragraph.")
    assert r.about == ("About Acme\n\nAcme is a company.",)


def test_hash_end_mark_is_never_the_title() -> None:
    r = _read("# # #\n\nA Title\n\nCITY – Body text follows here.\n", markdown=True)
    assert (r.title, r.end_mark, r.paragraphs) == ("A Title", None, ("CITY – Body text follows here.",))
    r = _read("# Real Title\n\nCITY – Lead.\n\n# # #\n", markdown=True)
    assert r.title == "Real Title" and r.end_mark == "# # #"


def test_archive_footer_after_end_mark_is_not_body() -> None:
    r = _read("# T\n\nCITY – Lead text.\n\n# # #\n\n---\n\n[Source](https://x.example)\n\n"
              "![QR](https://x.example/q.webp)\n", markdown=True)
    assert r.paragraphs == ("CITY – Lead text.",)


def test_section_break_rule_inside_the_body_stays() -> None:
    long = "This paragraph is long running text. " * 8
    r = _read(f"# T\n\nCITY – Lead text.\n\n---\n\n{long.strip()}\n", markdown=True)
    assert r.paragraphs == ("CITY – Lead text.", "---", long.strip())


# --- back matter -----------------------------------------------------------------------------

def test_back_matter_is_not_body() -> None:
    text = (
        "Title\n\nCITY – Lead paragraph.\n\nSecond paragraph.\n\n"
        "Forward-Looking Statements\n\nThis release contains statements about the future.\n\n"
        "Notes to editors:\n\n1. A note.\n\n"
        "About Acme: Acme makes things.\n\n"
        "View source version on businesswire.com: https://example.com/x\n\n"
        "The post Title appeared first on Example News.\n"
    )
    r = _read(text)
    assert r.paragraphs == ("CITY – Lead paragraph.", "Second paragraph.")
    assert r.notes == ("Notes to editors:\n\n1. A note.",)
    assert r.about == ("About Acme: Acme makes things.",)


def test_more_information_heading_then_contact_lines() -> None:
    r = _read("Title\n\nCITY – Lead.\n\nFor more information:\nJane Doe\n+1 555 123 4567\n"
              "jane@example.org\n")
    assert r.paragraphs == ("CITY – Lead.",)
    assert r.contacts == (Contact(name="Jane Doe", phone="+1 555 123 4567",
                                  email="jane@example.org"),)
    r = _read("Title\n\nCITY – Lead.\n\nFor more information, visit www.example.org.\n")
    assert r.paragraphs == ("CITY – Lead.", "For more information, visit www.example.org.")


def test_for_release_line_is_an_embargo() -> None:
    r = _read("FOR RELEASE: 10 a.m. EST, Tuesday, March 3, 2026\n\nTitle\n\nCITY – Lead.\n")
    assert r.embargo_until == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    assert r.title == "Title"
    r = _read("FOR RELEASE IMMEDIATELY\n\nTitle\n\nCITY – Lead.\n")
    assert r.embargo_until is None and r.title == "Title"


def test_headless_boilerplate_needs_a_named_subject() -> None:
    body = "CITY – Lead paragraph.\n\nSecond paragraph.\n\n"
    r = _read("Title\n\n" + body + "It is a partnership between the city and a local "
              "foundation that will run for three years and serve many families.\n")
    assert len(r.paragraphs) == 3 and r.about == ()
    r = _read("Title\n\n" + body + "Acme Widgets is a family-owned company founded in 1950 "
              "that makes widgets for customers in forty countries.\n")
    assert len(r.paragraphs) == 2 and r.about[0].startswith("Acme Widgets is")


def test_call_to_action_is_body_not_contact() -> None:
    r = _read("Title\n\nCITY – Lead.\n\nCustomers may contact the company at 800-276-2722 or "
              "help@example.com.\n\nDrivers can send details to autosafety@example.com.\n")
    assert r.contacts == ()
    assert len(r.paragraphs) == 3


# --- contacts --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Media contact:\nJane Doe\nAcme Corp\n+1 212 555 0100\njane.doe@acme.com",
         [Contact(name="Jane Doe", org="Acme Corp", email="jane.doe@acme.com",
                  phone="+1 212 555 0100")]),
        ("For media inquiries, please contact: Shane Devenish, shane.devenish@crva.ca",
         [Contact(name="Shane Devenish", email="shane.devenish@crva.ca")]),
        ("CONTACTO: Havas Formula lotto@havasformula.com",
         [Contact(name="Havas Formula", email="lotto@havasformula.com")]),
        ("Contact DetailsArgentem Creek Partners\n\nmedia@argentemcreek.com\n\n"
         "media@argentemcreek.com\n\nCompany Websitehttps://www.argentemcreek.com/",
         [Contact(org="Argentem Creek Partners", email="media@argentemcreek.com")]),
        ("Royalty Management Holding Corporation Contact:\n\n"
         "Thomas SauveChief Executive Officerwww.royaltymgmtcorp.com(646) 245-2465",
         [Contact(name="Thomas Sauve", org="Royalty Management Holding Corporation",
                  phone="(646) 245-2465", title="Chief Executive Officer")]),
        ("For Media Inquiries:\n\nAHA Communications & Media Relations in Dallas: 214-706-1173; "
         "ahacommunications@heart.org\n\nJohn Arnst: John.Arnst@heart.org",
         [Contact(name="AHA Communications & Media Relations in Dallas", phone="214-706-1173",
                  email="ahacommunications@heart.org"),
          Contact(name="John Arnst", email="John.Arnst@heart.org")]),
        ("Contact Hiber: Simon Philipsen - Managing Director: pr@hiber.global",
         [Contact(name="Simon Philipsen", org="Hiber", title="Managing Director",
                  email="pr@hiber.global")]),
        ("Pour plus d'informations, veuillez contacter Zoë Béranger, Tél. : +41 22 000 00 00, "
         "Courriel : zoe.beranger@example.org",
         [Contact(name="Zoë Béranger", phone="+41 22 000 00 00",
                  email="zoe.beranger@example.org")]),
        ("For more information please contact Lanna Walsh, Email\u00a0 or \u00a0Florence Kim on "
         "+4179 748 0395, Email",
         [Contact(name="Lanna Walsh"), Contact(name="Florence Kim", phone="+4179 748 0395")]),
        ("Pressekontakt\n\nErika Musterfrau\nPressesprecherin\nTelefon: +49 30 1234567\n"
         "E-Mail: presse@beispiel.de",
         [Contact(name="Erika Musterfrau", title="Pressesprecherin", phone="+49 30 1234567",
                  email="presse@beispiel.de")]),
        ("**Media contact:** Jane Doe, jane@example.org",
         [Contact(name="Jane Doe", email="jane@example.org")]),
        ("Kontakt\nAnna Andersson\nPressekreterare hos ministern\nTelefon 072-123 45 67",
         [Contact(name="Anna Andersson", title="Pressekreterare hos ministern",
                  phone="072-123 45 67")]),
    ],
)
def test_contacts(block: str, expected: list[Contact]) -> None:
    r = _read(f"Title\n\nCITY – The lead paragraph.\n\n{block}\n", markdown=True)
    assert list(r.contacts) == expected
    assert r.paragraphs == ("CITY – The lead paragraph.",)


def test_contacts_are_merged_across_the_release() -> None:
    text = (
        "Title\n\nCITY – Lead.\n\n-30-\n\nAbout A\n\nA is a group.\n\n"
        "For media inquiries, please contact: Shane Devenish, shane.devenish@crva.ca\n\n"
        "About B\n\nB is a foundation.\n\n"
        "For media inquiries, please contact: Gwynn Sullivan, Gwynn@carecamps.org\n\n"
        "ContactShane Devenish Canadian RV Association Email Us Here\n\nBurlington, ON\n\n"
        "Canada\n\n9053153156\n\nVisit Our Website\n"
    )
    r = _read(text)
    assert r.contacts == (
        Contact(name="Shane Devenish", org="Canadian RV Association",
                email="shane.devenish@crva.ca", phone="9053153156"),
        # a contact line inside "About B" is B's; an org the contact block names wins
        Contact(name="Gwynn Sullivan", org="B", email="Gwynn@carecamps.org"),
    )
    assert [a.split("\n")[0] for a in r.about] == ["About A", "About B"]


def test_contact_at_the_top() -> None:
    r = _read("FOR IMMEDIATE RELEASE\nContact: John Smith, 555-123-4567, jsmith@example.com\n\n"
              "City Council Approves Park Plan\n\nAUSTIN, Texas (March 5, 2025) – The council "
              "approved a plan.\n\n###\n")
    assert r.title == "City Council Approves Park Plan"
    assert r.contacts == (Contact(name="John Smith", phone="555-123-4567",
                                  email="jsmith@example.com"),)
    assert r.end_mark == "###" and r.date == date(2025, 3, 5)


# --- paragraphs -------------------------------------------------------------------------------

HARD_WRAPPED = """\
Acme Corp Unveils New Widget Line

NEW YORK, March 4, 2025 /PRNewswire/ -- Acme Corp (NYSE: ACME), a leading
maker of widgets, today announced the launch of its new line of widgets
made entirely from recycled materials. The line will be available in
stores nationwide starting next month.

"We are thrilled to bring these products to market," said Jane Doe, Chief
Executive Officer of Acme Corp. "Our customers asked for greener options
and we listened."
The widgets come in three sizes.
"""


def test_hard_wrapped_paragraphs_are_joined() -> None:
    r = _read(HARD_WRAPPED)
    assert r.paragraphs == (
        "NEW YORK, March 4, 2025 /PRNewswire/ -- Acme Corp (NYSE: ACME), a leading maker of "
        "widgets, today announced the launch of its new line of widgets made entirely from "
        "recycled materials. The line will be available in stores nationwide starting next month.",
        '"We are thrilled to bring these products to market," said Jane Doe, Chief Executive '
        'Officer of Acme Corp. "Our customers asked for greener options and we listened."',
        "The widgets come in three sizes.",
    )


def test_single_newline_paragraphs_are_split() -> None:
    one = "First paragraph of the release, long enough that it is clearly a whole paragraph. " * 2
    two = "Second paragraph of the release, also long enough to stand as its own paragraph. " * 2
    r = _read(f"Title\n\nCITY – {one.strip()}\n{two.strip()}\n{one.strip()}\n")
    assert len(r.paragraphs) == 3


def test_markdown_list_is_one_block_and_leading_space_goes() -> None:
    r = _read("# T\n\nCITY – Lead.\n\n * one\n* two\n* three\n\n Next paragraph.\n", markdown=True)
    assert r.paragraphs == ("CITY – Lead.", "* one\n* two\n* three", "Next paragraph.")


def test_short_lines_stay_one_block() -> None:
    r = _read("Title\n\nCITY – Lead paragraph.\n\nOur offices:\nGeneva\nNairobi\nBangkok\n")
    assert r.paragraphs == ("CITY – Lead paragraph.", "Our offices:\nGeneva\nNairobi\nBangkok")


def test_photo_caption_and_credit() -> None:
    r = _read("Big News Today\n\nBig News Today. Photo: Jane Doe/Agency\n\nCITY – Lead.\n")
    assert (r.photo_caption, r.photo_credit) == ("Big News Today", "Jane Doe/Agency")
    assert r.paragraphs == ("CITY – Lead.",)


def test_first_line_numbers_the_warnings() -> None:
    lead = "CITY – Lead text of the release, long enough to be a lead paragraph. " * 3
    r = read_text(f"\n\nEmbargoed until further notice\n\n{lead}\n", markdown=False,
                  first_line=10)
    assert r.title is None and r.dateline_city == "CITY"
    assert (10, "no title line found before the first paragraph") in r.warnings
    assert any(line == 12 and "embargo" in message for line, message in r.warnings)


def test_overlong_line_split_on_runs_of_spaces() -> None:
    seg = "This is a body paragraph that is glued to the next one by a run of spaces. " * 5
    line = "   ".join(
        [f"CITY, March 19, 2024 /Wire/ -- {seg.strip()}", seg.strip(), seg.strip(),
         "About Acme: Acme is a company that makes things.",
         "Contact Acme: Jane Doe - Press Officer: press@acme.example"]
    )
    r = _read(f"# Title\n\n{line}\n", markdown=True)
    assert len(r.paragraphs) == 3
    assert r.about == ("About Acme: Acme is a company that makes things.",)
    assert r.contacts == (Contact(name="Jane Doe", org="Acme", title="Press Officer",
                                  email="press@acme.example"),)


# --- robustness and speed --------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "x\n" * 1_000_000,
        "a" * 2_000_000,
        "Sentence number one is here.  " * 70_000,
        "* item\n" * 300_000,
        "# # #\n" * 350_000,
        "Contact: Jane Doe jane@x.com +1 555 555 5555\n\n" * 45_000,
        "About Acme\n\n" * 170_000,
        ("a" * 1000 + "@") * 2000,
        "Title\n\nCITY – Lead.\n\nMedia contact: " + ("a" * 100_000 + "@b.com ") * 20,
        "(" * 500_000 + ")" * 500_000,
        "1 " * 1_000_000,
    ],
    ids=["short-lines", "one-word", "double-spaced", "bullets", "hash-lines", "contacts",
         "about", "at-signs", "huge-contact", "parens", "digits"],
)
def test_hostile_shapes_finish_quickly(text: str) -> None:
    started = time.perf_counter()
    read_text(text, markdown=True)
    assert time.perf_counter() - started < 3.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000), st.booleans())
@example(" \x85·", False)  # a lone indented bullet kept its indent (found by hypothesis)
def test_read_text_never_raises(text: str, markdown: bool) -> None:
    r = read_text(text, markdown=markdown)
    assert isinstance(r, TextReading)
    for p in r.paragraphs:
        assert p and p == p.strip(" \t")


_FRAGMENTS = [
    "# Title", "# # #", "###", "-30-", "ENDS", "FOR IMMEDIATE RELEASE", "Embargoed until ",
    "EMBARGOED UNTIL 00:01 GMT, 5 June 2026", "9 a.m. ET", "CITY, ST – ", "GENEVA, March 4, 2025 ",
    "/PRNewswire/ --", "(BUSINESS WIRE)–", "About Acme", "Acerca de", "Notes to editors:",
    "Media contact:", "Contact Details", "ContactJane", "jane@example.org", "+41 22 000 00 00",
    "Photo: IOM", "* item", "1. item", "---", "> quote", "| a | b |", "```", "Release Date: ",
    "13 de agosto de 2026", "Sept. 5, 2024", " – ", " — ", "--", "SOURCE: X", "\u00a0", "\ufeff",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "\n", "\n\n", "  ", ":",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60), st.booleans())
def test_read_text_never_raises_on_release_like_text(parts: list[str], markdown: bool) -> None:
    r = read_text("".join(parts), markdown=markdown)
    if r.embargo_until is not None:
        assert r.embargo_until.tzinfo is not None
    for c in r.contacts:
        assert c.name or c.email or c.phone or c.org


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_date_functions_never_raise(text: str) -> None:
    parse_text_date(text)
    got = parse_embargo(text)
    assert got is None or got.tzinfo is not None
    with contextlib.suppress(ValueError):
        parse_iso_datetime(text)
