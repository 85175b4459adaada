"""The outbox: which endpoint hears about which event. Pure fan-out, no I/O.

A ``Delivery`` is written in the same transaction as the publication state change that
causes it (``StateStore.record_plan``); the delivery workers (``feeds.deliver``) post it
later and mark it done only once the endpoint accepted it. Its ``delivery_id`` is derived
from the event and the endpoint, so it is the same on every retry and after restarts:
receivers use it to drop duplicates (``webhook-id``, ``Idempotency-Key``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from feeds.config import Config, Endpoint
from feeds.intake.language import language_matches
from feeds.model import Release
from feeds.plan import Event


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    endpoint: str  # the endpoint's name in config.toml
    kind: str  # "published", "updated", "retracted"
    release_id: str
    created_at: datetime
    payload: str  # JSON snapshot of the release at the time of the event


def release_snapshot(release: Release | None, event: Event, url: str | None) -> dict[str, Any]:
    """What receivers are told about a release: its fields as they were at the event."""
    base: dict[str, Any] = {"id": event.id, "path": event.path, "url": url}
    if release is None:  # retracted: the file is gone
        return base
    photo = release.photo
    base.update({
        "title": release.title,
        "summary": release.summary,
        "language": release.language,
        "date": release.date.isoformat() if release.date else None,
        "updated": release.updated.isoformat() if release.updated else None,
        "dateline": release.dateline_city,
        "tags": list(release.tags),
        "image": None if photo is None or not photo.url else {
            "url": photo.url, "caption": photo.caption, "credit": photo.credit},
        "contacts": [
            {k: v for k, v in (("name", c.name), ("org", c.org), ("email", c.email),
                               ("phone", c.phone)) if v}
            for c in release.contacts
        ],
    })
    return base


def delivery_id(event: Event, endpoint: str) -> str:
    digest = hashlib.sha256(
        f"{endpoint}\0{event.kind}\0{event.id}\0{event.at.isoformat()}".encode()
    ).hexdigest()
    return "msg_" + digest[:32]


def wants(endpoint: Endpoint, event: Event, release: Release | None) -> bool:
    if endpoint.kind == "websub":
        return False  # hubs are told which feeds changed, not which releases
    if event.kind not in endpoint.events:
        return False
    if release is None:
        return not endpoint.tags and not endpoint.languages
    if endpoint.tags and not {t.casefold() for t in release.tags} & {
            t.casefold() for t in endpoint.tags}:
        return False
    return not endpoint.languages or language_matches(release.language, endpoint.languages)


def fan_out(
    events: Iterable[Event], releases: Mapping[str, Release], urls: Mapping[str, str],
    config: Config,
) -> list[Delivery]:
    """One delivery per (event, endpoint that wants it), in event order."""
    out = []
    for event in events:
        release = releases.get(event.id)
        snapshot: str | None = None
        for endpoint in config.endpoints:
            if not wants(endpoint, event, release):
                continue
            if snapshot is None:
                snapshot = json.dumps(release_snapshot(release, event, urls.get(event.id)),
                                      ensure_ascii=False, sort_keys=True)
            out.append(Delivery(delivery_id(event, endpoint.name), endpoint.name, event.kind,
                                event.id, event.at, snapshot))
    return out
