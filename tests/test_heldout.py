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
XFAIL: dict[tuple[str, str], str] = {}


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
