"""The only code that touches the output folder (as Pelican's Writer is).

Each file is written to a temporary file beside it and renamed over the old one, so a
reader or a crash never sees half a feed. A file whose inputs did not change is not
rendered; a file whose bytes would not change is not rewritten, so its mtime and any
ETag stay put. Files this writer made earlier and no longer makes are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from feeds.errors import OutputError
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


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def write_outputs(
    out_dir: Path, files: Iterable[OutputFile], manifest: Mapping[str, Output]
) -> WriteReport:
    report = WriteReport()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(out_dir, f"cannot create the output folder: {e.strerror}") from None
    if not os.access(out_dir, os.W_OK):
        raise OutputError(out_dir, "the output folder is not writable")
    produced: set[str] = set()
    for f in files:
        produced.add(f.path)
        target = out_dir / f.path
        known = manifest.get(f.path)
        if known is not None and known.input_key == f.key and target.is_file():
            report.unchanged += 1
            continue
        try:
            data = f.render()
        except Exception as e:  # one bad file must not stop the others
            log.error("%s: cannot render: %s: %s", f.path, type(e).__name__, e)
            report.failed.append((f.path, f"{type(e).__name__}: {e}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        report.manifest.append(Output(f.path, f.key, digest))
        if known is not None and known.content_hash == digest and target.is_file():
            report.unchanged += 1
            continue
        if known is None and _same_bytes(target, data):  # e.g. a state store made anew
            report.unchanged += 1
            continue
        try:
            atomic_write(target, data, durable=f.path.endswith(_DURABLE))
        except OSError as e:
            raise OutputError(target, f"cannot write: {e.strerror}") from None
        report.written.append(f.path)
    for stale in sorted(set(manifest) - produced):
        with contextlib.suppress(FileNotFoundError):
            (out_dir / stale).unlink()
        report.removed.append(stale)
    return report
