"""One publishing pass: intake, plan, record, render, write.

State changes and the events they cause are committed before any file is written, so a
crash between the two re-renders on the next pass and loses nothing.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from jinja2 import Environment

from feeds.config import Config
from feeds.intake.scan import Progress, ScanResult, scan
from feeds.model import Diagnostic, Release
from feeds.outbox import Delivery, fan_out
from feeds.plan import Event, Plan, Publication, plan
from feeds.render.feeds import EntryCache
from feeds.render.site import (
    RENDER_VERSION,
    RenderMemory,
    SiteBuilder,
    release_url,
    template_environment,
    templates_key,
)
from feeds.store import CachedFile, Identity, Output, StateStore
from feeds.writer import WriteReport, write_outputs

log = logging.getLogger("feeds.build")

_BUILD_KEY = "build_key"
_NEXT_LIFT = "next_embargo_lift"


@dataclass
class BuildReport:
    scan: ScanResult
    plan: Plan | None = None
    write: WriteReport = field(default_factory=WriteReport)
    up_to_date: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def events(self) -> tuple[Event, ...]:
        return self.plan.events if self.plan else ()


@dataclass
class BuildMemory:
    """What a long-running process (the daemon) keeps between passes, so a pass after one
    file changed decodes, loads and renders only what that change touches."""

    releases: dict[str, Release] = field(default_factory=dict)  # by path
    identities: dict[str, Identity] | None = None
    publications: dict[str, Publication] | None = None
    manifest: dict[str, Output] | None = None
    entries: EntryCache | None = None
    files: dict[str, CachedFile] = field(default_factory=dict)  # the intake cache's index
    templates: Environment | None = None
    render: RenderMemory = field(default_factory=RenderMemory)


def _build_key(config: Config) -> str:
    parts = (RENDER_VERSION, repr(config), templates_key(config))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def build(
    config: Config, store: StateStore, *, now: datetime, progress: Progress | None = None,
    force: bool = False, memory: BuildMemory | None = None, only: set[str] | None = None,
) -> BuildReport:
    """One pass. ``only``: the content files a watcher saw change (a full scan without it).
    ``memory``: what a long-running caller keeps between passes."""
    start = time.perf_counter()
    now = now.replace(microsecond=0)
    if memory is not None and memory.identities is None:
        memory.identities = store.identities()
    result = scan(config, store, now=now, progress=progress,
                  memo=memory.releases if memory is not None else None,
                  identities=memory.identities if memory is not None else None, only=only,
                  files_memo=memory.files if memory is not None else None)
    report = BuildReport(result, problems=list(result.problems))
    report.timings["intake"] = time.perf_counter() - start
    key = _build_key(config)
    next_lift = store.get_meta(_NEXT_LIFT)
    lift_due = next_lift is not None and datetime.fromisoformat(next_lift) <= now
    nothing_new = result.read == 0 and result.removed == 0 and not lift_due
    if nothing_new and not force and store.get_meta(_BUILD_KEY) == key:
        report.up_to_date = True
        report.seconds = time.perf_counter() - start
        return report

    mark = time.perf_counter()
    remembered = memory.publications if memory is not None else None
    publications = remembered if remembered is not None else store.publications()
    the_plan = plan(result.releases.values(), publications, now)
    report.plan = the_plan
    deliveries: list[Delivery] = []
    if the_plan.events and config.endpoints:
        by_id = {r.id: r for r in the_plan.visible}
        by_id.update((r.id, r) for r in result.releases.values() if r.id not in by_id)
        urls = {rid: release_url(config, r) for rid, r in by_id.items()}
        deliveries = fan_out(the_plan.events, by_id, urls, config)
    store.record_plan(the_plan.changed, the_plan.events, deliveries)
    for event in the_plan.events:
        log.info("%s %s (%s)", event.kind, event.id, event.path)
    if memory is not None:
        memory.publications = the_plan.publications
    for release in the_plan.held:
        log.debug("held under embargo until %s: %s (%s)", release.embargo_until, release.id,
                  release.path)

    report.timings["plan"] = time.perf_counter() - mark
    mark = time.perf_counter()
    entries = memory.entries if memory is not None else None
    if memory is not None and memory.templates is None:
        memory.templates = template_environment(config)  # compiled once, not every pass
    builder = SiteBuilder(config, the_plan, cache=entries,
                          env=memory.templates if memory is not None else None,
                          memory=memory.render if memory is not None else None)
    known = memory.manifest if memory is not None else None
    manifest = known if known is not None else store.outputs()
    report.write = write_outputs(
        config.output_dir, builder.outputs(), manifest, builder.prepare,
        lambda: builder.cache.failures, verify=only is None,
    )
    store.save_outputs(report.write.manifest, report.write.removed)
    if config.hub and report.write.written:
        from feeds.deliver import enqueue_websub

        enqueue_websub(config, report.write.written, now)
    if memory is not None:
        manifest = dict(manifest)
        manifest.update((row.path, row) for row in report.write.manifest)
        for path in report.write.removed:
            manifest.pop(path, None)
        memory.manifest = manifest
        memory.entries = builder.cache.trimmed()
    report.timings["render and write"] = time.perf_counter() - mark
    for path, reason in sorted(report.write.left_out.items()):
        report.problems.append(Diagnostic(path, f"left out of the feeds: {reason}", None, "error"))
    for path, reason in report.write.failed:
        report.problems.append(Diagnostic(path, f"not written: {reason}", None, "error"))
    store.set_meta(_BUILD_KEY, key if not report.write.failed else "")
    lifts = [r.embargo_until for r in the_plan.held if r.embargo_until is not None]
    store.set_meta(_NEXT_LIFT, min(lifts).isoformat() if lifts else "9999-12-31T00:00:00+00:00")
    report.seconds = time.perf_counter() - start
    log.debug("build stages: %s", ", ".join(f"{k} {v:.3f} s" for k, v in report.timings.items()))
    return report
