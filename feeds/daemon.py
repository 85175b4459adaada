"""The daemon: ``feeds run`` (and ``python scheduler.py``).

One asyncio process. Jobs are rebuilt from the config and the state store at start-up:

- reconcile: intake, plan, write feeds. At start-up, on every change the watcher reports,
  on a timer as a safety net (watchers miss what happens while the daemon is down, and
  network filesystems send no events), and at each embargo's lift time.
- embargo: one date job per held release, at its lift time.

The work itself runs in a worker thread, one pass at a time; requests that arrive during a
pass coalesce into one more pass. SIGTERM/SIGINT finish the pass in flight and exit 0;
SIGHUP reloads the config (a broken new config is reported and the old one kept).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import signal
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from watchfiles import Change, awatch

from feeds.build import BuildMemory, BuildReport, build
from feeds.config import Config, Digest, load_config
from feeds.errors import FeedsError
from feeds.intake.scan import IGNORED_SUFFIXES, is_content_name
from feeds.locks import StateLock
from feeds.progress import progress_reporter
from feeds.scheduling import APScheduler, JobScheduler
from feeds.store import SQLiteStore

log = logging.getLogger("feeds.daemon")

STATUS_KEY = "daemon_status"
FAR_FUTURE = timedelta(days=365 * 50)  # embargoes further out are left to the rescan
STABLE_CHECK = 0.05  # seconds between the two looks that tell a file is complete


def now_utc() -> datetime:
    return datetime.now(UTC)


# -- one daemon per state ---------------------------------------------------------------


# -- systemd -----------------------------------------------------------------------------


def sd_notify(message: str) -> None:
    """Tell systemd (Type=notify) how we are; a no-op outside systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendto(message.encode(), address)


# -- the daemon --------------------------------------------------------------------------


@dataclass
class Status:
    started_at: str = ""
    pid: int = 0
    last_reconcile: dict[str, Any] = field(default_factory=dict)
    held: list[dict[str, str]] = field(default_factory=list)
    jobs: dict[str, str | None] = field(default_factory=dict)
    errors: deque[dict[str, str]] = field(default_factory=lambda: deque(maxlen=20))

    def as_json(self) -> str:
        return json.dumps({
            "started_at": self.started_at, "pid": self.pid, "last_reconcile": self.last_reconcile,
            "held": self.held, "jobs": self.jobs, "errors": list(self.errors),
        })


class Daemon:
    def __init__(self, config_path: Path, *, clock: Any = now_utc) -> None:
        self.config_path = config_path
        self.config: Config = load_config(config_path)
        self.clock = clock
        self.lock = StateLock(self.config.state_path)
        self.status = Status(pid=os.getpid())
        self.failed = False
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._busy = False
        self._scheduler: JobScheduler | None = None
        self._watch_stop = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None
        self.memory = BuildMemory()  # decoded releases, rendered entries: kept between passes
        self._embargo_jobs: dict[str, datetime] = {}
        self._deliveries_wake = asyncio.Event()
        self._passes = 0
        self._full_scan = True  # the next pass walks the whole folder
        self._changed_paths: set[str] = set()  # else: just these files
        self._digest_stop = threading.Event()  # ends a digest run between two messages
        self._digest_tasks: dict[str, asyncio.Task[None]] = {}

    # -- requests --------------------------------------------------------------------

    def request_reconcile(self, reason: str, paths: set[str] | None = None) -> None:
        """Ask for a pass: over the whole folder, or (``paths``, content-relative) over the
        files a watcher saw change."""
        log.debug("reconcile requested: %s", reason)
        if paths is None:
            self._full_scan = True
        else:
            self._changed_paths |= paths
        self._wake.set()

    # -- the work, in a thread ---------------------------------------------------------

    def _reconcile_now(self, only: set[str] | None = None) -> BuildReport | None:
        config = self.config
        self._passes += 1
        start = time.perf_counter()
        try:
            with SQLiteStore(config.state_path) as store:
                report = build(config, store, now=self.clock(), memory=self.memory, only=only,
                               progress=progress_reporter("reading releases"))
                self._record(store, report, time.perf_counter() - start)
        except FeedsError as e:
            log.error("reconcile failed: %s", e)
            self.status.errors.append({"at": self.clock().isoformat(), "error": str(e)})
            self.failed = True
            return None
        except Exception as e:  # a bug: log it and keep the daemon alive for the next pass
            log.exception("reconcile failed: %s", e)
            self.status.errors.append({"at": self.clock().isoformat(), "error": repr(e)})
            self.failed = True
            return None
        for problem in report.problems:
            if problem.severity == "error":
                log.error("%s", problem)
                self.status.errors.append({"at": self.clock().isoformat(), "error": str(problem)})
            else:
                log.warning("%s", problem)
        r = report.scan
        if report.up_to_date:
            first = self._passes == 1
            (log.info if first else log.debug)(
                "reconcile: %d files, nothing changed (%.3f s)", r.files, report.seconds)
        else:
            w = report.write
            log.info("reconcile: %d files, %d published, %d held; wrote %d, removed %d (%.3f s)",
                     r.files, report.published, len(report.held), len(w.written), len(w.removed),
                     report.seconds)
        return report

    def _record(self, store: SQLiteStore, report: BuildReport, seconds: float) -> None:
        plan = report.plan
        self.status.last_reconcile = {
            "at": self.clock().isoformat(timespec="seconds"),
            "seconds": round(seconds, 3),
            "files": report.scan.files,
            "read": report.scan.read,
            "refused": len(report.scan.refused),
            "up_to_date": report.up_to_date,
            "published": report.published if plan else None,
            "events": [f"{e.kind} {e.id}" for e in plan.events] if plan else [],
            "written": len(report.write.written),
        }
        self.status.held = [
            {"id": h.id, "path": h.path, "until": h.until.isoformat()} for h in report.held]
        store.set_meta(STATUS_KEY, self.status.as_json())

    # -- the loop --------------------------------------------------------------------

    async def _reconciler(self) -> None:
        while not self._stopping.is_set():
            await self._wake.wait()
            if self._stopping.is_set():
                break
            self._wake.clear()
            only = None if self._full_scan else set(self._changed_paths)
            self._full_scan, self._changed_paths = False, set()
            self._busy = True
            try:
                report = await asyncio.to_thread(self._reconcile_now, only)
            finally:
                self._busy = False
            if report is not None:
                self._schedule_embargoes(report)  # also after a restart that found no change
                if report.events or report.write.written:
                    self._deliveries_wake.set()
            self._publish_status()

    def _schedule_embargoes(self, report: BuildReport) -> None:
        assert self._scheduler is not None
        now = self.clock()
        wanted: dict[str, datetime] = {}
        for held in report.held:
            if held.until - now > FAR_FUTURE:
                continue
            wanted[f"embargo:{held.id}"] = held.until
        for job_id in list(self._embargo_jobs):
            if job_id not in wanted:
                self._scheduler.remove(job_id)
                del self._embargo_jobs[job_id]
        for job_id, until in wanted.items():
            if self._embargo_jobs.get(job_id) == until:
                continue
            # Nothing on disk changed: the pass needs to look at no file, only at the time.
            self._scheduler.at(job_id, until,
                               functools.partial(self.request_reconcile, job_id, set()))
            self._embargo_jobs[job_id] = until
            log.info("embargo: %s held until %s", job_id.removeprefix("embargo:"),
                     until.isoformat())

    def _publish_status(self) -> None:
        if self._scheduler is None:
            return
        self.status.jobs = {
            job_id: (when.isoformat() if when else None)
            for job_id, when in sorted(self._scheduler.next_runs().items())
        }
        try:
            with SQLiteStore(self.config.state_path) as store:
                store.set_meta(STATUS_KEY, self.status.as_json())
        except FeedsError as e:
            log.warning("cannot record status: %s", e)

    async def _watch(self) -> None:
        root = self.config.content_dir
        root.mkdir(parents=True, exist_ok=True)

        def wanted(change: Change, path: str) -> bool:
            name = os.path.basename(path)
            return change == Change.deleted or is_content_name(name) or os.path.isdir(path)

        async for changes in awatch(
            root, watch_filter=wanted, debounce=400, step=20, stop_event=self._watch_stop,
            force_polling=self.config.poll or None, poll_delay_ms=300, recursive=True,
        ):
            await self._until_complete({p for c, p in changes if c != Change.deleted})
            self.request_reconcile(f"{len(changes)} change(s) in {root}",
                                   self._content_paths(root, changes))

    @staticmethod
    def _content_paths(root: Path, changes: set[tuple[Change, str]]) -> set[str] | None:
        """The changed files, relative to the content folder; None (walk everything) when a
        folder changed, since its files may have come or gone with it."""
        base = str(root.resolve())
        out = set()
        for change, path in changes:
            if os.path.isdir(path) or not path.startswith(base + os.sep):
                return None
            name = os.path.basename(path)
            if change == Change.deleted and not is_content_name(name):
                if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
                    continue  # a hidden file or folder, or a temp file renamed into place
                return None  # perhaps a folder, moved away with its files
            rel = path[len(base) + 1:].replace(os.sep, "/")
            if any(part.startswith((".", "_")) for part in rel.split("/")[:-1]):
                continue  # a hidden or private folder: never content
            out.add(rel)
        return out

    @staticmethod
    async def _until_complete(paths: set[str], limit: float = 5.0) -> None:
        """Wait until no file is still being written: size and mtime the same on two looks."""

        def look() -> dict[str, tuple[int, int] | None]:
            out: dict[str, tuple[int, int] | None] = {}
            for p in paths:
                try:
                    st = os.stat(p)
                    out[p] = (st.st_size, st.st_mtime_ns)
                except OSError:
                    out[p] = None
            return out

        deadline = time.monotonic() + limit
        before = look()
        while time.monotonic() < deadline:
            await asyncio.sleep(STABLE_CHECK)
            after = look()
            if after == before:
                return
            before = after

    def _rescan_tick(self) -> None:
        self.request_reconcile("rescan timer")
        if self.config.digests:
            self._resume_unfinished()

    # -- digests ---------------------------------------------------------------------

    def _schedule_digests(self) -> None:
        assert self._scheduler is not None
        for job_id in self._scheduler.job_ids():
            if job_id.startswith("digest:"):
                self._scheduler.remove(job_id)
        for digest in self.config.digests:
            self._scheduler.cron(
                f"digest:{digest.name}", digest.cron, digest.timezone,
                functools.partial(self.request_digest, digest.name, "its schedule"),
                self.config.misfire_grace_seconds,
            )

    def request_digest(self, name: str, why: str, resume_only: bool = False) -> None:
        running = self._digest_tasks.get(name)
        if running is not None and not running.done():
            log.info("digest %s: a run is already under way; this one (%s) is folded into it",
                     name, why)
            return
        self._digest_tasks[name] = asyncio.create_task(self._digest(name, why, resume_only))

    def _resume_unfinished(self) -> None:
        """Recipients a 4xx deferred, and issues a dead server held up, go out when due."""
        from feeds.digest.service import unfinished_issues

        for name in unfinished_issues(self.config):
            self.request_digest(name, "resuming an unfinished issue", resume_only=True)

    async def _digest(self, name: str, why: str, resume_only: bool = False) -> None:
        from feeds.digest.service import resume_digest, run_digest

        log.info("digest %s: running (%s)", name, why)
        started = self.clock()
        work = resume_digest if resume_only else run_digest
        try:
            # In a thread: the digest runs its own event loop for SMTP.
            result = await asyncio.to_thread(
                work, self.config, name, started, stop=self._digest_stop)
        except FeedsError as e:
            log.error("digest %s: %s", name, e)
            self.status.errors.append({"at": self.clock().isoformat(), "error": f"digest {name}: {e}"})
            return
        except Exception as e:  # a bug: log it, keep the daemon
            log.exception("digest %s failed: %s", name, e)
            self.status.errors.append({"at": self.clock().isoformat(), "error": repr(e)})
            return
        if not resume_only:
            self._mark_digest_run(name, started)
        if resume_only:
            log.info("digest %s: resumed, sent %d, failed %d, deferred %d", name, result.sent,
                     result.failed, result.deferred)
        elif result.skipped_empty:
            log.info("digest %s: nothing new since the last issue; skipped", name)
        else:
            log.info("digest %s: issue %s, %d releases, sent %d, failed %d, deferred %d%s",
                     name, result.created, result.releases, result.sent, result.failed,
                     result.deferred, "" if result.complete else " (unfinished; will resume)")
        for problem in result.problems:
            log.warning("digest %s: %s", name, problem)

    def _mark_digest_run(self, name: str, when: datetime) -> None:
        with SQLiteStore(self.config.state_path) as store:
            store.set_meta(f"digest_last_run:{name}", when.isoformat())

    def _last_digest_runs(self) -> dict[str, datetime | None]:
        with SQLiteStore(self.config.state_path) as store:
            return {d.name: (datetime.fromisoformat(v) if (v := store.get_meta(
                f"digest_last_run:{d.name}")) else None) for d in self.config.digests}

    def _missed_digests(self) -> None:
        """A run whose time passed while the daemon was down: once now if within the grace,
        else skipped and logged; never several times. Unfinished issues are resumed."""
        from feeds.digest.service import unfinished_issues

        now = self.clock()
        grace = timedelta(seconds=self.config.misfire_grace_seconds)
        unfinished = set(unfinished_issues(self.config))
        last_runs = self._last_digest_runs()
        for digest in self.config.digests:
            if digest.name in unfinished:
                self.request_digest(digest.name, "resuming an unfinished issue", resume_only=True)
                continue
            last = last_runs[digest.name]
            if last is None:
                continue  # never ran here: nothing was missed, the schedule starts now
            missed = last_due(digest, last, now)
            if missed is None:
                continue
            if now - missed <= grace:
                self.request_digest(digest.name, f"missed at {missed.isoformat()} while down")
            else:
                log.warning("digest %s: the run due at %s was missed while the daemon was down "
                            "and is past [schedule] misfire_grace; skipped", digest.name,
                            missed.isoformat())
                self._mark_digest_run(digest.name, now)

    def _reload(self) -> None:
        try:
            new = load_config(self.config_path)
            check_endpoint_secrets(new)
        except FeedsError as e:
            log.error("config reload failed, keeping the running config: %s", e)
            self.status.errors.append({"at": self.clock().isoformat(), "error": str(e)})
            return
        if new.state_path != self.config.state_path:
            log.error("config reload: [state] path cannot change while running; kept %s",
                      self.config.state_path)
            return
        self.config = new
        self.memory = BuildMemory()  # templates or site settings may differ
        log.info("config reloaded from %s", self.config_path)
        if self._scheduler is not None:
            self._scheduler.every("rescan", new.rescan_seconds, self._rescan_tick)
            if new.digests or any(j.startswith("digest:") for j in self._scheduler.job_ids()):
                self._schedule_digests()
        self.request_reconcile("config reloaded")

    def stop(self, why: str) -> None:
        if not self._stopping.is_set():
            log.info("stopping (%s)%s", why, ": finishing the pass in flight" if self._busy else "")
            sd_notify("STOPPING=1")
            self._stopping.set()
            self._watch_stop.set()
            self._digest_stop.set()
            self._wake.set()

    async def run(self) -> int:
        check_endpoint_secrets(self.config)
        self.lock.acquire()
        loop = asyncio.get_running_loop()
        try:
            self.status.started_at = self.clock().isoformat(timespec="seconds")
            for sig, why in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
                loop.add_signal_handler(sig, self.stop, why)
            loop.add_signal_handler(signal.SIGHUP, self._reload)
            scheduler = self._scheduler = APScheduler(loop)
            scheduler.every("rescan", self.config.rescan_seconds, self._rescan_tick)
            watchdog = int(os.environ.get("WATCHDOG_USEC", "0")) / 1e6
            if watchdog:
                scheduler.every("watchdog", watchdog / 2, lambda: sd_notify("WATCHDOG=1"))
            if self.config.digests:
                self._schedule_digests()
            scheduler.start()
            log.info("feeds daemon started (pid %d): watching %s, writing %s", os.getpid(),
                     self.config.content_dir, self.config.output_dir)
            reconciler = asyncio.create_task(self._reconciler())
            self._watcher = asyncio.create_task(self._watch())
            deliveries = self._start_deliveries()
            server = self._start_server()
            self.request_reconcile("start-up")
            if self.config.digests:
                self._missed_digests()
            sd_notify("READY=1")
            await self._stopping.wait()
            scheduler.shutdown()
            try:
                await asyncio.wait_for(asyncio.shield(reconciler),
                                       timeout=self.config.stop_timeout_seconds)
            except TimeoutError:
                log.error("the pass in flight did not finish within %d s; exiting anyway",
                          self.config.stop_timeout_seconds)
                return 1
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            pending = [t for t in (deliveries, server, *self._digest_tasks.values()) if t]
            if pending:
                _, late = await asyncio.wait(pending, timeout=self.config.stop_timeout_seconds)
                for task in late:
                    task.cancel()
                if late:
                    log.error("%d job(s) did not finish within %d s", len(late),
                              self.config.stop_timeout_seconds)
                    return 1
            log.info("stopped")
            return 0
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(sig)
            self.lock.release()

    def _start_deliveries(self) -> asyncio.Task[None] | None:
        if not self.config.endpoints:
            return None
        from feeds.deliver import run_deliveries

        return asyncio.create_task(run_deliveries(
            lambda: self.config, now=self.clock, wake=self._deliveries_wake, stop=self._stopping))

    def _start_server(self) -> asyncio.Task[None] | None:
        if not self.config.serve.enabled:
            return None
        import uvicorn

        from feeds.web.app import create_app

        server = uvicorn.Server(uvicorn.Config(
            create_app(self.config), host=self.config.serve.host, port=self.config.serve.port,
            log_level="warning", access_log=False, server_header=False))
        log.info("serving %s on http://%s:%d/", self.config.output_dir, self.config.serve.host,
                 self.config.serve.port)

        async def serve() -> None:
            # Server.serve() would take over SIGTERM/SIGINT; the daemon owns them and stops
            # the server itself, so its inner loop is run without the signal capture.
            serving = asyncio.create_task(server._serve())
            await self._stopping.wait()
            server.should_exit = True
            await serving

        return asyncio.create_task(serve())

    def run_once(self) -> int:
        """One pass for cron: reconcile, the digests that are due, one outbox drain."""
        check_endpoint_secrets(self.config)
        self.lock.acquire()
        try:
            report = self._reconcile_now()
            failed = report is None or self.failed or any(
                p.severity == "error" for p in report.problems)
            failed |= not self._due_digests_once()
            if self.config.endpoints:
                failed |= not asyncio.run(self._drain_once())
        finally:
            self.lock.release()
        return 1 if failed else 0

    def _due_digests_once(self) -> bool:
        """Each digest whose scheduled time passed since its last run (within the grace)."""
        if not self.config.digests:
            return True
        from feeds.digest.service import run_digest, unfinished_issues

        ok = True
        now = self.clock()
        grace = timedelta(seconds=self.config.misfire_grace_seconds)
        unfinished = set(unfinished_issues(self.config))
        last_runs = self._last_digest_runs()
        for digest in self.config.digests:
            fire = last_due(digest, last_runs[digest.name] or now - grace, now)
            due = fire is not None and now - fire <= grace
            if not due and digest.name not in unfinished:
                continue
            try:
                result = run_digest(self.config, digest.name, now)
            except FeedsError as e:
                log.error("digest %s: %s", digest.name, e)
                ok = False
                continue
            self._mark_digest_run(digest.name, now)
            log.info("digest %s: sent %d, failed %d", digest.name, result.sent, result.failed)
            ok &= result.failed == 0
        return ok

    async def _drain_once(self) -> bool:
        from feeds.deliver import drain

        report = await drain(self.config, now=self.clock)
        # A delivery that must wait for a retry, died or met a disabled endpoint is a
        # failure to report to cron; the next run carries on from the stored state.
        return not (report.errors or report.retrying or report.dead or report.disabled)


def last_due(digest: Digest, since: datetime, now: datetime) -> datetime | None:
    """The latest time ``digest`` was scheduled for after ``since`` and not after ``now``."""
    from apscheduler.triggers.cron import CronTrigger

    trigger = CronTrigger.from_crontab(digest.cron, timezone=digest.timezone)
    latest = None
    fire = trigger.get_next_fire_time(None, since)
    while fire is not None and fire <= now:
        if fire > since:
            latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest


def check_endpoint_secrets(config: Config) -> None:
    """A missing secret is a start-up error naming the endpoint and the variable."""
    if config.endpoints:
        from feeds.deliver import check_secrets

        check_secrets(config)


def run(config_path: Path, once: bool = False) -> int:
    daemon = Daemon(config_path)
    if once:
        return daemon.run_once()
    return asyncio.run(daemon.run())
