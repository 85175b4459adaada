"""Watch latency: from a file complete on disk to the feed on disk containing it.

    python bench/watch_latency.py [--files 10000] [--drops 50] [--corpus DIR]

Builds a site of N synthetic releases, starts `feeds run` on it as a real process, then
drops releases one at a time: half written in place, half written to a hidden temp file and
renamed into place (the clock starts when the write is closed, or at the rename). Prints the
median and p90 per mode, and the embargo-lift delay (release in the feed after its time).
Aim (issue "The daemon"): median <= 250 ms; embargo lift within 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))


def wait_until(predicate, timeout: float = 30.0, step: float = 0.002) -> float:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return time.perf_counter()
        time.sleep(step)
    raise TimeoutError("the feed never showed the release")


def in_feed(feed: Path, marker: str) -> bool:
    try:
        return marker in feed.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--drops", type=int, default=50)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--keep-log", type=Path, help="copy the daemon's log here")
    args = parser.parse_args()
    from make_corpus import make_corpus  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        content = site / "content"
        if args.corpus:
            shutil.copytree(args.corpus, content)
        else:
            make_corpus(args.files, content)
        (site / "config.toml").write_text(
            '[site]\ntitle = "Bench"\nurl = "https://bench.example.org/"\n', encoding="utf-8")
        feeds = [sys.executable, "-m", "feeds", "--config", str(site / "config.toml")]
        start = time.perf_counter()
        subprocess.run([*feeds, "build"], check=True, capture_output=True)
        print(f"site: {sum(1 for _ in content.rglob('*.*'))} releases, first build "
              f"{time.perf_counter() - start:.1f} s")
        log = open(site / "daemon.log", "wb")  # noqa: SIM115
        daemon = subprocess.Popen([*feeds, "run"], stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: b"reconcile" in (site / "daemon.log").read_bytes(), 120)
            time.sleep(1.0)
            feed = site / "public" / "feed.atom"
            drop = content / "drops"
            drop.mkdir()
            results: dict[str, list[float]] = {"direct write": [], "atomic rename": []}
            for n in range(args.drops):
                mode = "direct write" if n % 2 == 0 else "atomic rename"
                marker = f"Latency probe {n:03d}"
                body = f"{marker}\n\nGeneva – Probe number {n} for the watch benchmark.\n"
                target = drop / f"probe-{n:03d}.txt"
                if mode == "direct write":
                    with open(target, "w", encoding="utf-8") as f:
                        f.write(body)
                    t0 = time.perf_counter()
                else:
                    tmpfile = drop / f".probe-{n:03d}.txt.tmp"
                    tmpfile.write_text(body, encoding="utf-8")
                    os.rename(tmpfile, target)
                    t0 = time.perf_counter()
                t1 = wait_until(lambda m=marker: in_feed(feed, m))
                results[mode].append((t1 - t0) * 1000)
                time.sleep(0.3)
            for mode, values in results.items():
                print(f"{mode}: median {statistics.median(values):.0f} ms, "
                      f"p90 {percentile(values, 90):.0f} ms over {len(values)} drops")
            lifts = []
            for n in range(3):
                lift = (datetime.now(UTC) + timedelta(seconds=4)).replace(microsecond=0)
                marker = f"Embargo probe {n}"
                (drop / f"embargo-{n}.md").write_text(
                    f"---\ntitle: {marker}\nembargo: {lift.isoformat()}\n---\n\nGeneva – Held.\n",
                    encoding="utf-8")
                wait_until(lambda m=marker: in_feed(feed, m), 30)
                lifts.append((datetime.now(UTC) - lift).total_seconds() * 1000)
            print(f"embargo lift: release in the feed {statistics.median(lifts):.0f} ms after its "
                  f"time (median of {len(lifts)}; max {max(lifts):.0f} ms)")
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(30)
            log.close()
            if args.keep_log:
                shutil.copy(site / "daemon.log", args.keep_log)


if __name__ == "__main__":
    main()
