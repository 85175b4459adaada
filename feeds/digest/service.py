"""What the CLI and the daemon call: make the next issue, send it, resume it, preview it.

Every function here blocks (the SMTP work runs in an event loop of its own, via
``asyncio.run``): the daemon calls them from a worker thread, e.g.
``await asyncio.to_thread(run_digest, config, name, now)``.

- ``run_digest``: the cron job. Resumes unfinished issues of the digest, then makes the next
  issue (skipped when it would be empty and ``skip_empty`` is set) and sends it.
- ``resume_digest``: only resumes (at start-up, and now and then for deferred recipients).
- ``unfinished_issues``: digests with an issue not fully sent, for the daemon's start-up.
- ``send_now``: ``feeds digest NAME --send``: resume the unfinished issue, else make the next.

An issue is made, with its releases and its rendered bodies fixed and a send record for
each recipient, in one transaction before anything is sent; see ``feeds.digest.send`` for
what happens to those records, and why a recipient gets an issue once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

from feeds.config import Config, Digest
from feeds.digest.errors import DigestBusy, DigestError, SmtpUnavailable, TransportError
from feeds.digest.message import SIGNED_HEADERS, DkimKey, Letter, MessageFactory, dkim_key
from feeds.digest.render import Renderer, select_releases, web_path
from feeds.digest.send import (
    Deferred,
    Fatal,
    IssueSender,
    Lost,
    Refused,
    SendCounts,
    SendPolicy,
    Signer,
    Transport,
    make_transport,
)
from feeds.digest.store import DigestStore, Issue, IssueSummary, SendRecord
from feeds.digest.subscribers import parse_address
from feeds.digest.tokens import unsubscribe_secret
from feeds.locks import PidLock
from feeds.writer import atomic_write, fs_path

log = logging.getLogger("feeds.digest")
POOL_THRESHOLD = 50  # DKIM-signed issues at least this large sign in worker processes


@dataclass
class DigestRun:
    """What one run did."""

    digest: str
    created: int | None = None  # the number of the issue this run made
    skipped_empty: bool = False  # nothing new, and skip_empty: no issue made
    releases: int = 0  # releases in the issue this run made
    issues: list[int] = field(default_factory=list)  # numbers of the issues it sent from
    counts: SendCounts = field(default_factory=SendCounts)
    complete: bool = True  # no issue of this digest is left with recipients to send to
    problems: list[str] = field(default_factory=list)  # e.g. the web page could not be written

    @property
    def sent(self) -> int:
        return self.counts.sent

    @property
    def failed(self) -> int:
        return self.counts.failed

    @property
    def deferred(self) -> int:
        return self.counts.deferred


def find_digest(config: Config, name: str) -> Digest:
    for digest in config.digests:
        if digest.name == name:
            return digest
    names = ", ".join(d.name for d in config.digests) or "none"
    raise DigestError(f"no [[digest]] named {name!r} in {config.path} (configured: {names})")


class DigestLock:
    """One sender per digest: a lock file beside the state database."""

    def __init__(self, config: Config, name: str) -> None:
        state = config.state_path
        self.name = name
        self._lock = PidLock(state.with_name(f"{state.name}.digest-{_file_safe(name)}.lock"))

    def __enter__(self) -> DigestLock:
        holder = self._lock.acquire()
        if holder is not None:
            raise DigestBusy(f"digest {self.name!r} is being sent by another process "
                             f"(pid {holder}); it resumes this issue when it is done")
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _file_safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def _letter(issue: Issue) -> Letter:
    return Letter(issue.digest, issue.number, issue.nonce, issue.subject, issue.html, issue.text,
                  issue.placeholder)


# -- the runs ------------------------------------------------------------------------------


def run_digest(
    config: Config, name: str, now: datetime, *, stop: threading.Event | None = None,
    policy: SendPolicy | None = None,
) -> DigestRun:
    """The scheduled run: resume what is unfinished, then make the next issue and send it.
    ``stop`` (set by a shutting-down daemon) ends the run between two messages."""
    return _run(config, name, now, create="always", due_only=True, stop=stop, policy=policy)


def resume_digest(
    config: Config, name: str, now: datetime, *, stop: threading.Event | None = None,
    policy: SendPolicy | None = None,
) -> DigestRun:
    """Resume unfinished issues only (recipients deferred by a 4xx wait until they are due)."""
    return _run(config, name, now, create="never", due_only=True, stop=stop, policy=policy)


def send_now(
    config: Config, name: str, now: datetime, *, stop: threading.Event | None = None,
    policy: SendPolicy | None = None,
) -> DigestRun:
    """``--send``: resume the unfinished issue (every pending recipient, due or not), or
    when there is none, make the next issue and send it."""
    return _run(config, name, now, create="if-idle", due_only=False, stop=stop, policy=policy)


def unfinished_issues(config: Config) -> list[str]:
    """Digests with an issue not fully sent: the daemon resumes them at start-up."""
    if not config.state_path.exists():
        return []
    with DigestStore(config.state_path) as store:
        configured = {d.name for d in config.digests}
        return [name for name in store.unfinished_digests() if name in configured]


def _run(
    config: Config, name: str, now: datetime, *, create: Literal["always", "if-idle", "never"],
    due_only: bool, stop: threading.Event | None, policy: SendPolicy | None,
) -> DigestRun:
    digest = find_digest(config, name)
    transport = make_transport(config)
    key = dkim_key(config)
    run = DigestRun(digest.name)
    with DigestLock(config, digest.name), DigestStore(config.state_path) as store:
        secret = unsubscribe_secret(config)
        renderer = Renderer(config)
        unfinished = store.unfinished(digest.name)
        down: TransportError | None = None
        for issue in unfinished:
            _publish(config, store, renderer, issue, run)
            try:
                _send(config, store, issue, transport, secret, key, policy, stop, due_only, now,
                      run)
            except TransportError as e:
                down = e  # the scheduled issue is still made (and sent when the server is back)
                break
        wanted = create == "always" or (create == "if-idle" and not unfinished)
        if wanted and (stop is None or not stop.is_set()):
            new = _create(config, store, renderer, digest, now, run)
            if new is not None:
                _publish(config, store, renderer, new, run)
                if down is None:
                    _send(config, store, new, transport, secret, key, policy, stop, False, now,
                          run)
        run.complete = not store.unfinished(digest.name)
    if down is not None:
        raise down
    return run


def _create(
    config: Config, store: DigestStore, renderer: Renderer, digest: Digest, now: datetime,
    run: DigestRun,
) -> Issue | None:
    last = store.last_issue(digest.name)
    number, after = (last[0] + 1, last[1]) if last else (1, 0)
    snapshot = store.snapshot(after)
    releases, more = select_releases(config, digest, snapshot.releases)
    if not releases and digest.skip_empty:
        run.skipped_empty = True
        log.info("digest %s: no new releases since issue %s; skipped", digest.name,
                 last[0] if last else "(none)")
        return None
    rendered = renderer.render(digest, releases, number=number, when=now, more=more)
    issue = store.create_issue(
        digest=digest.name, number=number, now=now, watermark=snapshot.watermark,
        release_ids=[r.id for r in releases], subject=rendered.subject, html=rendered.html,
        text=rendered.text, web_html=rendered.web_html, placeholder=rendered.placeholder,
        nonce=secrets.token_hex(4),
    )
    run.created = number
    run.releases = len(releases)
    log.info("digest %s: issue %d made with %d releases for %d recipients", digest.name, number,
             len(releases), store.counts(issue.id)["total"])
    return issue


def _publish(config: Config, store: DigestStore, renderer: Renderer, issue: Issue,
             run: DigestRun) -> None:
    """The issue's web page and the archive index (the mail links to both)."""
    page = config.output_dir / fs_path(web_path(issue.digest, issue.number))
    data = issue.web_html.encode()
    try:
        if not (page.is_file() and page.read_bytes() == data):
            atomic_write(page, data, durable=False)
        summaries = store.summaries()
        index = renderer.render_index(
            {"digest": s.digest, "number": s.number, "subject": s.subject,
             "releases": s.releases, "created_at": s.created_at} for s in summaries
        )
        target = config.output_dir / "digests" / "index.html"
        if not (target.is_file() and target.read_bytes() == index):
            atomic_write(target, index, durable=False)
    except OSError as e:
        problem = f"{e.filename or page}: cannot write the digest's web page: {e.strerror}"
        log.error("%s", problem)
        run.problems.append(problem)


def _send(
    config: Config, store: DigestStore, issue: Issue, transport: Transport,
    secret: bytes, key: DkimKey | None, policy: SendPolicy | None,
    stop: threading.Event | None, due_only: bool, now: datetime, run: DigestRun,
) -> None:
    factory = MessageFactory(config, _letter(issue), secret)
    check = transport.delivered()
    found, again = store.recover(
        issue.id, None if check is None else (lambda sid: check(factory.record_key(sid))), now)
    if found or again:
        log.info("digest %s issue %d: a stopped run left %d messages in flight: %d found "
                 "delivered, %d to send again", issue.digest, issue.number, found + again,
                 found, again)
    counts = SendCounts(recovered=found, uncertain=again if check is None else 0)
    counts.skipped = store.skip_departed(issue.id, issue.digest)
    records = store.due(issue.id, now if due_only else None)
    run.issues.append(issue.number)

    def make(record: SendRecord) -> bytes:
        return factory.build(record.address, record.envelope, record.subscriber_id)

    with _signing_pool(key, len(records)) as pool:
        sign = None
        if key is not None:
            from feeds.digest import dkimsign

            dkimsign.init(key.selector, key.domain, key.private_key, SIGNED_HEADERS)
            sign = dkimsign.sign
        sender = IssueSender(store, issue.id, factory.envelope_from, Signer(make, sign, pool),
                             factory.record_key, transport, policy or SendPolicy(), stop,
                             counts=counts)
        try:
            asyncio.run(sender.run(records))
        finally:
            run.counts.add(sender.counts)
            store.finish_if_done(issue.id, datetime.now(UTC))
            c = sender.counts
            log.info("digest %s issue %d: %d sent, %d deferred, %d failed, %d skipped",
                     issue.digest, issue.number, c.sent, c.deferred, c.failed, c.skipped)


@contextlib.contextmanager
def _signing_pool(key: DkimKey | None, records: int) -> Iterator[Executor | None]:
    if key is None or records < POOL_THRESHOLD:
        yield None
        return
    from feeds.digest import dkimsign

    pool = ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1, mp_context=get_context("spawn"),
        initializer=dkimsign.init,
        initargs=(key.selector, key.domain, key.private_key, SIGNED_HEADERS),
    )
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)


# -- preview, test send, status --------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """The next issue as it would be made now (nothing recorded)."""

    digest: Digest
    number: int
    subject: str
    html: str
    text: str
    releases: int
    more: int
    would_skip: bool
    letter: Letter


def draft(config: Config, name: str, now: datetime) -> Draft:
    digest = find_digest(config, name)
    with DigestStore(config.state_path) as store:
        last = store.last_issue(digest.name)
        number, after = (last[0] + 1, last[1]) if last else (1, 0)
        snapshot = store.snapshot(after)
    releases, more = select_releases(config, digest, snapshot.releases)
    rendered = Renderer(config).render(digest, releases, number=number, when=now, more=more)
    letter = Letter(digest.name, number, secrets.token_hex(4), rendered.subject, rendered.html,
                    rendered.text, rendered.placeholder)
    return Draft(digest, number, rendered.subject, rendered.html, rendered.text, len(releases),
                 more, not releases and digest.skip_empty, letter)


def preview(config: Config, name: str, now: datetime, path: Path) -> Draft:
    """Write the next issue's HTML to ``path``; send nothing, record nothing."""
    d = draft(config, name, now)
    html = d.html.replace(d.letter.placeholder, "preview")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    except OSError as e:
        raise DigestError(f"{path}: cannot write the preview: {e.strerror}") from None
    return d


def test_send(config: Config, name: str, now: datetime, to: str) -> Draft:
    """Send the next issue to one address, as its recipients would get it; not recorded as
    the issue (the Message-ID and, for the file transport, the file name say "test")."""
    address = parse_address(to)
    d = draft(config, name, now)
    transport = make_transport(config)
    factory = MessageFactory(config, d.letter, unsubscribe_secret(config))
    tag = f"test-{secrets.token_hex(6)}"
    message = factory.build(address.address, address.envelope, 0,
                            message_id=f"<{tag}@{factory.domain}>")
    key = dkim_key(config)
    if key is not None:
        from feeds.digest import dkimsign

        dkimsign.init(key.selector, key.domain, key.private_key, SIGNED_HEADERS)
        message = dkimsign.sign(message)

    async def go() -> None:
        channel = transport.channel()
        try:
            await channel.deliver(factory.envelope_from, address.envelope, message, tag,
                                  lambda: None)
        finally:
            await channel.close()

    try:
        asyncio.run(go())
    except (Deferred, Refused) as e:
        raise DigestError(f"{transport.where} refused {address}: {e}") from None
    except Lost as e:
        raise SmtpUnavailable(transport.where, str(e)) from None
    except Fatal as e:
        raise TransportError(transport.where, str(e)) from None
    return d


@dataclass(frozen=True)
class DigestStatus:
    digest: Digest
    recipients: int
    issues: list[IssueSummary]


def status(config: Config, name: str, limit: int = 10) -> DigestStatus:
    digest = find_digest(config, name)
    with DigestStore(config.state_path) as store:
        return DigestStatus(digest, store.recipients_count(digest.name),
                            store.summaries(digest.name, limit))

