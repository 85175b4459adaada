"""Build benchmark: cold full build, rebuild with nothing changed, rebuild after one new
release, peak memory; and Hugo building RSS for the same releases, in the same run.

    python bench/build.py [--files 10000] [--corpus DIR]

Each of our runs is a fresh process (`feeds build`), so peak memory is its own (the main
process plus its workers' peak). Hugo (Debian package `hugo`) gets the same releases as
Markdown with title, date and tags, and builds RSS for home plus one feed per tag, 50 items
each; the ratio is ours / Hugo's for the cold build. Then Hugo again, making a page per
release and full-content RSS as well: a job closer to ours (which also writes Atom, JSON Feed,
archives and tag feeds), for context; and Hugo reading the releases and writing nothing, to
compare with our intake stage. Aim (issue "Feeds"): ratio <= 1.0,
nothing-changed <= 0.3 s, one new release <= 0.1 s, memory <= 300 MB. The one-new-release
rebuild is measured twice: as a new `feeds build` process, and as the daemon's pass. Peak memory is
sampled as the sum of the PSS of the build's processes (bench/pss.py), and also reported as
resident sizes, in a cold build of its own (sampling slows the processes it samples, so the
timed runs are not sampled).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CHILD = """
import json, resource, sys, time
from datetime import UTC, datetime, timedelta
from feeds.build import build
from feeds.config import load_config
from feeds.store import SQLiteStore
config = load_config(sys.argv[1])
start = time.perf_counter()
with SQLiteStore(config.state_path) as store:
    # A fixed clock (after every corpus date), moved on by a day for each new release: releases
    # the text gives no date are dated when first seen, so one clock for all would tie them.
    report = build(config, store, now=datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=int(sys.argv[2])))
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds, "timings": report.timings, "written": len(report.write.written),
    "written_sample": sorted(report.write.written)[:12],
    "up_to_date": report.up_to_date,
    "rss_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
               + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024,
    "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

# The same change in a long-running process, as `feeds run` makes it: the daemon's pass, with
# what it keeps between passes (feeds.build.BuildMemory) and the file its watcher named.
DAEMON_CHILD = """
import json, statistics, sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from feeds.build import BuildMemory, build
from feeds.config import load_config
from feeds.store import SQLiteStore
config = load_config(sys.argv[1])
runs = int(sys.argv[2])
now = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=100)
memory = BuildMemory()
times = []
with SQLiteStore(config.state_path) as store:
    build(config, store, now=now, memory=memory)  # the daemon's first pass: nothing new
    for n in range(runs):
        rel = f"new/daemon-{n}.md"
        path = config.content_dir / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"---\\ntitle: Daemon release {n}\\ntags: [water]\\n---\\n\\n"
                        "Geneva – A new release for the benchmark.\\n", encoding="utf-8")
        start = time.perf_counter()
        report = build(config, store, now=now + timedelta(hours=n + 1), memory=memory, only={rel})
        times.append(time.perf_counter() - start)
print(json.dumps({"median": statistics.median(times), "max": max(times),
                  "written": len(report.write.written), "runs": runs}))
"""


def daemon_pass(site: Path, runs: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", DAEMON_CHILD, str(site / "config.toml"),
                          str(runs)], check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def ours(site: Path, day: int = 0, *, sample: bool = False) -> dict[str, object]:
    from pss import run_measured  # type: ignore[import-not-found]

    stdout, pss_mb = run_measured([sys.executable, "-c", CHILD, str(site / "config.toml"),
                                   str(day)], sample=sample)
    result: dict[str, object] = json.loads(stdout.strip().splitlines()[-1])
    result["pss_mb"] = pss_mb
    return result


def hugo_site(site: Path, corpus: Path) -> Path | None:
    """The same releases as a Hugo site: title, date, tags and body from our own intake."""
    if shutil.which("hugo") is None:
        return None
    from feeds.config import load_config
    from feeds.store import SQLiteStore

    config = load_config(site / "config.toml")
    hsite = site / "hugo"
    content = hsite / "content" / "releases"
    content.mkdir(parents=True)
    with SQLiteStore(config.state_path) as store:
        # What our site lists, each with the date our feeds give it (a release the text gives
        # no date is dated when first seen): the same releases, so Hugo's job is not smaller
        rows = [row for row in store.listings().values() if not row.retracted]
        releases = store.cached_releases(row.path for row in rows)
    for n, row in enumerate(rows):
        r = releases[row.path]
        front = {"title": r.title, "date": row.when, "tags": list(r.tags)}
        (content / f"r{n:05d}.md").write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + r.body_text + "\n",
            encoding="utf-8",
        )
    (hsite / "config.toml").write_text(
        'baseURL = "https://bench.example.org/"\n'
        'disableKinds = ["sitemap", "robotsTXT", "404", "section", "taxonomy"]\n'
        'ignoreErrors = ["error-disable-taxonomy"]\n'
        "rssLimit = 50\nbuildFuture = true\n"  # dates past today (the bench clock) too
        "[outputs]\nhome = [\"RSS\"]\nterm = [\"RSS\"]\npage = []\n"
        "[taxonomies]\ntag = \"tags\"\n",
        encoding="utf-8",
    )
    return hsite


# The same job as ours, closer: a page per release besides the feeds, and the feeds with each
# release's full content (ours also write Atom and JSON Feed, archives and tag feeds of them).
HUGO_PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}'
             '</title></head><body><h1>{{ .Title }}</h1><time>{{ .Date.Format "2 January 2006" }}'
             '</time>{{ .Content }}</body></html>\n')
HUGO_FULL_RSS = (
    '<rss version="2.0"><channel><title>{{ .Site.Title }}</title><link>{{ .Permalink }}</link>'
    '{{ range first 50 .Pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>'
    '<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>'
    '<guid>{{ .Permalink }}</guid><description>{{ .Content | html }}</description></item>{{ end }}'
    '</channel></rss>\n')


def with_pages(hsite: Path) -> None:
    """Turn the Hugo site into one that also makes a page per release, and full-content RSS."""
    layouts = hsite / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "single.html").write_text(HUGO_PAGE, encoding="utf-8")
    (layouts / "rss.xml").write_text(HUGO_FULL_RSS, encoding="utf-8")
    config = hsite / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("page = []", 'page = ["HTML"]'),
                      encoding="utf-8")


def read_only(hsite: Path) -> None:
    """Turn the Hugo site into one that reads every release and writes nothing: Hugo's own
    intake (its front matter parsed, no heuristics, no language detection, no state)."""
    config = hsite / "config.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("disableKinds")
    end = text.index("\n", start)
    kinds = '"page", "home", "section", "taxonomy", "term", "rss", "sitemap", "robotsTXT", "404"'
    config.write_text(text[:start] + f"disableKinds = [{kinds}]" + text[end:], encoding="utf-8")


def time_hugo(hsite: Path) -> float:
    shutil.rmtree(hsite / "public", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(["hugo", "--quiet", "-s", str(hsite)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, help="reuse a corpus written by make_corpus.py")
    parser.add_argument("--runs", type=int, default=3, help="runs of the quick measurements")
    args = parser.parse_args()
    from make_corpus import make_corpus  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        corpus = site / "content"
        if args.corpus:
            shutil.copytree(args.corpus, corpus)
        else:
            make_corpus(args.files, corpus)
        (site / "config.toml").write_text(
            '[site]\ntitle = "Bench"\nurl = "https://bench.example.org/"\n', encoding="utf-8")
        files = sum(1 for p in corpus.rglob("*") if p.is_file())

        # Memory from a cold build of its own: sampling it slows the sampled processes
        memory = ours(site, sample=True)
        shutil.rmtree(site / "state")
        shutil.rmtree(site / "public")
        cold = ours(site)
        nothing = [ours(site) for _ in range(args.runs)]
        one = []
        for n in range(args.runs):
            new = corpus / "new" / f"bench-new-{n}.md"
            new.parent.mkdir(exist_ok=True)
            new.write_text(f"---\ntitle: Bench release {n}\ntags: [water]\n---\n\n"
                           "Geneva – A new release for the benchmark.\n", encoding="utf-8")
            one.append(ours(site, day=n + 1))

        print(f"releases: {files} files")
        print(f"cold full build: {cold['seconds']:.2f} s "
              f"({', '.join(f'{k} {v:.2f} s' for k, v in cold['timings'].items())}); "  # type: ignore[attr-defined]
              f"wrote {cold['written']} files")
        print(f"peak memory of a cold build: {memory['pss_mb']:.0f} MB, all processes counted "
              f"once (sum of PSS); resident: main process {memory['main_mb']:.0f} MB, main + the "
              f"largest worker {memory['rss_mb']:.0f} MB (pages they share counted twice)")
        med = statistics.median(float(r["seconds"]) for r in nothing)  # type: ignore[arg-type]
        print(f"rebuild, nothing changed: median {med:.3f} s over {len(nothing)} runs "
              f"(up to date: {all(r['up_to_date'] for r in nothing)})")
        med1 = statistics.median(float(r["seconds"]) for r in one)  # type: ignore[arg-type]
        print(f"rebuild after one new release: median {med1:.3f} s over {len(one)} runs "
              f"(wrote {one[-1]['written']} files, e.g. {', '.join(one[-1]['written_sample'])})")  # type: ignore[arg-type]
        daemon = daemon_pass(site, max(args.runs, 9))
        print(f"the same in the daemon (`feeds run` keeps its state between passes): median "
              f"{daemon['median']:.3f} s over {daemon['runs']:.0f} new releases (slowest "
              f"{daemon['max']:.3f} s; wrote {daemon['written']:.0f} files)")
        hsite = hugo_site(site, corpus)
        if hsite is None:
            print("hugo: not installed (apt-get install hugo) - no comparison")
            return
        version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
        runs = [time_hugo(hsite) for _ in range(args.runs)]
        h = statistics.median(runs)
        feeds_made = sum(1 for _ in (hsite / "public").rglob("*.xml"))
        print(f"hugo ({version.split()[0] if version else '?'}): median {h:.2f} s over {len(runs)} runs "
              f"for {feeds_made} RSS files")
        print(f"ratio, our cold build / hugo: {float(cold['seconds']) / h:.2f}")  # type: ignore[arg-type]
        with_pages(hsite)
        runs = [time_hugo(hsite) for _ in range(args.runs)]
        hp = statistics.median(runs)
        made = sum(1 for p in (hsite / "public").rglob("*") if p.is_file())
        print(f"hugo, a page per release and full-content RSS as well (closer to our job): median "
              f"{hp:.2f} s over {len(runs)} runs for {made} files; ratio, ours / that: "
              f"{float(cold['seconds']) / hp:.2f}")  # type: ignore[arg-type]
        read_only(hsite)
        runs = [time_hugo(hsite) for _ in range(args.runs)]
        hr = statistics.median(runs)
        intake = float(cold["timings"]["intake"])  # type: ignore[index]
        print(f"hugo reading the same releases only (every output disabled): median {hr:.2f} s "
              f"over {len(runs)} runs; our cold build's intake stage: {intake:.2f} s (ratio "
              f"{intake / hr:.2f})")


if __name__ == "__main__":
    main()
