"""Outbox throughput against a bare httpx loop, in the same run.

    python bench/deliveries.py [--deliveries 1000] [--endpoints 10] [--rounds 7]

A fast local receiver (a minimal asyncio HTTP/1.1 server in a subprocess, answering
``200 ok`` to every POST) takes:

- baseline: a bare ``httpx.AsyncClient`` loop posting the same webhook bodies, one task per
  endpoint (the same concurrency the outbox uses: one request in flight per endpoint);
- feeds: ``feeds.deliver.drain`` over the same number of stored deliveries, which also
  signs each one (Standard Webhooks), reads it from and marks it done in SQLite.

Rounds alternate (and alternate which goes first); the median rate of each is printed
with their ratio (aim: >= 0.8), and the CPU time each spends per delivery in this process,
which a busy machine disturbs less than the wall-clock rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


# -- the receiver (runs in its own process) ---------------------------------------------


class _Http(asyncio.Protocol):
    """Just enough HTTP/1.1 for keep-alive POSTs with Content-Length."""

    count = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            _Http.count += 1
            self.transport.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
                                 b"content-length: 2\r\n\r\nok")


def serve(port_file: str) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(_Http, "127.0.0.1", 0, backlog=1024)
        port = server.sockets[0].getsockname()[1]
        Path(port_file).write_text(str(port))
        await server.serve_forever()

    asyncio.run(main())


def start_receiver(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    port_file = folder / "port"
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if port_file.exists() and port_file.read_text():
            port = int(port_file.read_text())
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return proc, port
        time.sleep(0.02)
    proc.kill()
    raise SystemExit("the receiver did not start")


# -- the two contenders -----------------------------------------------------------------


def make_site(folder: Path, port: int, endpoints: int, deliveries: int):  # type: ignore[no-untyped-def]
    from feeds.config import load_config
    from feeds.outbox import Delivery
    from feeds.store import SQLiteStore

    lines = ["[site]", 'title = "Bench Newsroom"', 'url = "https://news.example.org/"',
             "[state]", 'path = "state/feeds.db"']
    for e in range(endpoints):
        lines += ["[[endpoint]]", f'name = "e{e}"', 'kind = "webhook"',
                  f'url = "http://127.0.0.1:{port}/hooks/e{e}"', "allow_insecure = true",
                  'secret_env = "BENCH_WEBHOOK_SECRET"']
    (folder / "config.toml").write_text("\n".join(lines) + "\n")
    config = load_config(folder / "config.toml")
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    rows = []
    for i in range(deliveries):
        rid = f"tag:news.example.org,2026:release-{i // endpoints}"
        payload = json.dumps({
            "id": rid, "path": f"release-{i // endpoints}.md",
            "url": f"https://news.example.org/releases/release-{i // endpoints}.html",
            "title": f"Release number {i // endpoints} on water and migration",
            "summary": "A three-year programme to bring safe drinking water to two hundred "
                       "thousand people in drought-affected communities. " * 3,
            "language": "en", "date": at.isoformat(), "updated": None, "dateline": "Geneva",
            "tags": ["water", "migration"], "image": None,
            "contacts": [{"name": "Layla Haddad", "email": "press@example.org"}],
        }, sort_keys=True)
        rows.append(Delivery(f"msg_{i:032x}", f"e{i % endpoints}", "published", rid, at, payload))
    with SQLiteStore(config.state_path) as store:
        store.record_plan([], [], rows)
    return config


def reset(config) -> None:  # type: ignore[no-untyped-def]
    db = sqlite3.connect(config.state_path)
    with db:
        db.execute("UPDATE outbox SET status = 'pending', attempts = 0, done_at = NULL,"
                   " last_error = NULL, next_attempt_at = created_at")
    db.close()


def bodies(config) -> dict[str, list[tuple[str, bytes, dict[str, str]]]]:  # type: ignore[no-untyped-def]
    """What the outbox sends, rendered ahead: the baseline posts exactly these."""
    from feeds.deliver import webhook
    from feeds.deliver.message import Context
    from feeds.deliver.store import DeliveryStore

    by_endpoint: dict[str, list[tuple[str, bytes, dict[str, str]]]] = {}
    endpoints = {e.name: e for e in config.endpoints}
    with DeliveryStore(config.state_path) as store:
        for job in store.jobs("pending"):
            context = Context(config.site.title, config.site.url, datetime.now(UTC), SECRET)
            out = webhook.render(endpoints[job.endpoint], job, context)
            by_endpoint.setdefault(job.endpoint, []).append((out.url, out.body, out.headers))
    return by_endpoint


async def baseline(work: dict[str, list[tuple[str, bytes, dict[str, str]]]]) -> float:
    from feeds.deliver.worker import create_client

    async with create_client() as client:
        async def lane(items: list[tuple[str, bytes, dict[str, str]]]) -> None:
            for url, body, headers in items:
                response = await client.post(url, content=body, headers=headers)
                assert response.status_code == 200

        start = time.perf_counter()
        await asyncio.gather(*(lane(items) for items in work.values()))
        return time.perf_counter() - start


async def outbox(config, expected: int) -> float:  # type: ignore[no-untyped-def]
    from feeds.deliver.worker import create_client, drain

    async with create_client() as client:
        start = time.perf_counter()
        report = await drain(config, now=lambda: datetime.now(UTC), client=client)
        seconds = time.perf_counter() - start
    assert report.delivered == expected, report
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--serve", metavar="PORT_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    os.environ["BENCH_WEBHOOK_SECRET"] = SECRET
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, port = start_receiver(folder)
        try:
            config = make_site(folder, port, args.endpoints, args.deliveries)
            work = bodies(config)
            rates: dict[str, list[float]] = {"baseline": [], "feeds": []}
            cpu: dict[str, list[float]] = {"baseline": [], "feeds": []}

            def measure(name: str) -> None:
                started = time.process_time()
                if name == "baseline":
                    seconds = asyncio.run(baseline(work))
                else:
                    reset(config)
                    seconds = asyncio.run(outbox(config, args.deliveries))
                rates[name].append(args.deliveries / seconds)
                cpu[name].append((time.process_time() - started) / args.deliveries * 1e6)

            for i in range(args.rounds):  # interleaved, each going first in turn: a busy
                order = ("baseline", "feeds") if i % 2 == 0 else ("feeds", "baseline")
                for name in order:  # machine slows both alike
                    measure(name)
        finally:
            proc.terminate()
            proc.wait(10)
    base, ours = statistics.median(rates["baseline"]), statistics.median(rates["feeds"])
    ratios = [f / b for f, b in zip(rates["feeds"], rates["baseline"], strict=True)]
    print(f"{args.deliveries} deliveries over {args.endpoints} endpoints (one request in flight "
          f"per endpoint), {args.rounds} interleaved rounds, to a local asyncio HTTP/1.1 receiver")
    for name, label in (("baseline", "baseline (bare httpx.AsyncClient loop) "),
                        ("feeds", "feeds outbox (drain: SQLite, sign, post)")):
        print(f"  {label}: {statistics.median(rates[name]):6.0f} deliveries/s median "
              f"(rounds: {', '.join(f'{r:.0f}' for r in rates[name])}); "
              f"{statistics.median(cpu[name]):5.0f} µs CPU per delivery in this process")
    print(f"  ratio of medians: {ours / base:.2f}; median of per-round ratios: "
          f"{statistics.median(ratios):.2f} (aim >= 0.8)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
