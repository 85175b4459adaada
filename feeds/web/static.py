"""The output folder over HTTP, as feed readers need it: right media types, strong ETags from
the bytes, Last-Modified, 304 to conditional requests, gzip when asked, Link headers with
rel="hub" and rel="self" on feeds, Cache-Control from the config.

A raw ASGI app rather than a framework's static-file helper: files are small and polled often,
so each is read once, hashed once and compressed once, and served from memory until its size
or mtime changes.
"""

from __future__ import annotations

import gzip
import hashlib
import posixpath
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MEDIA_TYPES = {
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xsl": "text/xsl; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml",
}
FEED_JSON = "application/feed+json; charset=utf-8"
COMPRESSIBLE = (".atom", ".rss", ".json", ".html", ".xsl", ".xml", ".css", ".txt", ".svg")
MAX_CACHED = 4 * 1024 * 1024  # larger files are read on each request, not kept


@dataclass(frozen=True)
class CachedFile:
    size: int
    mtime_ns: int
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str
    media_type: str


class PublicFiles:
    def __init__(self, root: Path, *, site_url: str, hub: str | None, cache_control: str,
                 fallback: ASGIApp | None = None) -> None:
        self.root = root.resolve()
        self.site_url = site_url
        self.hub = hub
        self.cache_control = cache_control
        self.fallback = fallback
        self._cache: dict[str, CachedFile] = {}

    def _resolve(self, url_path: str) -> Path | None:
        clean = posixpath.normpath("/" + unquote(url_path)).lstrip("/")
        if clean.startswith("..") or "\x00" in clean:
            return None
        target = self.root / clean if clean not in ("", ".") else self.root
        if target.is_dir():
            target = target / "index.html"
        return target

    def _load(self, rel: str, target: Path) -> CachedFile | None:
        try:
            st = target.stat()
        except OSError:
            return None
        if not target.is_file():
            return None
        cached = self._cache.get(rel)
        if cached is not None and cached.size == st.st_size and cached.mtime_ns == st.st_mtime_ns:
            return cached
        try:
            body = target.read_bytes()
        except OSError:
            return None
        suffix = target.suffix.lower()
        media = MEDIA_TYPES.get(suffix, "application/octet-stream")
        if suffix == ".json" and b'"https://jsonfeed.org/version/' in body[:200]:
            media = FEED_JSON
        entry = CachedFile(
            size=st.st_size, mtime_ns=st.st_mtime_ns, body=body,
            gzipped=gzip.compress(body, 6, mtime=0) if suffix in COMPRESSIBLE and len(body) > 512
            else None,
            etag='"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
            last_modified=formatdate(st.st_mtime, usegmt=True),
            media_type=media,
        )
        if len(body) <= MAX_CACHED:
            self._cache[rel] = entry
        return entry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            if self.fallback is not None:
                return await self.fallback(scope, receive, send)
            return await _plain(send, 405, b"method not allowed")
        path = scope["path"]
        target = self._resolve(path)
        rel = str(target.relative_to(self.root)) if target is not None else ""
        entry = self._load(rel, target) if target is not None else None
        if entry is None:
            if self.fallback is not None:
                return await self.fallback(scope, receive, send)
            return await _plain(send, 404, b"not found")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        out = [
            (b"etag", entry.etag.encode()),
            (b"last-modified", entry.last_modified.encode()),
            (b"cache-control", self.cache_control.encode()),
            (b"vary", b"Accept-Encoding"),
            (b"x-content-type-options", b"nosniff"),
        ]
        if rel.endswith((".atom", ".rss", ".json")) and entry.media_type != MEDIA_TYPES[".json"]:
            self_url = self.site_url + rel
            links = f'<{self_url}>; rel="self"'
            if self.hub:
                links = f'<{self.hub}>; rel="hub", ' + links
            out.append((b"link", links.encode()))
        if _not_modified(headers, entry):
            await send({"type": "http.response.start", "status": 304, "headers": out})
            await send({"type": "http.response.body", "body": b""})
            return
        body = entry.body
        if entry.gzipped is not None and "gzip" in headers.get("accept-encoding", ""):
            body = entry.gzipped
            out.append((b"content-encoding", b"gzip"))
        out += [(b"content-type", entry.media_type.encode()),
                (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})


def _not_modified(headers: dict[str, str], entry: CachedFile) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or entry.etag in tags
    ims = headers.get("if-modified-since")
    if ims:
        try:
            since = parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
        return int(entry.mtime_ns / 1e9) <= since
    return False


async def _plain(send: Send, status: int, text: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode())]})
    await send({"type": "http.response.body", "body": text})
