"""Stable identity: which ``tag:`` URI each release carries, and its first-seen time.

Pure: known identities + this scan's releases + now -> identities to store. An id is
minted once from the file name and the day it was first seen, then only looked up:
an edit keeps it (same path), a rename keeps it (same bytes under a new path), and a
front-matter ``id`` always wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from urllib.parse import quote

from feeds.model import DateSource, Release
from feeds.store import Identity

_NOT_SLUG = re.compile(r"[^a-z0-9/\-._~%]+")
_DASHES = re.compile(r"-{2,}")
_BARE_PERCENT = re.compile(r"%(?![0-9a-fA-F]{2})")  # "15%" in a name: not an escape


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """A stable, URL-safe slug: ASCII where it can, percent-encoded where it cannot."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if ascii_text.strip(" -_./") and len(ascii_text) * 2 >= len(text):
        # ("sales-up-15%" -> "sales-up-15%25": a URL's "%" starts an escape; slugs made
        # before are percent-encoded already, so a second pass changes nothing)
        slug = _BARE_PERCENT.sub("%25", _NOT_SLUG.sub("-", ascii_text.lower()))
    else:  # Arabic, Chinese...: keep the letters, percent-encoded
        slug = quote(text.lower().replace(" ", "-"), safe="/-._~")
    return _DASHES.sub("-", slug).strip("-./") or "release"


def is_minted(release_id: str, id_prefix: str) -> bool:
    """Whether an id has the form this site mints (not one a release brought with it)."""
    if id_prefix.startswith("tag:"):
        return release_id.startswith(id_prefix)
    return release_id.startswith(f"tag:{id_prefix},")


def page_name(release_id: str) -> str:
    """What follows the date in a tag: id: a minted id's page name, unique among them."""
    return release_id.split(":", 2)[2] if release_id.count(":") >= 2 else release_id


def page_slug(release_id: str) -> str:
    """A minted id's page, as its file and URL name it (``releases/<slug>.html``)."""
    return slugify(page_name(release_id))


@lru_cache(maxsize=65536)
def page_key(release_id: str) -> str:
    """What no two minted ids may share: their page, compared as URLs and case-insensitive
    file systems compare it (a percent escape's case does not make another page)."""
    return page_slug(release_id).lower()


def mint_id(
    id_prefix: str, path: str, first_seen: datetime, taken: Container[str],
    name_taken: Callable[[str], bool] = lambda key: False,
) -> str:
    """A new id; not in ``taken``, and (ids minted on other days differ in their date) with
    a page no other minted id has (``name_taken``, asked of the new id's ``page_key``)."""
    # A full "tag:authority,date:" prefix is used as it is; a bare authority gets the day.
    base = id_prefix if id_prefix.startswith("tag:") else f"tag:{id_prefix},{first_seen.date()}:"
    name_at = path.rfind("/") + 1
    dot = path.rfind(".", name_at)
    stem = path[:dot] if name_at < dot < len(path) - 1 else path  # as PurePosixPath.with_suffix("")
    candidate = base + slugify(stem)
    n = 2
    unique = candidate
    while unique in taken or name_taken(page_key(unique)):
        unique = f"{candidate}-{n}"
        n += 1
    return unique


class _Taken:
    """The ids in use: those known here, else asked of the store; and the pages of the
    minted ones (from the ids known here, or, when only some are, asked of the store)."""

    def __init__(
        self, ids: set[str], exists: Callable[[str], bool] | None, id_prefix: str,
        ids_with_page: Callable[[str], Iterable[str]] | None,
    ) -> None:
        self._ids = ids
        self._exists = exists
        self._prefix = id_prefix
        self._ids_with_page = ids_with_page
        self._pages: set[str] | None = None

    def name_taken(self, key: str) -> bool:
        """Whether a minted id has this ``page_key``."""
        if self._ids_with_page is not None:
            near = {*self._ids_with_page(key), *self._ids}
            return any(is_minted(i, self._prefix) and page_key(i) == key for i in near)
        if self._pages is None:
            self._pages = {page_key(i) for i in self._ids if is_minted(i, self._prefix)}
        return key in self._pages

    def __contains__(self, rid: object) -> bool:
        if rid in self._ids:
            return True
        return self._exists is not None and isinstance(rid, str) and self._exists(rid)

    def add(self, rid: str) -> None:
        self._ids.add(rid)
        if self._pages is not None and is_minted(rid, self._prefix):
            self._pages.add(page_key(rid))


@dataclass(frozen=True)
class Resolved:
    releases: dict[str, Release]  # by path, with id and date filled in
    changed: list[Identity]  # identities to write back
    gone: list[Identity]  # releases whose file disappeared in this scan
    conflicts: dict[str, str] = field(default_factory=dict)  # path -> why it has no id
    # path -> the path whose release has the id it claims (a conflict that lasts only as long)
    held_by: dict[str, str] = field(default_factory=dict)


def resolve(
    releases: Mapping[str, Release],
    known: Mapping[str, Identity],
    *,
    id_prefix: str,
    now: datetime,
    present: set[str] | None = None,
    exists: Callable[[str], bool] | None = None,
    ids_with_page: Callable[[str], Iterable[str]] | None = None,
) -> Resolved:
    """Give every release its identity. ``present`` also counts paths whose file exists but
    could not be read this time: their release is not gone. ``known`` is every identity; or,
    with ``exists`` (is this id taken?) and ``ids_with_page`` (which ids have this
    ``page_key``?), those of the paths read or gone in this scan and of the ids their front
    matter names."""
    present_paths = set(releases) | (present or set())
    live_by_path = {i.path: i for i in known.values() if i.gone_at is None}
    gone_by_path = {i.path: i for i in known.values() if i.gone_at is not None}
    taken = _Taken(set(known), exists, id_prefix, ids_with_page)
    assigned: dict[str, Identity] = {}
    changed: dict[str, Identity] = {}
    claimed: dict[str, str] = {}  # id -> the path that has it in this scan
    unmatched: list[str] = []

    # Renames first: a new path with the bytes of a release whose file disappeared is that
    # release, and keeps its id whatever another file's front matter claims in this scan.
    vanished = {
        i.content_hash: i
        for p, i in sorted(live_by_path.items())
        if p not in present_paths
    }
    for path in sorted(releases):
        release = releases[path]
        renamed = vanished.get(release.content_hash)
        if path not in live_by_path and renamed is not None and release.id in ("", renamed.id):
            del vanished[release.content_hash]
            assigned[path] = renamed
            claimed[renamed.id] = path

    conflicts: dict[str, str] = {}
    held_by: dict[str, str] = {}
    for path in sorted(releases):
        if path in assigned:
            continue
        release = releases[path]
        if release.id:
            owner = known.get(release.id)
            holder = claimed.get(release.id)
            if holder is None and owner is not None and owner.gone_at is None and (
                    owner.path != path and owner.path in present_paths) and (
                    owner.path not in releases or releases[owner.path].id in ("", release.id)):
                holder = owner.path
            if holder is not None:
                conflicts[path] = _taken_by(release.id, holder)
                held_by[path] = holder
                continue
            if (owner is None and is_minted(release.id, id_prefix)
                    and taken.name_taken(page_key(release.id))):
                conflicts[path] = (
                    f"its front-matter id {release.id!r} is in this site's own form and ends "
                    "like another release's id, whose page it would take; give it another id")
                continue
            ident = owner or Identity(release.id, path, release.content_hash, now)
            taken.add(release.id)
        elif path in live_by_path:
            ident = live_by_path[path]
        else:
            unmatched.append(path)
            continue
        assigned[path] = ident
        claimed[ident.id] = path

    for path in unmatched:
        release = releases[path]
        if path in gone_by_path and gone_by_path[path].id not in claimed:
            ident = gone_by_path[path]  # the file came back
        else:
            rid = mint_id(id_prefix, path, now, taken, taken.name_taken)
            taken.add(rid)
            ident = Identity(rid, path, release.content_hash, now)
        assigned[path] = ident
        claimed[ident.id] = path

    out: dict[str, Release] = {}
    for path, ident in assigned.items():
        release = releases[path]
        updated = replace(ident, path=path, content_hash=release.content_hash, gone_at=None)
        if updated != ident or ident.id not in known:
            changed[updated.id] = updated
        if release.date is not None and release.date_source is not None:
            out[path] = release.with_identity(updated.id, release.date, release.date_source)
        else:
            out[path] = release.with_identity(updated.id, updated.first_seen, DateSource.FIRST_SEEN)

    # Gone: a release whose file disappeared, or whose file was read and carries another id
    # now (its front-matter id changed): no file has it, another may claim it.
    gone = []
    for ident in known.values():
        if ident.gone_at is None and ident.id not in claimed and (
                ident.path not in present_paths or ident.path in assigned):
            gone_ident = replace(ident, gone_at=now)
            changed[gone_ident.id] = gone_ident
            gone.append(gone_ident)
    return Resolved(out, list(changed.values()), gone, conflicts, held_by)


def _taken_by(release_id: str, holder: str) -> str:
    return (f"its front-matter id {release_id!r} is already the id of {holder}; "
            "give this release an id of its own")
