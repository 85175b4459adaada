"""Markdown rendering: cmark-gfm (what feeds uses) against markdown-it-py, on the same bodies.

    python bench/markdown.py [--files 2000] [--runs 5]

Renders the Markdown bodies of a synthetic corpus (bench/make_corpus.py) and of the shared
real releases, with feeds' own call (cmark-gfm through cmarkgfm, tree and text freed) and with
markdown-it-py's GFM-like preset (tables and strikethrough; linkify when linkify-it-py is
installed), both in this process. Prints the median time per body of each and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def bodies(files: int) -> list[str]:
    from zoneinfo import ZoneInfo

    from make_corpus import make_corpus  # type: ignore[import-not-found]

    from feeds.intake.release import parse_release
    from feeds.model import BodyFormat

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(files, Path(tmp))
        paths = sorted(p for p in Path(tmp).rglob("*") if p.is_file())
        shared = HERE.parent.parent / "shared" / "corpus" / "releases"
        paths += sorted(shared.glob("*")) if shared.is_dir() else []
        for p in paths:
            try:
                r = parse_release(p.read_bytes(), p.name, site_language="en", timezone=ZoneInfo("UTC"))
            except Exception:
                continue
            if r.body_format == BodyFormat.MARKDOWN:
                out.append("\n\n".join(r.paragraphs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from markdown_it import MarkdownIt

    from feeds.intake.markup import _gfm_to_html

    try:
        import linkify_it  # noqa: F401

        md = MarkdownIt("gfm-like")
        flavour = "gfm-like with linkify"
    except ImportError:
        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        flavour = "commonmark + table + strikethrough (linkify-it-py not installed)"
    texts = bodies(args.files)
    timings: dict[str, list[float]] = {"cmark-gfm": [], "markdown-it-py": []}
    for _ in range(args.runs):
        for name, render in (("cmark-gfm", _gfm_to_html), ("markdown-it-py", md.render)):
            start = time.perf_counter()
            for text in texts:
                render(text)
            timings[name].append((time.perf_counter() - start) / len(texts) * 1e6)
    c, m = (statistics.median(timings[k]) for k in ("cmark-gfm", "markdown-it-py"))
    print(f"{len(texts)} Markdown bodies, {args.runs} runs; markdown-it-py: {flavour}")
    print(f"cmark-gfm: median {c:.0f} us a body; markdown-it-py: median {m:.0f} us a body; "
          f"ratio markdown-it-py / cmark-gfm {m / c:.1f}")


if __name__ == "__main__":
    main()
