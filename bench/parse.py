"""Reader speed: steady-state milliseconds per file of `parse_release` (+ encoding the release
for the cache) in one process, on files written by bench/make_corpus.py.

    python bench/parse.py --corpus DIR [--warm 2000] [--files 4000] [--profile tottime]

The first ``--warm`` files only warm the process up (dateparser compiles its locales on first
use); the next ``--files`` are timed. Machines here are noisy: to compare two versions of the
reader, run this alternately on each (e.g. `PYTHONPATH=/tmp/old python bench/parse.py`) and
compare medians of several runs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
sys.path.insert(1, str(HERE.parent))  # after PYTHONPATH: a version given there wins


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--warm", type=int, default=2000)
    parser.add_argument("--files", type=int, default=4000)
    parser.add_argument("--profile", help="also profile the timed files, sorted by this column")
    args = parser.parse_args()
    from feeds.intake.release import parse_release
    from feeds.store import encode_release

    files = sorted(p for p in args.corpus.rglob("*") if p.is_file())
    datas = [(str(p), p.read_bytes()) for p in files[: args.warm + args.files]]
    tz = ZoneInfo("UTC")
    for path, data in datas[: args.warm]:
        parse_release(data, path, site_language="en", timezone=tz)
    timed = datas[args.warm:]
    profile = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profile:
        profile.enable()
    for path, data in timed:
        encode_release(parse_release(data, path, site_language="en", timezone=tz))
    if profile:
        profile.disable()
    seconds = time.perf_counter() - start
    print(f"{len(timed)} files: {seconds / len(timed) * 1000:.3f} ms a file"
          f"{' (profiled)' if profile else ''}")
    if profile:
        pstats.Stats(profile).sort_stats(args.profile).print_stats(30)


if __name__ == "__main__":
    main()
