"""Score the reader on the held-out real releases (tests/heldout): fields matched out of total,
per field and per file, with each miss (expected vs got) when --misses is given.

    python bench/heldout.py [--misses] [--json]

Same comparison as tests/test_heldout.py (it imports the helpers of tests/test_corpus.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.test_corpus import FIELDS, actual, expected  # noqa: E402
from tests.test_heldout import RELEASES, inspected  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print each miss")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args()

    items = inspected()
    per_field = {field: 0 for field in FIELDS}
    per_file: dict[str, int] = {}
    misses: list[tuple[str, str, object, object]] = []
    for name in sorted(RELEASES):
        per_file[name] = 0
        for field in FIELDS:
            want, got = expected(RELEASES[name], field), actual(items[name], field)
            if want == got:
                per_field[field] += 1
                per_file[name] += 1
            else:
                misses.append((name, field, want, got))
    total = len(RELEASES) * len(FIELDS)
    matched = sum(per_field.values())
    if args.json:
        print(json.dumps({"matched": matched, "total": total, "per_field": per_field,
                          "per_file": per_file}, indent=1))
        return
    print(f"held-out: {matched}/{total} fields matched ({matched / total:.1%})")
    print("per field:")
    for field, n in per_field.items():
        print(f"  {field:16} {n:2}/{len(RELEASES)}")
    print("per file:")
    for name, n in per_file.items():
        print(f"  {name:48} {n}/{len(FIELDS)}")
    if args.misses:
        print("misses:")
        for name, field, want, got in misses:
            print(f"  {name} {field}\n    expected {want!r}\n    got      {got!r}")


if __name__ == "__main__":
    main()
