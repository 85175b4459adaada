"""``run_deliveries``, the loop the daemon runs: it sleeps until the stored next attempt."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from feeds.deliver.worker import next_due, run_deliveries
from tests.test_deliver_support import (
    WAIT,
    Receiver,
    add_release,
    build_site,
    configure,
    endpoint,
    ok,
    outbox,
    real_now,
    secrets_env,  # noqa: F401 - a fixture
)


@pytest.mark.usefixtures("secrets_env")
def test_the_loop_wakes_for_new_deliveries_and_at_the_stored_retry_time(site: Path) -> None:
    answers = iter([(503, {"retry-after": "1"}, b"warming up")])
    rx = Receiver(lambda r: next(answers, None) or ok(r))
    try:
        config = configure(site, endpoint("cms", "webhook", rx.url()))
        assert next_due(config) is None

        async def scenario() -> float:
            wake, stop = asyncio.Event(), asyncio.Event()
            loop = asyncio.create_task(run_deliveries(lambda: config, now=real_now, wake=wake,
                                                      stop=stop))
            await asyncio.sleep(0.1)  # it drained nothing and sleeps
            add_release(site, "a.md", "A")
            await asyncio.to_thread(build_site, config)
            woken = time.monotonic()
            wake.set()  # what the daemon does after a build recorded deliveries
            deadline = time.monotonic() + WAIT
            while len(rx.received()) < 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            stop.set()
            await asyncio.wait_for(loop, WAIT)
            return woken

        woken = asyncio.run(scenario())
        first, second = rx.received()
        # Without the wake the loop would look again after IDLE_POLL (60 s): a few
        # seconds' margin keeps the test meaningful on a loaded machine.
        assert first.at - woken < 5.0  # the wake is prompt
        assert 0.95 <= second.at - first.at < 5.0  # and so is the retry, at its stored time
        assert first.headers["webhook-id"] == second.headers["webhook-id"]
        assert outbox(config)[0]["status"] == "done"
    finally:
        rx.close()
