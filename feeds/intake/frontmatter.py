"""Front matter: YAML between ``---`` lines or TOML between ``+++`` lines at the top of a file.

Only a block that opens on the file's first line is front matter; a ``---`` rule later in
the body is Markdown. Timestamps are kept as text by the YAML loader, so every date goes
through one parser (``dates.parse_iso_datetime``) whatever the syntax.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import yaml

from feeds.errors import FrontMatterError

_OPEN = re.compile(r"\A(---|\+\+\+)[ \t]*\n")
_CLOSE = {  # the line that closes the block each fence opens
    fence: re.compile(
        r"^" + re.escape(fence) + r"[ \t]*$" + (r"|^\.\.\.[ \t]*$" if fence == "---" else ""),
        re.MULTILINE,
    )
    for fence in ("---", "+++")
}


class _TextTimestampLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML whose timestamps stay strings (Python's datetime overflows on year 9999-12)."""


_TextTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = (
    _TextTimestampLoader.yaml_implicit_resolvers
)
_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")
_PLAIN_FIRST_BAD = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_FLOW_BAD = frozenset(",[]{}:")
# Outside this: tabs, other line breaks, characters YAML or TOML refuse; all left to the
# libraries.
_ODD = re.compile(
    r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    syntax: str  # "yaml", "toml" or "" when the file has none
    body: str  # the text after the closing delimiter
    body_first_line: int  # file line number of body's first line


def split_front_matter(text: str, path: str) -> FrontMatter:
    m = _OPEN.match(text)
    if not m:
        return FrontMatter({}, "", text, 1)
    fence = m.group(1)
    end = _CLOSE[fence].search(text, m.end())
    if end is None:
        raise FrontMatterError(
            path,
            f"front matter opened with {fence!r} on line 1 is never closed "
            f"(add a {fence!r} line after it, or remove the first line)",
            line=1,
        )
    block = text[m.end():end.start()]
    after = end.end() + 1 if end.end() < len(text) else end.end()
    body_first_line = text.count("\n", 0, after) + 1
    syntax = "yaml" if fence == "---" else "toml"
    data = _parse(block, syntax, path)
    return FrontMatter(data, syntax, text[after:], body_first_line)


def _parse(block: str, syntax: str, path: str) -> dict[str, Any]:
    if syntax == "toml":
        simple = _simple_toml(block)
        if simple is not None:
            return simple
        try:
            data: Any = tomllib.loads(block)
        except tomllib.TOMLDecodeError as e:
            line = getattr(e, "lineno", None)
            raise FrontMatterError(
                path, f"TOML front matter does not parse: {e}",
                line=line + 1 if isinstance(line, int) else None,
            ) from None
    else:
        simple = _simple_yaml(block)
        if simple is not None:
            return simple
        try:
            data = yaml.load(block, Loader=_TextTimestampLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            raise FrontMatterError(
                path, f"YAML front matter does not parse: {problem}",
                line=mark.line + 2 if mark is not None else None,
            ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            path, f"front matter must be a mapping of keys to values, got {type(data).__name__}",
            line=2,
        )
    return {str(k): v for k, v in data.items()}


# --- the common YAML, read without PyYAML ---------------------------------------------------
# PyYAML builds every node in Python, which costs more than the rest of reading a release.
# Front matter is nearly always a few "key: value" lines, a flow list of tags and a list of
# flat mappings (contacts); these are read here, to exactly what PyYAML gives, and anything
# else (comments, anchors, escapes, multi-line scalars, a value PyYAML would read as a number,
# a boolean or null) returns None and goes to PyYAML.

def _plain(value: str) -> tuple[bool, Any]:
    """(True, what PyYAML reads) for a plain scalar that is text, a boolean or null;
    (False, None) for a number or anything else PyYAML constructs its own way."""
    for tag, rx in _RESOLVERS.get(value[0], []):
        if rx.match(value):
            if tag == _BOOL_TAG:
                return True, yaml.constructor.SafeConstructor.bool_values[value.lower()]
            return tag == _NULL_TAG, None
    return True, value


@lru_cache(maxsize=1024)
def _plain_is_text(value: str) -> bool:
    """A key PyYAML reads as text: a handful of names, asked about in every file."""
    ok, read = _plain(value)
    return ok and read is value


def _yaml_scalar(value: str, flow: bool) -> tuple[bool, Any]:
    """(True, what PyYAML reads) for a one-line scalar or flow list; (False, "") otherwise.
    ``value`` is not empty and has no trailing spaces."""
    first = value[0]
    if first == '"':
        inner = value[1:-1]
        ok = len(value) >= 2 and value[-1] == '"' and '"' not in inner and "\\" not in inner
        return ok, inner
    if first == "'":
        inner = value[1:-1]
        return len(value) >= 2 and value[-1] == "'" and "'" not in inner, inner
    if first == "[" and not flow:
        if value[-1] != "]":
            return False, ""
        inner = value[1:-1]
        if not inner.strip(" "):
            return True, []
        items: list[str] = []
        for part in inner.split(","):
            part = part.strip(" ")
            if not part:
                return False, ""
            ok, item = _yaml_scalar(part, True)
            if not ok or not isinstance(item, str):
                return False, ""
            items.append(item)
        return True, items
    if (
        first in _PLAIN_FIRST_BAD or "#" in value or ": " in value or value[-1] == ":"
        or (flow and not _FLOW_BAD.isdisjoint(value))
    ):
        return False, ""
    return _plain(value)


def _yaml_entry(m: re.Match[str] | None, into: dict[str, Any]) -> bool:
    """Read "key: value" (``_KEY_VALUE``'s match of a line, with the value on the line) into
    ``into``; False if PyYAML must."""
    if m is None or m.group(2) is None:
        return False
    key = m.group(1)
    if key in into or not _plain_is_text(key):
        return False
    ok, value = _yaml_scalar(m.group(2), False)
    into[key] = value
    return ok


def _yaml_nested(lines: list[str]) -> tuple[bool, Any]:
    """The indented lines under "key:": a block list of scalars or flat mappings, or a flat
    mapping."""
    items: list[tuple[int, str]] = []  # (indent, text) of the lines that are not blank
    for line in lines:
        if line:
            text = line.lstrip(" ")
            items.append((len(line) - len(text), text))
    if not items:
        return True, None
    base = items[0][0]
    if not items[0][1].startswith("-"):
        mapping: dict[str, Any] = {}
        for indent, text in items:
            if indent != base or not _yaml_entry(_KEY_VALUE.fullmatch(text), mapping):
                return False, None
        return True, mapping
    seq: list[Any] = []
    current: dict[str, Any] | None = None
    for indent, text in items:
        if indent == base and text.startswith("- ") and text[2:3] not in ("", " "):
            body = text[2:]
            m = _KEY_VALUE.fullmatch(body)
            if m is not None:
                current = {}
                if not _yaml_entry(m, current):
                    return False, None
                seq.append(current)
                continue
            current = None
            ok, value = _yaml_scalar(body, True)
            if not ok:
                return False, None
            seq.append(value)
        elif indent == base + 2 and current is not None:
            if not _yaml_entry(_KEY_VALUE.fullmatch(text), current):
                return False, None
        else:
            return False, None
    return True, seq


def _simple_yaml(block: str) -> dict[str, Any] | None:
    """``block`` read as PyYAML reads it, if it is YAML of the common kind; else None."""
    if _ODD.search(block):
        return None
    lines = [line.rstrip(" ") for line in block.split("\n")]
    out: dict[str, Any] = {}
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line:
            continue
        m = _KEY_VALUE.fullmatch(line)
        if m is None:
            return None
        if m.group(2) is not None:
            if not _yaml_entry(m, out):
                return None
            continue
        key = m.group(1)
        if key in out or not _plain_is_text(key):
            return None
        start = i
        while i < n and (not lines[i] or lines[i][0] == " "):
            i += 1
        ok, value = _yaml_nested(lines[start:i])
        if not ok:
            return None
        out[key] = value
    return out or None


# --- the common TOML, read without tomllib ---------------------------------------------------
# tomllib is pure Python too. Bare keys with a one-line string, boolean, offset or local
# date-time or array of strings, "[table]" and "[[array of tables]]" headers are read here, to
# what tomllib gives; anything else (comments, numbers, escapes, dotted or quoted keys,
# multi-line values) returns None and goes to tomllib.

_TOML_KEY_VALUE = re.compile(r"([A-Za-z0-9_-]+) *= *(.*)")
_TOML_TABLE = re.compile(r"\[\[([A-Za-z0-9_-]+)\]\]|\[([A-Za-z0-9_-]+)\]")
_TOML_DATETIME = re.compile(  # tomllib's date-time pattern, without fractions of a second
    r"([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"(?:[Tt ]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(?:([Zz])|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?)?"
)


def _toml_string(value: str) -> str | None:
    """A one-line basic or literal string without escapes, or None."""
    quote = value[0]
    if quote not in "\"'" or len(value) < 2 or value[-1] != quote:
        return None
    inner = value[1:-1]
    return None if quote in inner or "\\" in inner else inner


def _toml_value(value: str) -> tuple[bool, Any]:
    if not value:
        return False, None
    if value[0] in "\"'":
        text = _toml_string(value)
        return text is not None, text
    if value in ("true", "false"):
        return True, value == "true"
    if value[0] == "[":
        if value[-1] != "]":
            return False, None
        inner = value[1:-1].strip(" ")
        if not inner:
            return True, []
        items: list[str] = []
        for part in inner.split(","):
            part = part.strip(" ")
            item = _toml_string(part) if part else None
            if item is None:
                return False, None
            items.append(item)
        return True, items
    m = _TOML_DATETIME.fullmatch(value)
    if m is None:
        return False, None
    year, month, day, hour, minute, second, zulu, sign, off_hour, off_minute = m.groups()
    try:
        if hour is None:
            return True, date(int(year), int(month), int(day))
        tz: timezone | None = None
        if sign:  # as tomllib builds it
            way = 1 if sign == "+" else -1
            tz = timezone(timedelta(hours=way * int(off_hour), minutes=way * int(off_minute)))
        elif zulu:
            tz = UTC
        return True, datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), 0, tzinfo=tz
        )
    except ValueError:  # 30 February: tomllib says what is wrong
        return False, None


def _simple_toml(block: str) -> dict[str, Any] | None:
    """``block`` read as tomllib reads it, if it is TOML of the common kind; else None."""
    if _ODD.search(block):
        return None
    out: dict[str, Any] = {}
    table = out
    arrays: set[str] = set()  # names made by "[[name]]" headers
    for line in block.split("\n"):
        line = line.strip(" ")
        if not line:
            continue
        if line[0] == "[":
            m = _TOML_TABLE.fullmatch(line)
            if m is None:
                return None
            name = m.group(1)
            if name is not None:
                if name in out and name not in arrays:
                    return None
                arrays.add(name)
                table = {}
                out.setdefault(name, []).append(table)
            else:
                name = m.group(2)
                if name in out:
                    return None
                table = out[name] = {}
            continue
        m = _TOML_KEY_VALUE.fullmatch(line)
        if m is None or m.group(1) in table:
            return None
        ok, value = _toml_value(m.group(2))
        if not ok:
            return None
        table[m.group(1)] = value
    return out or None
