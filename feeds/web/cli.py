"""`feeds serve`: the web front under uvicorn."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from feeds.config import Config


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "serve", parents=[common],
        help="serve the feeds with conditional GET, and the subscribe/unsubscribe pages",
    )
    p.add_argument("--host", default=None, help="address to listen on (default: [serve] host)")
    p.add_argument("--port", type=int, default=None, help="port (default: [serve] port)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    import uvicorn

    from feeds.web.app import create_app

    host = args.host or config.serve.host
    port = args.port if args.port is not None else config.serve.port
    print(f"serving {config.output_dir} on http://{host}:{port}/", file=out, flush=True)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning",
                access_log=False, server_header=False, proxy_headers=True)
    return 0
