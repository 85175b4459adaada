"""The catalogue: one small row per release the site lists (published, or retracted and
shown as a tombstone), kept in the state store.

Which documents exist, what each holds and whether it must be rendered again follow from
these rows alone, without decoding a single release: a pass after one change reads ten
thousand rows, re-keys the documents that hold the changed ones, and decodes only the
releases those documents show. Each row carries its own fingerprint (``key``), so keying a
document is joining its rows' keys.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

import msgspec

from feeds.model import Release
from feeds.plan import Plan, Publication

TAG_SEPARATOR = "\x1f"  # cannot occur in a tag: intake removes what XML cannot carry
_encode = msgspec.msgpack.Encoder().encode


class Listing(NamedTuple):
    """What every document shows of one release (a tuple: ten thousand are read per pass)."""

    id: str
    path: str  # the content file, to load the release when a document must be rendered
    page: str  # "releases/<slug>.html", relative to the output folder
    order: float  # minus the POSIX time of its date: ascending order is newest first
    when: str  # its date (ISO 8601 with its offset): its place in every feed
    updated: str  # entries: "updated" as feeds show it; tombstones: when it was retracted
    language: str
    tags: tuple[str, ...]
    key: str  # changes whenever anything a document shows of it changes
    retracted: bool

    @property
    def sort_key(self) -> tuple[float, str]:
        return (self.order, self.id)

    def when_dt(self) -> datetime:
        return datetime.fromisoformat(self.when)

    def updated_dt(self) -> datetime:
        return datetime.fromisoformat(self.updated)

    def as_row(self) -> tuple[str, str, str, float, str, str, str, str, str, int]:
        return (self.id, self.path, self.page, self.order, self.when, self.updated,
                self.language, TAG_SEPARATOR.join(self.tags), self.key, int(self.retracted))

    @classmethod
    def from_row(cls, row: tuple[str, str, str, float, str, str, str, str, str, int]) -> Listing:
        tags = tuple(row[7].split(TAG_SEPARATOR)) if row[7] else ()
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], row[6], tags, row[8],
                   bool(row[9]))


ORDER = attrgetter("order", "id")  # the order of catalogue rows: newest first, then id


def _digest(text: str) -> str:
    """A row's key as 32 hex digits: every pass that is not the daemon's reads all ten
    thousand rows, and the long form was half of what it read."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def entry_listing(release: Release, plan: Plan, page: str, url: str) -> Listing:
    published, updated = plan.entry_times(release)
    when, upd = published.isoformat(), updated.isoformat()
    # Everything the release carries, not just its file's bytes: a title can come from the
    # file's name, so a rename with the same bytes may change what documents show.
    digest = hashlib.blake2b(_encode(release), digest_size=16).hexdigest()
    key = _digest(f"{release.id}|{digest}|{url}|{published.timestamp()}|{updated.timestamp()}")
    return Listing(release.id, release.path, page, -published.timestamp(), when, upd,
                   release.language, release.tags, key, False)


def tombstone_listing(pub: Publication, page: str) -> Listing:
    assert pub.retracted_at is not None
    gone = pub.retracted_at.isoformat()
    key = _digest(f"deleted|{pub.id}|{pub.retracted_at.timestamp()}")
    return Listing(pub.id, pub.path, page, -pub.sort_date.timestamp(), pub.sort_date.isoformat(),
                   gone, "", (), key, True)
