"""``slack``, ``mattermost``, ``discord``: incoming-webhook messages, title linked to the release.

Each within its service's documented limits:

- Slack (api.slack.com/messaging/webhooks, Block Kit): ``text`` (the notification fallback,
  mrkdwn ``<url|title>``) and ``blocks``: a ``section`` whose mrkdwn text is at most 3,000
  characters and a ``context`` line. ``&``, ``<`` and ``>`` are escaped as Slack asks.
- Mattermost (developers.mattermost.com, incoming webhooks): ``text`` in Markdown,
  ``[title](url)``, kept far below the 16,383-character post limit; ``@`` mentions defanged.
- Discord (discord.com/developers/docs/resources/webhook, Execute Webhook): one embed with
  ``title`` (≤ 256), ``url``, ``description`` (≤ 4,096), ``timestamp`` and ``footer``; the embed
  stays under the 6,000-character total; ``allowed_mentions`` parses nothing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from typing import Any
from urllib.parse import quote

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

SLACK_TEXT = 4000  # Slack truncates top-level text at 40,000 and advises under 4,000
SLACK_SECTION = 3000  # a section block's text
SLACK_CONTEXT = 2000
MATTERMOST_TEXT = 4000
DISCORD_CONTENT = 2000
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 4096
DISCORD_FOOTER = 2048
DISCORD_EMBED_TOTAL = 6000
TITLE = 250  # a headline longer than this is cut in every chat message


def _safe_url(url: str) -> str:
    """A URL that cannot close the surrounding markup: ``|``, ``<``, ``>``, ``(``, ``)``, spaces."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~.-_")


def _json(endpoint: Endpoint, payload: dict[str, Any], context: Context) -> Outgoing:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Outgoing(endpoint.url, body, {"content-type": JSON, "user-agent": context.user_agent})


# -- Slack ------------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(a: Announcement) -> str:
    title = slack_escape(truncate(a.title, TITLE))
    return f"<{_safe_url(a.url)}|{title}>" if a.url else title


def slack_payload(a: Announcement, context: Context) -> dict[str, Any]:
    link = _slack_link(a)
    label = slack_escape(a.label)
    head = f"*{label}{link}*"
    summary = slack_escape(a.summary)
    section = head if not summary else head + "\n" + truncate(summary, SLACK_SECTION - len(head) - 1)
    context_line = " · ".join(x for x in (
        slack_escape(context.site_title), a.date[:10] if a.date else "",
        ", ".join(slack_escape(t) for t in a.tags)) if x)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": section}}]
    if context_line:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": truncate(context_line, SLACK_CONTEXT)}]})
    return {"text": truncate(f"{label}{link}", SLACK_TEXT), "blocks": blocks}


def render_slack(endpoint: Endpoint, job: Job, context: Context) -> Outgoing:
    return _json(endpoint, slack_payload(announcement(job, context), context), context)


# -- Mattermost -------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|~!])")


def markdown_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def mattermost_payload(a: Announcement, context: Context) -> dict[str, Any]:
    title = markdown_escape(defang_mentions(truncate(a.title, TITLE)))
    link = f"[{title}]({_safe_url(a.url)})" if a.url else title
    head = f"{markdown_escape(a.label)}**{link}**"
    summary = markdown_escape(defang_mentions(a.summary))
    text = head if not summary else head + "\n\n" + truncate(summary, MATTERMOST_TEXT - len(head) - 2)
    return {"text": text}


def render_mattermost(endpoint: Endpoint, job: Job, context: Context) -> Outgoing:
    return _json(endpoint, mattermost_payload(announcement(job, context), context), context)


# -- Discord ----------------------------------------------------------------------------

_DISCORD_SPECIAL = re.compile(r"([\\`*_~|>\[\]])")


def discord_payload(a: Announcement, context: Context, timestamp: str) -> dict[str, Any]:
    footer = truncate(context.site_title, DISCORD_FOOTER)
    title = truncate(a.label + a.title, DISCORD_TITLE)
    room = DISCORD_EMBED_TOTAL - len(title) - len(footer)
    description = truncate(_DISCORD_SPECIAL.sub(r"\\\1", a.summary), min(DISCORD_DESCRIPTION, room))
    embed: dict[str, Any] = {"title": title, "timestamp": timestamp, "footer": {"text": footer}}
    if a.url:
        embed["url"] = a.url
    if description:
        embed["description"] = description
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


def render_discord(endpoint: Endpoint, job: Job, context: Context) -> Outgoing:
    timestamp = job.created_at.astimezone(UTC).isoformat()
    return _json(endpoint, discord_payload(announcement(job, context), context, timestamp), context)
