"""The values that flow through ``feeds``: frozen dataclasses, no I/O.

A ``Release`` is what the intake reads from one content file. Parsing fills every
field that depends only on the file's bytes; identity (the ``tag:`` id) and a date
the text does not state come from the state store and are filled in with
``Release.with_identity``, so parsing stays a pure function of bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property


class DateSource(StrEnum):
    """Where a release's date came from."""

    FRONT_MATTER = "front_matter"
    TEXT = "text"
    FIRST_SEEN = "first_seen"


class BodyFormat(StrEnum):
    MARKDOWN = "markdown"
    TEXT = "text"


@dataclass(frozen=True)
class Photo:
    url: str | None = None
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None
    length: int | None = None
    type: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str | None = None
    org: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file: ``path:line: message``."""

    path: str
    message: str
    line: int | None = None
    severity: str = "warning"  # "warning" (published anyway) or "error" (file refused)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Release:
    """One press release, as read from one file."""

    path: str  # relative to the content folder, POSIX separators
    content_hash: str  # hex digest of the file's bytes
    title: str
    id: str = ""  # tag: URI; from front matter, else filled in from the state store
    summary: str = ""
    dateline_raw: str | None = None
    dateline_city: str | None = None
    date: datetime | None = None  # aware; None until the state store supplies first-seen
    date_source: DateSource | None = None
    updated: datetime | None = None
    language: str = ""
    language_source: str = ""  # "front_matter", "detected" or "site"
    embargo_until: datetime | None = None  # aware
    photo: Photo | None = None
    contacts: tuple[Contact, ...] = ()
    tags: tuple[str, ...] = ()
    subtitles: tuple[str, ...] = ()  # decks: the lines between the title and the lead
    paragraphs: tuple[str, ...] = ()  # body blocks, in the file's own syntax
    body_format: BodyFormat = BodyFormat.TEXT
    end_mark: str | None = None
    about: tuple[str, ...] = ()  # "About X" boilerplate blocks
    notes: tuple[str, ...] = ()  # notes to editors
    draft: bool = False
    retracted: bool = False
    warnings: tuple[Diagnostic, ...] = ()
    # Front-matter keys we do not know, kept as text so templates can use them.
    extra: tuple[tuple[str, str], ...] = field(default=())

    @cached_property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @cached_property
    def body_html(self) -> str:
        from feeds.intake.markup import body_html

        return body_html(self.paragraphs, self.body_format)

    @property
    def content_html(self) -> str:
        """What a feed entry carries: the decks, then the body."""
        if not self.subtitles:
            return self.body_html
        from feeds.intake.markup import decks_html

        return decks_html(self.subtitles) + "\n" + self.body_html

    @property
    def content_text(self) -> str:
        return "\n\n".join((*self.subtitles, self.body_text)) if self.subtitles else self.body_text

    def with_identity(
        self, release_id: str, date: datetime, date_source: DateSource
    ) -> Release:
        # dataclasses.replace re-runs __init__ field by field: ten times slower, and this
        # runs once per release on every first scan of an archive.
        fields = dict(self.__dict__)
        fields.pop("body_html", None)
        fields.pop("body_text", None)
        fields.update(id=release_id, date=date, date_source=date_source)
        new = object.__new__(Release)
        new.__dict__.update(fields)
        return new

    def held_at(self, now: datetime) -> bool:
        """True while an embargo keeps this release out of every output."""
        return self.embargo_until is not None and now < self.embargo_until
