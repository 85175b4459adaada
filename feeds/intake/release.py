"""One file's bytes to one ``Release``: decode, split front matter, read the text, merge.

Pure: no file system, no clock, no state. Front matter wins over what is read from the text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, tzinfo
from pathlib import PurePosixPath
from typing import Any

from feeds.errors import FrontMatterError
from feeds.intake.dates import parse_iso_datetime, parse_loose_datetime
from feeds.intake.decode import decode, strip_uncarriable
from feeds.intake.frontmatter import split_front_matter
from feeds.intake.language import detect_language, normalise_language
from feeds.intake.markup import looks_like_markdown
from feeds.intake.reader import TextReading, read_text
from feeds.model import BodyFormat, Contact, DateSource, Diagnostic, Photo, Release

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES
SUMMARY_LENGTH = 300

# "**", "__", a "*" or "_" that opens (no word character before, a non-space after) or closes
# (a non-space before, no word character after) emphasis, "`". Written to start with one
# character class, so that re skips ahead to the next marker instead of trying every place.
_MD_INLINE = re.compile(
    r"[*_`](?:(?<=\*)\*|(?<=_)_|(?<=[*_])(?:(?<!\w[*_])(?=\S)|(?<=\S[*_])(?!\w))|(?<=`))"
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_LEAD = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[*+-]\s+|\d{1,3}\.\s+|>\s?)", re.MULTILINE)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def plain(markdown: str) -> str:
    """Markdown source to readable plain text (links keep their words, markers go)."""
    text = _MD_LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    text = _MD_LEAD.sub("", text)
    return _MD_INLINE.sub("", text)


def summarize(paragraphs: tuple[str, ...], body_format: BodyFormat) -> str:
    """The lede, cut at a word boundary to about ``SUMMARY_LENGTH`` characters."""
    for p in paragraphs:
        text = _one_line(plain(p) if body_format == BodyFormat.MARKDOWN else p)
        if text:
            break
    else:
        return ""
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[:SUMMARY_LENGTH]
    sentence_end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if sentence_end > SUMMARY_LENGTH // 2:
        return cut[: sentence_end + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:–— ") + "…"


def parse_release(
    data: bytes,
    path: str,
    *,
    site_language: str = "en",
    timezone: tzinfo = UTC,
    digest: str | None = None,
) -> Release:
    """Read one content file. Raises ``IntakeError`` for a file nothing can be published from.

    ``digest``: ``content_hash(data)``, when the caller has it already."""
    decoded = decode(data, path)
    warnings = [Diagnostic(path, w) for w in decoded.warnings]
    fm = split_front_matter(decoded.text, path)
    warnings += [Diagnostic(path, message, line) for line, message in fm.warnings]
    meta = fm.data
    # An HTML comment is a note to colleagues ("<!-- Do not publish before sign-off -->") or
    # a site generator's mark ("<!--more-->"): never part of what is published, in any format
    # (plain text would show it; Markdown's plain-text part would carry it). Its lines stay, as
    # blank ones, so warnings keep their line numbers.
    text = fm.body if "<!--" not in fm.body else _CLOSED_COMMENT.sub(_blank_lines, fm.body)
    suffix = _suffix(path).lower()
    declared = suffix in MARKDOWN_SUFFIXES or bool(fm.syntax)
    is_markdown = declared or looks_like_markdown(text)
    fm_language_text = _text(meta, "language", path)
    fm_language = normalise_language(fm_language_text) if fm_language_text else None
    if fm_language_text and fm_language is None:
        warnings.append(Diagnostic(path, (
            f"front matter 'language' {fm_language_text!r} is neither a language tag (en, fr, "
            "pt-BR) nor a language's name: the language is detected from the text instead")))
    # Detected once, before reading, because the language guides the reader ("3 mai 2024"
    # is a date line); the title is left out, as it is often in another language than the
    # body ("Lotto.com® and Players Cafe Hosts…" over a Spanish release).
    detected = None if fm_language else _detect(_after_first_line(text))
    guess = fm_language or (detected[0] if detected else "")
    hint = [guess.split("-")[0].lower()] if guess else []
    fm_title = _text(meta, "title", path)
    reading = read_text(
        text, markdown=is_markdown, first_line=fm.body_first_line, languages=hint,
        default_tz=timezone, title=fm_title or None, guessed=is_markdown and not declared,
    )
    warnings += [
        Diagnostic(path, message, line) for line, message in reading.warnings
        if not (fm_title and "title" in message)  # front matter gave the title
    ]
    body_format = BodyFormat.MARKDOWN if is_markdown else BodyFormat.TEXT

    title = fm_title or reading.title
    if not title:
        title = PurePosixPath(path).stem.replace("-", " ").replace("_", " ").strip() or path
        warnings.append(Diagnostic(path, "no title found; using the file name", 1))

    date, date_source = _date(meta, reading, timezone, path, warnings)
    updated = _datetime(meta, "updated", timezone, path, warnings)
    embargo = _datetime(meta, "embargo", timezone, path) or reading.embargo_until
    if (date is not None and date_source == DateSource.TEXT and embargo is not None
            and embargo.date() == date.date()):
        date = embargo  # "Embargoed until 9 a.m." on the release day is its publication time

    if fm_language:
        language, language_source = fm_language, "front_matter"
    elif detected is not None:
        language, language_source = detected[0], "detected"
    else:
        language, language_source = site_language, "site"
    summary = _text(meta, "summary", path) or summarize(reading.paragraphs, body_format)
    photo = _photo(meta, reading, path, warnings)
    draft = _bool(meta, "draft", path) or _unpublished(meta, path, warnings)

    return Release(
        path=path,
        content_hash=digest or content_hash(data),
        title=_one_line(title),
        subtitles=_decks(reading.subtitles),
        id=_text(meta, "id", path) or "",
        summary=summary,
        dateline_raw=reading.dateline_raw,
        dateline_city=reading.dateline_city,
        date=date,
        date_source=date_source,
        updated=updated,
        language=language,
        language_source=language_source,
        embargo_until=embargo,
        photo=photo,
        contacts=_contacts(meta, reading, path),
        tags=_tags(meta, path),
        paragraphs=reading.paragraphs,
        body_format=body_format,
        end_mark=reading.end_mark,
        about=reading.about,
        notes=reading.notes,
        draft=draft,
        retracted=_bool(meta, "retracted", path),
        warnings=tuple(warnings),
        extra=tuple(
            (k, strip_uncarriable(str(v))) for k, v in sorted(meta.items()) if k not in KNOWN_KEYS
        ),
    )


KNOWN_KEYS = frozenset(
    {"title", "date", "updated", "summary", "tags", "language", "embargo", "image", "contacts",
     "id", "draft", "retracted"}
)


_CLOSED_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)  # an unclosed "<!--" hides nothing


def _blank_lines(m: re.Match[str]) -> str:
    return "\n" * m.group(0).count("\n")


def _decks(subtitles: Sequence[str]) -> tuple[str, ...]:
    """The decks, a line each: a list of highlights under the title is one deck an item.
    (HTML comments were taken out of the text before it was read.)"""
    out = []
    for block in subtitles:
        for line in block.split("\n"):
            deck = _one_line(line.strip().lstrip("-*•·–— \t"))
            if deck:
                out.append(deck)
    return tuple(out)


def _one_line(text: str) -> str:
    """Runs of white space as one space, trimmed (str.split's white space is re's \\s)."""
    return " ".join(text.split())


def _text(meta: Mapping[str, Any], key: str, path: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise FrontMatterError(path, f"front matter {key!r} must be text, got a {type(value).__name__}")
    return strip_uncarriable(str(value)).strip() or None


BOOL_WORDS = {"true": True, "yes": True, "false": False, "no": False}


def _unpublished(meta: Mapping[str, Any], path: str, warnings: list[Diagnostic]) -> bool:
    """Jekyll's ``published: false``: a draft. A date there (some generators write one) is
    not a draft, with a warning; anything else refuses the file, as a bad ``draft`` does."""
    if "published" not in meta:
        return False
    value = meta["published"]
    if not isinstance(value, bool) and str(value).strip().lower() not in BOOL_WORDS:
        try:
            parse_iso_datetime(value)
        except ValueError:
            pass
        else:
            warnings.append(Diagnostic(path, (
                f"front matter 'published' '{value}' is a date, not true or false: read as "
                "published (use 'date' for the date, 'draft: true' to hold it back)")))
            return False
    return not _bool(meta, "published", path)


def _bool(meta: Mapping[str, Any], key: str, path: str) -> bool:
    value = meta.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in BOOL_WORDS:
        return BOOL_WORDS[value.strip().lower()]
    raise FrontMatterError(path, f"front matter {key!r} must be true or false, got {value!r}")


# Other names site generators give these keys (Hugo: publishDate, lastmod; any case)
ALIASES = {"date": ("publishdate", "pubdate"), "updated": ("lastmod",)}


def _datetime(
    meta: Mapping[str, Any], key: str, tz: tzinfo, path: str,
    warnings: list[Diagnostic] | None = None,
) -> datetime | None:
    """A front-matter date. Not ISO 8601, it is read by dateparser, with a warning. With
    ``warnings`` (date, updated), a value that is no date at all is a warning and left out;
    without (embargo), it refuses the file: a release is never published early."""
    name, value = key, meta.get(key)
    if value is None and warnings is not None:
        lower = {k.lower(): k for k in meta if isinstance(k, str)}
        for alias in ALIASES.get(key, ()):
            if alias in lower:
                name, value = lower[alias], meta[lower[alias]]
                break
    if value is None or value == "":
        return None
    try:
        return parse_iso_datetime(value, default_tz=tz)
    except (ValueError, TypeError) as e:
        if warnings is None:  # an embargo is ISO 8601 or refused: a guess could publish early
            raise FrontMatterError(path, f"front matter {name!r}: {e}") from None
        loose = parse_loose_datetime(value, tz) if isinstance(value, str) else None
        if loose is not None:
            warnings.append(Diagnostic(path, (
                f"front matter {name!r} {value!r} is not ISO 8601; read as "
                f"{loose.isoformat()} (write e.g. 2024-03-19T10:00:00+01:00)")))
            return loose
        warnings.append(Diagnostic(path, f"front matter {name!r} is left out: {e}"))
        return None


def _date(
    meta: Mapping[str, Any], reading: TextReading, tz: tzinfo, path: str,
    warnings: list[Diagnostic],
) -> tuple[datetime | None, DateSource | None]:
    fm_date = _datetime(meta, "date", tz, path, warnings)
    if fm_date is not None:
        return fm_date, DateSource.FRONT_MATTER
    if reading.date is not None:
        return datetime.combine(reading.date, time(0, 0), tzinfo=tz), DateSource.TEXT
    return None, None


def _suffix(path: str) -> str:
    """``PurePosixPath(path).suffix``, without building the path for the common name."""
    name = path[path.rfind("/") + 1:]
    if not name or name == ".":
        return PurePosixPath(path).suffix  # "a/", "a/.": the name is an earlier part
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _detect(text: str) -> tuple[str, float] | None:
    """The language of the text's start; when that is unclear (names, a headline in another
    language: "Happy Birthday, WWF! / Am 10. Mai wird der WWF Deutschland …" on one line),
    of the text further on."""
    return detect_language(text[:300]) or detect_language(text[300:1000])


def _after_first_line(text: str) -> str:
    """The text under its first line (the title, often in another language than the body);
    the whole text when it is one line (a page saved as a single line: no title line)."""
    stripped = text.strip()
    newline = stripped.find("\n")
    return stripped[newline + 1:] if newline >= 0 else stripped


# The keys of an image mapping, with the names site themes give them (the first one wins)
IMAGE_KEYS: dict[str, tuple[str, ...]] = {
    "url": ("url", "src", "path", "file", "filename"),
    "caption": ("caption", "title"),
    "credit": ("credit", "attribution", "copyright", "license"),
    "alt": ("alt",),
}
_IMAGE_NAMES = frozenset(name for names in IMAGE_KEYS.values() for name in names)


def _photo(
    meta: Mapping[str, Any], reading: TextReading, path: str, warnings: list[Diagnostic]
) -> Photo | None:
    image = meta.get("image")
    if isinstance(image, str) and not image.strip():
        image = None  # `image = ""`, as site generators' archetypes write it: no photo
    if isinstance(image, str):
        return Photo(url=image.strip(), caption=reading.photo_caption, credit=reading.photo_credit)
    if isinstance(image, dict):
        unknown = sorted(str(k) for k in image if k not in _IMAGE_NAMES)
        if unknown:  # a theme's own keys ("focal_point", "license_url"): not a reason to refuse
            warnings.append(Diagnostic(path, (
                f"front matter 'image' keys {unknown} are not used (known: url or src, caption, "
                "credit, alt)")))
        clean: dict[str, str | None] = {}
        for field, names in IMAGE_KEYS.items():
            values = (image.get(name) for name in names)
            value = next((v for v in values if v not in (None, "") and not isinstance(v, bool)), None)
            text = strip_uncarriable(str(value)).strip() if value is not None else ""
            clean[field] = text or None
        if any(clean.values()):
            return Photo(url=clean["url"], caption=clean["caption"], credit=clean["credit"],
                         alt=clean["alt"])
        image = None  # every value empty: what the text says, if anything
    if image is not None:
        raise FrontMatterError(
            path, "front matter 'image' must be a URL or a mapping with url, caption, credit"
        )
    if reading.photo_credit or reading.photo_caption:
        return Photo(url=reading.photo_url, caption=reading.photo_caption,
                     credit=reading.photo_credit)
    return None


_NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


def _contacts(meta: Mapping[str, Any], reading: TextReading, path: str) -> tuple[Contact, ...]:
    value = meta.get("contacts", meta.get("contact"))
    if value is None:
        return reading.contacts
    items = value if isinstance(value, list) else [value]
    contacts = []
    for item in items:
        if isinstance(item, str):
            m = _NAME_EMAIL.match(item)
            if m:
                contacts.append(Contact(name=m.group("name") or None, email=m.group("email")))
            else:
                contacts.append(Contact(name=item.strip()))
        elif isinstance(item, dict):
            known = {"name", "org", "email", "phone", "title"}
            if set(item) - known:
                raise FrontMatterError(
                    path, f"a front matter contact has unknown keys {sorted(set(item) - known)}; "
                    "expected name, org, email, phone, title",
                )
            contacts.append(Contact(**{
                k: strip_uncarriable(str(v)).strip() or None for k, v in item.items() if v is not None
            }))
        else:
            raise FrontMatterError(
                path, "front matter 'contacts' must be a list of mappings or 'Name <email>' texts"
            )
    return tuple(contacts)


def _tags(meta: Mapping[str, Any], path: str) -> tuple[str, ...]:
    value = meta.get("tags", meta.get("categories"))
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        raise FrontMatterError(path, "front matter 'tags' must be a list or a comma-separated text")
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, (dict, list)):
            raise FrontMatterError(path, "front matter 'tags' must hold plain words")
        tag = _one_line(strip_uncarriable(str(item)))
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())
