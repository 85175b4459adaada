"""One publishing pass: intake, plan, record, render, write.

State changes and the events they cause are committed before any file is written, so a
crash between the two re-renders on the next pass and loses nothing.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import time
from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple

from jinja2 import Environment

from feeds.catalogue import ORDER, Listing, entry_listing, tombstone_listing
from feeds.config import Config
from feeds.intake.scan import Progress, ScanResult, cache_key, scan
from feeds.model import Diagnostic, Release
from feeds.outbox import Delivery, fan_out
from feeds.plan import Event, Plan, plan
from feeds.render.feeds import EntryCache
from feeds.render.site import (
    RENDER_VERSION,
    Scope,
    SiteBuilder,
    page_path,
    release_url,
    scope_of,
    template_environment,
    templates_key,
)
from feeds.store import CachedFile, Identity, Output, StateStore
from feeds.writer import WriteReport, first_replaced, fs_path, write_outputs

log = logging.getLogger("feeds.build")

# The settings the outputs were last made with and the intake cache they were made from,
# cleared while a pass is under way: a pass that finds it different (the last one stopped
# half-way, or `feeds check` read files since) looks at everything again.
_BUILD_KEY = "build_key"
_HELD = "held"  # releases held under embargo: {id: [path, lift time]}
_OUTPUT_DIRS = "output_dirs"  # each output folder's mtime after the last pass
# More changed releases than this and a pass re-keys every output (as the first one does).
PARTIAL_LIMIT = 1000


class Held(NamedTuple):
    id: str
    path: str
    until: datetime


@dataclass
class BuildReport:
    scan: ScanResult
    plan: Plan | None = None  # of every release, or (a partial pass) of those that changed
    write: WriteReport = field(default_factory=WriteReport)
    up_to_date: bool = False
    partial: bool = False  # looked only at what the changed releases touch
    published: int = 0  # releases the site shows
    held: list[Held] = field(default_factory=list)  # under embargo, soonest lift first
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
    listings: dict[str, Listing] | None = None  # the catalogue, by id
    ordered: list[Listing] | None = None  # the same rows, in the builder's order
    manifest: dict[str, Output] | None = None
    entries: EntryCache | None = None
    files: dict[str, CachedFile] = field(default_factory=dict)  # the intake cache's index
    templates: Environment | None = None
    generation: str | None = None  # of the intake cache this memory agrees with

    def forget(self) -> None:
        """Someone else (`feeds check`) changed the intake cache: read the state again."""
        self.releases.clear()
        self.files.clear()
        self.identities = self.listings = self.manifest = None
        self.ordered = None


def _build_key(config: Config) -> str:
    parts = (RENDER_VERSION, repr(config), templates_key(config), cache_key(config))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _held(store: StateStore) -> dict[str, Held]:
    text = store.get_meta(_HELD)
    rows = json.loads(text) if text else {}
    return {rid: Held(rid, path, datetime.fromisoformat(until))
            for rid, (path, until) in rows.items()}


def build(
    config: Config, store: StateStore, *, now: datetime, progress: Progress | None = None,
    force: bool = False, memory: BuildMemory | None = None, only: set[str] | None = None,
) -> BuildReport:
    """One pass. ``only``: the content files a watcher saw change (a full scan without it).
    ``memory``: what a long-running caller keeps between passes."""
    if memory is not None:
        return _build(config, store, now=now, progress=progress, force=force, memory=memory,
                      only=only)
    # A pass in a short-lived process: what the imports made lives as long as the process,
    # so the garbage collector need not walk it each time the pass's objects trigger it.
    gc.freeze()
    try:
        return _build(config, store, now=now, progress=progress, force=force, only=only)
    finally:
        gc.unfreeze()


def _build(
    config: Config, store: StateStore, *, now: datetime, progress: Progress | None = None,
    force: bool = False, memory: BuildMemory | None = None, only: set[str] | None = None,
) -> BuildReport:
    start = time.perf_counter()
    now = now.replace(microsecond=0)
    key = _build_key(config)
    clean = store.get_meta(_BUILD_KEY) == f"{key}|{store.files_generation()}"
    if clean and only is None and _outputs_missing(config, store):
        clean = False  # someone deleted files (or the whole folder): look at everything
    if memory is not None:
        if memory.generation not in (None, store.files_generation()):
            memory.forget()
        if memory.identities is None:
            memory.identities = store.identities()
    result = scan(config, store, now=now, progress=progress,
                  memo=memory.releases if memory is not None else None,
                  identities=memory.identities if memory is not None else None, only=only,
                  files_memo=memory.files if memory is not None else None, allow_empty=force)
    generation = store.files_generation()  # the cache this pass works from
    if memory is not None:
        memory.generation = generation
    report = BuildReport(result, problems=list(result.problems))
    report.timings["intake"] = time.perf_counter() - start
    held = _held(store)
    lifted = [h for h in held.values() if h.until <= now]
    if result.read == 0 and result.removed == 0 and not lifted and clean and not force:
        if only is not None or not _outputs_replaced(config, store, memory):
            report.up_to_date = True
            report.held = sorted(held.values(), key=lambda h: (h.until, h.id))
            report.seconds = time.perf_counter() - start
            return report
        clean = False  # someone replaced a file the writer made: look at everything
    store.set_meta(_BUILD_KEY, "")  # under way

    mark = time.perf_counter()
    listings = memory.listings if memory is not None else None
    partial = (clean and not force and len(result.fresh) + len(result.gone) <= PARTIAL_LIMIT)
    if partial and listings is None:
        listings = store.listings()
    if partial:
        assert listings is not None
        # Only what changed: re-read files, disappeared ones, and embargoes that lifted.
        subset = dict(result.fresh)
        waiting = [h for h in lifted if h.path not in subset]
        subset.update((p, r) for p, r in result.load([h.path for h in waiting]).items()
                      if r.id in held)
        # A file read again may carry another id now (a front-matter id added): the old one
        # is gone, as if its file had disappeared.
        by_path = {row.path: rid for rid, row in listings.items() if not row.retracted}
        by_path.update((h.path, h.id) for h in held.values())
        gone = set(result.gone) | {
            old for p, r in result.fresh.items() if (old := by_path.get(p)) and old != r.id}
        ids = {r.id for r in subset.values()} | gone
        the_plan = plan(subset.values(), store.publications(ids), now, gone=gone)
        for rid in ids:
            held.pop(rid, None)
    else:
        publications = store.publications()
        the_plan = plan(result.releases.values(), publications, now)
        held = {}
    held.update((r.id, Held(r.id, r.path, r.embargo_until))
                for r in the_plan.held if r.embargo_until is not None)
    report.plan = the_plan
    report.partial = partial
    deliveries: list[Delivery] = []
    if the_plan.events and config.endpoints:
        by_id = {r.id: r for r in the_plan.visible}
        fresh = result.fresh.values() if partial else result.releases.values()
        by_id.update((r.id, r) for r in fresh if r.id not in by_id)
        urls = {rid: release_url(config, r) for rid, r in by_id.items()}
        deliveries = fan_out(the_plan.events, by_id, urls, config)
    store.record_plan(the_plan.changed, the_plan.events, deliveries)
    for event in the_plan.events:
        log.info("%s %s (%s)", event.kind, event.id, event.path)
    for release in the_plan.held:
        log.debug("held under embargo until %s: %s (%s)", release.embargo_until, release.id,
                  release.path)

    # The catalogue: what the site lists after this plan.
    new_rows = _listings(config, the_plan)
    if partial:
        assert listings is not None
        before = {rid: listings[rid] for rid in new_rows if rid in listings}
        changed_rows = [row for rid, row in new_rows.items() if before.get(rid) != row]
        scope = scope_of(config, [*before.values(), *changed_rows])
        store.save_listings(changed_rows)
        listings = dict(listings)
        listings.update((row.id, row) for row in changed_rows)
    else:
        scope = None
        store.save_listings(new_rows.values(), complete=True)
        listings = new_rows
    report.published = sum(1 for row in listings.values() if not row.retracted)
    report.held = sorted(held.values(), key=lambda h: (h.until, h.id))
    if memory is not None:
        if partial and memory.ordered is not None and memory.listings is not None:
            memory.ordered = _reordered(memory.ordered, memory.listings, changed_rows)
        else:
            memory.ordered = None  # the builder sorts them
        memory.listings = listings
    report.timings["plan"] = time.perf_counter() - mark

    mark = time.perf_counter()
    known = {r.id: r for r in the_plan.visible} if scope is not None else {}
    if scope is None and memory is None:
        # A full pass in a short-lived process: the render workers load the releases they
        # need, so the ten thousand decoded here are let go before they are forked.
        report.plan = the_plan = replace(the_plan, visible=(), held=())
        result.fresh = {}
        result.releases = {}
        gc.collect()
    report.write = _render(config, store, memory, result, known, listings, scope, key)
    report.timings["render and write"] = time.perf_counter() - mark
    if config.hub and report.write.written:
        from feeds.deliver import enqueue_websub

        enqueue_websub(config, report.write.written, now)
    for path, reason in sorted(report.write.left_out.items()):
        report.problems.append(Diagnostic(path, f"left out of the feeds: {reason}", None, "error"))
    for path, reason in report.write.failed:
        report.problems.append(Diagnostic(path, f"not written: {reason}", None, "error"))
    store.set_meta(_HELD, json.dumps(
        {h.id: [h.path, h.until.isoformat()] for h in report.held}, sort_keys=True))
    if not report.write.failed:
        _note_output_dirs(config, store, report.write)
        store.set_meta(_BUILD_KEY, f"{key}|{generation}")
    report.seconds = time.perf_counter() - start
    log.debug("build stages: %s", ", ".join(f"{k} {v:.3f} s" for k, v in report.timings.items()))
    return report


def _outputs_missing(config: Config, store: StateStore) -> bool:
    """Whether a file the writer made may have gone from the output folder: removing a file
    changes its folder's mtime, and each folder's was noted after the last pass (a stat per
    folder, not per file). Without a note, assume so."""
    text = store.get_meta(_OUTPUT_DIRS)
    if not text:
        return True
    root = str(config.output_dir)
    for folder, mtime_ns in json.loads(text).items():
        try:
            if os.stat(os.path.join(root, fs_path(folder))).st_mtime_ns != mtime_ns:
                return True
        except OSError:
            return True
    return False


def _outputs_replaced(config: Config, store: StateStore, memory: BuildMemory | None) -> bool:
    """Whether a file the writer made was replaced (or deleted) by someone else since: a stat
    of each, compared with the size and mtime the writer left it with. Run when nothing else
    changed (before a pass is found up to date), not before every pass."""
    if memory is not None and memory.manifest is not None:
        made: Iterable[tuple[str, int | None, int | None]] = (
            (o.path, o.size, o.mtime_ns) for o in memory.manifest.values())
    else:
        made = store.output_stats()
    replaced = first_replaced(config.output_dir, made)
    if replaced is not None:
        log.info("%s is not the file this writer left: looking at every output", replaced)
    return replaced is not None


def _note_output_dirs(config: Config, store: StateStore, write: WriteReport) -> None:
    text = store.get_meta(_OUTPUT_DIRS)
    folders = set(json.loads(text)) if text else set()
    if not text:  # the first note: every folder of the manifest
        folders.update(p.rpartition("/")[0] for p in store.output_paths())
    folders.update(p.rpartition("/")[0] for p in (*write.written, *write.removed))
    folders.add("")
    root = str(config.output_dir)
    stamps = {}
    for folder in sorted(folders):
        try:
            stamps[folder] = os.stat(os.path.join(root, fs_path(folder))).st_mtime_ns
        except OSError:
            continue  # emptied and removed by someone: not ours to watch any more
    store.set_meta(_OUTPUT_DIRS, json.dumps(stamps, sort_keys=True))


def _reordered(
    ordered: list[Listing], old: Mapping[str, Listing], changed: Iterable[Listing]
) -> list[Listing] | None:
    """``ordered`` (the rows of ``old`` in the builder's order) with the ``changed`` rows in
    place of their old versions: a pass after a few changes sorts nothing. None when a row
    is not where it should be (the builder then sorts them all)."""
    out = list(ordered)
    for row in changed:
        before = old.get(row.id)
        if before is not None:
            i = bisect_left(out, before.sort_key, key=ORDER)
            if i == len(out) or out[i] != before:
                return None
            del out[i]
        insort(out, row, key=ORDER)
    return out


def _listings(config: Config, the_plan: Plan) -> dict[str, Listing]:
    rows = {}
    for release in the_plan.visible:
        page = page_path(config, release.id, release.path)
        rows[release.id] = entry_listing(release, the_plan, page, config.site.url + page)
    for pub in the_plan.tombstones:
        rows[pub.id] = tombstone_listing(pub, page_path(config, pub.id, pub.path))
    return rows


def _render(
    config: Config, store: StateStore, memory: BuildMemory | None, result: ScanResult,
    known: dict[str, Release], listings: dict[str, Listing], scope: Scope | None, key: str,
) -> WriteReport:
    """``known``: releases at hand by id (a partial pass's); the others are loaded."""

    def load(rows: Sequence[Listing]) -> dict[str, Release]:
        by_path = result.load([row.path for row in rows])
        wanted = {row.id for row in rows}
        return {r.id: r for r in by_path.values() if r.id in wanted}

    if memory is not None and memory.templates is None:
        memory.templates = template_environment(config)  # compiled once, not every pass
    ordered = memory.ordered if memory is not None else None
    builder = SiteBuilder(
        config, ordered if ordered is not None else listings.values(), load, releases=known,
        env=memory.templates if memory is not None else None,
        cache=memory.entries if memory is not None else None, scope=scope, salt=key,
        fetch=store.fragments, ordered=ordered is not None,
    )
    if memory is not None:
        memory.ordered = builder.rows
    files = builder.outputs()
    if memory is not None:  # the whole manifest, read once
        if memory.manifest is None:
            memory.manifest = store.outputs()
        manifest = memory.manifest
    elif scope is not None:  # only the rows of the files this scope owns
        manifest = store.outputs([f.path for f in files] + sorted(scope.pages), scope.prefixes())
    else:
        manifest = store.outputs()
    written = write_outputs(
        config.output_dir, files, manifest, builder.prepare,
        lambda: builder.cache.failures, verify=scope is None,
        owns=builder.scope.owns if builder.scope is not None else None,
    )
    store.save_outputs(written.manifest, written.removed)
    if builder.cache.new:  # rendered here (not in a worker): for the next process
        store.save_fragments(builder.cache.new)
        builder.cache.new = {}
    if memory is not None:
        manifest = dict(manifest)
        manifest.update((row.path, row) for row in written.manifest)
        for path in written.removed:
            manifest.pop(path, None)
        memory.manifest = manifest
        memory.entries = builder.cache.trimmed()
    return written
