"""The ASGI application: the output folder, /healthz, and (with the digest package) the
subscribe, confirm, preferences and unsubscribe pages."""

from __future__ import annotations

import importlib
import json
import sqlite3
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from feeds.config import Config
from feeds.web.static import ASGIApp, PublicFiles


def _healthz(config: Config) -> Any:
    async def healthz(request: Request) -> Response:
        info: dict[str, Any] = {"state": str(config.state_path)}
        try:
            db = sqlite3.connect(f"file:{config.state_path}?mode=ro", uri=True, timeout=2)
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'daemon_status'").fetchone()
            finally:
                db.close()
        except sqlite3.Error as e:
            return JSONResponse({**info, "ok": False, "error": f"state store: {e}"}, status_code=503)
        status = json.loads(row[0]) if row else {}
        last = (status.get("last_reconcile") or {}).get("at")
        return JSONResponse({**info, "ok": True, "last_reconcile": last})

    return healthz


def create_app(config: Config, extra_routes: list[BaseRoute] | None = None) -> ASGIApp:
    routes: list[BaseRoute] = [Route("/healthz", _healthz(config), methods=["GET"])]
    try:
        subscribe = importlib.import_module("feeds.web.subscribe")
    except ModuleNotFoundError as e:
        if e.name is None or not e.name.startswith(("feeds.web.subscribe", "feeds.digest")):
            raise
    else:
        routes += subscribe.routes(config)
    routes += extra_routes or []
    dynamic = Starlette(routes=routes)
    return PublicFiles(
        config.output_dir, site_url=config.site.url, hub=config.hub,
        cache_control=config.serve.cache_control, fallback=dynamic,
    )


def from_environment() -> ASGIApp:
    """The app for uvicorn's worker processes (``--workers N`` needs an import string)."""
    import os
    from pathlib import Path

    from feeds.config import load_config

    return create_app(load_config(Path(os.environ["FEEDS_CONFIG"])))
