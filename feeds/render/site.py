"""What the output folder holds, as a list of files each with a fingerprint and a renderer.

Pure: a plan and the config in, ``OutputFile``s out. Nothing is rendered here: the writer
calls ``render()`` only for files whose fingerprint (``key``) differs from what it wrote
last time, so an edit renders only the files that contain the edited release.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape

from feeds.catalogue import ORDER, Listing
from feeds.config import Config
from feeds.intake.identity import is_minted, page_slug, slugify
from feeds.model import Release
from feeds.pools import RENDER_IN_WORKERS
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

RENDER_VERSION = "3"  # bump when a renderer changes what it writes for the same input
EXTENSIONS = {"atom": "atom", "rss": "rss", "json": "json"}
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"})
BUNDLED_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, POSIX
    key: str  # fingerprint of everything that decides the bytes
    render: Callable[[], bytes]
    shows: tuple[Listing, ...] = ()  # whose releases rendering it needs
    fragments: tuple[str, ...] = ()  # the stored entry fragments it may reuse


def page_path(config: Config, release_id: str, path: str) -> str:
    """Where a release's page is, relative to the output folder."""
    return f"releases/{_slug(release_id, path, config.site.id_prefix)}.html"


@lru_cache(maxsize=65536)
def _slug(release_id: str, path: str, id_prefix: str) -> str:
    """The page name, stable across renames: a minted id's own (unique among them, see
    ``mint_id``); for an id a release brought with it, its last part and a digest of the
    whole id (so it can take no other release's page)."""
    if is_minted(release_id, id_prefix):
        return page_slug(release_id)
    if release_id:
        last = slugify(release_id.rsplit(":", 1)[-1].replace("/", "-"))[:60]
        digest = hashlib.blake2b(release_id.encode(), digest_size=4).hexdigest()
        return f"{last}-{digest}"
    return slugify(str(PurePosixPath(path).with_suffix("")))


def release_url(config: Config, release: Release) -> str:
    return f"{config.site.url}{page_path(config, release.id, release.path)}"


def is_rtl(language: str) -> bool:
    return language.split("-")[0].lower() in RTL_LANGUAGES


def template_environment(config: Config) -> Environment:
    folders = [str(config.site_dir / "templates"), str(BUNDLED_TEMPLATES)]
    # Compiled templates are kept beside the state (keyed by each template's source), so a
    # short-lived `feeds build` does not compile them again.
    compiled = config.state_path.parent / "compiled-templates"
    try:
        compiled.mkdir(parents=True, exist_ok=True)
        cache: FileSystemBytecodeCache | None = FileSystemBytecodeCache(str(compiled))
    except OSError:
        cache = None
    return Environment(
        loader=FileSystemLoader(folders),
        autoescape=select_autoescape(["html", "xml", "xsl"]),
        trim_blocks=False,
        keep_trailing_newline=True,
        bytecode_cache=cache,
    )


def templates_key(config: Config) -> str:
    h = hashlib.sha256()
    for folder in (config.site_dir / "templates", BUNDLED_TEMPLATES):
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file():
                    h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:32]


_FEED_DOC = re.compile(r"(.+?)(?:-archive-\d+)?\.(?:atom|rss|json)")


@dataclass(frozen=True)
class Scope:
    """What a pass after a few changes looks at: the feeds that hold a changed listing
    (before or after the change) with their archives, those listings' pages, the index."""

    bases: frozenset[str]  # "feed", "tags/water", "lang/fr"
    pages: frozenset[str]
    others: frozenset[str] = frozenset()  # every other feed's base (set by the builder)

    def owns(self, path: str) -> bool:
        if path in self.pages or path == "index.html":
            return True
        if path.startswith("releases/"):
            return False
        m = _FEED_DOC.fullmatch(path)
        # "tags/photo-archive-2024.atom" is an archive of "tags/photo", or the feed of the
        # tag "Photo archive 2024": the latter when that tag has a feed.
        return (m is not None and m.group(1) in self.bases
                and path.rpartition(".")[0] not in self.others)


    def prefixes(self) -> list[str]:
        """Path prefixes under which every feed document it owns lies."""
        return sorted(f"{base}{sep}" for base in self.bases for sep in (".", "-archive-"))


def scope_of(config: Config, changes: Iterable[Listing]) -> Scope:
    """The scope of changed listings (pass each old row and each new one)."""
    bases, pages = {"feed"}, set()
    for row in changes:
        pages.add(row.page)
        if row.retracted:
            continue
        if config.per_tag:
            bases.update(f"tags/{slugify(tag)}" for tag in row.tags)
        if config.per_language:
            bases.add(f"lang/{slugify(row.language or config.site.language)}")
    return Scope(frozenset(bases), frozenset(pages))


@dataclass(frozen=True)
class FeedSpec:
    """One logical feed: the home feed, a tag's or a language's."""

    base: str  # output path without extension: "feed", "tags/water", "lang/fr"
    title: str
    language: str
    items: Sequence[Listing]  # newest first


def _human_date(dt: datetime) -> str:
    return f"{dt.day} {dt:%B %Y}"


ReleaseLoader = Callable[[Sequence[Listing]], dict[str, Release]]  # by id


class SiteBuilder:
    """Every output file the catalogue makes (or, with a ``scope``, those it owns), each with
    its fingerprint; releases are loaded only for files the writer must render."""

    def __init__(
        self, config: Config, listings: Iterable[Listing], load: ReleaseLoader,
        releases: dict[str, Release] | None = None, env: Environment | None = None,
        cache: EntryCache | None = None, scope: Scope | None = None, salt: str = "",
        fetch: Callable[[Iterable[str]], dict[str, bytes]] | None = None,
        ordered: bool = False,
    ) -> None:
        self.config = config
        self.site = config.site
        self.scope = scope
        self.salt = salt
        self.load = load
        self.releases = releases if releases is not None else {}  # by id; filled by prepare
        self._env = env
        author = self.site.author or self.site.title
        self.cache = cache if cache is not None and cache.default_author == author else (
            EntryCache(default_author=author))
        self.cache.salt = salt
        self.fetch = fetch  # entry fragments from the state store, by key
        # (``ordered``: the rows come in this order already, kept by a long-running caller)
        self.rows = list(listings) if ordered else sorted(listings, key=ORDER)
        self.entries = [row for row in self.rows if not row.retracted]
        self._tag_slugs: dict[str, str] = {}
        self._unloadable: set[str] = set()
        if scope is not None:
            self.scope = replace(scope, others=frozenset(self._bases()) - scope.bases)

    def _bases(self) -> set[str]:
        """The base of every feed the catalogue makes."""
        tags = {tag for row in self.entries for tag in row.tags} if self.config.per_tag else ()
        langs = {row.language or self.site.language for row in self.entries} if (
            self.config.per_language) else ()
        return ({"feed"} | {f"tags/{self._tag_slug(t)}" for t in tags}
                | {f"lang/{slugify(lang)}" for lang in langs})

    @property
    def env(self) -> Environment:
        if self._env is None:
            self._env = template_environment(self.config)
        return self._env

    def _key(self, *parts: object) -> str:
        return hashlib.blake2b(repr((self.salt, *parts)).encode(), digest_size=16).hexdigest()

    def _tag_slug(self, tag: str) -> str:
        slug = self._tag_slugs.get(tag)
        if slug is None:
            slug = self._tag_slugs[tag] = slugify(tag)
        return slug

    # -- feeds ----------------------------------------------------------------------------

    def feed_specs(self) -> list[FeedSpec]:
        wanted = None if self.scope is None else self.scope.bases
        specs = [FeedSpec("feed", self.site.title, self.site.language, self.rows)]
        if self.config.per_tag:
            by_slug: dict[str, tuple[str, list[Listing]]] = {}
            bases: dict[str, str | None] = {}  # tag -> its feed, None when out of scope
            for row in self.entries:
                for tag in row.tags:
                    if tag not in bases:
                        base = f"tags/{self._tag_slug(tag)}"
                        bases[tag] = base if wanted is None or base in wanted else None
                    if (base_or_none := bases[tag]) is not None:
                        rows = by_slug.setdefault(base_or_none, (tag, []))[1]
                        if not rows or rows[-1] is not row:  # "Éducation" and "Education"
                            rows.append(row)
            for base, (tag, items) in sorted(by_slug.items()):
                specs.append(FeedSpec(base, f"{self.site.title}: {tag}", self.site.language, items))
        if self.config.per_language:
            # By the feed's name, as tags are: "fr" and "FR" are one language and one file;
            # its code is the newest release's.
            by_lang: dict[str, tuple[str, list[Listing]]] = {}
            lang_bases: dict[str, str | None] = {}
            for row in self.entries:
                lang = row.language or self.site.language
                if lang not in lang_bases:
                    base = f"lang/{slugify(lang)}"
                    lang_bases[lang] = base if wanted is None or base in wanted else None
                if (lang_base := lang_bases[lang]) is not None:
                    by_lang.setdefault(lang_base, (lang, []))[1].append(row)
            for base, (lang, items) in sorted(by_lang.items()):
                specs.append(FeedSpec(base, f"{self.site.title} ({lang})", lang, items))
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
        pages: list[tuple[str, Sequence[Listing], int]] = [(spec.base, items[:n], 0)]
        for j in range(1, archives + 1):
            chunk = ascending[(j - 1) * n: j * n][::-1]
            pages.append((f"{spec.base}-archive-{j}", chunk, j))
        out = []
        author = self.site.author or self.site.title
        for base, page_items, j in pages:
            shown = tuple(page_items)
            items_key = hashlib.blake2b("|".join(row.key for row in shown).encode(),
                                        digest_size=16).hexdigest()
            for fmt in self.config.formats:
                links = self._links(spec.base, fmt, j, archives)
                title = spec.title if j == 0 else f"{spec.title} (archive {j})"
                next_url = None
                if fmt == "json":
                    older = archives if j == 0 else j - 1
                    next_url = self._url(f"{spec.base}-archive-{older}", fmt) if older else None
                path = f"{base}.{EXTENSIONS[fmt]}"
                # Links and next_url follow from the path, j and: for the subscription feed,
                # the number of archives; for an archive, whether a newer one exists (so a
                # new archive document does not re-key the two hundred before it).
                neighbours = archives if j == 0 else j < archives
                key = self._key("feed", path, j, neighbours, title, spec.language, items_key)
                doc = partial(FeedDoc, title=title, subtitle="", language=spec.language,
                              author=author, feed_id=self._url(spec.base, "atom"), links=links,
                              is_archive=j > 0)
                # A subscription feed shows mostly what it showed last time: its entries'
                # fragments are kept in the state store (archive documents never change).
                lang = spec.language if fmt == "atom" else ""
                fragments = () if j else tuple(
                    self.cache.stored_key(fmt, lang, row.key) for row in shown
                    if not row.retracted)
                out.append(OutputFile(path, key, partial(self._render_feed, fmt, doc, shown,
                                                         next_url), shown, fragments))
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

    def _ensure(self, rows: Iterable[Listing]) -> None:
        """Load the releases of ``rows`` not loaded yet, in one go."""
        missing = [row for row in rows if not row.retracted and row.id not in self.releases
                   and row.id not in self._unloadable]
        if missing:
            loaded = self.load(missing)
            self.releases.update(loaded)
            self._unloadable.update(row.id for row in missing if row.id not in loaded)

    def _entry(self, row: Listing) -> Entry | None:
        release = self.releases.get(row.id)
        if release is None:  # its file changed under us, or the cache lost it
            self.cache.failures.setdefault(row.path, "not in the intake cache; rebuild")
            return None
        return Entry(release, self.site.url + row.page, row.when_dt(), row.updated_dt(),
                     key=row.key)

    def _items(self, rows: Sequence[Listing]) -> list[Item]:
        self._ensure(rows)
        out: list[Item] = []
        for row in rows:
            if row.retracted:
                out.append(Tombstone(row.id, row.updated_dt(), None))
            elif (entry := self._entry(row)) is not None:
                out.append(entry)
        return out

    def _render_feed(
        self, fmt: str, doc: Callable[..., FeedDoc], rows: tuple[Listing, ...],
        next_url: str | None,
    ) -> bytes:
        feed = doc(items=self._items(rows))
        if fmt == "atom":
            return atom(feed, self.cache)
        if fmt == "rss":
            return rss(feed, self.cache)
        return json_feed(feed, self.cache, next_url)

    # -- pages ----------------------------------------------------------------------------

    def _feed_links(self, bases: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
        labels = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
        return [
            {"type": MEDIA_TYPES[fmt], "href": self._url(base, fmt),
             "title": f"{title} ({labels[fmt]})", "label": f"{labels[fmt]}"}
            for base, title in bases for fmt in self.config.formats
        ]

    def page_outputs(self) -> list[OutputFile]:
        out = []
        # Everything a page shows besides its release follows from the settings (the salt).
        shared = hashlib.blake2b(repr((self.salt, "page")).encode(), digest_size=16)
        wanted = None if self.scope is None else self.scope.pages
        for row in self.entries:
            if wanted is not None and row.page not in wanted:
                continue
            h = shared.copy()
            h.update(f"{row.page}|{row.key}".encode())
            out.append(OutputFile(row.page, h.hexdigest(), partial(self._render_page, row),
                                  (row,)))
        newest = tuple(self.entries[: self.config.items])
        key = self._key("index", "|".join(row.key for row in newest))
        out.append(OutputFile("index.html", key, partial(self._render_index, newest), newest))
        if self.scope is None and ("atom" in self.config.formats or "rss" in self.config.formats):
            xsl = BUNDLED_TEMPLATES / "feed.xsl"
            override = self.config.site_dir / "templates" / "feed.xsl"
            source = override if override.is_file() else xsl
            out.append(OutputFile("feed.xsl", self._key("xsl"), source.read_bytes))
        return out

    def _tag_urls(self, tags: Iterable[str]) -> dict[str, str]:
        if not self.config.per_tag:
            return {tag: "" for tag in tags}
        fmt = self.config.formats[0]
        return {tag: self._url(f"tags/{self._tag_slug(tag)}", fmt) for tag in tags}

    def _render_page(self, row: Listing) -> bytes:
        self._ensure((row,))
        entry = self._entry(row)
        if entry is None:
            raise LookupError(f"{row.path}: {self.cache.failures.get(row.path)}")
        # Its page comes after the feeds that show it (see outputs), whose entries are kept
        # as fragments where another document shows them too: it is needed no more here.
        del self.releases[row.id]
        r = entry.release
        html = self.env.get_template("release.html").render(
            site=self.site, release=r, feeds=self._feed_links([("feed", self.site.title)]),
            tag_urls=self._tag_urls(r.tags),
            lang=r.language or self.site.language, rtl=is_rtl(r.language),
            published_iso=iso(entry.published), updated_iso=iso(entry.updated),
            published_text=_human_date(entry.published), updated_text=_human_date(entry.updated),
        )
        return html.encode()

    def _render_index(self, rows: tuple[Listing, ...]) -> bytes:
        items: list[dict[str, Any]] = [
            {"release": e.release, "url": e.url, "rtl": is_rtl(e.release.language),
             "published_iso": iso(e.published), "published_text": _human_date(e.published)}
            for e in self._items(rows) if isinstance(e, Entry)
        ]
        html = self.env.get_template("index.html").render(
            site=self.site, items=items, feeds=self._feed_links([("feed", self.site.title)]),
            lang=self.site.language, rtl=is_rtl(self.site.language),
        )
        return html.encode()

    def prepare(self, todo: list[OutputFile]) -> None:
        """Load the releases and the stored entry fragments the files to render need, in
        one go each. Not the releases for many files: render workers then load their own
        (forked, they would copy every page of the parent's they touch), and drop each once
        its page is made."""
        if len(todo) < RENDER_IN_WORKERS:  # rendered here: load them now, in one go
            self._ensure({row.id: row for f in todo for row in f.shows}.values())
        wanted = {k for f in todo for k in f.fragments} - self.cache.stored.keys()
        if wanted and self.fetch is not None:
            self.cache.stored.update(self.fetch(wanted))

    def outputs(self) -> list[OutputFile]:
        """Every file, each archive document followed by the pages of its releases: the
        writer gives workers runs of consecutive files, so a release's body is made into
        HTML once, by the worker that renders both its page and its archive entry."""
        feeds: list[OutputFile] = []
        for spec in self.feed_specs():
            feeds += self.feed_outputs(spec)
        # An entry of one archive document only is rendered once: its fragments need no
        # keeping (ten thousand of them would, in every render worker).
        seen: set[str] = set()
        keep: set[str] = set()
        docs: set[str] = set()
        for f in feeds:
            doc = f.path.rpartition(".")[0]  # one document in every format
            if doc in docs:
                continue
            docs.add(doc)
            subscription = "-archive-" not in f.path
            for row in f.shows:
                if subscription or row.id in seen:
                    keep.add(row.id)
                seen.add(row.id)
        self.cache.keep = frozenset(keep)
        pages = self.page_outputs()
        by_page = {f.path: f for f in pages}
        files: list[OutputFile] = []
        for n, f in enumerate(feeds):
            files.append(f)
            last_format = n + 1 == len(feeds) or (
                feeds[n + 1].path.rpartition(".")[0] != f.path.rpartition(".")[0])
            if "-archive-" in f.path and last_format:
                files += [page for row in f.shows if (page := by_page.pop(row.page, None))]
        return files + [f for f in pages if f.path in by_page]

