"""``mastodon``: ``POST /api/v1/statuses`` on the endpoint's instance.

``Authorization: Bearer <token>`` from the variable ``token_env`` names;
``Idempotency-Key`` is the delivery id, so a retried post is not posted twice (Mastodon
keeps keys for an hour); ``language`` is the release's (ISO 639); ``status`` is at most 500
characters as Mastodon counts them (every URL counts as 23) and ends with the link.
"""

from __future__ import annotations

import json
import re

from feeds.config import Endpoint
from feeds.deliver.message import (
    JSON,
    Announcement,
    Context,
    Outgoing,
    announcement,
    defang_mentions,
    truncate,
)
from feeds.deliver.store import Job

LIMIT = 500
URL_LENGTH = 23
STATUSES_PATH = "/api/v1/statuses"
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def status_length(text: str) -> int:
    """Characters as Mastodon counts them: each URL is 23, whatever its length."""
    return len(_URL.sub("x" * URL_LENGTH, text))


def _fit(text: str, budget: int) -> str:
    while status_length(text) > budget:
        excess = status_length(text) - budget
        text = truncate(text, max(len(text) - excess, 0))
        if not text or len(text) <= 1:
            return ""
    return text


def status_text(a: Announcement, fallback_link: str) -> str:
    link = a.url or fallback_link
    room = LIMIT - status_length(link) - 2  # "\n\n" before the link
    head = _fit(defang_mentions(a.label + a.title), room)
    room -= status_length(head)
    summary = defang_mentions(a.summary)
    if summary and room > 2 + 20:  # a summary cut to a few words says nothing
        summary = _fit(summary, room - 2)
        if summary:
            head += "\n\n" + summary
    return f"{head}\n\n{link}" if head else link


def statuses_url(endpoint: Endpoint) -> str:
    base = endpoint.url.rstrip("/")
    return base if base.endswith(STATUSES_PATH) else base + STATUSES_PATH


def language(tag: str) -> str:
    return tag.split("-")[0].lower()


def render(endpoint: Endpoint, job: Job, context: Context) -> Outgoing:
    a = announcement(job, context)
    payload = {"status": status_text(a, context.site_url), "visibility": "public"}
    if a.language:
        payload["language"] = language(a.language)
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Outgoing(statuses_url(endpoint), body, {
        "content-type": JSON,
        "authorization": f"Bearer {context.credential}",
        "idempotency-key": job.delivery_id,
        "user-agent": context.user_agent,
    })
