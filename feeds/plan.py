"""Pure planning: releases + publication state + now -> what the outputs show.

No I/O and no clock: the caller passes ``now``. A release is visible when it is not a
draft, not retracted and not held by an embargo. The first time it is visible it is
*published*; a later change of its bytes is an *update* (same id, new ``updated``); when
its file disappears, or it is marked retracted or draft again, it is *retracted* and
leaves a tombstone. Publishing is never undone by an embargo moved later: once out, out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from feeds.model import Release


@dataclass(frozen=True)
class Publication:
    """What the outputs have shown of one release, kept in the state store."""

    id: str
    path: str
    content_hash: str
    title: str
    sort_date: datetime  # the release's date: its place in every feed, also as a tombstone
    published_at: datetime  # when it first became visible
    edited_at: datetime | None = None  # when its bytes last changed after publishing
    retracted_at: datetime | None = None


@dataclass(frozen=True)
class Event:
    """Something subscribers and endpoints hear about."""

    kind: str  # "published", "updated" or "retracted"
    id: str
    at: datetime
    path: str


@dataclass(frozen=True)
class Plan:
    visible: tuple[Release, ...]  # newest first, then id
    held: tuple[Release, ...]  # under embargo now, soonest lift first
    tombstones: tuple[Publication, ...]  # newest first, then id
    publications: dict[str, Publication]  # the state after this plan
    changed: tuple[Publication, ...]  # rows to write
    events: tuple[Event, ...]

    def entry_times(self, release: Release) -> tuple[datetime, datetime]:
        """(published, updated) as feeds show them: from the release, then the state."""
        pub = self.publications[release.id]
        published = release.date or pub.sort_date
        updated = release.updated or max(filter(None, (published, pub.edited_at)))
        return published, max(updated, published)


def newest_first(release: Release) -> tuple[float, str]:
    assert release.date is not None
    return (-release.date.timestamp(), release.id)


def plan(
    releases: Iterable[Release], publications: Mapping[str, Publication], now: datetime,
    *, gone: Iterable[str] | None = None,
) -> Plan:
    """``releases`` is every release there is, and a publication none of them carries is
    retracted; or, with ``gone``, only those that changed (their publications and the ids of
    files that disappeared in ``publications``): the plan then covers just them."""
    state = dict(publications)
    changed: dict[str, Publication] = {}
    events: list[Event] = []
    visible: list[Release] = []
    held: list[Release] = []
    seen: set[str] = set()

    for release in releases:
        if release.id in seen:  # intake refuses a second file with an id; never two entries
            continue
        seen.add(release.id)
        pub = state.get(release.id)
        live = pub is not None and pub.retracted_at is None
        if release.draft or release.retracted:
            if live:
                assert pub is not None
                _retract(pub, now, state, changed, events)
            continue
        if release.held_at(now) and not live:
            held.append(release)
            continue
        visible.append(release)
        assert release.date is not None
        if pub is None or pub.retracted_at is not None:
            new = Publication(release.id, release.path, release.content_hash, release.title,
                              release.date, now)
            events.append(Event("published", release.id, now, release.path))
        elif pub.content_hash != release.content_hash or pub.path != release.path:
            edited = pub.content_hash != release.content_hash
            new = dataclasses.replace(
                pub, path=release.path, content_hash=release.content_hash, title=release.title,
                sort_date=release.date, edited_at=now if edited else pub.edited_at,
            )
            if edited:
                events.append(Event("updated", release.id, now, release.path))
        else:
            continue
        state[release.id] = new
        changed[release.id] = new

    unseen = state if gone is None else {rid: state[rid] for rid in gone if rid in state}
    for rid, pub in list(unseen.items()):
        if rid not in seen and pub.retracted_at is None:
            _retract(pub, now, state, changed, events)

    visible.sort(key=newest_first)
    held.sort(key=lambda r: (r.embargo_until, r.id))
    tombstones = sorted(
        (p for p in state.values() if p.retracted_at is not None),
        key=lambda p: (-p.sort_date.timestamp(), p.id),
    )
    return Plan(tuple(visible), tuple(held), tuple(tombstones), state,
                tuple(changed.values()), tuple(events))


def _retract(
    pub: Publication, now: datetime, state: dict[str, Publication],
    changed: dict[str, Publication], events: list[Event],
) -> None:
    gone = dataclasses.replace(pub, retracted_at=now)
    state[pub.id] = changed[pub.id] = gone
    events.append(Event("retracted", pub.id, now, pub.path))
