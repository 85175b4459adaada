"""The real releases in shared/corpus, read through `feeds inspect --json` as a user would,
field by field against expected.json (what a careful reader extracts)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, REPO, SHARED

EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
RELEASES = {Path(r["file"]).name: r for r in EXPECTED["releases"]}
FIELDS = ("title", "dateline_city", "date", "language", "embargo", "photo_credit", "contacts",
          "body_paragraphs", "end_mark")


def inspect_files(files: list[Path]) -> dict[str, dict[str, Any]]:
    """`feeds inspect --json` on the files, as a user would run it, keyed by file name."""
    out = subprocess.run(
        [sys.executable, "-m", "feeds", "--config", str(REPO / "config.toml"), "inspect", "--json",
         *map(str, files)], capture_output=True, text=True, check=True,
    )
    return {Path(item["path"]).name: item for item in json.loads(out.stdout)}


@cache
def inspected() -> dict[str, dict[str, Any]]:
    return inspect_files([CORPUS / "releases" / name for name in sorted(RELEASES)])


def _text(value: str | None) -> str | None:
    return " ".join(value.replace("\u00a0", " ").split()) or None if value else None


def actual(item: dict[str, Any], field: str) -> Any:
    if field == "title":
        return _text(item["title"])
    if field == "dateline_city":
        return _text(item["dateline"])
    if field == "date":  # only a date the text states; first-seen is not the release's date
        return item["date"][:10] if item["date_source"] in ("text", "front_matter") else None
    if field == "embargo":
        return None if item["embargo_until"] is None else datetime.fromisoformat(item["embargo_until"])
    if field == "photo_credit":
        return (item["photo"] or {}).get("credit")
    if field == "contacts":
        return [(_text(c["name"]), c["email"], c["phone"]) for c in item["contacts"]]
    if field == "body_paragraphs":
        return item["paragraph_count"]
    return item[field]


def expected(release: dict[str, Any], field: str) -> Any:
    value = release[field]
    if field == "title":
        return _text(value)
    if field == "dateline_city":
        return _text(value)
    if field == "embargo":
        return None if value is None else datetime.fromisoformat(value)
    if field == "contacts":
        return [(_text(c.get("name")), c.get("email"), c.get("phone")) for c in value]
    if field == "body_paragraphs" and "body_paragraphs_alt" in release:
        # One physical line whose paragraphs are separated by runs of spaces: we split it,
        # as expected.json's alternative reading does.
        return release["body_paragraphs_alt"]["split_on_2plus_spaces_body_only"]
    return value


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", sorted(RELEASES))
def test_corpus_field(name: str, field: str) -> None:
    assert actual(inspected()[name], field) == expected(RELEASES[name], field)


def test_body_text_matches_the_expected_bodies() -> None:
    for name, release in RELEASES.items():
        want = (CORPUS / release["body_file"]).read_text(encoding="utf-8").split("\n\n")
        got = inspected()[name]["paragraphs"]
        if "body_paragraphs_alt" in release:
            continue  # the expected body keeps the one-line layout
        assert [" ".join(p.split()) for p in got] == [" ".join(p.split()) for p in want], name


def test_the_reference_release() -> None:
    ref = next((SHARED / "reference").glob("*.txt"))
    out = subprocess.run(
        [sys.executable, "-m", "feeds", "--config", str(REPO / "config.toml"), "inspect", "--json",
         str(ref)], capture_output=True, text=True, check=True,
    )
    item = json.loads(out.stdout)[0]
    assert item["title"] == "UN Network on Migration Established in World's Largest Refugee-Hosting Country"
    assert item["photo"]["credit"] == "IOM"
    assert item["dateline"] == "Ankara"
    assert item["paragraph_count"] == 7
    assert item["paragraphs"][0].replace("\u00a0", " ").startswith("Ankara – Turkey, host to almost four")
    assert [(c["name"], c["phone"]) for c in item["contacts"]] == [
        ("Lanna Walsh", None), ("Florence Kim", "+4179 748 0395")]
    assert item["language"] == "en"
