"""Email digests against a real SMTP server (aiosmtpd on 127.0.0.1, in a thread).

Each test builds a small site, publishes its releases with ``feeds.build.build``, adds
subscribers and sends through ``feeds.digest.service`` (or ``python -m feeds`` where a
separate process matters: the SIGKILL tests, the dead server).
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from aiosmtpd.controller import Controller

from feeds.build import build
from feeds.config import Config, load_config
from feeds.digest import service
from feeds.digest.errors import SmtpUnavailable
from feeds.digest.send import SendPolicy
from feeds.digest.store import DigestStore
from feeds.digest.subscribers import parse_address
from feeds.digest.tokens import unsubscribe_secret, verify_token
from feeds.store import SQLiteStore
from tests.conftest import REPO, write_config

NOW = datetime(2026, 11, 2, 8, tzinfo=UTC)
RELEASES = ("bayan-ar.md", "markdown-yaml-event.md", "communique-fr.txt")
FAST = SendPolicy(retry_delays=(0.05, 0.1, 0.2), connect_attempts=2, connect_delay=0.05)
WAIT = 30.0  # seconds: the bound on every wait in this file


# -- a real SMTP server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """An aiosmtpd handler that keeps every message it accepts.

    ``rcpt_reply(address) -> str | None`` may answer RCPT instead (e.g. "451 ..."); ``delay``
    makes DATA slow (the message is kept only after the delay, when the server answers 250:
    a server that is still working when the client vanishes keeps nothing); ``gate`` (an
    asyncio.Event in the server's loop), when cleared, holds DATA replies back.
    """

    def __init__(self) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        self.rcpt_reply: Callable[[str], str | None] | None = None
        self.data_reply: Callable[[list[str]], str | None] | None = None
        self.delay = 0.0
        self.gate: asyncio.Event | None = None
        self.waiting = 0  # DATA handlers held at the gate
        self.loop: asyncio.AbstractEventLoop | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.rcpt_reply is not None:
            reply = self.rcpt_reply(address)
            if reply is not None:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.loop = asyncio.get_running_loop()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.gate is not None and not self.gate.is_set():
            self.waiting += 1
            try:
                await self.gate.wait()
            finally:
                self.waiting -= 1
        if self.data_reply is not None:
            reply = self.data_reply(envelope.rcpt_tos)
            if reply is not None:
                return reply
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt, envelope.original_content))
        return "250 Message accepted"

    def count(self) -> Counter[str]:
        with self.lock:
            return Counter(rcpt.lower() for rcpt, _ in self.messages)

    def parsed(self) -> list[EmailMessage]:
        with self.lock:
            return [email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
                    for _, data in self.messages]

    def wait_for(self, n: int, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while sum(self.count().values()) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server got {sum(self.count().values())} of {n} messages")
            time.sleep(0.01)


@contextlib.contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = port or free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    with smtp_server() as server:
        yield server


# -- a site with published releases ---------------------------------------------------------


def make_site(root: Path, *, port: int = 9, transport: str = "smtp", digest: str = "",
              email_extra: str = "", releases: tuple[str, ...] = RELEASES,
              concurrency: int = 4) -> Config:
    (root / "content").mkdir(parents=True, exist_ok=True)
    for name in releases:
        shutil.copy(REPO / "content" / name, root / "content" / name)
    extra = f"""
[email]
from = "Newsroom <news@example.org>"
transport = "{transport}"
maildir = "mail"
unsubscribe_secret_env = "FEEDS_TEST_DIGEST_SECRET"
{email_extra}
[email.smtp]
host = "127.0.0.1"
port = {port}
concurrency = {concurrency}
timeout = "10s"
[[digest]]
name = "daily"
cron = "0 8 * * mon-fri"
timezone = "Europe/Istanbul"
{digest}
"""
    write_config(root, extra)
    config = load_config(root / "config.toml")
    publish(config)
    return config


def publish(config: Config, now: datetime = NOW) -> None:
    with SQLiteStore(config.state_path) as store:
        build(config, store, now=now)


def subscribe(config: Config, addresses: list[str], digests: tuple[str, ...] = ("daily",)) -> None:
    with DigestStore(config.state_path) as store:
        store.upsert(((parse_address(a), "active", digests) for a in addresses), NOW)


def people(n: int) -> list[str]:
    return [f"person{i:03d}@example.org" for i in range(n)]


def run_cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feeds", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=_env())


def cli(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``feeds ARGS --config SITE/config.toml`` in this process (fast), as run_cli would."""
    from feeds.cli import main

    out, err = io.StringIO(), io.StringIO()
    with mock.patch("feeds.cli.setup_logging"), redirect_stdout(out), redirect_stderr(err):
        code = main([*args, "--config", str(site / "config.toml")])
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("FEEDS_TEST_DIGEST_SECRET", None)
    env["PYTHONPATH"] = str(REPO)
    return env


def send_counts(config: Config, number: int = 1) -> dict[str, int]:
    with DigestStore(config.state_path) as store:
        summary = next(s for s in store.summaries("daily") if s.number == number)
        return summary.counts


# -- the tests -------------------------------------------------------------------------------


def test_200_subscribers_each_get_one_message_per_issue(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(200))

    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert (run.created, run.releases, run.sent, run.failed, run.complete) == (1, 3, 200, 0, True)
    assert sink.count() == Counter({a: 1 for a in people(200)})

    again = service.send_now(config, "daily", NOW + timedelta(hours=1), policy=FAST)
    assert again.skipped_empty and again.sent == 0  # nothing new: no issue 2, nothing sent
    assert sum(sink.count().values()) == 200
    assert send_counts(config)["sent"] == 200

    # A new release: issue 2 holds only it, and everyone gets it once more.
    shutil.copy(REPO / "content" / "markdown-toml-update.md", tmp_path / "content")
    publish(config, NOW + timedelta(days=1))
    run = service.run_digest(config, "daily", NOW + timedelta(days=1), policy=FAST)
    assert (run.created, run.releases, run.sent) == (2, 1, 200)
    assert sink.count() == Counter({a: 2 for a in people(200)})
    second = [m for m in sink.parsed() if ".2." in m["Message-ID"]]
    assert len(second) == 200 and all("1 new releases" in m["Subject"] for m in second)


def test_every_message_is_multipart_alternative_with_the_list_headers(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, ["Ann.Lee@Example.ORG", "bob@example.org"])
    service.send_now(config, "daily", NOW, policy=FAST)
    messages = sink.parsed()
    assert len(messages) == 2
    secret = unsubscribe_secret(config)
    ids = set()
    for m in messages:
        assert m.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in m.iter_parts()] == ["text/plain", "text/html"]
        for header in ("From", "To", "Subject", "Date", "Message-ID", "List-Id",
                       "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted"):
            assert m[header], header
        assert m["From"] == "Newsroom <news@example.org>"
        assert m["Subject"] == "Test Newsroom: 3 new releases"
        assert m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert m["Auto-Submitted"] == "auto-generated"
        assert m["List-Id"].endswith("<daily.news.example.org>")
        assert email.utils.parsedate_to_datetime(m["Date"]) is not None
        mid = m["Message-ID"]
        assert mid.startswith("<daily.1.") and mid.endswith("@example.org>") and len(mid) < 48
        ids.add(mid)

        https, mailto = (u.strip().strip("<>") for u in m["List-Unsubscribe"].split(","))
        assert https.startswith("https://news.example.org/unsubscribe/")
        assert mailto == "mailto:news@example.org?subject=unsubscribe"
        token = https.rsplit("/", 1)[1]
        to = m["To"].addresses[0].addr_spec
        assert verify_token(token, secret) == (to, "daily")
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        assert verify_token(tampered, secret) is None
        other = verify_token(token.replace(token.split(".")[0], token.split(".")[0][::-1]), secret)
        assert other is None
        assert verify_token(token, b"another secret") is None

        text = m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = m.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert https in text and https in html  # the visible link is the recipient's own
        assert "https://news.example.org/digests/daily/1.html" in text + html
        assert '<meta name="color-scheme" content="light dark">' in html
        assert 'class="preheader"' in html and "display: none" in html
        assert "<!--[if mso]>" in html and 'width="600"' in html
        assert "@media (max-width: 620px)" in html and "prefers-color-scheme: dark" in html
        assert 'lang="ar" dir="rtl" align="right"' in html and "text-align: right" in html
        assert 'src="https://example.org/img/x.jpg" alt="Engineers inspect' in html
        assert 'style="' in html and "<style>\n  body" not in html  # CSS inlined
    assert {m["To"].addresses[0].addr_spec for m in messages} == {"Ann.Lee@example.org",
                                                                   "bob@example.org"}
    assert len(ids) == 2


def test_451_to_some_recipients_are_sent_on_retry(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(40))
    refused: Counter[str] = Counter()

    def greylist(address: str) -> str | None:
        if address.endswith(("3@example.org", "7@example.org")) and refused[address] < 2:
            refused[address] += 1
            return "451 4.7.1 Greylisted, try again later"
        return None

    def busy(rcpts: list[str]) -> str | None:  # a 4xx after the message was transferred
        if rcpts[0].endswith("5@example.org") and refused[rcpts[0]] < 1:
            refused[rcpts[0]] += 1
            return "451 4.3.0 Temporary failure, try again"
        return None

    sink.rcpt_reply = greylist
    sink.data_reply = busy
    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert len(refused) == 12 and sum(refused.values()) == 20
    assert (run.sent, run.deferred, run.failed, run.complete) == (40, 0, 0, True)
    assert sink.count() == Counter({a: 1 for a in people(40)})


def test_a_recipient_still_refused_waits_for_the_next_run(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(10))
    sink.rcpt_reply = lambda a: "452 4.2.2 Mailbox full" if a == "person004@example.org" else None
    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert (run.sent, run.deferred, run.complete) == (9, 1, False)
    assert service.unfinished_issues(config) == ["daily"]
    # The daemon's resume honours next_attempt_at; nothing is due a minute later.
    early = service.resume_digest(config, "daily", NOW + timedelta(minutes=1), policy=FAST)
    assert early.sent == 0 and not early.complete
    sink.rcpt_reply = None
    later = service.resume_digest(config, "daily", datetime.now(UTC) + timedelta(hours=1),
                                  policy=FAST)
    assert (later.sent, later.complete) == (1, True)
    assert sink.count() == Counter({a: 1 for a in people(10)})
    assert service.unfinished_issues(config) == []


def test_a_5xx_fails_one_recipient_and_three_make_it_bounced(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port, digest="skip_empty = false")
    subscribe(config, people(5))
    sink.rcpt_reply = lambda a: "550 5.1.1 No such user" if a == "person002@example.org" else None
    for day in range(4):
        run = service.run_digest(config, "daily", NOW + timedelta(days=day), policy=FAST)
        assert run.complete
        assert (run.sent, run.failed) == ((4, 1) if day < 3 else (4, 0))
    with DigestStore(config.state_path) as store:
        status = {s.address: s.status for s in store.subscribers()}
    assert status["person002@example.org"] == "bounced"
    assert sink.count()["person002@example.org"] == 0
    assert all(sink.count()[a] == 4 for a in people(5) if a != "person002@example.org")


def test_a_dead_server_is_an_error_naming_it_and_the_issue_resumes(tmp_path: Path) -> None:
    port = free_port()
    config = make_site(tmp_path, port=port)
    subscribe(config, people(30))
    with pytest.raises(SmtpUnavailable, match=f"127.0.0.1:{port}"):
        service.send_now(config, "daily", NOW, policy=FAST)
    result = run_cli("digest", "daily", "--send", cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("feeds: error:")]
    assert len(errors) == 1 and f"127.0.0.1:{port}: cannot reach" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert send_counts(config)["pending"] == 30

    # The next scheduled run still makes its issue, though it cannot send it either.
    shutil.copy(REPO / "content" / "markdown-toml-update.md", tmp_path / "content")
    publish(config, NOW + timedelta(days=1))
    with pytest.raises(SmtpUnavailable):
        service.run_digest(config, "daily", NOW + timedelta(days=1), policy=FAST)
    with DigestStore(config.state_path) as store:
        assert [i.number for i in store.unfinished("daily")] == [1, 2]

    with smtp_server(port) as (sink, _):  # the server is back: both issues go out, once
        run = service.resume_digest(config, "daily", NOW + timedelta(days=1), policy=FAST)
        assert (run.created, run.issues, run.sent, run.complete) == (None, [1, 2], 60, True)
        assert sink.count() == Counter({a: 2 for a in people(30)})


def test_sigkill_while_the_server_works_then_resume_sends_each_once(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    """The sender dies while the server is still working on the messages in flight: the
    server keeps none of them, and the next run sends exactly those (and the rest) again."""
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(200))
    sink.delay = 0.02
    proc = subprocess.Popen([sys.executable, "-m", "feeds", "digest", "daily", "--send"],
                            cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        sink.wait_for(60)
        # Hold every DATA reply from here on, wait until the four connections are held,
        # then kill: no message is half accepted at the moment of the kill.
        assert sink.loop is not None
        gate = asyncio.Event()
        sink.loop.call_soon_threadsafe(lambda: setattr(sink, "gate", gate))
        deadline = time.monotonic() + WAIT
        while sink.waiting < 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sink.waiting == 4
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=WAIT)
    sink.delay = 0
    sink.loop.call_soon_threadsafe(gate.set)
    sink.gate = None
    got = sum(sink.count().values())
    assert 60 <= got < 200
    with DigestStore(config.state_path) as store:
        issue = store.unfinished("daily")[0]
        counts = store.counts(issue.id)
    assert counts["sending"] == 4  # the four in flight when it died
    assert counts["sent"] == got

    result = run_cli("digest", "daily", "--send", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "resumed issue 1" in result.stdout
    assert sink.count() == Counter({a: 1 for a in people(200)})
    assert send_counts(config)["sent"] == 200


def test_sigkill_at_any_moment_then_resume_gives_each_recipient_the_message_once(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    """Killed at an arbitrary moment, twice. Each recipient gets the issue; the only copy
    that can be doubled is one the server accepted in the instant before the sender could
    record it, and it carries the same Message-ID (see feeds.digest.send)."""
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(200))
    sink.delay = 0.01
    for stop_after in (50, 120):
        proc = subprocess.Popen([sys.executable, "-m", "feeds", "digest", "daily", "--send"],
                                cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            sink.wait_for(stop_after)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=WAIT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=WAIT)
    sink.delay = 0
    result = run_cli("digest", "daily", "--send", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    by_id: dict[str, set[str]] = {}
    for m in sink.parsed():
        by_id.setdefault(m["To"].addresses[0].addr_spec, set()).add(m["Message-ID"])
    assert sorted(by_id) == people(200)
    assert all(len(ids) == 1 for ids in by_id.values())  # one message per person
    raw = sink.count()
    assert sum(raw.values()) - 200 <= 2 * 4  # at most one per connection in flight per kill
    assert send_counts(config)["sent"] == 200


def test_unsubscribed_and_bounced_addresses_receive_nothing_even_when_imported_again(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(6))
    assert cli(tmp_path, "subscribers", "remove", "person001@example.org").returncode == 0
    with DigestStore(config.state_path) as store:
        assert store.unsubscribe("PERSON002@example.org", "daily", NOW)  # the one-click link
        store.db.execute("UPDATE digest_subscribers SET status = 'bounced'"
                         " WHERE address = 'person003@example.org'")
    csv = tmp_path / "again.csv"
    csv.write_text("email\nperson001@example.org\nPerson002@Example.org\nperson003@example.org\n")
    result = cli(tmp_path, "subscribers", "import", str(csv))
    assert result.returncode == 0, result.stderr
    assert "person001@example.org: unsubscribed, not re-added" in result.stdout
    service.send_now(config, "daily", NOW, policy=FAST)
    assert set(sink.count()) == {"person000@example.org", "person004@example.org",
                                 "person005@example.org"}
    # Only the person's own confirmed request (the web front's double opt-in) brings them back.
    with DigestStore(config.state_path) as store:
        store.confirm(parse_address("person002@example.org"), ["daily"], NOW)
    shutil.copy(REPO / "content" / "markdown-toml-update.md", tmp_path / "content")
    publish(config, NOW + timedelta(days=1))
    service.send_now(config, "daily", NOW + timedelta(days=1), policy=FAST)
    assert sink.count()["person002@example.org"] == 1 and "person001@example.org" not in sink.count()


def test_someone_who_unsubscribes_mid_issue_is_skipped(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(4))
    sink.rcpt_reply = lambda a: "451 try later" if a == "person001@example.org" else None
    run = service.send_now(config, "daily", NOW, policy=SendPolicy(retry_delays=()))
    assert (run.sent, run.deferred) == (3, 1)
    with DigestStore(config.state_path) as store:
        store.unsubscribe("person001@example.org", None, NOW)
    sink.rcpt_reply = None
    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert (run.sent, run.counts.skipped, run.complete) == (0, 1, True)
    assert "person001@example.org" not in sink.count()


def test_a_record_left_sending_is_sent_again_with_the_same_message_id(
    tmp_path: Path, smtp: tuple[Sink, int],
) -> None:
    """The choice documented in feeds.digest.send: SMTP cannot tell whether a message in
    flight when the sender died arrived, so it is sent again, as the same message."""
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(3))
    service.send_now(config, "daily", NOW, policy=FAST)
    with DigestStore(config.state_path) as store:
        issue_id = store.summaries("daily")[0].id
        store.db.execute("UPDATE digest_sends SET status = 'sending' WHERE issue_id = ?"
                         " AND subscriber_id = 2", (issue_id,))
        store.db.execute("UPDATE digest_issues SET status = 'sending' WHERE id = ?", (issue_id,))
    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert (run.sent, run.counts.uncertain, run.complete) == (1, 1, True)
    copies = [m for m in sink.parsed() if m["To"].addresses[0].addr_spec == "person001@example.org"]
    assert len(copies) == 2 and copies[0]["Message-ID"] == copies[1]["Message-ID"]
    assert send_counts(config)["uncertain"] == 1


def test_the_issue_is_rendered_once_not_per_recipient(
    tmp_path: Path, smtp: tuple[Sink, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from feeds.digest import render

    sink, port = smtp
    config = make_site(tmp_path, port=port)
    subscribe(config, people(50))
    calls = []
    original = render.Renderer.render

    def counting(self: render.Renderer, *args: Any, **kwargs: Any) -> render.Rendered:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(render.Renderer, "render", counting)
    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert run.sent == 50 and len(calls) == 1
    bodies = {m.get_body(("html",)).get_content().split("/unsubscribe/")[0]  # type: ignore[union-attr]
              for m in sink.parsed()}
    assert len(bodies) == 1  # the same body up to the recipient's own link


def test_rate_limit(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    config = make_site(tmp_path, port=port)
    text = (tmp_path / "config.toml").read_text().replace("concurrency = 4", "concurrency = 2\nrate = 40")
    (tmp_path / "config.toml").write_text(text)
    config = load_config(tmp_path / "config.toml")
    subscribe(config, people(21))
    start = time.monotonic()
    run = service.send_now(config, "daily", NOW, policy=FAST)
    assert run.sent == 21 and sum(sink.count().values()) == 21
    assert time.monotonic() - start >= 0.45  # 21 messages at 40/s: at least 0.5 s less one slot


def test_dkim_signature_covers_the_list_headers_and_verifies(
    tmp_path: Path, smtp: tuple[Sink, int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import base64

    import dkim

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test key")
    key = subprocess.run([openssl, "genrsa", "2048"], capture_output=True, check=True,
                         timeout=WAIT).stdout
    public = subprocess.run([openssl, "rsa", "-pubout", "-outform", "DER"], input=key,
                            capture_output=True, check=True, timeout=WAIT).stdout
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    monkeypatch.setenv("FEEDS_TEST_DKIM_KEY", key.decode())
    sink, port = smtp
    config = make_site(tmp_path, port=port, email_extra='dkim_key_env = "FEEDS_TEST_DKIM_KEY"\n'
                       'dkim_selector = "news2026"')
    subscribe(config, people(3))
    assert service.send_now(config, "daily", NOW, policy=FAST).sent == 3
    for _, raw in sink.messages:
        assert raw.startswith(b"DKIM-Signature:")
        signature = email.message_from_bytes(raw)["DKIM-Signature"]
        signed = {h.strip().lower() for h in signature.split("h=")[1].split(";")[0].split(":")}
        assert {"from", "to", "subject", "list-id", "list-unsubscribe",
                "list-unsubscribe-post"} <= signed
        assert "d=example.org" in signature and "s=news2026" in signature

        def dns(name: bytes, timeout: int = 5) -> bytes:
            assert name == b"news2026._domainkey.example.org."
            return record

        assert dkim.verify(raw, dnsfunc=dns)
        assert not dkim.verify(raw.replace(b"unsubscribe/", b"unsubscribe/x"), dnsfunc=dns)
