"""Signed webhooks through the outbox, against real HTTP receivers on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from feeds.deliver.store import DeliveryStore
from feeds.deliver.worker import next_due
from tests.test_deliver_support import (
    SECRET,
    WAIT,
    Received,
    Receiver,
    Reply,
    add_release,
    build_site,
    configure,
    drain_until,
    endpoint,
    free_port,
    ok,
    outbox,
    real_now,
    run_drain,
    secrets_env,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.usefixtures("secrets_env")


def verified(requests: list[Received]) -> list[dict[str, object]]:
    """Every request checked by the Standard Webhooks reference library."""
    hook = Webhook(SECRET)
    out = []
    for r in requests:
        event = hook.verify(r.body, r.headers)
        assert event == r.json()
        out.append(event)
    return out


def test_every_event_is_signed_and_verifies(site: Path) -> None:
    receiver = Receiver()
    try:
        _signed_events(site, receiver)
    finally:
        receiver.close()


def _signed_events(site: Path, receiver: Receiver) -> None:
    config = configure(site, endpoint("cms", "webhook", receiver.url()))
    add_release(site, "water.md", "Water for all", tags=["water"], summary="Clean water, now.")
    build_site(config)
    report = run_drain(config)
    assert (report.delivered, report.retrying, report.dead) == (1, 0, 0)
    add_release(site, "water.md", "Water for all, corrected", tags=["water"])
    build_site(config)
    (site / "content" / "water.md").unlink()
    build_site(config)
    run_drain(config)

    got = receiver.wait_for(3)
    events = verified(got)
    assert [e["type"] for e in events] == ["release.published", "release.updated", "release.retracted"]
    rows = outbox(config)
    assert [r["delivery_id"] for r in rows] == [r.headers["webhook-id"] for r in got]
    assert all(r["status"] == "done" and r["attempts"] == 1 for r in rows)
    first = events[0]
    data = first["data"]
    assert isinstance(data, dict)
    assert data["title"] == "Water for all"
    assert data["summary"] == "Clean water, now."
    assert data["tags"] == ["water"]
    assert data["url"] == f"{config.site.url}releases/water.html"
    assert str(data["id"]).startswith("tag:news.example.org,")
    assert str(first["timestamp"]).endswith("Z")
    assert got[0].headers["content-type"] == "application/json"
    retracted = events[2]["data"]
    assert isinstance(retracted, dict)
    assert retracted["id"] == data["id"]
    assert retracted["title"] == "Water for all, corrected"  # the last title it was published under
    # a tampered body does not verify
    with pytest.raises(Exception, match="signature"):
        Webhook(SECRET).verify(got[0].body.replace(b"Water", b"Wine!"), got[0].headers)


def test_503_with_retry_after_twice_then_delivered_on_the_third_attempt(site: Path) -> None:
    answers = iter([(503, {"retry-after": "1"}, b"busy"), (503, {"retry-after": "1"}, b"busy")])

    def respond(r: Received) -> Reply:
        return next(answers, None) or ok(r)

    receiver = Receiver(respond)
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url()))
        add_release(site, "a.md", "Retried release")
        build_site(config)
        before = real_now()
        first = run_drain(config)
        after = real_now()
        assert first.retrying == 1
        assert first.next_attempt_at is not None
        # the next attempt time is stored, not held in a sleeping process
        (row,) = outbox(config)
        assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "503 Service Unavailable: busy")
        assert next_due(config) == first.next_attempt_at
        # Retry-After: 1 counts from the answer, which came between these two instants
        assert before + timedelta(seconds=1) <= first.next_attempt_at <= after + timedelta(seconds=1)
        assert run_drain(config).delivered == 0  # not due yet: nothing is sent early
        assert len(receiver.received()) == 1
        drain_until(config, lambda: outbox(config)[0]["status"] == "done")
        got = receiver.received()
        assert len(got) == 3
        assert len({r.headers["webhook-id"] for r in got}) == 1
        assert got[0].body == got[1].body == got[2].body  # the same event, byte for byte
        verified(got)
        assert got[1].at - got[0].at >= 0.95 and got[2].at - got[1].at >= 0.95  # Retry-After: 1
        (row,) = outbox(config)
        assert (row["attempts"], row["last_error"]) == (3, None)
        assert next_due(config) is None
    finally:
        receiver.close()


def test_retry_after_as_an_http_date_is_honoured(site: Path) -> None:
    # An HTTP date has whole seconds: the instant is made whole here, so the
    # test does not depend on where in the second it runs.
    when = (real_now() + timedelta(seconds=3)).replace(microsecond=0)
    answers = iter([(429, {"retry-after": format_datetime(when, usegmt=True)}, b"slow down")])
    receiver = Receiver(lambda r: next(answers, None) or ok(r))
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url()))
        add_release(site, "a.md", "Rate limited")
        build_site(config)
        report = run_drain(config)
        assert report.next_attempt_at is not None
        # the next attempt is at the instant the receiver named: not before, and not
        # later than the time the drain took to read the answer
        assert when <= report.next_attempt_at <= when + timedelta(seconds=report.seconds + 0.05)
        assert report.next_attempt_at > real_now()
    finally:
        receiver.close()


def test_a_receiver_down_during_one_run_receives_everything_after_the_next(site: Path) -> None:
    port = free_port()
    config = configure(site, endpoint("cms", "webhook", f"http://127.0.0.1:{port}/hook"))
    add_release(site, "one.md", "One")
    build_site(config)
    down = run_drain(config)  # connection refused
    assert (down.delivered, down.retrying) == (0, 1)
    (row,) = outbox(config)
    assert row["status"] == "pending" and "ConnectError" in str(row["last_error"])
    add_release(site, "two.md", "Two")
    build_site(config)
    assert run_drain(config).delivered == 0  # "one" is in backoff, and "two" waits behind it

    receiver = Receiver(port=port)
    try:
        drain_until(config, lambda: all(r["status"] == "done" for r in outbox(config)))
        events = verified(receiver.received())
        titles = [e["data"]["title"] for e in events]  # type: ignore[index]
        assert titles == ["One", "Two"]  # in the order they happened
    finally:
        receiver.close()


def test_order_within_an_endpoint_and_no_waiting_across_endpoints(site: Path) -> None:
    release = threading.Event()
    slow_seen: list[float] = []

    def slow(r: Received) -> Reply:
        slow_seen.append(time.monotonic())
        release.wait(WAIT)
        return ok(r)

    slow_rx, fast_rx = Receiver(slow), Receiver()
    try:
        config = configure(site, endpoint("slow", "webhook", slow_rx.url()),
                           endpoint("fast", "webhook", fast_rx.url()))
        for i in range(5):
            add_release(site, f"r{i}.md", f"Release {i}")
        build_site(config)
        add_release(site, "r0.md", "Release 0, updated")
        build_site(config)
        runner = threading.Thread(target=run_drain, args=(config,))
        runner.start()
        fast = fast_rx.wait_for(6)  # every fast delivery while the slow receiver holds its first
        assert len(slow_rx.received()) == 1  # strictly one at a time for the slow endpoint
        release.set()
        runner.join(WAIT)
        assert not runner.is_alive()
        slow = slow_rx.received()
        order = [r["delivery_id"] for r in outbox(config)]
        assert [r.headers["webhook-id"] for r in fast] == [d for d in order if d in {
            r.headers["webhook-id"] for r in fast}]
        assert [r.headers["webhook-id"] for r in slow] == [d for d in order if d in {
            r.headers["webhook-id"] for r in slow}]
        types = [e["type"] for e in verified(fast)]
        assert types == ["release.published"] * 5 + ["release.updated"]
    finally:
        release.set()
        slow_rx.close()
        fast_rx.close()


def test_a_pending_earlier_delivery_blocks_later_ones_of_the_same_endpoint(site: Path) -> None:
    failing = {"yes": True}

    def respond(r: Received) -> Reply:
        return (500, {}, b"oops") if failing["yes"] else ok(r)

    receiver = Receiver(respond)
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url()))
        add_release(site, "a.md", "First")
        build_site(config)
        run_drain(config)
        add_release(site, "b.md", "Second")
        build_site(config)
        failing["yes"] = False
        run_drain(config)
        assert len(receiver.received()) == 1  # "Second" did not overtake "First"
        drain_until(config, lambda: all(r["status"] == "done" for r in outbox(config)))
        titles = [e["data"]["title"] for e in verified(receiver.received())]  # type: ignore[index]
        assert titles == ["First", "First", "Second"]
    finally:
        receiver.close()


def test_other_4xx_is_dead_with_status_and_excerpt_and_does_not_block(site: Path) -> None:
    def respond(r: Received) -> Reply:
        if b"Broken" in r.body:
            return 422, {}, b'{"error": "field \\"title\\" rejected by the CMS"}' + b" " * 5000 + b"x" * 5000
        return ok(r)

    receiver = Receiver(respond)
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url()))
        add_release(site, "a.md", "Broken one")
        build_site(config)
        add_release(site, "b.md", "Fine one")
        build_site(config)
        report = run_drain(config)
        assert (report.delivered, report.dead) == (1, 1)
        dead, done = outbox(config)
        assert dead["status"] == "dead" and done["status"] == "done"
        error = str(dead["last_error"])
        assert error.startswith('422 Unprocessable Entity: {"error": "field \\"title\\" rejected')
        assert len(error) < 300
        assert report.next_attempt_at is None
    finally:
        receiver.close()


def test_410_disables_the_endpoint_and_the_others_go_on(site: Path) -> None:
    gone, fine = Receiver(lambda r: (410, {}, b"this hook was deleted")), Receiver()
    try:
        config = configure(site, endpoint("old", "webhook", gone.url()),
                           endpoint("new", "webhook", fine.url()))
        add_release(site, "a.md", "A")
        add_release(site, "b.md", "B")
        build_site(config)
        report = run_drain(config)
        assert report.disabled == ["old"]
        assert report.delivered == 2
        assert len(gone.received()) == 1
        assert "disabled" in report.skipped.get("old", "") or "old" in report.disabled
        again = run_drain(config)
        assert "old" in again.skipped and "410 Gone" in again.skipped["old"]
        assert len(gone.received()) == 1  # a disabled endpoint is not posted to
        assert again.next_attempt_at is None  # nor does it wake the daemon
        with DeliveryStore(config.state_path) as store:
            assert "old" in store.disabled()
            assert [j.status for j in store.jobs() if j.endpoint == "old"] == ["pending", "pending"]
    finally:
        gone.close()
        fine.close()


def test_max_attempts_makes_a_delivery_dead_and_it_stays_visible(site: Path) -> None:
    receiver = Receiver(lambda r: (503, {"retry-after": "0"}, b"down"))
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url(), max_attempts=3))
        add_release(site, "a.md", "A")
        build_site(config)
        drain_until(config, lambda: outbox(config)[0]["status"] == "dead")
        (row,) = outbox(config)
        assert row["attempts"] == 3
        assert str(row["last_error"]).startswith("gave up after 3 attempts: 503 Service Unavailable")
        assert len(receiver.received()) == 3
    finally:
        receiver.close()


def test_max_age_makes_a_delivery_dead(site: Path) -> None:
    receiver = Receiver()
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url(), max_age="1h"))
        add_release(site, "a.md", "A")
        build_site(config, now=real_now() - timedelta(hours=2))
        report = run_drain(config)
        assert (report.delivered, report.dead) == (0, 1)
        assert str(outbox(config)[0]["last_error"]).startswith("expired: not delivered within max_age")
        assert receiver.received() == []
    finally:
        receiver.close()


def test_redirects_only_within_the_same_host(site: Path) -> None:
    other = Receiver()

    def respond(r: Received) -> Reply:
        if r.path == "/moved":
            return 308, {"location": "/hook"}, b""
        if r.path == "/away":
            return 307, {"location": other.url("/stolen")}, b""
        return ok(r)

    receiver = Receiver(respond)
    try:
        config = configure(site, endpoint("moved", "webhook", receiver.url("/moved")),
                           endpoint("away", "webhook", receiver.url("/away")))
        add_release(site, "a.md", "A")
        build_site(config)
        report = run_drain(config)
        assert (report.delivered, report.dead) == (1, 1)
        assert [r.path for r in receiver.received("/hook")] == ["/hook"]
        verified(receiver.received("/hook"))
        assert other.received() == []
        dead = next(r for r in outbox(config) if r["endpoint"] == "away")
        assert "redirect to http://127.0.0.1:" in str(dead["last_error"])
        assert "refused" in str(dead["last_error"])
    finally:
        receiver.close()
        other.close()


def test_a_timeout_is_retried_with_the_same_id(site: Path) -> None:
    import httpx

    first = threading.Event()

    def respond(r: Received) -> Reply:
        if not first.is_set():
            first.set()
            time.sleep(0.6)  # longer than the client's read timeout below
        return ok(r)

    receiver = Receiver(respond)
    try:
        config = configure(site, endpoint("cms", "webhook", receiver.url()))
        add_release(site, "a.md", "A")
        build_site(config)

        async def go() -> None:
            from feeds.deliver.worker import drain

            async with httpx.AsyncClient(timeout=0.3) as client:
                report = await drain(config, now=real_now, client=client)
                assert report.retrying == 1

        import asyncio

        asyncio.run(go())
        assert "timed out" in str(outbox(config)[0]["last_error"])
        drain_until(config, lambda: outbox(config)[0]["status"] == "done")
        ids = {r.headers["webhook-id"] for r in receiver.received()}
        assert len(receiver.received()) == 2 and len(ids) == 1
    finally:
        receiver.close()
