"""Serving benchmark: `feeds serve` against nginx on the same folder, in one run.

    python bench/serve.py [--seconds 10] [--connections 50]

Builds a small site, starts `feeds serve` (uvicorn, one process) and nginx (Debian package
`nginx`, one worker) on loopback ports, and drives each with wrk (Debian `wrk`): full GETs of
feed.atom, and conditional GETs (If-None-Match with the current ETag, answered 304). Prints
requests/s for both servers and the ratio. Aim (issue "The web front"): >= 0.3 of nginx on
2 cores. The load generator shares the machine, so compare ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ application/atom+xml atom; application/rss+xml rss; application/json json; text/html html; }}
    etag on;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(url)


def wrk(url: str, seconds: int, connections: int, etag: str | None) -> float:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url]
    if etag:
        cmd[1:1] = ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise RuntimeError(out)
    return float(m.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="feeds serve worker processes")
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is not installed (apt-get install nginx wrk)")
    from make_corpus import make_corpus  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        tmp.chmod(0o755)  # nginx's worker runs as an unprivileged user
        make_corpus(args.files, tmp / "content")
        (tmp / "config.toml").write_text(
            '[site]\ntitle = "Bench"\nurl = "https://bench.example.org/"\n', encoding="utf-8")
        subprocess.run([sys.executable, "-m", "feeds", "--config", str(tmp / "config.toml"),
                        "build"], check=True, capture_output=True)
        ours_port, nginx_port = free_port(), free_port()
        (tmp / "nginx.conf").write_text(NGINX_CONF.format(
            tmp=tmp, port=nginx_port, root=tmp / "public", workers=args.workers), encoding="utf-8")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        servers = [
            subprocess.Popen([sys.executable, "-m", "feeds", "--config", str(tmp / "config.toml"),
                              "serve", "--port", str(ours_port), "--workers", str(args.workers)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]
        try:
            results = {}
            size = (tmp / "public" / "feed.atom").stat().st_size
            for name, port in (("feeds serve", ours_port), ("nginx", nginx_port)):
                url = f"http://127.0.0.1:{port}/feed.atom"
                wait_http(url)
                first = httpx.get(url)
                assert first.status_code == 200, (name, first.status_code, first.text[:200])
                etag = first.headers["etag"]
                assert httpx.get(url, headers={"If-None-Match": etag}).status_code == 304
                full = wrk(url, args.seconds, args.connections, None)
                conditional = wrk(url, args.seconds, args.connections, etag)
                results[name] = (full, conditional)
                print(f"{name}: full GET {full:,.0f} req/s, conditional GET (304) "
                      f"{conditional:,.0f} req/s  [feed.atom {size:,} bytes, "
                      f"{args.connections} connections]")
            ours, theirs = results["feeds serve"], results["nginx"]
            print(f"ratio feeds/nginx: full {ours[0] / theirs[0]:.2f}, "
                  f"conditional {ours[1] / theirs[1]:.2f}")
        finally:
            for s in servers:
                s.terminate()
                s.wait(10)


if __name__ == "__main__":
    main()
