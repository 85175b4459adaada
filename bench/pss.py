"""Peak memory of a process and its children, counted once: the sum of their proportional
set sizes (Linux PSS: a page shared by n processes counts 1/n to each), sampled every 20 ms.

Resident sizes double-count the pages forked workers share with their parent; PSS does not.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from pathlib import Path


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):  # the task ended meanwhile
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakPss:
    """Samples the process tree under ``proc`` until it exits; ``peak_mb`` is the largest sum."""

    def __init__(self, proc: subprocess.Popen[str], interval: float = 0.02) -> None:
        self.peak_kb = 0
        self._proc = proc
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self._proc.poll() is None:
            total = sum(_pss_kb(p) for p in _tree(self._proc.pid))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self._interval)

    @property
    def peak_mb(self) -> float:
        self._thread.join()
        return self.peak_kb / 1024


def run_measured(args: list[str], *, sample: bool = True) -> tuple[str, float]:
    """Run a command; its stdout and the peak PSS of its process tree in MB (0 unsampled).

    Sampling is not free: reading a process's smaps_rollup walks its page tables under its
    memory lock, which stalls its page faults. A run whose time is reported is not sampled
    (``sample=False``); memory comes from a run of its own."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = PeakPss(proc) if sample else None
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, args, stdout, stderr)
    return stdout, sampler.peak_mb if sampler else 0.0
