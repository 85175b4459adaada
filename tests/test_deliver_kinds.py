"""WebSub pings, chat messages and Mastodon statuses, received by local stand-ins.

The shapes asserted are the services' documented ones: Slack's incoming webhooks and Block
Kit, Mattermost's incoming webhooks, Discord's Execute Webhook and embed limits, Mastodon's
``POST /api/v1/statuses``, WebSub's publish ping."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from feeds.deliver import chat, mastodon
from feeds.deliver.message import Announcement, Context, truncate
from feeds.deliver.store import DeliveryStore
from feeds.deliver.worker import enqueue_websub
from tests.test_deliver_support import (
    TOKEN,
    Received,
    Receiver,
    Reply,
    add_release,
    build_site,
    configure,
    drain_until,
    endpoint,
    ok,
    outbox,
    real_now,
    receiver,  # noqa: F401 - a fixture
    run_drain,
    secrets_env,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.usefixtures("secrets_env")

LONG_TITLE = "Regional water and migration alliance announces " + "a very long headline " * 20
LONG_SUMMARY = ("Three-year programme worth twelve million francs to bring safe drinking water to "
                "two hundred thousand people. ") * 60
SLACK_TOP = {"text", "blocks", "attachments", "thread_ts", "mrkdwn", "username", "icon_url",
             "icon_emoji", "channel", "unfurl_links", "unfurl_media"}
MATTERMOST_TOP = {"text", "channel", "username", "icon_url", "icon_emoji", "attachments", "type",
                  "props", "priority"}
DISCORD_TOP = {"content", "username", "avatar_url", "tts", "embeds", "allowed_mentions",
               "components", "attachments", "flags", "thread_name", "applied_tags", "poll"}
DISCORD_EMBED = {"title", "type", "description", "url", "timestamp", "color", "footer", "image",
                 "thumbnail", "video", "provider", "author", "fields"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


# -- WebSub -----------------------------------------------------------------------------


def test_websub_pings_reach_the_hub_with_both_parameters(site: Path, receiver: Receiver) -> None:  # noqa: F811
    config = configure(site, endpoint("hub", "websub", receiver.url("/hub")))
    add_release(site, "water.md", "Water", tags=["water"])
    report = build_site(config)
    feeds = sorted(p for p in report.write.written if p.endswith((".atom", ".rss", ".json")))
    assert {"feed.atom", "feed.rss", "feed.json", "tags/water.atom"} <= set(feeds)
    assert outbox(config) == []  # hubs hear about feeds, not releases
    assert enqueue_websub(config, report.write.written, real_now()) == len(feeds)
    drain_until(config, lambda: len(receiver.received()) >= len(feeds))
    pings = receiver.received()
    assert all(r.path == "/hub" for r in pings)
    assert all(r.headers["content-type"] == "application/x-www-form-urlencoded" for r in pings)
    forms = [parse_qs(r.body.decode("ascii"), strict_parsing=True) for r in pings]
    assert all(f["hub.mode"] == ["publish"] for f in forms)
    assert all(f["hub.url"] == f["hub.topic"] and len(f["hub.url"]) == 1 for f in forms)
    assert sorted(f["hub.topic"][0] for f in forms) == [config.site.url + p for p in feeds]
    atom = (site / "public" / "feed.atom").read_text(encoding="utf-8")
    assert f'href="{receiver.url("/hub")}" rel="hub"' in atom or \
        f'rel="hub" href="{receiver.url("/hub")}"' in atom
    assert run_drain(config).delivered == 0  # each ping once


def test_pings_coalesce_while_waiting_and_repeat_when_a_feed_changes_in_flight(site: Path) -> None:
    config_box: list[object] = []
    changed_once = {"done": False}

    def respond(r: Received) -> Reply:
        topic = parse_qs(r.body.decode())["hub.topic"][0]
        if topic.endswith("feed.atom") and not changed_once["done"]:
            changed_once["done"] = True  # a build rewrites the feed while its ping is in flight
            enqueue_websub(config_box[0], ["feed.atom"], real_now())  # type: ignore[arg-type]
        return 204, {}, b""

    hub = Receiver(respond)
    try:
        config = configure(site, endpoint("hub", "websub", hub.url("/hub")))
        config_box.append(config)
        now = real_now()
        assert enqueue_websub(config, ["feed.atom", "feed.rss", "index.html"], now) == 2
        assert enqueue_websub(config, ["feed.atom"], now) == 1  # still waiting: no second row
        with DeliveryStore(config.state_path) as store:
            assert len(store.jobs("pending")) == 2
        run_drain(config)
        topics = [parse_qs(r.body.decode())["hub.topic"][0] for r in hub.received()]
        assert sorted(topics) == sorted([config.site.url + "feed.atom"] * 2 + [config.site.url + "feed.rss"])
        with DeliveryStore(config.state_path) as store:
            assert store.jobs("pending") == []
            assert len(store.jobs("done")) == 2
    finally:
        hub.close()


# -- chat -------------------------------------------------------------------------------


def _chat_site(site: Path, rx: Receiver) -> None:
    config = configure(
        site,
        endpoint("slack", "slack", rx.url("/slack")),
        endpoint("mm", "mattermost", rx.url("/mattermost")),
        endpoint("discord", "discord", rx.url("/discord")),
        endpoint("masto", "mastodon", rx.url("")),
    )
    add_release(site, "water.md", "Water <for> all & @channel", tags=["water", "health"],
                summary="Clean water *now*, says @everyone's favourite alliance.")
    add_release(site, "long.md", LONG_TITLE, summary=LONG_SUMMARY, language="pt-BR")
    build_site(config)
    report = run_drain(config)
    assert (report.delivered, report.retrying, report.dead) == (8, 0, 0), report


def _by_path(rx: Receiver, path: str) -> list[dict[str, object]]:
    """The messages received on ``path``: the water release's first, then the long one's."""
    got = rx.received(path)
    assert all(r.headers["content-type"] == "application/json" for r in got)
    return sorted((r.json() for r in got), key=lambda m: b"long.html" in json.dumps(m).encode())  # type: ignore[misc]


def test_slack_messages(site: Path, receiver: Receiver) -> None:  # noqa: F811
    _chat_site(site, receiver)
    url = "https://news.example.org/releases/water.html"
    first, long = _by_path(receiver, "/slack")
    for message in (first, long):
        assert set(message) <= SLACK_TOP
        assert isinstance(message["text"], str) and 0 < len(message["text"]) <= 4000
        blocks = message["blocks"]
        assert isinstance(blocks, list) and 1 <= len(blocks) <= 50
        section = blocks[0]
        assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
        assert len(section["text"]["text"]) <= 3000
        for block in blocks[1:]:
            assert block["type"] == "context"
            assert all(e["type"] == "mrkdwn" and len(e["text"]) <= 3000 for e in block["elements"])
    assert first["text"] == f"<{url}|Water &lt;for&gt; all &amp; @channel>"
    assert first["blocks"][0]["text"]["text"].startswith(f"*<{url}|Water &lt;for&gt; all")  # type: ignore[index]
    assert "Test Newsroom" in first["blocks"][1]["elements"][0]["text"]  # type: ignore[index]
    assert len(long["blocks"][0]["text"]["text"]) > 2500  # type: ignore[index]


def test_mattermost_messages(site: Path, receiver: Receiver) -> None:  # noqa: F811
    _chat_site(site, receiver)
    first, long = _by_path(receiver, "/mattermost")
    for message in (first, long):
        assert set(message) <= MATTERMOST_TOP
        assert isinstance(message["text"], str) and len(message["text"]) <= 4000
    text = str(first["text"])
    assert text.startswith(
        r"**[Water \<for\> all & @" + "\u200b" + r"channel](https://news.example.org/releases/water.html)**")
    assert "@\u200beveryone" in text and r"\*now\*" in text
    assert "@channel" not in text  # nobody is notified by a release's text


def test_discord_messages(site: Path, receiver: Receiver) -> None:  # noqa: F811
    _chat_site(site, receiver)
    first, long = _by_path(receiver, "/discord")
    for message in (first, long):
        assert set(message) <= DISCORD_TOP
        assert message["allowed_mentions"] == {"parse": []}
        assert len(str(message.get("content", ""))) <= 2000
        embeds = message["embeds"]
        assert isinstance(embeds, list) and 1 <= len(embeds) <= 10
        (embed,) = embeds
        assert set(embed) <= DISCORD_EMBED
        assert 0 < len(embed["title"]) <= 256
        assert len(embed.get("description", "")) <= 4096
        assert len(embed["footer"]["text"]) <= 2048
        assert len(embed["title"]) + len(embed.get("description", "")) + len(embed["footer"]["text"]) <= 6000
        assert ISO.match(embed["timestamp"])
        assert embed["url"].startswith("https://news.example.org/releases/")
    assert first["embeds"][0]["title"] == "Water <for> all & @channel"  # type: ignore[index]
    assert first["embeds"][0]["url"] == "https://news.example.org/releases/water.html"  # type: ignore[index]
    assert 230 <= len(long["embeds"][0]["title"]) <= 256  # type: ignore[index]  # cut at a word
    assert long["embeds"][0]["title"].endswith("…")  # type: ignore[index]
    assert 4000 <= len(long["embeds"][0]["description"]) <= 4096  # type: ignore[index]
    assert long["embeds"][0]["description"].endswith("…")  # type: ignore[index]


# -- Mastodon ---------------------------------------------------------------------------


def test_mastodon_statuses(site: Path, receiver: Receiver) -> None:  # noqa: F811
    _chat_site(site, receiver)
    got = receiver.received("/api/v1/statuses")
    assert len(got) == 2
    rows = {r["release_id"]: r for r in outbox(site_config(site)) if r["endpoint"] == "masto"}
    for r in got:
        assert r.headers["authorization"] == f"Bearer {TOKEN}"
        assert r.headers["idempotency-key"] in {str(row["delivery_id"]) for row in rows.values()}
        status = r.json()
        assert isinstance(status, dict)
        assert set(status) <= {"status", "language", "visibility", "spoiler_text", "sensitive",
                               "in_reply_to_id", "media_ids", "scheduled_at", "poll"}
        assert mastodon.status_length(status["status"]) <= 500
        assert re.search(r"\nhttps://news\.example\.org/releases/[\w-]+\.html$", status["status"])
    first, long = sorted((r.json() for r in got), key=lambda m: "long.html" in str(m))
    assert first == {  # type: ignore[comparison-overlap]
        "status": "Water <for> all & @\u200bchannel\n\nClean water *now*, says @\u200beveryone's "
                  "favourite alliance.\n\nhttps://news.example.org/releases/water.html",
        "visibility": "public", "language": "en"}
    assert long["language"] == "pt"  # type: ignore[index]
    assert mastodon.status_length(long["status"]) >= 480  # type: ignore[index]
    assert len(long["status"]) > 500  # type: ignore[index]  # its URL is longer than 23


def site_config(site: Path):  # type: ignore[no-untyped-def]
    from feeds.config import load_config

    return load_config(site / "config.toml")


def test_mastodon_retry_keeps_the_idempotency_key(site: Path) -> None:
    answers = iter([(502, {}, b"bad gateway")])
    rx = Receiver(lambda r: next(answers, None) or ok(r))
    try:
        config = configure(site, endpoint("masto", "mastodon", rx.url("/")))
        add_release(site, "a.md", "A")
        build_site(config)
        drain_until(config, lambda: outbox(config)[0]["status"] == "done")
        got = rx.received()
        assert [r.path for r in got] == ["/api/v1/statuses"] * 2
        assert got[0].headers["idempotency-key"] == got[1].headers["idempotency-key"] == outbox(config)[0]["delivery_id"]
    finally:
        rx.close()


def test_retractions_are_announced_without_a_dead_link(site: Path, receiver: Receiver) -> None:  # noqa: F811
    config = configure(site, endpoint("slack", "slack", receiver.url("/slack")),
                       endpoint("masto", "mastodon", receiver.url("")))
    add_release(site, "a.md", "Withdrawn statement")
    build_site(config)
    (site / "content" / "a.md").unlink()
    build_site(config)
    run_drain(config)
    slack = _by_path(receiver, "/slack")[-1]
    assert slack["text"] == "Retracted: Withdrawn statement"
    status = receiver.received("/api/v1/statuses")[-1].json()
    assert status["status"] == "Retracted: Withdrawn statement\n\nhttps://news.example.org/"  # type: ignore[index]


# -- pure limits ------------------------------------------------------------------------


def _announcement(title: str, summary: str, url: str | None = "https://x.example/r.html") -> Announcement:
    return Announcement("published", title, url, summary, "en", (), None)


CONTEXT = Context("Newsroom", "https://x.example/", datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("title,summary", [
    ("T", ""), ("T" * 1000, ""), ("Short", "word " * 2000), ("x" * 600, "y" * 6000),
    ("See https://a.example/" + "p" * 300, "and http://b.example " * 100),
])
def test_every_payload_stays_within_its_limits(title: str, summary: str) -> None:
    a = _announcement(title, summary)
    status = mastodon.status_text(a, "https://x.example/")
    assert mastodon.status_length(status) <= 500 and status.endswith("\nhttps://x.example/r.html")
    slack = chat.slack_payload(a, CONTEXT)
    assert len(slack["text"]) <= 4000 and len(slack["blocks"][0]["text"]["text"]) <= 3000
    assert len(chat.mattermost_payload(a, CONTEXT)["text"]) <= 4000
    embed = chat.discord_payload(a, CONTEXT, "2026-01-01T00:00:00+00:00")["embeds"][0]
    assert len(embed["title"]) <= 256 and len(embed.get("description", "")) <= 4096


def test_mastodon_counts_every_url_as_23() -> None:
    assert mastodon.status_length("go https://example.org/" + "a" * 100) == 3 + 23
    assert mastodon.status_length("http://a.b") == 23
    assert mastodon.statuses_url(endpoint_value("https://social.example/")) == \
        "https://social.example/api/v1/statuses"
    assert mastodon.statuses_url(endpoint_value("https://social.example/api/v1/statuses")) == \
        "https://social.example/api/v1/statuses"


def endpoint_value(url: str):  # type: ignore[no-untyped-def]
    from feeds.config import Endpoint

    return Endpoint("m", "mastodon", url, "", "T", (), (), (), False, 3, 60)


def test_truncate_cuts_at_words() -> None:
    assert truncate("one two three four", 12) == "one two…"
    assert truncate("short", 10) == "short"
    assert len(truncate("x" * 50, 10)) == 10


def test_chat_payloads_are_json_serialisable() -> None:
    a = _announcement("Ünïcødé \u202e title", "summary")
    for payload in (chat.slack_payload(a, CONTEXT), chat.mattermost_payload(a, CONTEXT)):
        json.dumps(payload, ensure_ascii=False)
