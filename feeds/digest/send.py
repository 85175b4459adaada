"""Sending an issue: the transports (SMTP through aiosmtplib, and "file": .eml files in a
Maildir) and the loop that keeps every recipient's send record honest.

Once per recipient: what ``sending`` means after a crash
--------------------------------------------------------
Every (issue, recipient) has a send record that moves ``pending -> sending -> sent``, each
step its own committed transaction: ``sending`` is committed before the SMTP transaction
starts, ``sent`` right after the server answered ``250`` to the end of DATA. A run that is
killed leaves at most ``concurrency`` records in ``sending``; how a later run treats them is
the whole question.

- **file transport: exactly once, by looking.** The message is written to ``tmp/``,
  ``sending`` is committed, the file is renamed into ``new/`` under a name fixed by the issue
  and the recipient (``<digest>.<issue>.<hash>.eml``), then ``sent`` is committed. On resume a
  ``sending`` record is ``sent`` if its file is in ``new/`` or ``cur/``, else sent again.

- **SMTP: sent again, with the same Message-ID.** SMTP gives the sender no way to ask a
  server afterwards whether it kept a message. A record in ``sending`` means the process died
  somewhere between MAIL FROM and recording the ``250``; if it died before the end of DATA,
  or while the server was still working on the message (a content filter, a slow disk), a
  server that notices the dropped connection keeps nothing, and only a second attempt
  delivers it. If it died in the short span after the server accepted the message and before
  the ``sent`` commit (the reply's way back over the socket and one SQLite write), the second
  attempt is a duplicate. We choose that rare duplicate over a silent loss: a lost issue is
  invisible to everyone, a duplicate is visible and harmless. Every attempt for one recipient
  carries the same ``Message-ID`` (fixed by the issue's nonce and the recipient), so the copy
  is recognisably the same message: mail stores that de-duplicate by Message-ID (Gmail does)
  show it once. Records sent again after such an unconfirmed attempt are counted as
  ``uncertain`` in ``feeds digest NAME --status``. The other choice (count ``sending`` as
  sent) trades the duplicate for a loss whenever the process dies while a server is still
  working, which with a slow server is most of the time a message is in flight.

A lock file per digest (beside the state database) keeps two processes from sending the same
digest at once, so a ``sending`` record found at start-up is always one a dead process left.
Running a finished issue again sends nothing: no record is ``pending``.

Failures
--------
A 4xx reply is retried within the run after ``SendPolicy.retry_delays``, then left
``pending`` with a ``next_attempt_at`` for a later run (after ``max_attempts`` in all, it is
``failed``). A 5xx reply marks that recipient ``failed`` and counts a hard failure; three in a
row make the subscriber ``bounced``; the others go on. A server that cannot be reached, or
that refuses our sender or login, stops the run with ``SmtpUnavailable``/``TransportError``
naming host:port; the unsent records stay ``pending`` and the issue resumes on the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import aiosmtplib

from feeds.config import Config
from feeds.digest.errors import DigestError, SmtpUnavailable, TransportError
from feeds.digest.store import DigestStore, SendRecord
from feeds.errors import StoreError

log = logging.getLogger("feeds.digest")


@dataclass(frozen=True)
class SendPolicy:
    retry_delays: tuple[float, ...] = (1.0, 4.0, 15.0)  # 4xx: retries within one run
    later_base: timedelta = timedelta(minutes=5)  # then next_attempt_at, doubling
    later_max: timedelta = timedelta(hours=6)
    max_attempts: int = 10  # 4xx replies in all before a record is failed
    bounce_after: int = 3  # hard failures in a row that make a subscriber bounced
    connect_attempts: int = 3
    connect_delay: float = 0.5
    lost_connections: int = 3  # drops on one message before it waits for a later run

    def later(self, attempts: int) -> timedelta:
        step: timedelta = self.later_base * (2 ** max(0, attempts - 1))
        return min(step, self.later_max)


# -- what one delivery attempt can end in -------------------------------------------------


class Deferred(Exception):
    """A 4xx reply: try again later."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(f"{code} {message}".strip())


class Refused(Exception):
    """A 5xx reply: this recipient will not take it."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        super().__init__(f"{code} {message}".strip())


class Lost(Exception):
    """The connection failed: try again (on this channel anew, or another one).
    ``handed_over``: it failed during the transaction, so the server may have the message."""

    def __init__(self, message: str, connecting: bool = False, handed_over: bool = False) -> None:
        self.connecting = connecting
        self.handed_over = handed_over
        super().__init__(message)


class Fatal(Exception):
    """The transport cannot send anything (sender or login refused, unwritable Maildir)."""


def _reply_error(code: int, message: str) -> Exception:
    return Deferred(code, message) if 400 <= code < 500 else Refused(code, message)


class Channel(Protocol):
    async def deliver(self, sender: str, recipient: str, message: bytes, key: str,
                      commit: Callable[[], None]) -> None: ...

    async def close(self) -> None: ...


class Transport(Protocol):
    """The seam: SMTP and Maildir here; a provider's HTTP API or a task queue could be more."""

    where: str  # named in errors: host:port, or the folder
    concurrency: int
    rate: float

    def channel(self) -> Channel: ...

    def delivered(self) -> Callable[[str], bool] | None:
        """For records a dead process left ``sending``: did it arrive? None: cannot tell."""
        ...


# -- SMTP ----------------------------------------------------------------------------------


_local_hostname: str | None = None


def local_hostname() -> str:
    global _local_hostname
    if _local_hostname is None:
        name = socket.getfqdn()
        _local_hostname = name if name and name.isascii() and "." in name else "localhost"
    return _local_hostname


class SmtpTransport:
    def __init__(self, config: Config) -> None:
        assert config.email is not None
        smtp = config.email.smtp
        self.host = smtp.host
        self.port = smtp.port
        self.where = f"{smtp.host}:{smtp.port}"
        self.tls = smtp.tls
        self.timeout = float(smtp.timeout_seconds)
        self.concurrency = smtp.concurrency
        self.rate = smtp.rate
        self.username = self.password = None
        for attr, env in (("username", smtp.username_env), ("password", smtp.password_env)):
            if env:
                value = os.environ.get(env)
                if value is None:
                    raise DigestError(f"[email.smtp] {attr}_env names ${env}, which is not set")
                setattr(self, attr, value)

    def channel(self) -> SmtpChannel:
        return SmtpChannel(self)

    def delivered(self) -> None:
        return None


class SmtpChannel:
    """One connection, reused for message after message."""

    def __init__(self, transport: SmtpTransport) -> None:
        self.t = transport
        self.smtp: aiosmtplib.SMTP | None = None

    async def connect(self) -> aiosmtplib.SMTP:
        t = self.t
        smtp = aiosmtplib.SMTP(
            hostname=t.host, port=t.port, timeout=t.timeout, use_tls=t.tls == "tls",
            start_tls=t.tls == "starttls", local_hostname=local_hostname(),
            username=t.username, password=t.password,
        )
        try:
            await smtp.connect()
        except aiosmtplib.SMTPAuthenticationError as e:
            raise Fatal(f"login refused: {e.code} {e.message}") from None
        except aiosmtplib.SMTPResponseException as e:
            if e.code >= 500:
                raise Fatal(f"the server refused the connection: {e.code} {e.message}") from None
            raise Lost(f"{e.code} {e.message}", connecting=True) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
            raise Lost(_describe(e), connecting=True) from None
        self.smtp = smtp
        return smtp

    def _drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
        self.smtp = None

    async def deliver(self, sender: str, recipient: str, message: bytes, key: str,
                      commit: Callable[[], None]) -> None:
        smtp = self.smtp if self.smtp is not None and self.smtp.is_connected else None
        if smtp is None:
            smtp = await self.connect()
        options = []
        if not (sender.isascii() and recipient.isascii()):
            if not smtp.supports_extension("smtputf8"):
                raise Refused(553, "this address needs SMTPUTF8, which the server does not offer")
            options = ["SMTPUTF8"]
        commit()  # "sending", before the transaction: see the module docstring
        try:
            await self._transaction(smtp, sender, recipient, message, options)
        except aiosmtplib.SMTPSenderRefused as e:
            if 400 <= e.code < 500:
                raise Deferred(e.code, e.message) from None
            raise Fatal(f"the server refused the sender {sender}: {e.code} {e.message}") from None
        except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError,
                TimeoutError) as e:
            self._drop()
            raise Lost(_describe(e), handed_over=True) from None
        except aiosmtplib.SMTPResponseException as e:  # RCPT or DATA refused
            if not smtp.is_connected:
                self._drop()
            raise _reply_error(e.code, e.message) from None
        except (aiosmtplib.SMTPException, ValueError) as e:  # an address it will not quote
            raise Refused(553, _describe(e)) from None

    @staticmethod
    async def _transaction(smtp: aiosmtplib.SMTP, sender: str, recipient: str, message: bytes,
                           options: list[str]) -> None:
        """MAIL, RCPT, DATA: what ``sendmail`` does for one recipient, without validating
        the addresses twice or normalising the message twice for SIZE (it is built with CRLF
        line ends already), which is a third of aiosmtplib's time for a 20 KiB message."""
        encoding = "utf-8" if "SMTPUTF8" in options else "ascii"
        if smtp.supports_extension("size"):
            options = [f"SIZE={len(message)}", *options]
        try:
            await smtp.mail(sender, options=options, encoding=encoding)
            await smtp.rcpt(recipient, encoding=encoding)
            await smtp.data(message)
        except aiosmtplib.SMTPResponseException:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                if smtp.is_connected:
                    await smtp.rset()
            raise

    async def close(self) -> None:
        if self.smtp is not None and self.smtp.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await self.smtp.quit(timeout=5)
        self._drop()


def _describe(e: BaseException) -> str:
    """The root cause in a few words ("Connection refused"), not a chain of wrappers."""
    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno is not None:
            return os.strerror(seen.errno)
        seen = seen.__cause__ or seen.__context__
    if isinstance(e, (TimeoutError, aiosmtplib.SMTPTimeoutError)):
        return "timed out"
    text = str(e).strip()
    return text or type(e).__name__


# -- Maildir -------------------------------------------------------------------------------


class FileTransport:
    """Each message an .eml file in a Maildir: written to tmp/, renamed into new/."""

    concurrency = 1
    rate = 0.0

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        self.where = str(maildir)
        self._ready = False

    def _prepare(self) -> None:
        if self._ready:
            return
        try:
            for sub in ("tmp", "new", "cur"):
                (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise Fatal(f"cannot create the Maildir: {e.strerror}") from None
        self._ready = True

    def channel(self) -> FileTransport:
        return self

    def delivered(self) -> Callable[[str], bool]:
        try:
            cur = {name.split(":", 1)[0] for name in os.listdir(self.maildir / "cur")}
        except OSError:
            cur = set()

        def check(key: str) -> bool:
            name = f"{key}.eml"
            return name in cur or (self.maildir / "new" / name).exists()

        return check

    async def deliver(self, sender: str, recipient: str, message: bytes, key: str,
                      commit: Callable[[], None]) -> None:
        self._prepare()
        name = f"{key}.eml"
        tmp = self.maildir / "tmp" / name  # one sender per digest (the lock): no clash
        data = message.replace(b"\r\n", b"\n")
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            commit()
            os.replace(tmp, self.maildir / "new" / name)  # the point of no return
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS):
                raise Fatal(f"cannot write to the Maildir: {e.strerror}") from None
            raise Lost(f"cannot write {name}: {e.strerror}") from None

    async def close(self) -> None:
        return None


def make_transport(config: Config) -> Transport:
    if config.email is None:
        raise DigestError("no [email] section in the configuration")
    if config.email.transport == "smtp":
        return SmtpTransport(config)
    return FileTransport(config.email.maildir)


# -- the loop ------------------------------------------------------------------------------


@dataclass
class SendCounts:
    sent: int = 0
    uncertain: int = 0  # attempts that may have arrived: sent again, same Message-ID
    deferred: int = 0  # 4xx: left pending for a later run
    failed: int = 0
    bounced: int = 0  # subscribers this run made bounced
    skipped: int = 0  # unsubscribed since the issue was made
    recovered: int = 0  # records a killed run left "sending", found delivered (Maildir)

    def add(self, other: SendCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class RateLimiter:
    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


Build = Callable[[SendRecord], Awaitable[bytes]]


@dataclass
class IssueSender:
    """Sends the due records of one issue over ``transport.concurrency`` channels."""

    store: DigestStore
    issue_id: int
    sender: str  # the envelope sender
    build: Build
    key: Callable[[int], str]  # record_key: names a recipient's copy (Maildir file name)
    transport: Transport
    policy: SendPolicy = field(default_factory=SendPolicy)
    stop: threading.Event | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    counts: SendCounts = field(default_factory=SendCounts)

    def __post_init__(self) -> None:
        self._queue: asyncio.Queue[SendRecord | None] = asyncio.Queue()
        self._remaining = 0
        self._halted = False
        self._error: BaseException | None = None
        self._timers: list[asyncio.TimerHandle] = []
        self._tries: dict[int, int] = {}
        self._drops: dict[int, int] = {}
        self._workers = 0
        self._alive = 0
        self._limiter = RateLimiter(self.transport.rate)

    async def run(self, records: list[SendRecord]) -> SendCounts:
        if not records:
            return self.counts
        self._remaining = len(records)
        for record in records:
            self._queue.put_nowait(record)
        self._workers = self._alive = max(1, min(self.transport.concurrency, len(records)))
        tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for timer in self._timers:
                timer.cancel()
            for task in tasks:
                task.cancel()
        if self._error is not None:
            raise self._error
        return self.counts

    def _halt(self, error: BaseException | None = None) -> None:
        if error is not None and self._error is None:
            self._error = error
        if self._halted:
            return
        self._halted = True
        for timer in self._timers:
            timer.cancel()
        for _ in range(self._workers):
            self._queue.put_nowait(None)

    def _settle(self) -> None:
        self._remaining -= 1
        if self._remaining == 0:
            self._halt()

    def _requeue(self, record: SendRecord) -> None:
        if not self._halted:
            self._queue.put_nowait(record)

    async def _work(self) -> None:
        channel = self.transport.channel()
        failures = 0
        try:
            while True:
                record = await self._queue.get()
                if record is None or self._halted:
                    return
                if self.stop is not None and self.stop.is_set():
                    self._halt()
                    return
                try:
                    await self._limiter.wait()
                    message = await self.build(record)
                    await self._one(channel, record, message)
                    failures = 0
                except Lost as e:
                    if e.handed_over:
                        self.store.mark_pending(self.issue_id, record.subscriber_id,
                                                f"connection lost during the transaction: {e}")
                        self.counts.uncertain += 1
                    else:
                        self.store.release(self.issue_id, record.subscriber_id)
                    failures += 1
                    drops = self._drops.get(record.subscriber_id, 0) + (not e.connecting)
                    self._drops[record.subscriber_id] = drops
                    if drops >= self.policy.lost_connections:
                        self._defer(record, f"connection lost: {e}", later=True)
                    else:
                        self._queue.put_nowait(record)  # another channel, or this one anew
                    if failures >= self.policy.connect_attempts:
                        self._retire(f"cannot reach the SMTP server: {e}")
                        return
                    await asyncio.sleep(self.policy.connect_delay * failures)
                except Fatal as e:
                    self.store.release(self.issue_id, record.subscriber_id)
                    self._halt(TransportError(self.transport.where, str(e)))
                    return
                except sqlite3.Error as e:
                    self._halt(StoreError(self.store.path, f"cannot record a send: {e}"))
                    return
                except Exception as e:
                    self._halt(e)
                    return
        finally:
            await channel.close()

    def _retire(self, reason: str) -> None:
        """This channel cannot reach the server; when none can, the run stops."""
        self._alive -= 1
        log.debug("%s: a connection gave up: %s", self.transport.where, reason)
        if self._alive == 0:
            self._halt(SmtpUnavailable(self.transport.where, f"{reason} (the unsent recipients "
                                       "stay pending; the issue resumes on the next run)"))

    async def _one(self, channel: Channel, record: SendRecord, message: bytes) -> None:
        store, issue, sid = self.store, self.issue_id, record.subscriber_id
        try:
            await channel.deliver(self.sender, record.envelope, message, self.key(sid),
                                  lambda: store.mark_sending(issue, sid))
        except Deferred as e:
            self._defer(record, str(e))
            return
        except Refused as e:
            if store.mark_failed(issue, sid, str(e), hard=True, now=self.clock(),
                                 bounce_after=self.policy.bounce_after):
                self.counts.bounced += 1
                log.info("%s bounced (%s)", record.address, e)
            self.counts.failed += 1
            self._settle()
            return
        store.mark_sent(issue, sid, self.clock())
        if record.hard_failures:
            store.reset_failures(sid)
        self.counts.sent += 1
        self._settle()

    def _defer(self, record: SendRecord, error: str, later: bool = False) -> None:
        sid = record.subscriber_id
        tries = self._tries[sid] = self._tries.get(sid, 0) + 1
        attempts = record.attempts + tries
        now = self.clock()
        if attempts >= self.policy.max_attempts:
            self.store.mark_failed(self.issue_id, sid, f"gave up after {attempts} attempts: {error}",
                                   hard=False, now=now, bounce_after=self.policy.bounce_after)
            self.counts.failed += 1
            self._settle()
        elif not later and tries <= len(self.policy.retry_delays):
            delay = self.policy.retry_delays[tries - 1]
            self.store.mark_deferred(self.issue_id, sid, error, now + timedelta(seconds=delay))
            loop = asyncio.get_running_loop()
            self._timers.append(loop.call_later(delay, self._requeue, record))
        else:
            self.store.mark_deferred(self.issue_id, sid, error, now + self.policy.later(attempts))
            self.counts.deferred += 1
            self._settle()


class Signer:
    """Builds and (when DKIM is set) signs messages; signing runs in worker processes
    for large issues, so the sender's event loop keeps its connections busy."""

    def __init__(self, make: Callable[[SendRecord], bytes], sign: Callable[[bytes], bytes] | None,
                 pool: Executor | None = None) -> None:
        self.make = make
        self.sign = sign
        self.pool = pool

    async def __call__(self, record: SendRecord) -> bytes:
        message = self.make(record)
        if self.sign is None:
            return message
        if self.pool is None:
            return self.sign(message)
        from feeds.digest import dkimsign

        return await asyncio.get_running_loop().run_in_executor(self.pool, dkimsign.sign, message)
