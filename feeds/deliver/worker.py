"""The outbox worker: post what is due, store every outcome, return.

``drain`` runs one asyncio task per endpoint over one shared ``httpx.AsyncClient``. A task
takes its endpoint's earliest pending job, posts it, stores the outcome, and takes the
next; it stops at the first job that is not due yet (a pending earlier delivery blocks the
later ones of the same endpoint, so receivers hear events in the order they happened).
Different endpoints never wait for each other.

Outcomes (``classify``): 2xx done; 410 disables the endpoint (its jobs wait, visible in
``feeds deliveries``); 408, 425, 429, 5xx, timeouts and connection errors are retried after
``Retry-After`` or an exponential backoff with jitter, the time stored in
``next_attempt_at``; other statuses are dead with the status and a body excerpt. A job past
``max_attempts`` or ``max_age`` is dead and stays listed. A job is marked done only after
the response arrived; a crash in between re-sends it with the same id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from feeds import __version__
from feeds.config import Config, Endpoint
from feeds.deliver import chat, mastodon, webhook, websub
from feeds.deliver.message import Context, Outgoing
from feeds.deliver.store import DeliveryStore, Job
from feeds.errors import ConfigError, FeedsError

log = logging.getLogger("feeds.deliver")

Renderer = Callable[[Endpoint, Job, Context], Outgoing]
RENDERERS: dict[str, Renderer] = {
    "webhook": webhook.render,
    "websub": websub.render,
    "slack": chat.render_slack,
    "mattermost": chat.render_mattermost,
    "discord": chat.render_discord,
    "mastodon": mastodon.render,
}

TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# An endpoint's task has at most one request in flight: up to 100 endpoints never queue here.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=50, keepalive_expiry=30.0)
BACKOFF_BASE = 1.0  # seconds before the second attempt (before jitter)
BACKOFF_CAP = 3600.0
RETRY_AFTER_CAP = 86400.0
MAX_REDIRECTS = 3
BATCH = 64  # pending jobs an endpoint's task reads at once
BODY_LIMIT = 65536  # bytes of a response read; a longer body closes the connection
EXCERPT = 200  # characters of a response body kept in last_error
IDLE_POLL = 60.0  # run_deliveries looks again this often when nothing is scheduled
MIN_PAUSE = 0.05
ERROR_PAUSE = 30.0  # after a lane failed (store error, bug): do not spin on its due head
_RANDOM = random.Random()


# -- credentials ----------------------------------------------------------------------


def _credential(endpoint: Endpoint) -> tuple[str | None, str | None]:
    """(the secret or token, or a problem naming the endpoint and the variable)."""
    var = {"webhook": endpoint.secret_env, "mastodon": endpoint.token_env}.get(endpoint.kind)
    if var is None:
        return None, None
    what = "secret_env" if endpoint.kind == "webhook" else "token_env"
    if not var:
        return None, (f"endpoint {endpoint.name!r} ({endpoint.kind}) needs {what}: the name of "
                      "the environment variable that holds its "
                      + ("whsec_ signing secret" if endpoint.kind == "webhook" else "access token"))
    value = os.environ.get(var, "")
    if not value.strip():
        return None, (f"endpoint {endpoint.name!r}: the environment variable {var} "
                      f"({what}) is not set")
    if endpoint.kind == "webhook":
        try:
            webhook.check_secret(value.strip())
        except ValueError as e:
            return None, f"endpoint {endpoint.name!r}: the environment variable {var}: {e}"
    return value.strip(), None


def check_secrets(config: Config) -> None:
    """Raise ``ConfigError`` naming each endpoint whose secret or token variable is missing."""
    problems: list[tuple[str, str]] = []
    for index, endpoint in enumerate(config.endpoints):
        _, problem = _credential(endpoint)
        if problem:
            key = "secret_env" if endpoint.kind == "webhook" else "token_env"
            problems.append((f"endpoint.{index}.{key}", problem))
    if problems:
        raise ConfigError(config.path, "; ".join(p for _, p in problems), problems[0][0])


# -- WebSub ---------------------------------------------------------------------------


def enqueue_websub(config: Config, written_paths: Iterable[str], now: datetime) -> int:
    """Record durable pings for every feed a build changed, one per (hub, feed URL).

    ``written_paths`` are relative to the output folder (``WriteReport.written``).
    Returns how many pings are pending for them."""
    hubs = [e for e in config.endpoints if e.kind == "websub"]
    topics = websub.topics(config, written_paths)
    if not hubs or not topics:
        return 0
    with DeliveryStore(config.state_path) as store:
        count = sum(store.enqueue_pings(hub.name, topics, now) for hub in hubs)
    log.info("websub: %d feed(s) changed, %d ping(s) pending", len(topics), count)
    return count


# -- outcomes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    action: Literal["done", "retry", "dead", "disable"]
    detail: str  # "200 OK", "503 Service Unavailable: <body excerpt>", "ConnectError: ..."
    retry_after: float | None = None  # seconds the receiver asked us to wait


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After``: delay-seconds or an HTTP date (RFC 9110 10.2.3); None if neither."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            try:  # Mastodon's X-RateLimit-Reset is ISO 8601
                when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def backoff(attempts: int, rng: random.Random | None = None) -> float:
    """Seconds before the next try after ``attempts`` failed ones: exponential, equal jitter."""
    ceiling: float = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** min(max(attempts - 1, 0), 30))
    jitter: float = (rng or _RANDOM).uniform(0.5, 1.0)
    return ceiling * jitter


def _excerpt(body: bytes) -> str:
    text = " ".join(body[:4 * EXCERPT].decode("utf-8", "replace").split())
    return text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")


def classify(status: int, reason: str, headers: httpx.Headers, body: bytes, now: datetime) -> Outcome:
    detail = f"{status} {reason}".strip()
    excerpt = _excerpt(body)
    if 200 <= status < 300:
        return Outcome("done", detail)
    with_body = f"{detail}: {excerpt}" if excerpt else detail
    if status == 410:
        return Outcome("disable", with_body)
    if status in (408, 425, 429) or status >= 500:
        after = parse_retry_after(headers.get("retry-after"), now)
        if after is None and status == 429:
            after = parse_retry_after(headers.get("x-ratelimit-reset"), now)
        return Outcome("retry", with_body, after)
    return Outcome("dead", with_body)


# -- HTTP -----------------------------------------------------------------------------


def create_client(user_agent: str | None = None) -> httpx.AsyncClient:
    """The one client a process shares for every endpoint: timeouts, limits, no redirects."""
    return httpx.AsyncClient(
        timeout=TIMEOUT, limits=LIMITS, follow_redirects=False,
        headers={"user-agent": user_agent or f"feeds/{__version__}"},
    )


class RedirectRefused(Exception):
    pass


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def same_site(source: httpx.URL, target: httpx.URL) -> bool:
    """Same host; same scheme and port, or an upgrade from http to https."""
    if target.host.lower() != source.host.lower():
        return False
    if target.scheme == source.scheme:
        return _port(target) == _port(source)
    return source.scheme == "http" and target.scheme == "https"


async def _read_some(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= BODY_LIMIT:
            break
    return b"".join(chunks)


async def post(client: httpx.AsyncClient, out: Outgoing) -> tuple[httpx.Response, bytes]:
    """POST, following at most ``MAX_REDIRECTS`` redirects that stay on the same host."""
    url: str | httpx.URL = out.url
    for _ in range(MAX_REDIRECTS + 1):
        request = client.build_request("POST", url, content=out.body, headers=out.headers)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            body = await _read_some(response)
        finally:
            await response.aclose()
        location = response.headers.get("location")
        if response.status_code not in (301, 302, 307, 308) or not location:
            return response, body
        target = request.url.join(location)
        if not same_site(request.url, target):
            raise RedirectRefused(f"{response.status_code} redirect to {target} refused "
                                  "(another host; update the endpoint's url)")
        url = target
    raise RedirectRefused(f"more than {MAX_REDIRECTS} redirects")


# -- the drain ------------------------------------------------------------------------


@dataclass
class DrainReport:
    delivered: int = 0
    retrying: int = 0  # failed attempts now waiting for their next_attempt_at
    dead: int = 0
    disabled: list[str] = field(default_factory=list)  # endpoints a 410 disabled in this drain
    skipped: dict[str, str] = field(default_factory=dict)  # endpoint -> why it was not drained
    errors: list[str] = field(default_factory=list)  # bugs and store failures, logged
    next_attempt_at: datetime | None = None  # the earliest stored next attempt: wake then
    seconds: float = 0.0


@dataclass
class _Lane:
    """One endpoint's task and what it needs."""

    endpoint: Endpoint
    credential: str | None
    store: DeliveryStore
    client: httpx.AsyncClient
    config: Config
    now: Callable[[], datetime]
    stop: asyncio.Event | None
    report: DrainReport
    user_agent: str

    async def run(self) -> None:
        endpoint = self.endpoint
        websub_lane = endpoint.kind == "websub"
        max_age = timedelta(seconds=endpoint.max_age_seconds)
        while True:
            # A batch read saves a query per delivery; each update re-checks the row's status.
            batch = self.store.pending(endpoint.name, websub_lane, BATCH)
            if not batch:
                return
            for job in batch:
                if self.stop is not None and self.stop.is_set():
                    return
                at = self.now()
                if job.next_attempt_at is not None and job.next_attempt_at > at:
                    return  # in backoff: it, and everything after it, waits
                if at - job.age_from > max_age:
                    self._dead(job, at, f"expired: not delivered within max_age "
                               f"({endpoint.max_age_seconds} s); last error: "
                               f"{job.last_error or 'none'}", attempted=False)
                    continue
                if job.attempts >= endpoint.max_attempts:
                    self._dead(job, at, f"gave up after {job.attempts} attempts: {job.last_error}",
                               attempted=False)
                    continue
                if not await self._attempt(job):
                    return

    async def _attempt(self, job: Job) -> bool:
        """Post one job and store the outcome; False when the lane must stop here."""
        endpoint = self.endpoint
        at = self.now()
        started = time.perf_counter()
        try:
            out = RENDERERS[endpoint.kind](endpoint, job, self._context(job, at))
        except Exception as e:  # a bug; back off rather than block or spin
            log.exception("%s: cannot build the request for %s", endpoint.name, job.delivery_id)
            outcome = Outcome("retry", f"cannot build the request: {e!r}")
        else:
            try:
                response, body = await post(self.client, out)
            except RedirectRefused as e:
                outcome = Outcome("dead", str(e))
            except httpx.TimeoutException as e:
                outcome = Outcome("retry", f"timed out ({type(e).__name__})")
            except httpx.HTTPError as e:
                outcome = Outcome("retry", f"{type(e).__name__}: {e}".rstrip(": "))
            except Exception as e:  # httpx.InvalidURL, a TLS library error: count it, back off
                log.exception("%s: posting %s failed", endpoint.name, job.delivery_id)
                outcome = Outcome("retry", f"{type(e).__name__}: {e}".rstrip(": "))
            else:
                outcome = classify(response.status_code, response.reason_phrase, response.headers,
                                   body, self.now())
        return self._store(job, outcome, time.perf_counter() - started)

    def _context(self, job: Job, at: datetime) -> Context:
        fallback = None
        if job.kind == "retracted" or (job.table == "outbox" and '"title"' not in job.payload):
            fallback = self.store.title_of(job.release_id)
        return Context(self.config.site.title, self.config.site.url, at, self.credential, fallback,
                       self.user_agent)

    def _store(self, job: Job, outcome: Outcome, seconds: float) -> bool:
        endpoint, at = self.endpoint, self.now()
        what = f"{job.kind} {job.release_id}"
        attempt = job.attempts + 1
        if outcome.action == "done":
            if self.store.mark_done(job, at):
                self.report.delivered += 1
                log.info("%s: delivered %s (%s), attempt %d: %s in %.2f s", endpoint.name,
                         job.delivery_id, what, attempt, outcome.detail, seconds)
            else:
                log.info("%s: pinged %s; it changed again meanwhile, pinging once more",
                         endpoint.name, job.release_id)
            return True
        if outcome.action == "dead":
            self._dead(job, at, outcome.detail)
            return True
        if outcome.action == "disable":
            reason = f"{outcome.detail} from {endpoint.url}"
            self.store.mark_retry(job, at, f"{outcome.detail} (endpoint disabled)")
            self.store.disable(endpoint.name, at, reason)
            self.report.disabled.append(endpoint.name)
            log.error("%s: endpoint DISABLED: %s answered %s for %s (%s); its deliveries wait "
                      "until `feeds deliveries enable %s`", endpoint.name, endpoint.url,
                      outcome.detail, job.delivery_id, what, endpoint.name)
            return False
        # retry
        if attempt >= endpoint.max_attempts:
            self._dead(job, at, f"gave up after {attempt} attempts: {outcome.detail}")
            return True
        delay = outcome.retry_after if outcome.retry_after is not None else backoff(attempt)
        next_at = at + timedelta(seconds=delay)
        if next_at - job.age_from > timedelta(seconds=endpoint.max_age_seconds):
            self._dead(job, at, f"gave up: the next attempt would fall after max_age "
                       f"({endpoint.max_age_seconds} s): {outcome.detail}")
            return True
        self.store.mark_retry(job, next_at, outcome.detail)
        self.report.retrying += 1
        log.warning("%s: attempt %d of %s (%s) failed: %s; next attempt at %s%s", endpoint.name,
                    attempt, job.delivery_id, what, outcome.detail,
                    next_at.isoformat(timespec="seconds"),
                    " (Retry-After)" if outcome.retry_after is not None else "")
        return False

    def _dead(self, job: Job, at: datetime, error: str, attempted: bool = True) -> None:
        self.store.mark_dead(job, at, error, attempted)
        self.report.dead += 1
        log.error("%s: delivery %s (%s %s) is dead: %s", self.endpoint.name, job.delivery_id,
                  job.kind, job.release_id, error)


async def _guarded(lane: _Lane) -> None:
    try:
        await lane.run()
    except Exception as e:  # the store failed, or a bug: this lane stops, the others go on
        log.exception("%s: deliveries stopped: %s", lane.endpoint.name, e)
        lane.report.errors.append(f"{lane.endpoint.name}: {e!r}")


def _skips(config: Config, store: DeliveryStore) -> dict[str, str]:
    disabled = store.disabled()
    out = {}
    for endpoint in config.endpoints:
        if endpoint.name in disabled:
            d = disabled[endpoint.name]
            out[endpoint.name] = f"disabled since {d.at.isoformat(timespec='seconds')}: {d.reason}"
        else:
            problem = _credential(endpoint)[1]
            if problem:
                out[endpoint.name] = problem
    return out


def _next_due(config: Config, store: DeliveryStore, skipped: Iterable[str]) -> datetime | None:
    active = {e.name: e.kind for e in config.endpoints}
    for name in skipped:
        active.pop(name, None)
    times = [
        job.next_attempt_at or job.created_at for job in store.heads()
        if job.endpoint in active and (active[job.endpoint] == "websub") == (job.table != "outbox")
    ]
    return min(times) if times else None


def next_due(config: Config) -> datetime | None:
    """When the earliest pending delivery of an active endpoint is due (maybe already)."""
    if not config.state_path.exists():
        return None
    with DeliveryStore(config.state_path) as store:
        return _next_due(config, store, _skips(config, store))


async def drain(
    config: Config, *, now: Callable[[], datetime], client: httpx.AsyncClient | None = None,
    stop: asyncio.Event | None = None,
) -> DrainReport:
    """Post every due delivery, one task per endpoint, and return once none is due.

    ``client`` is shared by every endpoint (one is made and closed if none is given);
    setting ``stop`` lets each endpoint finish its request in flight and return."""
    started = time.perf_counter()
    report = DrainReport()
    store = DeliveryStore(config.state_path)
    own = client is None
    http = client if client is not None else create_client()
    try:
        report.skipped = _skips(config, store)
        for name, why in report.skipped.items():
            log.warning("%s: not delivering: %s", name, why)
        known = {e.name for e in config.endpoints}
        orphans = sorted({j.endpoint for j in store.heads()} - known)
        for name in orphans:
            report.skipped[name] = "not in the config"
            log.warning("%s: pending deliveries for an endpoint that is not in the config", name)
        user_agent = f"feeds/{__version__} (+{config.site.url})"
        lanes = [
            _Lane(e, _credential(e)[0], store, http, config, now, stop, report, user_agent)
            for e in config.endpoints if e.name not in report.skipped
        ]
        await asyncio.gather(*(_guarded(lane) for lane in lanes))
        report.next_attempt_at = _next_due(config, store, report.skipped)
    finally:
        if own:
            await http.aclose()
        store.close()
    report.seconds = time.perf_counter() - started
    if report.delivered or report.retrying or report.dead:
        log.info("deliveries: %d delivered, %d to retry, %d dead in %.2f s; next attempt %s",
                 report.delivered, report.retrying, report.dead, report.seconds,
                 report.next_attempt_at.isoformat(timespec="seconds")
                 if report.next_attempt_at else "none pending")
    return report


async def _wait_any(events: Iterable[asyncio.Event], timeout: float | None) -> None:
    waiters = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
        for w in waiters:
            with contextlib.suppress(asyncio.CancelledError):
                await w


async def run_deliveries(
    config: Callable[[], Config], *, now: Callable[[], datetime], wake: asyncio.Event,
    stop: asyncio.Event, client: httpx.AsyncClient | None = None,
) -> None:
    """The daemon's deliveries job: drain, sleep until the earliest stored next attempt (or
    until ``wake`` is set: a build recorded deliveries, or an operator retried some), again,
    until ``stop``. ``config`` is called each round, so a reloaded config takes effect."""
    own = client is None
    http = client if client is not None else create_client()
    try:
        while not stop.is_set():
            wake.clear()
            current = config()
            try:
                report = await drain(current, now=now, client=http, stop=stop)
                next_at = report.next_attempt_at
                if report.errors and next_at is not None:
                    next_at = max(next_at, now() + timedelta(seconds=ERROR_PAUSE))
            except FeedsError as e:
                log.error("deliveries: %s", e)
                next_at = now() + timedelta(seconds=IDLE_POLL)
            except Exception as e:  # a bug: log it and keep the daemon alive
                log.exception("deliveries failed: %s", e)
                next_at = now() + timedelta(seconds=IDLE_POLL)
            if stop.is_set():
                break
            delay = IDLE_POLL if next_at is None else (next_at - now()).total_seconds()
            await _wait_any((wake, stop), min(max(delay, MIN_PAUSE), IDLE_POLL))
    finally:
        if own:
            await http.aclose()
