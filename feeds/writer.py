"""The only code that touches the output folder (as Pelican's Writer is).

Each file is written to a temporary file beside it and renamed over the old one, so a
reader or a crash never sees half a feed. A file whose inputs did not change is not
rendered; a file whose bytes would not change is not rewritten, so its mtime and any
ETag stay put. Files this writer made earlier and no longer makes are removed. Each file's
size and mtime are kept with it: a file whose size or mtime differs is not the one this
writer left (someone replaced it), and is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from feeds.errors import OutputError
from feeds.pools import RENDER_IN_WORKERS, forked_pool
from feeds.render.site import OutputFile
from feeds.store import Output

log = logging.getLogger("feeds.writer")
_DURABLE = (".atom", ".rss", ".json")  # fsync what subscribers poll; pages can be rebuilt


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    manifest: list[Output] = field(default_factory=list)  # rows to store
    left_out: dict[str, str] = field(default_factory=dict)  # release path -> reason


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fs_path(url_path: str) -> str:
    """Where a file whose URL path (relative to the site) this is lies in the output folder:
    the path decoded, as a web server decodes a request ("releases/%d8%a7.html" is the file
    "releases/ا.html"). Paths are kept in their URL form everywhere else."""
    return unquote(url_path)


def _same_bytes(path: Path, data: bytes) -> os.stat_result | None:
    """The file's stat when it holds these bytes already."""
    try:
        st = path.stat()
        return st if st.st_size == len(data) and path.read_bytes() == data else None
    except OSError:
        return None


def _as_left(path: str, size: int | None, mtime_ns: int | None) -> bool:
    """Whether the file has the size and mtime this writer left it with (a stat, no read)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_size == size and st.st_mtime_ns == mtime_ns


def first_replaced(out_dir: Path, made: Iterable[tuple[str, int | None, int | None]]) -> str | None:
    """The first of these files (path, size, mtime_ns) that is not as this writer left it:
    gone, or replaced by someone else."""
    base = str(out_dir) + os.sep
    return next((path for path, size, mtime_ns in made
                 if not _as_left(base + fs_path(path), size, mtime_ns)), None)


# (path, new manifest row or None, written?, failure reason or None)
_Outcome = tuple[str, Output | None, bool, str | None]
_jobs: list[tuple[OutputFile, Output | None]] = []  # read by forked workers
_out_dir = Path()
_left_out: Callable[[], Mapping[str, str]] = dict  # releases the renderers had to leave out


def _render_and_write(index: int) -> _Outcome:
    f, known = _jobs[index]
    on_disk = fs_path(f.path)
    target = _out_dir / on_disk
    try:
        data = f.render()
    except Exception as e:  # one bad file must not stop the others
        return f.path, None, False, f"cannot render: {type(e).__name__}: {e}"
    digest = hashlib.sha256(data).hexdigest()
    if known is not None and known.content_hash == digest and _as_left(
            str(target), known.size, known.mtime_ns):
        return f.path, replace(known, input_key=f.key), False, None
    # A state store made anew, or the same bytes but not the file this writer left: look.
    if known is None or known.content_hash == digest:
        st = _same_bytes(target, data)
        if st is not None:
            return f.path, Output(f.path, f.key, digest, st.st_size, st.st_mtime_ns), False, None
    try:
        atomic_write(target, data, durable=f.path.endswith(_DURABLE))
        st = target.stat()
    except OSError as e:
        return f.path, None, False, f"cannot write {target}: {e.strerror}"
    if on_disk != f.path:  # an older feeds wrote it under its URL form, where no web
        with contextlib.suppress(OSError):  # server finds it: remove that
            (_out_dir / f.path).unlink()
    return f.path, Output(f.path, f.key, digest, st.st_size, st.st_mtime_ns), True, None


def _render_chunk(indices: range) -> tuple[list[_Outcome], dict[str, str]]:
    return [_render_and_write(i) for i in indices], dict(_left_out())


def write_outputs(
    out_dir: Path, files: Iterable[OutputFile], manifest: Mapping[str, Output],
    prepare: Callable[[list[OutputFile]], None] | None = None,
    left_out: Callable[[], Mapping[str, str]] = dict,
    verify: bool = True,
    owns: Callable[[str], bool] | None = None,
) -> WriteReport:
    """Render what changed and write it. ``prepare`` runs once on the files to render
    (before any worker starts), to fill caches the workers then share; ``left_out`` says
    which releases a renderer had to leave out, and why. ``verify`` stats each file whose
    inputs did not change (someone may have deleted or replaced it); without it the manifest
    is trusted.
    ``owns``: ``files`` are only those of a part of the site (a scope), and only files made
    earlier that it owns are removed when no longer made."""
    global _jobs, _out_dir, _left_out
    report = WriteReport()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(out_dir, f"cannot create the output folder: {e.strerror}") from None
    if not os.access(out_dir, os.W_OK):
        raise OutputError(out_dir, "the output folder is not writable")
    produced: set[str] = set()
    todo: list[tuple[OutputFile, Output | None]] = []
    base = str(out_dir) + os.sep
    for f in files:
        produced.add(f.path)
        known = manifest.get(f.path)
        if known is not None and known.input_key == f.key and (
                not verify or _as_left(base + fs_path(f.path), known.size, known.mtime_ns)):
            report.unchanged += 1
        else:
            todo.append((f, known))
    if prepare is not None and todo:
        prepare([f for f, _ in todo])
    _jobs, _out_dir, _left_out = todo, out_dir, left_out
    try:
        workers = min(os.cpu_count() or 1, 8)
        if len(todo) < RENDER_IN_WORKERS or workers < 2:
            outcomes, leftovers = _render_chunk(range(len(todo)))
        else:
            step = max(1, len(todo) // (workers * 8))
            chunks = [range(i, min(i + step, len(todo))) for i in range(0, len(todo), step)]
            outcomes, leftovers = [], {}
            with forked_pool(workers) as pool:
                for chunk_outcomes, chunk_left in pool.map(_render_chunk, chunks):
                    outcomes += chunk_outcomes
                    leftovers.update(chunk_left)
        report.left_out = leftovers
        for path, row, written, failure in outcomes:
            if failure is not None:
                log.error("%s: %s", path, failure)
                report.failed.append((path, failure))
                continue
            assert row is not None
            report.manifest.append(row)
            if written:
                report.written.append(path)
            else:
                report.unchanged += 1
    finally:
        _jobs, _out_dir, _left_out = [], Path(), dict
    gone = set(manifest) - produced if owns is None else {
        path for path in manifest if path not in produced and owns(path)}
    # A path whose URL form changed but whose file did not ("15%" became "15%25"): the file
    # is the one just written, not to be removed.
    kept = {fs_path(p) for p in produced} if any("%" in p for p in gone) else set()
    for stale in sorted(gone):
        if fs_path(stale) not in kept:
            with contextlib.suppress(FileNotFoundError):
                (out_dir / fs_path(stale)).unlink()
        report.removed.append(stale)
    return report
