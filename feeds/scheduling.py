"""A thin seam over APScheduler 3.11, so the daemon does not depend on its API.

The daemon asks for three kinds of job: every N seconds, once at a time, and on a cron
line in a time zone. Swapping APScheduler (for 4.x, or anything else) means writing one
more class with these methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

Job = Callable[[], Any]


class JobScheduler(Protocol):
    def every(self, job_id: str, seconds: float, job: Job) -> None: ...
    def at(self, job_id: str, when: datetime, job: Job) -> None: ...
    def cron(self, job_id: str, line: str, timezone: str, job: Job, misfire_grace: int) -> None: ...
    def remove(self, job_id: str) -> None: ...
    def job_ids(self) -> list[str]: ...
    def next_runs(self) -> dict[str, datetime | None]: ...
    def start(self) -> None: ...
    def shutdown(self) -> None: ...


class APScheduler:
    """APScheduler's ``AsyncIOScheduler`` with an in-memory job store: every job is rebuilt
    from the config and the state store at start-up, so the scheduler holds nothing we
    would miss after a crash."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._scheduler = AsyncIOScheduler(event_loop=loop, timezone="UTC")

    def every(self, job_id: str, seconds: float, job: Job) -> None:
        self._scheduler.add_job(job, "interval", seconds=seconds, id=job_id,
                                replace_existing=True, coalesce=True, max_instances=1)

    def at(self, job_id: str, when: datetime, job: Job) -> None:
        self._scheduler.add_job(job, "date", run_date=when, id=job_id, replace_existing=True,
                                misfire_grace_time=None)

    def cron(self, job_id: str, line: str, timezone: str, job: Job, misfire_grace: int) -> None:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(line, timezone=timezone)
        self._scheduler.add_job(job, trigger, id=job_id, replace_existing=True, coalesce=True,
                                max_instances=1, misfire_grace_time=misfire_grace)

    def remove(self, job_id: str) -> None:
        if self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def next_runs(self) -> dict[str, datetime | None]:
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
