"""Intake benchmark: cold intake of N synthetic releases, then warm re-scans with nothing changed.

    python bench/intake.py [--files 10000] [--runs 3] [--corpus DIR] [--free-reader]

Each measurement runs in a fresh process (so peak memory is that run's own: the parent's
RSS plus its parse workers'), on a corpus written by bench/make_corpus.py. Prints medians.
Timed runs are not sampled for memory (sampling slows the sampled processes); one more cold
run is, for the peak.
Aim (issue "Release intake"): cold <= 1.5 s, warm <= 0.15 s, memory <= 300 MB for 10,000 files.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def free_reader(site: Path) -> None:
    """Make the plain-text reader cost nothing: read every file once, untimed and in this
    process, keeping each reading; the timed scan's forked workers then look readings up."""
    import feeds.intake.release as release_module
    from feeds.config import load_config
    from feeds.intake import scan as scan_module
    from feeds.store import SQLiteStore

    real = release_module.read_text
    readings: dict[tuple[object, ...], object] = {}

    def looked_up(text: str, **kw: object) -> object:
        key = (text, *sorted(kw.items()))
        if key not in readings:
            readings[key] = real(text, **kw)  # type: ignore[arg-type]
        return readings[key]

    release_module.read_text = looked_up  # type: ignore[assignment]
    config = load_config(site / "config.toml")
    threshold = scan_module.PARALLEL_THRESHOLD
    scan_module.PARALLEL_THRESHOLD = 10**9  # in this process, so the readings stay here
    with SQLiteStore(config.state_path) as store:
        scan_module.scan(config, store, now=datetime(2026, 11, 1, tzinfo=UTC))
    scan_module.PARALLEL_THRESHOLD = threshold
    shutil.rmtree(config.state_path.parent)


def one_run(site: Path, *, free: bool = False) -> None:
    """Child process: one scan of the site, print seconds and peak memory as JSON."""
    from feeds.config import load_config
    from feeds.intake.scan import scan
    from feeds.store import SQLiteStore

    if free:
        free_reader(site)
    config = load_config(site / "config.toml")
    start = time.perf_counter()
    with SQLiteStore(config.state_path) as store:
        result = scan(config, store, now=datetime(2026, 11, 1, tzinfo=UTC))
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "seconds": seconds, "rss_mb": own / 1024, "worker_rss_mb": workers / 1024,
        "releases": len(result.releases), "read": result.read, "refused": len(result.refused),
    }))


def measure(site: Path, *, sample: bool = False, free: bool = False) -> dict[str, float]:
    from pss import run_measured  # type: ignore[import-not-found]

    command = [sys.executable, __file__, "--child", str(site)] + (["--free-reader"] if free else [])
    stdout, pss_mb = run_measured(command, sample=sample)
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["pss_mb"] = pss_mb
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, help="reuse a corpus written by make_corpus.py")
    parser.add_argument("--free-reader", action="store_true", help=(
        "also time cold intakes with the plain-text reader's work taken away (each reading "
        "precomputed, untimed): the floor that no faster reader can go below"))
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one_run(args.child, free=args.free_reader)
        return
    from make_corpus import make_corpus  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        corpus = args.corpus or site / "content"
        if args.corpus is None:
            make_corpus(args.files, corpus)
        (site / "config.toml").write_text(
            f'[site]\ntitle = "Bench"\nurl = "https://bench.example.org/"\n'
            f'[content]\ndir = "{corpus}"\n[state]\npath = "state/feeds.db"\n',
            encoding="utf-8",
        )
        files = sum(1 for p in corpus.rglob("*") if p.is_file())
        cold, warm = [], []
        for _ in range(args.runs):
            shutil.rmtree(site / "state", ignore_errors=True)
            cold.append(measure(site))
            for _ in range(2):
                warm.append(measure(site))
        shutil.rmtree(site / "state", ignore_errors=True)
        sampled = measure(site, sample=True)  # memory: a cold run of its own
        c = statistics.median(r["seconds"] for r in cold)
        w = statistics.median(r["seconds"] for r in warm)
        mem = max(r["rss_mb"] + r["worker_rss_mb"] for r in cold)
        pss = sampled["pss_mb"]
        print(f"files: {files}, releases: {cold[0]['releases']:.0f}, refused: {cold[0]['refused']:.0f}")
        print(f"cold intake: median {c:.3f} s over {len(cold)} runs ({files / c:,.0f} releases/s)")
        print(f"warm re-scan, nothing changed: median {w:.3f} s over {len(warm)} runs "
              f"(read {warm[0]['read']:.0f} files)")
        if args.free_reader:
            floor = []
            for _ in range(args.runs):
                shutil.rmtree(site / "state", ignore_errors=True)
                floor.append(measure(site, free=True)["seconds"])
            f = statistics.median(floor)
            print(f"cold intake with the reader free (readings precomputed): median {f:.3f} s "
                  f"over {len(floor)} runs; the reader's share of a cold intake: {c - f:.3f} s")
        print(f"peak memory (cold): {pss:.0f} MB, all processes counted once (sum of PSS); "
              f"resident: main {max(r['rss_mb'] for r in cold):.0f} MB, main + the largest "
              f"worker {mem:.0f} MB (pages they share counted twice)")


if __name__ == "__main__":
    main()
