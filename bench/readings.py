"""What a reader change changes: a digest of every release the intake reads, saved before the
change and compared after it.

    python bench/readings.py save  [--corpus DIR] [--file F]
    python bench/readings.py check [--corpus DIR] [--file F]

Reads the shared corpus, the held-out releases, content/ and (with --corpus) a folder written
by bench/make_corpus.py, each file in two site languages (en/UTC and fr/Europe/Paris), and
keeps the SHA-256 of each encoded release (or its refusal). `check` lists the files whose
reading changed: a change meant for one convention should change only the files that have it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

SITES = (("en", "UTC"), ("fr", "Europe/Paris"))


def readings(roots: list[Path]) -> dict[str, str]:
    from feeds.errors import IntakeError
    from feeds.intake.release import parse_release
    from feeds.store import encode_release

    out: dict[str, str] = {}
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            for language, zone in SITES:
                key = f"{path}|{language}"
                try:
                    release = parse_release(data, str(path.relative_to(root)), site_language=language,
                                            timezone=ZoneInfo(zone))
                except IntakeError as e:
                    out[key] = "refused: " + e.message
                    continue
                out[key] = hashlib.sha256(encode_release(release)).hexdigest()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("--corpus", type=Path, help="a folder written by bench/make_corpus.py")
    parser.add_argument("--file", type=Path, default=Path("/tmp/feeds-readings.json"))
    args = parser.parse_args()
    shared = Path(os.environ.get("FEEDS_SHARED", REPO.parent / "shared"))
    roots = [shared / "corpus" / "releases", REPO / "tests" / "heldout" / "releases", REPO / "content"]
    if args.corpus:
        roots.append(args.corpus)
    now = readings([r for r in roots if r.is_dir()])
    if args.action == "save":
        args.file.write_text(json.dumps(now), encoding="utf-8")
        print(f"saved {len(now)} readings to {args.file}")
        return
    before = json.loads(args.file.read_text(encoding="utf-8"))
    changed = sorted(k for k in before.keys() & now.keys() if before[k] != now[k])
    print(f"{len(now)} readings, {len(changed)} changed, {len(now.keys() - before.keys())} new, "
          f"{len(before.keys() - now.keys())} gone")
    for key in changed:
        print("  changed:", key)


if __name__ == "__main__":
    main()
