"""``websub``: tell the hub which feeds changed (W3C WebSub, section 7's publish ping).

The recommendation leaves the publisher-to-hub notification to the hub; the common form,
which Google's, Superfeedr's and WebSub.rocks' hubs accept, is a form-encoded POST with
``hub.mode=publish`` and the feed's URL, sent here as both ``hub.url`` and ``hub.topic``.
One ping per changed feed; the feeds advertise the hub with ``rel="hub"`` and ``rel="self"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from feeds.config import Config, Endpoint
from feeds.deliver.message import Context, Outgoing
from feeds.deliver.store import Job

FEED_SUFFIXES = (".atom", ".rss", ".json")


def topics(config: Config, written: Iterable[str]) -> list[str]:
    """Feed URLs for the output files a build changed (paths relative to the output folder)."""
    out = []
    for path in written:
        path = path.replace("\\", "/").lstrip("/")
        if path.endswith(FEED_SUFFIXES):
            out.append(config.site.url + path)
    return list(dict.fromkeys(out))


def render(endpoint: Endpoint, job: Job, context: Context) -> Outgoing:
    topic = job.release_id
    body = urlencode({"hub.mode": "publish", "hub.url": topic, "hub.topic": topic})
    return Outgoing(endpoint.url, body.encode("ascii"), {
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": context.user_agent,
    })
