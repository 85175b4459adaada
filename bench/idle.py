"""Idle cost of the daemon: CPU time and memory of `feeds run` doing nothing.

    python bench/idle.py [--minutes 60] [--files 1000]

Starts the daemon on a built site, lets it settle, then samples its CPU time (utime+stime
from /proc) and resident memory every 10 s. Prints the share of one core used while idle
and the memory at the start and end of the idle period. Aim (issue "The daemon"): under 1%
of one core, no growth in memory.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    from make_corpus import make_corpus  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        make_corpus(args.files, site / "content")
        (site / "config.toml").write_text(
            '[site]\ntitle = "Idle"\nurl = "https://idle.example.org/"\n[schedule]\nrescan = "5m"\n',
            encoding="utf-8")
        feeds = [sys.executable, "-m", "feeds", "--config", str(site / "config.toml")]
        daemon = subprocess.Popen([*feeds, "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(30)  # the start-up reconcile
            cpu0, mem0, t0 = cpu_seconds(daemon.pid), rss_mb(daemon.pid), time.monotonic()
            peak = mem0
            end = t0 + args.minutes * 60
            while time.monotonic() < end:
                time.sleep(10)
                peak = max(peak, rss_mb(daemon.pid))
            cpu1, mem1, t1 = cpu_seconds(daemon.pid), rss_mb(daemon.pid), time.monotonic()
            share = (cpu1 - cpu0) / (t1 - t0) * 100
            print(f"idle for {(t1 - t0) / 60:.1f} min on {args.files} releases: "
                  f"{share:.3f}% of one core; memory {mem0:.0f} MB -> {mem1:.0f} MB (peak {peak:.0f} MB)")
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(30)


if __name__ == "__main__":
    main()
