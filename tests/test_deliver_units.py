"""The worker's pure decisions: Retry-After, backoff, outcomes, redirects."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from feeds.deliver.worker import BACKOFF_CAP, backoff, classify, parse_retry_after, same_site

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize("value,expected", [
    ("1", 1.0), ("0", 0.0), (" 120 ", 120.0), ("1.5", 1.5), ("-3", 0.0),
    (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),
    (format_datetime(NOW - timedelta(seconds=90), usegmt=True), 0.0),
    ("2026-11-01T12:00:30Z", 30.0),  # Mastodon's X-RateLimit-Reset
    ("999999999", 86400.0), (None, None), ("", None), ("soon", None), ("nan", None),
])
def test_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(7)
    for attempts in range(1, 30):
        ceiling = min(BACKOFF_CAP, 2.0 ** (attempts - 1))
        delays = [backoff(attempts, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered: endpoints that failed together do not retry together


def _outcome(status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> tuple[str, str, float | None]:
    o = classify(status, httpx.codes.get_reason_phrase(status), httpx.Headers(headers or {}), body, NOW)
    return o.action, o.detail, o.retry_after


def test_outcomes() -> None:
    assert _outcome(200)[0] == _outcome(204)[0] == _outcome(202)[0] == "done"
    assert _outcome(410, body=b"hook deleted") == ("disable", "410 Gone: hook deleted", None)
    assert _outcome(503, {"retry-after": "7"}) == ("retry", "503 Service Unavailable", 7.0)
    assert _outcome(500) == ("retry", "500 Internal Server Error", None)
    assert _outcome(429, {"x-ratelimit-reset": "2026-11-01T12:01:00Z"})[2] == 60.0
    assert _outcome(408)[0] == _outcome(425)[0] == "retry"
    for status in (400, 401, 403, 404, 405, 413, 422, 303, 304):
        assert _outcome(status)[0] == "dead", status
    action, detail, _ = _outcome(422, body=b"  bad\n\n  title " + b"x" * 1000)
    assert action == "dead" and detail.startswith("422 Unprocessable Entity: bad title xxx")
    assert len(detail) <= 240 and detail.endswith("…")


def test_same_site_redirects_only() -> None:
    def ok(a: str, b: str) -> bool:
        return same_site(httpx.URL(a), httpx.URL(b))

    assert ok("https://h.example/a", "https://h.example/b")
    assert ok("https://h.example/a", "https://H.EXAMPLE:443/b")
    assert ok("http://h.example/a", "https://h.example/a")  # an upgrade
    assert not ok("https://h.example/a", "http://h.example/a")  # a downgrade
    assert not ok("https://h.example/a", "https://h.example:8443/a")
    assert not ok("https://h.example/a", "https://evil.example/a")
    assert not ok("https://h.example/a", "https://h.example.evil.example/a")
