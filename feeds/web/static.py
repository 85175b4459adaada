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
import os
import posixpath
import stat
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

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


FRESH_FOR = 0.0  # seconds a stat is trusted: 0, so a rebuilt feed is served at once


@dataclass(frozen=True)
class CachedFile:
    size: int
    mtime_ns: int
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str
    media_type: str
    # Response headers, built once: 304, 200 plain, 200 gzip.
    not_modified: list[tuple[bytes, bytes]]
    plain: list[tuple[bytes, bytes]]
    compressed: list[tuple[bytes, bytes]]


class PublicFiles:
    def __init__(self, root: Path, *, site_url: str, hub: str | None, cache_control: str,
                 fallback: ASGIApp | None = None) -> None:
        self.root = root.resolve()
        self._root = str(self.root)
        self.site_url = site_url
        self.hub = hub
        self.cache_control = cache_control
        self.fallback = fallback
        self._cache: dict[str, tuple[float, CachedFile]] = {}  # by URL path

    def _resolve(self, url_path: str) -> str | None:
        """The file's path relative to the root, or None for a path outside it."""
        # (the ASGI server has decoded the path: "releases/%d8%a7.html" is "releases/ا.html")
        clean = posixpath.normpath("/" + url_path).lstrip("/")
        if clean.startswith("..") or "\x00" in clean:
            return None
        if clean in ("", "."):
            return "index.html"
        if os.path.isdir(os.path.join(self._root, clean)):
            return clean + "/index.html"
        return clean

    def _entry(self, url_path: str) -> CachedFile | None:
        now = time.monotonic()
        hit = self._cache.get(url_path)
        if hit is not None and now - hit[0] < FRESH_FOR:
            return hit[1]
        rel = self._resolve(url_path)
        if rel is None:
            return None
        full = os.path.join(self._root, rel)
        try:
            st = os.stat(full)
        except OSError:
            self._cache.pop(url_path, None)
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        if hit is not None and hit[1].size == st.st_size and hit[1].mtime_ns == st.st_mtime_ns:
            self._cache[url_path] = (now, hit[1])
            return hit[1]
        entry = self._load(rel, full, st)
        if entry is not None and entry.size <= MAX_CACHED:
            self._cache[url_path] = (now, entry)
        return entry

    def _load(self, rel: str, full: str, st: os.stat_result) -> CachedFile | None:
        try:
            with open(full, "rb") as f:
                body = f.read()
        except OSError:
            return None
        suffix = os.path.splitext(rel)[1].lower()
        media = MEDIA_TYPES.get(suffix, "application/octet-stream")
        if suffix == ".json" and b'"https://jsonfeed.org/version/' in body[:200]:
            media = FEED_JSON
        gzipped = (gzip.compress(body, 6, mtime=0)
                   if suffix in COMPRESSIBLE and len(body) > 512 else None)
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        last_modified = formatdate(st.st_mtime, usegmt=True)
        common = [
            (b"etag", etag.encode()),
            (b"last-modified", last_modified.encode()),
            (b"cache-control", self.cache_control.encode()),
            (b"vary", b"Accept-Encoding"),
            (b"x-content-type-options", b"nosniff"),
        ]
        if suffix in (".atom", ".rss") or media == FEED_JSON:
            links = f'<{self.site_url}{rel}>; rel="self"'
            if self.hub:
                links = f'<{self.hub}>; rel="hub", ' + links
            common.append((b"link", links.encode()))
        plain = [*common, (b"content-type", media.encode()),
                 (b"content-length", str(len(body)).encode())]
        compressed = plain if gzipped is None else [
            *common, (b"content-encoding", b"gzip"), (b"content-type", media.encode()),
            (b"content-length", str(len(gzipped)).encode())]
        return CachedFile(st.st_size, st.st_mtime_ns, body, gzipped, etag, last_modified, media,
                          common, plain, compressed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            if self.fallback is not None:
                return await self.fallback(scope, receive, send)
            return await _plain(send, 405, b"method not allowed")
        entry = self._entry(scope["path"])
        if entry is None:
            if self.fallback is not None:
                return await self.fallback(scope, receive, send)
            return await _plain(send, 404, b"not found")
        inm = ims = None
        gzip_ok = False
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                inm = value
            elif name == b"if-modified-since":
                ims = value
            elif name == b"accept-encoding":
                gzip_ok = b"gzip" in value
        if _not_modified(inm, ims, entry):
            await send({"type": "http.response.start", "status": 304,
                        "headers": entry.not_modified})
            await send({"type": "http.response.body", "body": b""})
            return
        if gzip_ok and entry.gzipped is not None:
            headers, body = entry.compressed, entry.gzipped
        else:
            headers, body = entry.plain, entry.body
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})


def _not_modified(inm: bytes | None, ims: bytes | None, entry: CachedFile) -> bool:
    if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        text = inm.decode("latin-1")
        if text == entry.etag:
            return True
        tags = {t.strip().removeprefix("W/") for t in text.split(",")}
        return "*" in tags or entry.etag in tags
    if ims:
        try:
            since = parsedate_to_datetime(ims.decode("latin-1")).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
        return int(entry.mtime_ns / 1e9) <= since
    return False


async def _plain(send: Send, status: int, text: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode())]})
    await send({"type": "http.response.body", "body": text})
