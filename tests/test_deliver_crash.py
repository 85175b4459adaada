"""A drain killed with SIGKILL while receivers hold its requests loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from tests.conftest import REPO
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
    ok,
    outbox,
    secrets_env,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.usefixtures("secrets_env")

DRAIN = (
    "import asyncio, sys\n"
    "from datetime import UTC, datetime\n"
    "from feeds.config import load_config\n"
    "from feeds.deliver.worker import drain\n"
    "asyncio.run(drain(load_config(sys.argv[1]), now=lambda: datetime.now(UTC)))\n"
)


def test_sigkill_mid_drain_loses_nothing_and_repeats_only_with_the_same_id(site: Path) -> None:
    hold = threading.Event()
    seen: dict[str, int] = {}
    lock = threading.Lock()

    def respond(r: Received) -> Reply:
        with lock:
            seen[r.path] = seen.get(r.path, 0) + 1
            third = seen[r.path] == 3
        if third:
            hold.wait(WAIT)  # the third request of each endpoint is held until the kill
        return ok(r)

    receiver = Receiver(respond)
    proc: subprocess.Popen[bytes] | None = None
    log = open(site / "drain.log", "wb")  # noqa: SIM115 - closed below
    try:
        config = configure(site, endpoint("a", "webhook", receiver.url("/a")),
                           endpoint("b", "webhook", receiver.url("/b")))
        for i in range(5):
            add_release(site, f"r{i}.md", f"Release {i}")
        build_site(config)
        rows = outbox(config)
        assert len(rows) == 10
        proc = subprocess.Popen(
            [sys.executable, "-c", DRAIN, str(config.path)], cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL, stderr=log,
        )
        receiver.wait_for(3, "/a")
        receiver.wait_for(3, "/b")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(WAIT) == -signal.SIGKILL
        hold.set()
        status = {r["delivery_id"]: r["status"] for r in outbox(config)}
        assert sorted(status.values()).count("done") == 4  # two per endpoint, marked after their 2xx

        drain_until(config, lambda: all(r["status"] == "done" for r in outbox(config)))
        got = receiver.received()
        hook = Webhook(SECRET)
        bodies: dict[str, bytes] = {}
        for r in got:
            hook.verify(r.body, r.headers)
            wid = r.headers["webhook-id"]
            assert bodies.setdefault(wid, r.body) == r.body  # a repeat is the same event
        ids = [r.headers["webhook-id"] for r in got]
        assert set(ids) == set(status)  # every event arrived
        twice = sorted(i for i in set(ids) if ids.count(i) > 1)
        assert len(twice) == 2 and all(ids.count(i) == 2 for i in twice)  # only the two in flight
        for path in ("/a", "/b"):  # and each endpoint still heard its events in order
            order = [r.headers["webhook-id"] for r in receiver.received(path)]
            expected = [r["delivery_id"] for r in outbox(config) if r["endpoint"] == path[1:]]
            assert list(dict.fromkeys(order)) == expected
    finally:
        hold.set()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(WAIT)
        log.close()
        receiver.close()
