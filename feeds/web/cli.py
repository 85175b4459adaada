"""`feeds serve`: the web front under uvicorn."""

from __future__ import annotations

import argparse
import os
from typing import Any, TextIO

from feeds.config import Config


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "serve", parents=[common],
        help="serve the feeds with conditional GET, and the subscribe/unsubscribe pages",
    )
    p.add_argument("--host", default=None, help="address to listen on (default: [serve] host)")
    p.add_argument("--port", type=int, default=None, help="port (default: [serve] port)")
    p.add_argument("--workers", type=int, default=None,
                   help="server processes (default: [serve] workers)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    import uvicorn

    from feeds.web.app import create_app

    host = args.host or config.serve.host
    port = args.port if args.port is not None else config.serve.port
    workers = args.workers or config.serve.workers
    print(f"serving {config.output_dir} on http://{host}:{port}/ ({workers} worker"
          f"{'s' if workers > 1 else ''})", file=out, flush=True)
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning",
                               "access_log": False, "server_header": False}
    if workers > 1:
        os.environ["FEEDS_CONFIG"] = str(config.path)
        uvicorn.run("feeds.web.app:from_environment", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(config), **options)
    return 0
