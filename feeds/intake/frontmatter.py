"""Front matter: YAML between ``---`` lines or TOML between ``+++`` lines at the top of a file.

Only a block that opens on the file's first line is front matter; a ``---`` rule later in
the body is Markdown. Timestamps are kept as text by the YAML loader, so every date goes
through one parser (``dates.parse_iso_datetime``) whatever the syntax.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
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


@dataclass(frozen=True)
class FrontMatter:
    data: dict[str, Any]
    syntax: str  # "yaml", "toml" or "" when the file has none
    body: str  # the text after the closing delimiter
    body_first_line: int  # file line number of body's first line
    warnings: tuple[tuple[int, str], ...] = ()  # (line, message): keys left out


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
    try:
        data = _parse(block, syntax, path)
        left_out: list[tuple[int, str]] = []
    except FrontMatterError:
        if syntax != "yaml":
            raise
        data, left_out = _parse_by_key(block, path)  # raises the first error when it cannot
    return FrontMatter(data, syntax, text[after:], body_first_line, tuple(left_out))


# A top-level YAML key at the start of a line: where one entry of a mapping begins
_TOP_KEY = re.compile(r"^(?=[^\s#\-][^:\n]*:(?:[ \t]|$))", re.MULTILINE)
# Keys whose loss would change what is published or when: an entry that does not parse and
# holds one of them, on any of its lines ("draft:true" glued under "title:"), refuses the file
_MUST_PARSE = re.compile(
    r"^[ \t]*[\"']?(?:embargo|draft|published|id|retracted)[\"']?[ \t]*:", re.IGNORECASE | re.MULTILINE
)
MAX_LEFT_OUT = 10  # broken keys past which the block is refused as a whole


def _parse_by_key(block: str, path: str) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """YAML front matter that does not parse as a whole, read one top-level key at a time
    (each by the YAML loader): the keys that parse are kept, the others left out with a
    warning, so one broken line ("image: a.jpg" over an indented "  src:") does not lose the
    release. Refused as before when nothing parses, when more than ``MAX_LEFT_OUT`` keys fail,
    or when a failing entry holds a key that decides publishing (embargo, draft, published,
    id, retracted)."""
    data: dict[str, Any] = {}
    left_out: list[tuple[int, str]] = []
    starts = [m.start() for m in _TOP_KEY.finditer(block)]
    if not starts or block[:starts[0]].strip():
        _parse(block, "yaml", path)  # raises: not a mapping of keys to entries
    line, counted = 2, 0  # the file's line of an entry: the opening "---" is line 1
    for n, start in enumerate(starts):
        line += block.count("\n", counted, start)
        counted = start
        entry = block[start: starts[n + 1] if n + 1 < len(starts) else len(block)]
        key = entry.split(":", 1)[0].strip().strip("\"'")
        try:
            part = _parse(entry, "yaml", path)
        except FrontMatterError as e:
            if _MUST_PARSE.search(entry):
                raise FrontMatterError(path, e.message.replace("does not parse", (
                    f"does not parse at its key {key!r}")), line=line) from None
            left_out.append((line, f"front matter {key!r} does not parse and is left out: "
                                   f"{e.message.split(': ', 1)[-1]}"))
            if len(left_out) > MAX_LEFT_OUT:
                _parse(block, "yaml", path)  # raises the whole block's error
            continue
        data.update(part)
    if not data:
        _parse(block, "yaml", path)  # raises the whole block's error
    return data, left_out


def _parse(block: str, syntax: str, path: str) -> dict[str, Any]:
    if syntax == "toml":
        try:
            data: Any = tomllib.loads(block)
        except tomllib.TOMLDecodeError as e:
            line = getattr(e, "lineno", None)
            raise FrontMatterError(
                path, f"TOML front matter does not parse: {e}",
                line=line + 1 if isinstance(line, int) else None,
            ) from None
    else:
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
