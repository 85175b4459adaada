"""What every endpoint kind renders from: the request to send and the release announced.

Pure: a stored ``Job`` and a ``Context`` in, an ``Outgoing`` request out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from feeds.deliver.store import Job

JSON = "application/json"
LABELS = {"published": "", "updated": "Updated: ", "retracted": "Retracted: "}


@dataclass(frozen=True)
class Context:
    """What a renderer may know beyond the job itself."""

    site_title: str
    site_url: str
    now: datetime  # the attempt's time (webhook-timestamp)
    credential: str | None = None  # the secret or token read from the environment
    fallback_title: str | None = None  # a retraction's payload has no title: the last published one
    user_agent: str = "feeds"


@dataclass(frozen=True)
class Outgoing:
    """One HTTP POST."""

    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Announcement:
    """A release event as chat and Mastodon posts tell it."""

    event: str  # "published", "updated", "retracted"
    title: str
    url: str | None
    summary: str
    language: str
    tags: tuple[str, ...]
    date: str | None

    @property
    def label(self) -> str:
        return LABELS.get(self.event, "")


def announcement(job: Job, context: Context) -> Announcement:
    data = job.data()
    title = _text(data.get("title")) or context.fallback_title or _text(data.get("path")) or job.release_id
    url = _text(data.get("url")) or None
    tags = data.get("tags")
    return Announcement(
        event=job.kind,
        title=clean(title),
        url=url,
        summary=clean(_text(data.get("summary"))),
        language=_text(data.get("language")),
        tags=tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        date=_text(data.get("date")) or None,
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """One line: control characters dropped, runs of white space made one space."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc" or ch in "\t\n\r")
    return _SPACE.sub(" ", text).strip()


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most ``limit`` characters, cut at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    cut = text[: limit - len(ellipsis)]
    space = cut.rfind(" ")
    if space >= len(cut) * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ellipsis


_MENTION = re.compile(r"@(?=\w)")


def defang_mentions(text: str) -> str:
    """Release text must not notify people or channels (``@all``, ``@user@host``)."""
    return _MENTION.sub("@\u200b", text)
