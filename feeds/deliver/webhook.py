"""``webhook``: a JSON event signed by the Standard Webhooks scheme.

Body: ``{"type": "release.published", "timestamp": <when the event happened>, "data": {...}}``,
the same bytes on every attempt. Headers: ``webhook-id`` (the delivery id, stable across
retries and restarts), ``webhook-timestamp`` (this attempt, Unix seconds) and
``webhook-signature`` (``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with the endpoint's
``whsec_`` secret), so receivers verify with any Standard Webhooks library and drop replays.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from datetime import UTC
from typing import Any

from standardwebhooks import Webhook

from feeds.config import Endpoint
from feeds.deliver.message import JSON, Context, Outgoing
from feeds.deliver.store import Job

TYPES = {"published": "release.published", "updated": "release.updated",
         "retracted": "release.retracted"}


def event_body(job: Job, context: Context) -> dict[str, Any]:
    data: dict[str, Any] = dict(job.data())
    if not data.get("title") and context.fallback_title:
        data["title"] = context.fallback_title
    return {
        "type": TYPES.get(job.kind, f"release.{job.kind}"),
        "timestamp": job.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }


def check_secret(secret: str) -> None:
    """Raises ValueError unless ``secret`` is a Standard Webhooks secret: whsec_ and base64."""
    body = secret.removeprefix("whsec_")
    try:
        key = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise ValueError("not a Standard Webhooks secret (expected whsec_ and base64, "
                         "like whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)")


@functools.lru_cache(maxsize=64)
def _signer(secret: str) -> Webhook:
    return Webhook(secret)


def body_text(job: Job, context: Context) -> str:
    """The body: the stored snapshot spliced in as it is, unless a retraction needs its title."""
    if context.fallback_title and '"title"' not in job.payload:
        return json.dumps(event_body(job, context), ensure_ascii=False, separators=(",", ":"))
    kind = TYPES.get(job.kind, f"release.{job.kind}")
    timestamp = job.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f'{{"type":{json.dumps(kind)},"timestamp":"{timestamp}","data":{job.payload}}}'


def render(endpoint: Endpoint, job: Job, context: Context) -> Outgoing:
    assert context.credential is not None
    text = body_text(job, context)
    at = context.now.astimezone(UTC)
    signature = _signer(context.credential).sign(job.delivery_id, at, text)
    return Outgoing(endpoint.url, text.encode("utf-8"), {
        "content-type": JSON,
        "webhook-id": job.delivery_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "user-agent": context.user_agent,
    })
