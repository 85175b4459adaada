"""Shared by the delivery tests: a real HTTP receiver on 127.0.0.1 in a thread, test sites.

(Named ``test_*`` so that it sits among the files the delivery work owns; it holds one
test of the receiver itself.)
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from feeds.build import BuildReport, build
from feeds.config import Config, load_config
from feeds.deliver.worker import DrainReport, drain
from feeds.store import SQLiteStore
from tests.conftest import write_config

SECRET = "whsec_" + base64.b64encode(b"feeds-test-secret-0123456789abcd").decode()
TOKEN = "mastodon-test-token"
WAIT = 10.0  # seconds: the bound on every wait in these tests


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float  # time.monotonic()

    def json(self) -> object:
        return json.loads(self.body)


Reply = tuple[int, dict[str, str], bytes]
Responder = Callable[[Received], Reply]


def ok(_: Received) -> Reply:
    return 200, {"content-type": "application/json"}, b'{"ok":true}'


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that went away (killed, timed out) while a request was held


class Receiver:
    """A real HTTP/1.1 server in a thread; ``respond`` decides each answer.

    Every request is recorded when it arrives, before ``respond`` runs, so a request a
    slow responder holds counts as received."""

    def __init__(self, respond: Responder = ok, port: int = 0) -> None:
        self.respond = respond
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                got = Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()},
                               body, time.monotonic())
                with receiver._lock:
                    receiver.requests.append(got)
                status, headers, reply = receiver.respond(got)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = WAIT) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received(path)
            if len(got) >= count:
                return got
            time.sleep(0.01)
        raise AssertionError(f"{len(self.received(path))} requests after {timeout} s, wanted {count}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- sites ---------------------------------------------------------------------------------


def endpoint(name: str, kind: str, url: str, **extra: object) -> str:
    lines = ["[[endpoint]]", f'name = "{name}"', f'kind = "{kind}"', f'url = "{url}"',
             "allow_insecure = true"]
    if kind == "webhook" and "secret_env" not in extra:
        extra["secret_env"] = "FEEDS_TEST_HOOK_SECRET"
    if kind == "mastodon" and "token_env" not in extra:
        extra["token_env"] = "FEEDS_TEST_MASTODON_TOKEN"
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def configure(site: Path, *endpoints: str) -> Config:
    write_config(site, extra="\n".join(endpoints))
    return load_config(site / "config.toml")


def add_release(site: Path, name: str, title: str, body: str = "Bern – A short release.",
                **front: object) -> Path:
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()]
    path = site / "content" / name
    path.write_text("\n".join([*lines, "---", "", body, ""]), encoding="utf-8")
    return path


def real_now() -> datetime:
    return datetime.now(UTC)


def build_site(config: Config, now: datetime | None = None) -> BuildReport:
    with SQLiteStore(config.state_path) as store:
        return build(config, store, now=now or real_now())


def run_drain(config: Config, now: Callable[[], datetime] = real_now,
              client: httpx.AsyncClient | None = None) -> DrainReport:
    return asyncio.run(drain(config, now=now, client=client))


def drain_until(config: Config, done: Callable[[], bool], timeout: float = WAIT) -> list[DrainReport]:
    """Drain as the daemon would: again at each reported next attempt, until ``done()``."""
    deadline = time.monotonic() + timeout
    reports = []
    while True:
        report = run_drain(config)
        reports.append(report)
        if done():
            return reports
        if time.monotonic() > deadline:
            raise AssertionError(f"not done after {timeout} s; {len(reports)} drains, the last: {report}")
        wait = 0.05
        if report.next_attempt_at is not None:
            wait = max(wait, (report.next_attempt_at - real_now()).total_seconds())
        time.sleep(min(wait, max(deadline - time.monotonic(), 0) + 0.05))


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDS_TEST_HOOK_SECRET", SECRET)
    monkeypatch.setenv("FEEDS_TEST_MASTODON_TOKEN", TOKEN)


def outbox(config: Config) -> list[dict[str, object]]:
    import sqlite3

    db = sqlite3.connect(config.state_path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM outbox ORDER BY seq")]
    finally:
        db.close()


def test_the_receiver_records_and_answers(receiver: Receiver) -> None:
    response = httpx.post(receiver.url("/x"), content=b"hello", headers={"x-test": "1"})
    assert response.status_code == 200
    (got,) = receiver.wait_for(1)
    assert (got.path, got.body, got.headers["x-test"]) == ("/x", b"hello", "1")
