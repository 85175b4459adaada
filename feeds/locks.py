"""Exclusive locks on files beside the state database, the holder's pid written inside: one
daemon (or build) per state, one sender per digest. The kernel drops a lock with its
process, so a killed holder never leaves a stale one."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from feeds.errors import StateLocked


class PidLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> str | None:
        """Take the lock: None, or (when another process has it) the holder's pid as text."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            return holder
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    @staticmethod
    def holder(path: Path) -> int | None:
        """The pid of the process holding the lock at ``path`` (-1 if unreadable), or None."""
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


class StateLock:
    """One `feeds run` or `feeds build` per state."""

    def __init__(self, state_path: Path) -> None:
        self.state_path = state_path
        self._lock = PidLock(_lock_path(state_path))

    def acquire(self) -> None:
        holder = self._lock.acquire()
        if holder is not None:
            raise StateLocked(
                self.state_path,
                f"another `feeds run` or `feeds build` (pid {holder}) holds this state; "
                "a running daemon publishes changes itself",
            )

    def release(self) -> None:
        self._lock.release()

    @staticmethod
    def holder(state_path: Path) -> int | None:
        """The pid of a running daemon (or build) on this state, or None."""
        return PidLock.holder(_lock_path(state_path))


def _lock_path(state_path: Path) -> Path:
    return state_path.with_name(state_path.name + ".lock")
