"""Render a digest and look at it in headless Chromium at 600 px and 375 px wide.

    python scripts/digest_screenshots.py [--config config.toml --digest NAME] [--out DIR]
                                         [--chromium /usr/bin/chromium]

Without --config it builds a throwaway site from the sample releases in content/ (an Arabic
one among them) and renders its first issue. It writes the HTML part as recipients get it
(``digest.html``) and, when Chromium is there (Debian's ``chromium`` package), a screenshot
per width (``digest-600.png``, ``digest-375.png``) and whether the page overflows
horizontally at that width, with the elements that stick out. Exit status 1 on overflow.
Nothing is sent and nothing is recorded. Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WIDTHS = (600, 375)
PROBE = """
<script>
window.addEventListener("load", function () {
  var width = window.innerWidth, root = document.documentElement, out = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && out.length < 8)
      out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "") +
               " right=" + Math.round(r.right));
  });
  var report = {viewport: width, scrollWidth: root.scrollWidth,
                overflow: root.scrollWidth > width, offenders: out};
  document.body.setAttribute("data-probe", JSON.stringify(report));
});
</script>
"""


def sample_site(root: Path) -> Path:
    from feeds.build import build
    from feeds.config import load_config
    from feeds.store import SQLiteStore

    shutil.copytree(REPO / "content", root / "content")
    (root / "config.toml").write_text(
        '[site]\ntitle = "Tidewell Newsroom"\nurl = "https://news.example.org/"\n'
        '[email]\nfrom = "Newsroom <news@example.org>"\n'
        '[[digest]]\nname = "daily"\ncron = "0 8 * * mon-fri"\n', encoding="utf-8")
    config = load_config(root / "config.toml")
    with SQLiteStore(config.state_path) as store:
        build(config, store, now=datetime.now(UTC))
    return root / "config.toml"


def chromium_run(chromium: str, width: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
         "--force-device-scale-factor=1", f"--window-size={width},2400", *args],
        capture_output=True, text=True, timeout=120,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="a site's config.toml (default: a sample)")
    parser.add_argument("--digest", default=None, help="the [[digest]] to render (default: first)")
    parser.add_argument("--out", type=Path, default=Path("digest-screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()

    from feeds.config import load_config
    from feeds.digest import service

    with tempfile.TemporaryDirectory(prefix="feeds-digest-shots-") as tmp:
        config = load_config(args.config or sample_site(Path(tmp)))
        if not config.digests:
            raise SystemExit(f"{config.path}: no [[digest]] to render")
        name = args.digest or config.digests[0].name
        draft = service.draft(config, name, datetime.now(UTC))
    html = draft.html.replace(draft.letter.placeholder, "preview-token")
    args.out.mkdir(parents=True, exist_ok=True)
    page = args.out / "digest.html"
    page.write_text(html, encoding="utf-8")
    print(f"{page}: issue {draft.number} of {name}, {draft.releases} releases, "
          f"{len(html.encode()) // 1024} KiB")

    chromium = shutil.which(args.chromium) or (args.chromium if Path(args.chromium).exists()
                                               else None)
    if chromium is None:
        print(f"no Chromium at {args.chromium} (Debian: apt install chromium): "
              "wrote the HTML only")
        return 0
    probe_page = args.out / "digest-probe.html"
    probe_page.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    overflowed = False
    for width in WIDTHS:
        shot = args.out / f"digest-{width}.png"
        chromium_run(chromium, width, f"--screenshot={shot.resolve()}", page.resolve().as_uri())
        dom = chromium_run(chromium, width, "--virtual-time-budget=3000", "--dump-dom",
                           probe_page.resolve().as_uri()).stdout
        found = re.search(r'data-probe="([^"]*)"', dom)
        if not found:
            print(f"{width} px: {shot} (the overflow probe did not report)")
            continue
        report = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
        overflowed = overflowed or report["overflow"]
        verdict = (f"OVERFLOWS: page {report['scrollWidth']} px wide; "
                   + ", ".join(report["offenders"])) if report["overflow"] else "no horizontal overflow"
        print(f"{width} px: {shot}: {verdict}")
    return 1 if overflowed else 0


if __name__ == "__main__":
    raise SystemExit(main())
