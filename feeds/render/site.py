"""What the output folder holds, as a list of files each with a fingerprint and a renderer.

Pure: a plan and the config in, ``OutputFile``s out. Nothing is rendered here: the writer
calls ``render()`` only for files whose fingerprint (``key``) differs from what it wrote
last time, so an edit renders only the files that contain the edited release.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from multiprocessing import get_context
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from feeds.config import Config
from feeds.intake.identity import slugify
from feeds.intake.markup import body_html
from feeds.model import BodyFormat, Release
from feeds.plan import Plan
from feeds.render.feeds import (
    MEDIA_TYPES,
    Entry,
    EntryCache,
    FeedDoc,
    Item,
    Links,
    Tombstone,
    atom,
    iso,
    json_feed,
    rss,
)

RENDER_VERSION = "1"  # bump when a renderer changes what it writes for the same input
EXTENSIONS = {"atom": "atom", "rss": "rss", "json": "json"}
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, POSIX
    key: str  # fingerprint of everything that decides the bytes
    render: Callable[[], bytes]


def _key(*parts: object) -> str:
    return hashlib.blake2b(repr((RENDER_VERSION, *parts)).encode(), digest_size=16).hexdigest()


def release_slug(release: Release) -> str:
    """The page name: from the minted id (stable across renames), else from the path."""
    return _slug(release.id, release.path)


@lru_cache(maxsize=65536)
def _slug(release_id: str, path: str) -> str:
    if release_id.startswith("tag:") and release_id.count(":") >= 2:
        return slugify(release_id.split(":", 2)[2])
    return slugify(str(PurePosixPath(path).with_suffix("")))


def release_url(config: Config, release: Release) -> str:
    return f"{config.site.url}releases/{release_slug(release)}.html"


def is_rtl(language: str) -> bool:
    return language.split("-")[0].lower() in RTL_LANGUAGES


def template_environment(config: Config) -> Environment:
    folders = [str(config.site_dir / "templates"), str(BUNDLED_TEMPLATES)]
    return Environment(
        loader=FileSystemLoader(folders),
        autoescape=select_autoescape(["html", "xml", "xsl"]),
        trim_blocks=False,
        keep_trailing_newline=True,
    )


def templates_key(config: Config) -> str:
    h = hashlib.sha256()
    for folder in (config.site_dir / "templates", BUNDLED_TEMPLATES):
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file():
                    h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:32]


@dataclass(frozen=True)
class FeedSpec:
    """One logical feed: the home feed, a tag's or a language's."""

    base: str  # output path without extension: "feed", "tags/water", "lang/fr"
    title: str
    language: str
    items: Sequence[Item]  # newest first


def _human_date(dt: datetime) -> str:
    return f"{dt.day} {dt:%B %Y}"


@dataclass
class RenderMemory:
    """What a long-running process keeps between passes, so a pass after one change keys
    ten thousand unchanged files by comparing tuples, not by hashing them again."""

    entries: dict[str, Entry] = field(default_factory=dict)  # by release id
    item_keys: dict[int, str] = field(default_factory=dict)  # by Entry.serial
    docs: dict[str, tuple[Any, Any, str]] = field(default_factory=dict)  # path -> (items, params, key)
    pages: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # path -> (shared, serial, key)


class SiteBuilder:
    def __init__(
        self, config: Config, plan: Plan, env: Environment | None = None,
        cache: EntryCache | None = None, memory: RenderMemory | None = None,
    ) -> None:
        self.config = config
        self.plan = plan
        self.site = config.site
        self.env = env or template_environment(config)
        self.tkey = templates_key(config)
        author = self.site.author or self.site.title
        self.cache = cache if cache is not None and cache.default_author == author else (
            EntryCache(default_author=author))
        self.memory = memory if memory is not None else RenderMemory()
        before = self.memory.entries
        self.entries: list[Entry] = []
        for release in plan.visible:
            published, updated = plan.entry_times(release)
            url = release_url(config, release)
            prev = before.get(release.id)
            if (prev is not None and prev.release is release and prev.published == published
                    and prev.updated == updated and prev.url == url):
                self.entries.append(prev)
            else:
                self.entries.append(Entry(release, url, published, updated))
        self.memory.entries = {e.release.id: e for e in self.entries}
        known = self.memory.item_keys
        self.memory.item_keys = {e.serial: k for e in self.entries if (k := known.get(e.serial))}
        tombstones = [Tombstone(p.id, p.retracted_at, None) for p in plan.tombstones
                      if p.retracted_at is not None]
        sort_dates = {p.id: p.sort_date for p in plan.tombstones}
        items: list[Item] = [*self.entries, *tombstones]
        items.sort(key=lambda i: (-(i.published if isinstance(i, Entry) else sort_dates[i.id])
                                  .timestamp(), i.release.id if isinstance(i, Entry) else i.id))
        self.home_items = items
        self.tag_slugs: dict[str, str] = {}
        for entry in self.entries:
            for tag in entry.release.tags:
                self.tag_slugs.setdefault(tag, slugify(tag))

    # -- feeds ----------------------------------------------------------------------------

    def feed_specs(self) -> list[FeedSpec]:
        specs = [FeedSpec("feed", self.site.title, self.site.language, self.home_items)]
        if self.config.per_tag:
            by_slug: dict[str, tuple[str, list[Item]]] = {}
            for entry in self.entries:
                for tag in entry.release.tags:
                    slug = self.tag_slugs[tag]
                    by_slug.setdefault(slug, (tag, []))[1].append(entry)
            for slug, (tag, items) in sorted(by_slug.items()):
                specs.append(FeedSpec(f"tags/{slug}", f"{self.site.title}: {tag}",
                                      self.site.language, items))
        if self.config.per_language:
            by_lang: dict[str, list[Item]] = {}
            for entry in self.entries:
                by_lang.setdefault(entry.release.language or self.site.language, []).append(entry)
            for lang, items in sorted(by_lang.items()):
                specs.append(FeedSpec(f"lang/{slugify(lang)}", f"{self.site.title} ({lang})",
                                      lang, items))
        return specs

    def _url(self, base: str, fmt: str) -> str:
        return f"{self.site.url}{base}.{EXTENSIONS[fmt]}"

    def _stylesheet_href(self, path: str) -> str:
        depth = path.count("/")
        return "../" * depth + "feed.xsl"

    def feed_outputs(self, spec: FeedSpec) -> list[OutputFile]:
        n = self.config.items
        items = list(spec.items)
        ascending = items[::-1]
        # RFC 5005: complete chunks of `items` entries, oldest first, become archive
        # documents that never change again; the subscription feed holds the newest ones.
        archived = self.config.archives == "all" or (
            self.config.archives == "home" and spec.base == "feed")
        archives = (len(items) - 1) // n if items and archived else 0
        pages: list[tuple[str, Sequence[Item], int]] = [(spec.base, items[:n], 0)]
        for j in range(1, archives + 1):
            chunk = ascending[(j - 1) * n: j * n][::-1]
            pages.append((f"{spec.base}-archive-{j}", chunk, j))
        out = []
        for fmt in self.config.formats:
            for base, page_items, j in pages:
                links = self._links(spec.base, fmt, j, archives)
                doc = FeedDoc(
                    title=spec.title if j == 0 else f"{spec.title} (archive {j})",
                    subtitle="", language=spec.language,
                    author=self.site.author or self.site.title,
                    feed_id=self._url(spec.base, "atom"), links=links, items=page_items,
                    is_archive=j > 0,
                )
                next_url = None
                if fmt == "json":
                    older = archives if j == 0 else j - 1
                    next_url = self._url(f"{spec.base}-archive-{older}", fmt) if older else None
                path = f"{base}.{EXTENSIONS[fmt]}"
                params = (fmt, doc.title, doc.language, doc.author, links, next_url)
                items_sig = tuple(i.serial if isinstance(i, Entry) else (i.id, i.when)
                                  for i in page_items)
                known_doc = self.memory.docs.get(path)
                if known_doc is not None and known_doc[0] == items_sig and known_doc[1] == params:
                    key = known_doc[2]
                else:
                    key = _key("feed", path, params,
                               "|".join(self._item_key(i) for i in page_items))
                    self.memory.docs[path] = (items_sig, params, key)
                out.append(OutputFile(path, key, partial(self._render_feed, fmt, doc, next_url)))
        return out

    def _links(self, base: str, fmt: str, j: int, archives: int) -> Links:
        stylesheet = None if fmt == "json" else self._stylesheet_href(base)
        self_base = base if j == 0 else f"{base}-archive-{j}"
        prev = None
        if j == 0 and archives:
            prev = self._url(f"{base}-archive-{archives}", fmt)
        elif j > 1:
            prev = self._url(f"{base}-archive-{j - 1}", fmt)
        nxt = self._url(f"{base}-archive-{j + 1}", fmt) if 0 < j < archives else None
        return Links(
            self_url=self._url(self_base, fmt), alternate=self.site.url, hub=self.config.hub,
            current=self._url(base, fmt) if j else None, prev_archive=prev, next_archive=nxt,
            stylesheet=stylesheet,
        )

    def _render_feed(self, fmt: str, doc: FeedDoc, next_url: str | None) -> bytes:
        if fmt == "atom":
            return atom(doc, self.cache)
        if fmt == "rss":
            return rss(doc, self.cache)
        return json_feed(doc, self.cache, next_url)

    # -- pages ----------------------------------------------------------------------------

    def _feed_links(self, bases: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
        labels = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
        return [
            {"type": MEDIA_TYPES[fmt], "href": self._url(base, fmt),
             "title": f"{title} ({labels[fmt]})", "label": f"{labels[fmt]}"}
            for base, title in bases for fmt in self.config.formats
        ]

    def page_outputs(self) -> list[OutputFile]:
        site_feeds = self._feed_links([("feed", self.site.title)])
        tag_urls = {tag: self._url(f"tags/{slug}", self.config.formats[0])
                    for tag, slug in self.tag_slugs.items()}
        out = []
        # Everything every page shares is hashed once; each page adds its own part.
        shared = hashlib.blake2b(repr(("page", RENDER_VERSION, self.tkey, self.site, site_feeds,
                                       sorted(tag_urls.items()))).encode(), digest_size=16)
        shared_hex = shared.hexdigest()
        pages, self.memory.pages = self.memory.pages, {}  # only pages that still exist stay
        for entry in self.entries:
            path = f"releases/{release_slug(entry.release)}.html"
            known_page = pages.get(path)
            if known_page is not None and known_page[0] == shared_hex and known_page[1] == entry.serial:
                key = known_page[2]
            else:
                h = shared.copy()
                h.update(f"{path}|{self._item_key(entry)}".encode())
                key = h.hexdigest()
            self.memory.pages[path] = (shared_hex, entry.serial, key)
            out.append(OutputFile(path, key,
                                  partial(self._render_page, entry, site_feeds, tag_urls)))
        newest = self.entries[: self.config.items]
        key = _key("index", self.tkey, self.site, "|".join(self._item_key(e) for e in newest),
                   site_feeds)
        out.append(OutputFile("index.html", key, partial(self._render_index, newest, site_feeds)))
        xsl = BUNDLED_TEMPLATES / "feed.xsl"
        override = self.config.site_dir / "templates" / "feed.xsl"
        source = override if override.is_file() else xsl
        if "atom" in self.config.formats or "rss" in self.config.formats:
            out.append(OutputFile("feed.xsl", _key("xsl", self.tkey), source.read_bytes))
        return out

    def _render_page(
        self, entry: Entry, feeds: list[dict[str, str]], tag_urls: dict[str, str]
    ) -> bytes:
        r = entry.release
        html = self.env.get_template("release.html").render(
            site=self.site, release=r, feeds=feeds,
            tag_urls={t: tag_urls.get(t, "") for t in r.tags},
            lang=r.language or self.site.language, rtl=is_rtl(r.language),
            published_iso=iso(entry.published), updated_iso=iso(entry.updated),
            published_text=_human_date(entry.published), updated_text=_human_date(entry.updated),
        )
        return html.encode()

    def _render_index(self, entries: list[Entry], feeds: list[dict[str, str]]) -> bytes:
        items: list[dict[str, Any]] = [
            {"release": e.release, "url": e.url, "rtl": is_rtl(e.release.language),
             "published_iso": iso(e.published), "published_text": _human_date(e.published)}
            for e in entries
        ]
        html = self.env.get_template("index.html").render(
            site=self.site, items=items, feeds=feeds, lang=self.site.language,
            rtl=is_rtl(self.site.language),
        )
        return html.encode()

    def prepare(self, todo: list[OutputFile]) -> None:
        """Render every body to HTML once, in parallel, before files are rendered: release
        pages and feed entries then share it (forked workers inherit it)."""
        if len(todo) < 300:
            return  # rendered lazily, only where needed
        pending = [e.release for e in self.entries if "body_html" not in e.release.__dict__]
        if not pending:
            return
        workers = min(os.cpu_count() or 1, 8)
        jobs = [(r.paragraphs, r.body_format) for r in pending]
        if workers < 2:
            htmls = [body_html(p, f) for p, f in jobs]
        else:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                htmls = list(pool.map(_body_html, jobs, chunksize=64))
        for release, html in zip(pending, htmls, strict=True):
            release.__dict__["body_html"] = html  # fills the cached_property

    def _item_key(self, item: Item) -> str:
        """A text that changes whenever what a document shows of this item changes."""
        if not isinstance(item, Entry):
            return f"deleted|{item.id}|{item.when.timestamp()}"
        key = self.memory.item_keys.get(item.serial)
        if key is None:
            r = item.release
            key = (f"{r.id}|{r.content_hash}|{item.url}|{item.published.timestamp()}|"
                   f"{item.updated.timestamp()}|{r.language}")
            self.memory.item_keys[item.serial] = key
        return key

    def outputs(self) -> list[OutputFile]:
        files: list[OutputFile] = []
        for spec in self.feed_specs():
            files += self.feed_outputs(spec)
        files += self.page_outputs()
        return files


def _body_html(job: tuple[tuple[str, ...], BodyFormat]) -> str:
    return body_html(*job)
