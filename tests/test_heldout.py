"""Held-out real releases (tests/heldout): 20 files the reader was never tuned on, labelled by hand
before the reader was run on them (see tests/heldout/SOURCES.md). Same fields and comparison as
tests/test_corpus.py; a miss judged ambiguous or not worth a rule is an xfail(strict) in XFAIL."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.test_corpus import FIELDS, actual, expected, inspect_files

HELDOUT = Path(__file__).resolve().parent / "heldout"
EXPECTED = json.loads((HELDOUT / "expected.json").read_text(encoding="utf-8"))
RELEASES = {Path(r["file"]).name: r for r in EXPECTED["releases"]}

# (file, field) -> why the miss is left alone. strict: a fix that makes one pass shows up.
XFAIL: dict[tuple[str, str], str] = {
    ("01_noticias-piza-person-of-year.txt", "contacts"):
        "the only contact is an address at the end of a closing sentence ('For media inquiries, "
        "interviews, or high-resolution event photos, please contact x@y.com.'), no label line",
    ("05_newsdirect-ncma-applegate.txt", "body_paragraphs"):
        "an image line and a headless boilerplate written 'NCMA – www… – has grown as a "
        "professional society' (no 'is a … organisation') are read as body",
    ("06_prkarma-rapidfire-christopherson.txt", "contacts"):
        "'ContactMike Will RapidFire Safety & Security Email Us Here': person and an org without "
        "an org word run together; the address lines (city, country) then take the phone",
    ("09_regeringen-loow-arbetsmiljoverket-sv.txt", "body_paragraphs"):
        "ambiguous: the last paragraph ('Arbetsmiljöverket är en myndighet som …') describes the "
        "agency; the reader takes it for boilerplate, the label for body",
    ("10_itnewslat-comunicae-alianza-es.txt", "body_paragraphs"):
        "company blurbs as a bold name line plus a '- ' list item, with no 'About'/'Acerca de'",
    ("11_berlin-mitte-aufraeumaktion-de.txt", "contacts"):
        "'Org, Name / Agency, Tel. 030 – 897 29 29 2': organisation before the person, and "
        "German phones with an en dash between area code and number",
    ("12_regeringen-ministrar-besok-sv.txt", "contacts"):
        "a media invitation in 16 '## ' sections, each with its own 'Kontakt:' block: only the "
        "first block is read",
    ("12_regeringen-ministrar-besok-sv.txt", "body_paragraphs"):
        "a media invitation in 16 '## ' sections separated by '---' rules: the body ends at the "
        "first contact block",
    ("14_reportable-prclub-bell-ringer.txt", "contacts"):
        "ambiguous: 'For sponsorship inquiries, contact admin@…' is a call to action inside the "
        "body (label: not a media contact); the reader takes it for a contact line",
    ("14_reportable-prclub-bell-ringer.txt", "body_paragraphs"):
        "same line: the reader ends the body at the sponsorship contact line, the label runs on",
    ("15_newmediawire-aha-wellbeing-embargo.txt", "contacts"):
        "ambiguous: the desk line 'For Media Inquiries and AHA/ASA Expert Perspective: 214-…' is "
        "labelled by its label (as corpus 15 names its desk); the reader keeps it nameless",
    ("15_newmediawire-aha-wellbeing-embargo.txt", "body_paragraphs"):
        "'Co-authors, disclosures and funding sources are listed in the manuscript.' is kept as "
        "body; only a rule for this one publisher's wording would drop it",
    ("17_iom-nador-melilla-fr.txt", "title"):
        "29 lines of scraped site navigation before the headline: page furniture, not a way press "
        "offices write releases",
    ("17_iom-nador-melilla-fr.txt", "dateline_city"):
        "same navigation furniture: the headline and the 'Genève –' lead are not found under it",
    ("17_iom-nador-melilla-fr.txt", "body_paragraphs"):
        "same navigation furniture: the whole file is read as one block",
}


@cache
def inspected() -> dict[str, dict[str, Any]]:
    return inspect_files([HELDOUT / "releases" / name for name in sorted(RELEASES)])


def _cases() -> list[Any]:
    cases = []
    for name in sorted(RELEASES):
        for field in FIELDS:
            reason = XFAIL.get((name, field))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(name, field, marks=marks, id=f"{name}-{field}"))
    return cases


@pytest.mark.parametrize(("name", "field"), _cases())
def test_heldout_field(name: str, field: str) -> None:
    assert actual(inspected()[name], field) == expected(RELEASES[name], field)
