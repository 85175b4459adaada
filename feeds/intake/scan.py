"""The folder scan: find content files, re-read only what changed, keep identities.

A file is re-read when its size or mtime differ from the cache; a file whose bytes hash
the same as before is not re-parsed. Parsing is spread over worker processes when many
files changed (the first scan of a large archive).
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from feeds.config import Config
from feeds.errors import IntakeError
from feeds.intake.identity import resolve
from feeds.intake.release import SUFFIXES, content_hash, parse_release
from feeds.model import Diagnostic, Release
from feeds.pools import forked_pool
from feeds.store import CachedFile, Identity, StateStore, decode_release, encode_release

# Bump when parsing changes what it extracts without a change to the intake's own code
# (whose source is part of the cache key anyway): every cached parse is then redone.
PARSER_VERSION = 1
PARALLEL_THRESHOLD = 400
_CHUNK = 64
# A folder found empty that held this many files or more is taken for an unmounted share.
EMPTY_GUARD = 10
_TARGETED_LIMIT = 500  # fewer changed files than this: look up only their identities

Progress = Callable[[int, int], None]


class Found(NamedTuple):
    path: str  # relative, POSIX
    abspath: str
    size: int
    mtime_ns: int


@dataclass
class ScanResult:
    releases: Mapping[str, Release]  # by path: every release that exists now, with identity
    problems: list[Diagnostic] = field(default_factory=list)  # refusals and warnings
    refused: dict[str, Diagnostic] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)  # ids whose file disappeared in this scan
    files: int = 0
    removed: int = 0  # files that were cached and are gone now
    read: int = 0  # files whose bytes were read this time
    parsed: int = 0  # files parsed this time

    # Paths whose cached release was not re-read: their warnings are in the cache.
    unchanged_warnings: list[str] = field(default_factory=list)
    # By path: the releases of files read this time (or kept while broken), with identity.
    fresh: dict[str, Release] = field(default_factory=dict)
    # Releases by path from the cache, for any path (decodes only what it is asked for).
    load: Callable[[Iterable[str]], dict[str, Release]] = field(default=lambda paths: {})

    def all_problems(self) -> list[Diagnostic]:
        """Refusals and warnings of every file, including those not re-read (decodes them)."""
        out = list(self.problems)
        for path in self.unchanged_warnings:
            out.extend(self.releases[path].warnings)
        return out


_IGNORED_FIRST = ".#~"  # hidden files, Emacs lock and autosave files
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".temp", ".part", ".crdownload", ".bak")


def is_content_name(name: str) -> bool:
    """Not hidden, not an editor's swap or temp file, and a release's suffix.

    (A name with a release's suffix ends in none of ``IGNORED_SUFFIXES``: "a.md~" has the
    suffix ".md~". The suffix is looked at first, as it turns away the most names.)"""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in SUFFIXES and name[0] not in _IGNORED_FIRST


def find_files(root: Path, exclude: Iterable[str] = ()) -> Iterator[Found]:
    patterns = tuple(exclude)
    stack = [(str(root), "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            relpath = rel + name
            if patterns and any(fnmatch.fnmatch(relpath, p) for p in patterns):
                continue
            if entry.is_dir(follow_symlinks=False):
                if not name.startswith((".", "_")):
                    stack.append((entry.path, relpath + "/"))
            elif is_content_name(name):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                yield Found(relpath, entry.path, st.st_size, st.st_mtime_ns)


@cache
def _intake_source_digest() -> str:
    """The intake's source as this process loaded it: read once, so a package upgraded in
    place under a running daemon changes the key at its restart (when the new code runs),
    not at its next pass (when the old code would fill the cache under the new key)."""
    h = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        h.update(module.read_bytes())
    return h.hexdigest()


def cache_key(config: Config) -> str:
    parts = f"{PARSER_VERSION}|{_intake_source_digest()}|{config.site.language}|{config.site.timezone}"
    return hashlib.sha256(parts.encode()).hexdigest()[:16]


# What one parse sends back: the hash, and either the encoded release or the refusal.
_Outcome = tuple[str, str, bytes | None, str | None, int | None]


def _read_and_parse(job: tuple[str, str, int, str, str]) -> _Outcome:
    path, abspath, max_size, language, tz = job
    try:
        with open(abspath, "rb") as f:
            data = f.read(max_size + 1)
    except OSError as e:
        return path, "", None, f"cannot read: {e.strerror}", None
    digest = content_hash(data)
    if len(data) > max_size:  # grew since it was listed
        return path, digest, None, _too_large(len(data), max_size, "or more "), None
    try:
        release = parse_release(
            data, path, site_language=language, timezone=ZoneInfo(tz), digest=digest)
    except IntakeError as e:
        return path, digest, None, e.message, e.line
    except Exception as e:  # a parser bug must not stop the other files
        return path, digest, None, f"internal error while reading ({type(e).__name__}: {e})", None
    return path, digest, encode_release(release), None, None


def _parse_chunk(jobs: list[tuple[str, str, int, str, str]]) -> list[_Outcome]:
    return [_read_and_parse(j) for j in jobs]


def _too_large(size: int, limit: int, more: str = "") -> str:
    return (
        f"file too large: {size:,} bytes {more}over the limit of {limit:,} bytes "
        "([content] max_file_size)"
    )


def _parse_all(
    jobs: list[tuple[str, str, int, str, str]], progress: Progress | None
) -> Iterator[_Outcome]:
    total = len(jobs)
    if total < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
        for n, job in enumerate(jobs, 1):
            yield _read_and_parse(job)
            if progress and n % 100 == 0:
                progress(n, total)
    else:
        chunks = [jobs[i:i + _CHUNK] for i in range(0, total, _CHUNK)]
        workers = min(os.cpu_count() or 2, 8)
        from feeds.intake.language import _model

        _model()  # loaded once here, shared by the forked workers
        done = 0
        with forked_pool(workers) as pool:
            for outcomes in pool.map(_parse_chunk, chunks):
                yield from outcomes
                done += len(outcomes)
                if progress:
                    progress(done, total)
    if progress:
        progress(total, total)


def _memoised(
    loader: Callable[[Iterable[str]], dict[str, Release]], memo: dict[str, Release]
) -> Callable[[Iterable[str]], dict[str, Release]]:
    def load(paths: Iterable[str]) -> dict[str, Release]:
        wanted = list(paths)
        missing = [p for p in wanted if p not in memo]
        if missing:
            memo.update(loader(missing))
        return {p: memo[p] for p in wanted if p in memo}

    return load


def _look_at(config: Config, paths: Iterable[str]) -> dict[str, Found | None]:
    """The files a watcher named, as they are now (None: gone, or not content)."""
    root = str(config.content_dir)
    out: dict[str, Found | None] = {}
    for rel in paths:
        name = rel.rsplit("/", 1)[-1]
        excluded = any(fnmatch.fnmatch(rel, pat) for pat in config.exclude)
        full = os.path.join(root, rel)
        try:
            st = os.stat(full)
        except OSError:
            out[rel] = None  # deleted, or renamed away
            continue
        if excluded or not is_content_name(name) or not stat.S_ISREG(st.st_mode):
            out[rel] = None
            continue
        out[rel] = Found(rel, full, st.st_size, st.st_mtime_ns)
    return out


class LazyReleases(Mapping[str, Release]):
    """Releases by path, decoded from the cache only when first looked at.

    A warm scan where nothing changed decodes nothing; planning decodes what it reads.
    """

    def __init__(
        self, loader: Callable[[Iterable[str]], dict[str, Release]], paths: Iterable[str],
        fresh: dict[str, Release],
    ) -> None:
        self._loader = loader
        self._paths = sorted(set(paths) | set(fresh))
        self._fresh = fresh
        self._loaded: dict[str, Release] | None = None
        self._path_set: set[str] | None = None

    def _load(self) -> dict[str, Release]:
        if self._loaded is None:
            missing = [p for p in self._paths if p not in self._fresh]
            loaded = self._loader(missing) if missing else {}
            loaded.update(self._fresh)
            self._loaded = loaded
        return self._loaded

    def __getitem__(self, path: str) -> Release:
        if path in self._fresh:
            return self._fresh[path]
        return self._load()[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, path: object) -> bool:
        if path in self._fresh:
            return True
        if self._path_set is None:
            self._path_set = set(self._paths)
        return path in self._path_set


def scan(
    config: Config,
    store: StateStore,
    *,
    now: datetime,
    progress: Progress | None = None,
    memo: dict[str, Release] | None = None,
    identities: dict[str, Identity] | None = None,
    only: Iterable[str] | None = None,
    files_memo: dict[str, CachedFile] | None = None,
    allow_empty: bool = False,
) -> ScanResult:
    """Read the content folder through the cache and give every release its identity.

    ``memo`` (kept by a long-running caller) holds releases decoded by earlier scans; it is
    brought up to date here, so unchanged files are never decoded twice. A folder found
    empty (or missing) that held ``EMPTY_GUARD`` files or more before is an error unless
    ``allow_empty``: an unmounted share must not retract a whole archive."""
    now = now.replace(microsecond=0)
    key = cache_key(config)
    stale = store.cache_key() != key  # a new intake: every cached parse is redone
    if stale:
        only = None  # the cache will be empty: a scan of a few files would find the rest gone
    # The index of the cache, as this process last wrote it (a long-running caller keeps it).
    cached = dict(files_memo) if files_memo else store.cached_files()
    if only is None:
        found = {f.path: f for f in find_files(config.content_dir, config.exclude)}
        if not found and len(cached) >= EMPTY_GUARD and not allow_empty:
            state = "empty" if config.content_dir.is_dir() else "missing"
            raise IntakeError(config.content_dir, (
                f"the content folder is {state}, but {len(cached):,} files were read from it "
                "before: nothing is retracted (an unmounted network share?). To retract "
                "everything, run `feeds build --force`"))
    if stale:  # only now: an error above leaves the cache (and this guard) as they were
        store.set_cache_key(key)
        if files_memo is not None:
            files_memo.clear()
        cached = {}
    if only is not None:  # the cache's index, brought up to date for the named files only
        looked = _look_at(config, only)
        found = {p: f for p, f in looked.items() if f is not None}
    changed: list[Found] = []
    unchanged_good: list[str] = []
    errors: dict[str, str] = {}
    if only is None:
        for path in sorted(found):
            f, c = found[path], cached.get(path)
            if c is None or c.size != f.size or c.mtime_ns != f.mtime_ns:
                changed.append(f)
            elif c.error:
                errors[path] = c.error
            else:
                unchanged_good.append(path)
        removed = [p for p in cached if p not in found]
        present = set(found)
    else:
        for path in sorted(found):
            f, c = found[path], cached.get(path)
            if c is None or c.size != f.size or c.mtime_ns != f.mtime_ns:
                changed.append(f)
        removed = [p for p, f in looked.items() if f is None and p in cached]
        present = set(cached).union(found).difference(removed)
        changed_paths = {f.path for f in changed}
        for path, c in cached.items():
            if path in changed_paths or path not in present:
                continue
            if c.error:
                errors[path] = c.error
            else:
                unchanged_good.append(path)
    # A refusal of an id another file holds depends on that file, not on the refused one's
    # bytes: when the holder changed or went in this scan, the refused file is read again,
    # and resolved with it.
    touched = {f.path for f in changed}.union(removed)
    again = sorted(p for p in errors if cached[p].held_by in touched) if touched else []
    if again and only is not None:  # not looked at yet
        for path, seen in _look_at(config, again).items():
            if seen is None:
                removed.append(path)
                present.discard(path)
            else:
                found[path] = seen
    for path in again:
        del errors[path]
        if path in found:
            changed.append(found[path])
    result = ScanResult(releases={}, files=len(present))
    result.removed = len(removed)
    # The last good version of each changed file: to tell a touch from an edit, and to keep
    # publishing it while the file is broken.
    previous = store.cached_releases([f.path for f in changed] + list(errors))

    writes: list[tuple[CachedFile, Release | None]] = []
    for f in changed:
        if f.size > config.max_file_size:
            error = _too_large(f.size, config.max_file_size)
            writes.append((CachedFile(f.path, f.size, f.mtime_ns, "", error), previous.get(f.path)))
            errors[f.path] = error
    jobs = [
        (f.path, f.abspath, config.max_file_size, config.site.language, config.site.timezone)
        for f in changed if f.size <= config.max_file_size
    ]
    parsed: dict[str, Release] = {}
    for path, digest, blob, refusal, _line in _parse_all(jobs, progress):
        f = found[path]
        result.read += 1
        if blob is None:
            reason = refusal or "unreadable"
            writes.append((CachedFile(path, f.size, f.mtime_ns, digest, reason), previous.get(path)))
            errors[path] = reason
            continue
        release = decode_release(blob)
        old = previous.get(path)
        if old is not None and old.content_hash == release.content_hash:
            release = old  # touched, not changed: keep the identity-bearing copy
        else:
            result.parsed += 1
        parsed[path] = release
        writes.append((CachedFile(path, f.size, f.mtime_ns, digest, None), None))

    for path, error in sorted(errors.items()):
        diag = Diagnostic(path, error, None, "error")
        result.refused[path] = diag
        result.problems.append(diag)
        if path in previous:
            parsed.setdefault(path, previous[path])  # broken now: the last good version
            result.problems.append(Diagnostic(
                path, "keeping the last version that could be read until this is fixed"))

    resolved_changed: list[Release] = []
    if changed or removed:
        exists = None
        ids_with_page = None
        if len(parsed) + len(removed) < _TARGETED_LIMIT:  # ask for just what resolving needs
            # (the store, not a caller's memo: its indexes answer in a millisecond where
            # resolving against ten thousand identities in memory takes tens)
            named = [r.id for r in parsed.values() if r.id]
            known: Mapping[str, Identity] = store.identities([*parsed, *removed], named)
            exists = store.identity_exists
            ids_with_page = store.ids_with_page
        elif identities is not None:
            known = identities
        else:
            known = store.identities()
        resolved = resolve(parsed, known, id_prefix=config.site.id_prefix, now=now,
                           present=present, exists=exists, ids_with_page=ids_with_page)
        if identities is not None:
            identities.update((i.id, i) for i in resolved.changed)
        parsed = resolved.releases
        result.gone = [i.id for i in resolved.gone]
        for path, reason in sorted(resolved.conflicts.items()):  # refused, as a broken file
            diag = Diagnostic(path, reason, None, "error")
            result.refused[path] = diag
            result.problems.append(diag)
            held_by = resolved.held_by.get(path)
            writes = [(cf._replace(error=reason, held_by=held_by), previous.get(path))
                      if cf.path == path else (cf, rel) for cf, rel in writes]
            if path in previous and previous[path].id != "":
                parsed[path] = previous[path]
                result.problems.append(Diagnostic(
                    path, "keeping the last version that could be read until this is fixed"))
        if resolved.changed:
            store.save_identities(resolved.changed)
        resolved_changed = list(parsed.values())
    for release in resolved_changed:
        result.problems.extend(release.warnings)
    loader = store.release_loader()
    if memo is not None:
        for path in removed:
            memo.pop(path, None)
        memo.update(parsed)
        loader = _memoised(loader, memo)
    result.releases = LazyReleases(loader, unchanged_good, parsed)
    result.unchanged_warnings = unchanged_good
    result.fresh = parsed
    result.load = loader

    # Cache the identity-bearing releases, so the next scan needs no identity work.
    final_writes = [
        (cf, parsed.get(cf.path) if cf.error is None else rel) for cf, rel in writes
    ]
    if final_writes or removed:
        store.save_files(final_writes, removed)
    if files_memo is not None:
        if not files_memo:
            files_memo.update(cached)
        for path in removed:
            files_memo.pop(path, None)
        files_memo.update((cf.path, cf) for cf, _ in final_writes)
    return result
