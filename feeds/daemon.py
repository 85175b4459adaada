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
import fcntl
import functools
import json
import logging
import os
import signal
import socket
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from watchfiles import Change, awatch

from feeds.build import BuildMemory, BuildReport, build
from feeds.config import Config, load_config
from feeds.errors import FeedsError, StateLocked
from feeds.intake.scan import is_content_name
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


class StateLock:
    """An exclusive lock beside the state database; the holder's pid is written inside."""

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StateLocked(
                self.path.with_name(self.path.name.removesuffix(".lock")),
                f"another `feeds run` (pid {holder}) holds this state; stop it first",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    @staticmethod
    def holder(state_path: Path) -> int | None:
        """The pid of a running daemon on this state, or None."""
        path = state_path.with_name(state_path.name + ".lock")
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 64).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)


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

    # -- requests --------------------------------------------------------------------

    def request_reconcile(self, reason: str) -> None:
        log.debug("reconcile requested: %s", reason)
        self._wake.set()

    # -- the work, in a thread ---------------------------------------------------------

    def _reconcile_now(self) -> BuildReport | None:
        config = self.config
        start = time.perf_counter()
        try:
            with SQLiteStore(config.state_path) as store:
                report = build(config, store, now=self.clock(), memory=self.memory,
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
            log.debug("reconcile: %d files, nothing changed (%.3f s)", r.files, report.seconds)
        else:
            w = report.write
            log.info("reconcile: %d files, %d published, %d held; wrote %d, removed %d (%.3f s)",
                     r.files, len(report.plan.visible) if report.plan else 0,
                     len(report.plan.held) if report.plan else 0, len(w.written), len(w.removed),
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
            "published": len(plan.visible) if plan else None,
            "events": [f"{e.kind} {e.id}" for e in plan.events] if plan else [],
            "written": len(report.write.written),
        }
        if plan is not None:
            self.status.held = [
                {"id": r.id, "path": r.path, "until": r.embargo_until.isoformat()}
                for r in plan.held if r.embargo_until is not None
            ]
        store.set_meta(STATUS_KEY, self.status.as_json())

    # -- the loop --------------------------------------------------------------------

    async def _reconciler(self) -> None:
        while not self._stopping.is_set():
            await self._wake.wait()
            if self._stopping.is_set():
                break
            self._wake.clear()
            self._busy = True
            try:
                report = await asyncio.to_thread(self._reconcile_now)
            finally:
                self._busy = False
            if report is not None and report.plan is not None:
                self._schedule_embargoes(report)
            self._publish_status()

    def _schedule_embargoes(self, report: BuildReport) -> None:
        assert self._scheduler is not None and report.plan is not None
        now = self.clock()
        wanted: dict[str, datetime] = {}
        for release in report.plan.held:
            until = release.embargo_until
            if until is None or until - now > FAR_FUTURE:
                continue
            wanted[f"embargo:{release.id}"] = until
        for job_id in list(self._embargo_jobs):
            if job_id not in wanted:
                self._scheduler.remove(job_id)
                del self._embargo_jobs[job_id]
        for job_id, until in wanted.items():
            if self._embargo_jobs.get(job_id) == until:
                continue
            self._scheduler.at(job_id, until, functools.partial(self.request_reconcile, job_id))
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
            self.request_reconcile(f"{len(changes)} change(s) in {root}")

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

    def _reload(self) -> None:
        try:
            new = load_config(self.config_path)
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
            self._scheduler.every("rescan", new.rescan_seconds,
                                  lambda: self.request_reconcile("rescan timer"))
        self.request_reconcile("config reloaded")

    def stop(self, why: str) -> None:
        if not self._stopping.is_set():
            log.info("stopping (%s)%s", why, ": finishing the pass in flight" if self._busy else "")
            sd_notify("STOPPING=1")
            self._stopping.set()
            self._watch_stop.set()
            self._wake.set()

    async def run(self) -> int:
        self.lock.acquire()
        loop = asyncio.get_running_loop()
        try:
            self.status.started_at = self.clock().isoformat(timespec="seconds")
            for sig, why in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
                loop.add_signal_handler(sig, self.stop, why)
            loop.add_signal_handler(signal.SIGHUP, self._reload)
            scheduler = self._scheduler = APScheduler(loop)
            scheduler.every("rescan", self.config.rescan_seconds,
                            lambda: self.request_reconcile("rescan timer"))
            watchdog = int(os.environ.get("WATCHDOG_USEC", "0")) / 1e6
            if watchdog:
                scheduler.every("watchdog", watchdog / 2, lambda: sd_notify("WATCHDOG=1"))
            scheduler.start()
            log.info("feeds daemon started (pid %d): watching %s, writing %s", os.getpid(),
                     self.config.content_dir, self.config.output_dir)
            reconciler = asyncio.create_task(self._reconciler())
            self._watcher = asyncio.create_task(self._watch())
            self.request_reconcile("start-up")
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
            log.info("stopped")
            return 0
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(sig)
            self.lock.release()

    def run_once(self) -> int:
        """One reconcile (then, as they land: the digests that are due, one outbox drain)."""
        self.lock.acquire()
        try:
            report = self._reconcile_now()
        finally:
            self.lock.release()
        if report is None or self.failed:
            return 1
        return 1 if any(p.severity == "error" for p in report.problems) else 0


def run(config_path: Path, once: bool = False) -> int:
    daemon = Daemon(config_path)
    if once:
        return daemon.run_once()
    return asyncio.run(daemon.run())
