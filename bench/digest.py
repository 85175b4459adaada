"""Digest benchmark: one issue to 10,000 subscribers into a local aiosmtpd sink, and, in the
same run, a baseline of aiosmtplib sending identical pre-built messages over the same number
of connections.

    python bench/digest.py [--subscribers 10000] [--concurrency 4] [--rounds 2] [--dkim]

The sink is aiosmtpd in a process of its own (it counts and discards). Each measured side
runs in a fresh process, so its peak memory (ru_maxrss) is its own:

- ours: `feeds.digest.service.send_now` on a site with the sample releases: it makes the issue
  (renders it once, records a send record per subscriber), then sends it, each message built
  from the one rendering and committed `sending` then `sent`.
- baseline: the same messages, built beforehand (not timed), sent with
  `aiosmtplib.SMTP.sendmail` over the same number of reused connections, no bookkeeping.

Each round makes a new issue for ours (a fresh state store) and alternates the order; the
best rate of each side is reported. Aim (issue "Email digests"): ratio >= 0.8, memory
<= 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

SINK = """
import sys, threading
from aiosmtpd.controller import Controller
class Count:
    def __init__(self): self.n = 0; self.bytes = 0; self.lock = threading.Lock()
    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += len(envelope.rcpt_tos); self.bytes += len(envelope.original_content)
        return "250 OK"
handler = Count()
controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]), ready_timeout=10)
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    with handler.lock:
        print(handler.n, handler.bytes, flush=True)
controller.stop()
"""

OURS = """
import json, resource, sys, time
from datetime import UTC, datetime
from feeds.config import load_config
from feeds.digest import service
config = load_config(sys.argv[1])
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = usage.ru_utime + usage.ru_stime
start = time.perf_counter()
run = service.send_now(config, "daily", datetime.now(UTC))
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "sent": run.sent, "failed": run.failed,
                  "cpu": usage.ru_utime + usage.ru_stime - cpu0, "rss_mb": usage.ru_maxrss / 1024}))
"""

BASELINE = """
import asyncio, json, resource, sys, time
from datetime import UTC, datetime
import aiosmtplib
from feeds.config import load_config
from feeds.digest import service
from feeds.digest.message import MessageFactory
from feeds.digest.tokens import unsubscribe_secret
config = load_config(sys.argv[1])
n, concurrency, distinct, dkim = (int(a) for a in sys.argv[2:6])
from feeds.digest.store import DigestStore
with DigestStore(config.state_path) as store:  # the issue ours sent, else the one it will send
    made = store.summaries("daily")
    issue = store.issue(made[0].id) if made else None
if issue is not None:
    letter = service._letter(issue)
else:
    letter = service.draft(config, "daily", datetime.now(UTC)).letter
factory = MessageFactory(config, letter, unsubscribe_secret(config))
rcpts = [f"person{i:05d}@example.org" for i in range(n)]
messages = [factory.build(a, a, i) for i, a in enumerate(rcpts[:distinct])]
if dkim:
    from feeds.digest import dkimsign
    from feeds.digest.message import SIGNED_HEADERS, dkim_key
    key = dkim_key(config)
    dkimsign.init(key.selector, key.domain, key.private_key, SIGNED_HEADERS)
    messages = [dkimsign.sign(m) for m in messages]
sender = factory.envelope_from
smtp_config = config.email.smtp

async def main():
    todo = iter(range(n))
    async def worker():
        smtp = aiosmtplib.SMTP(hostname=smtp_config.host, port=smtp_config.port,
                               local_hostname="localhost", start_tls=False)
        await smtp.connect()
        for i in todo:
            await smtp.sendmail(sender, [rcpts[i]], messages[i % len(messages)])
        await smtp.quit()
    await asyncio.gather(*(worker() for _ in range(concurrency)))

usage = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = usage.ru_utime + usage.ru_stime
start = time.perf_counter()
asyncio.run(main())
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "sent": n, "message_bytes": len(messages[0]),
                  "cpu": usage.ru_utime + usage.ru_stime - cpu0, "rss_mb": usage.ru_maxrss / 1024}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_site(root: Path, port: int, subscribers: int, concurrency: int, dkim_env: str) -> Path:
    from datetime import UTC, datetime

    from feeds.build import build
    from feeds.config import load_config
    from feeds.digest.store import DigestStore
    from feeds.digest.subscribers import parse_address
    from feeds.store import SQLiteStore

    shutil.copytree(REPO / "content", root / "content")
    dkim = f'dkim_key_env = "{dkim_env}"\ndkim_selector = "bench"\n' if dkim_env else ""
    (root / "config.toml").write_text(f"""
[site]
title = "Bench Newsroom"
url = "https://news.example.org/"
timezone = "Europe/Zurich"
[state]
path = "state/feeds.db"
[output]
dir = "public"
[email]
from = "Newsroom <news@example.org>"
transport = "smtp"
{dkim}[email.smtp]
host = "127.0.0.1"
port = {port}
concurrency = {concurrency}
[[digest]]
name = "daily"
cron = "0 8 * * *"
""", encoding="utf-8")
    config = load_config(root / "config.toml")
    now = datetime.now(UTC)
    with SQLiteStore(config.state_path) as store:
        build(config, store, now=now)
    with DigestStore(config.state_path) as store:
        store.upsert(((parse_address(f"person{i:05d}@example.org"), "active", ("daily",))
                      for i in range(subscribers)), now)
    return root / "config.toml"


def child(code: str, *args: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=1800, env=env, cwd=REPO)
    if out.returncode != 0:
        raise SystemExit(f"a benchmark process failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dkim", action="store_true", help="sign with a 2048-bit RSA key")
    args = parser.parse_args()

    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("FEEDS_UNSUBSCRIBE_SECRET", None)
    with tempfile.TemporaryDirectory(prefix="feeds-digest-bench-") as tmp:
        if args.dkim:
            openssl = shutil.which("openssl")
            if openssl is None:
                raise SystemExit("--dkim needs openssl to make a key")
            env["FEEDS_BENCH_DKIM"] = subprocess.run(
                [openssl, "genrsa", "2048"], capture_output=True, check=True, text=True).stdout
        port = free_port()
        sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, env=env)
        assert sink.stdin is not None and sink.stdout is not None
        if sink.stdout.readline().strip() != "ready":
            raise SystemExit("the aiosmtpd sink did not start")

        def received() -> int:
            assert sink.stdin is not None and sink.stdout is not None
            sink.stdin.write("count\n")
            sink.stdin.flush()
            return int(sink.stdout.readline().split()[0])

        try:
            ours_runs, base_runs = [], []
            size = 0.0
            for round_ in range(args.rounds):
                site = Path(tmp) / f"site{round_}"
                site.mkdir()
                config = make_site(site, port, args.subscribers, args.concurrency,
                                   "FEEDS_BENCH_DKIM" if args.dkim else "")
                order = ("ours", "baseline") if round_ % 2 == 0 else ("baseline", "ours")
                for side in order:
                    before = received()
                    if side == "ours":
                        r = child(OURS, str(config), env=env)
                        ours_runs.append(r)
                    else:
                        r = child(BASELINE, str(config), str(args.subscribers),
                                  str(args.concurrency), str(min(args.subscribers, 2000)),
                                  str(int(args.dkim)), env=env)
                        size = r["message_bytes"]
                        base_runs.append(r)
                    got = received() - before
                    if got != args.subscribers:
                        raise SystemExit(f"{side}: the sink got {got} messages, not "
                                         f"{args.subscribers}")
                    print(f"round {round_ + 1} {side:8}: {args.subscribers} messages in "
                          f"{r['seconds']:.2f} s = {args.subscribers / r['seconds']:,.0f} msg/s, "
                          f"sender CPU {r['cpu'] / args.subscribers * 1e6:.0f} us/msg, "
                          f"peak memory {r['rss_mb']:.0f} MB", flush=True)
        finally:
            if sink.stdin is not None:
                sink.stdin.close()
            try:
                sink.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sink.kill()

    ours_rate = max(args.subscribers / r["seconds"] for r in ours_runs)
    base_rate = max(args.subscribers / r["seconds"] for r in base_runs)
    memory = max(r["rss_mb"] for r in ours_runs)
    ratio = ours_rate / base_rate
    print()
    print(f"{args.subscribers:,} recipients, {args.concurrency} connections, messages of "
          f"{size / 1024:.0f} KiB{', DKIM-signed' if args.dkim else ''}; best of {args.rounds}")
    print(f"ours (make the issue, render once, record and send each): {ours_rate:,.0f} msg/s")
    print(f"baseline (aiosmtplib.sendmail, pre-built messages):        {base_rate:,.0f} msg/s")
    print(f"ratio {ratio:.2f} (aim >= 0.8); our peak memory {memory:.0f} MB (aim <= 200 MB)")
    return 0 if ratio >= 0.8 and memory <= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
