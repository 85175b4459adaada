"""Atom, RSS 2.0 and JSON Feed 1.1 documents, byte for byte the same for the same input.

Atom and RSS entries are built with feedgen and then corrected, because feedgen, trusted
as it is, gets several things wrong: it drops ``rel``/``type`` from Atom entry links
(upstream issue #135), lets ``description`` overwrite Atom ``content``, writes
``type="CDATA"`` into Atom, drops extra ``atom:link``s from RSS, prepends entries, stamps
the build clock into ``updated``/``lastBuildDate`` and switches the process-wide locale
to format RSS dates. So: entries are rendered one at a time (each once per build, then
reused by every feed that holds it), links/content/dates are written by us, documents
are assembled in an explicit order, and every timestamp comes from the releases.
JSON Feed is written directly.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import msgspec
from feedgen.entry import FeedEntry as _FGEntry
from lxml import etree

from feeds.model import Release

ATOM_NS = "http://www.w3.org/2005/Atom"
FH_NS = "http://purl.org/syndication/history/1.0"
AT_NS = "http://purl.org/atompub/tombstones/1.0"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = "feeds"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"

MEDIA_TYPES = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}
_IMAGE_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".svg": "image/svg+xml",
}


_serials = itertools.count(1)


@dataclass(frozen=True)
class Entry:
    """A published release as feeds show it."""

    release: Release
    url: str  # the release page
    published: datetime
    updated: datetime
    # Unique in this process: a long-running caller recognises an entry it already keyed.
    serial: int = field(default_factory=lambda: next(_serials), compare=False)
    key: str = ""  # its catalogue key (feeds.catalogue.Listing.key), when it has one


@dataclass(frozen=True)
class Tombstone:
    """A retracted or deleted release: RFC 6721 in Atom, simply absent elsewhere."""

    id: str
    when: datetime
    url: str | None = None


Item = Entry | Tombstone


@dataclass(frozen=True)
class Links:
    """Where a document sits: its own URL, the site, the hub, and RFC 5005 neighbours."""

    self_url: str
    alternate: str
    hub: str | None = None
    current: str | None = None  # set on archive documents: the subscription feed
    prev_archive: str | None = None  # older
    next_archive: str | None = None  # newer
    stylesheet: str | None = None  # relative href of the XSLT for browsers


@dataclass(frozen=True)
class FeedDoc:
    title: str
    subtitle: str
    language: str
    author: str
    feed_id: str
    links: Links
    items: Sequence[Item]  # newest first
    is_archive: bool = False
    icon: str | None = None


def iso(dt: datetime) -> str:
    """RFC 3339 in UTC, seconds precision: the same instant always gives the same text."""
    return dt.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def rfc822(dt: datetime) -> str:
    """RFC 822 date for RSS, independent of the process locale."""
    return format_datetime(dt.astimezone(UTC).replace(microsecond=0), usegmt=True)


def image_type(url: str) -> str | None:
    lower = url.lower().split("?", 1)[0]
    for suffix, media in _IMAGE_TYPES.items():
        if lower.endswith(suffix):
            return media
    return None


def _author(release: Release, default: str) -> str:
    org = next((c.org for c in release.contacts if c.org), None)
    return org or default


@dataclass
class EntryCache:
    """Rendered entries, each made once per (release, timestamps, url), format and feed
    language; and, for entries that carry their catalogue key, kept in the state store
    between processes (``stored`` read before rendering, ``new`` to write after)."""

    default_author: str
    _made: dict[tuple[Any, ...], bytes] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # release path -> why it was left out
    # Ids whose fragments are worth keeping (shown by more than one document, or by a
    # subscription feed a later pass renders again); None: all. Others are made and dropped.
    keep: frozenset[str] | None = None
    salt: str = ""  # the settings, which decide a fragment's bytes too
    stored: dict[str, bytes] = field(default_factory=dict)
    new: dict[str, bytes] = field(default_factory=dict)

    def stored_key(self, fmt: str, feed_language: str, entry_key: str) -> str:
        text = f"{self.salt}|{fmt}|{feed_language}|{entry_key}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def trimmed(self, limit: int = 30_000) -> EntryCache:
        """This cache, or an empty one when it grew past ``limit`` fragments (old versions
        of edited releases pile up in a long-running process)."""
        self.failures = {}
        self.stored = {}
        if len(self._made) <= limit:
            return self
        return EntryCache(self.default_author, keep=self.keep, salt=self.salt)

    def _fragment(
        self, fmt: str, feed_language: str, entry: Entry, make: Callable[[], bytes]
    ) -> bytes:
        r = entry.release
        key = (fmt, feed_language, entry.key) if entry.key else (
            fmt, feed_language, r.id, r.content_hash, r.title, entry.url, entry.published,
            entry.updated, r.language)
        made = self._made.get(key)
        if made is not None:
            return made
        kept = self.keep is None or r.id in self.keep
        skey = self.stored_key(fmt, feed_language, entry.key) if entry.key and kept else None
        stored = self.stored.get(skey) if skey is not None else None
        if stored is not None:
            made = stored
        else:
            try:
                made = make()
            except Exception as e:  # one release must not take a feed down with it
                self.failures[r.path] = f"cannot render: {type(e).__name__}: {e}"
                made = b""  # left out
            else:
                if skey is not None:
                    self.new[skey] = made
        if kept:
            self._made[key] = made
        return made

    def atom(self, entry: Entry, feed_language: str) -> bytes:
        """The entry's XML, or b"" when it cannot be rendered (it is then left out)."""
        return self._fragment("atom", feed_language, entry,
                              lambda: _atom_entry(entry, feed_language, self.default_author))

    def rss(self, entry: Entry) -> bytes:
        return self._fragment("rss", "", entry, lambda: _rss_item(entry, self.default_author))

    def json(self, entry: Entry) -> bytes:
        # The same bytes as json.dumps(item, ensure_ascii=False, separators=(",", ":")),
        # three times faster on five-kilobyte bodies.
        return self._fragment("json", "", entry,
                              lambda: msgspec.json.encode(_json_item(entry, self.default_author)))


# -- Atom ---------------------------------------------------------------------------------


def _feedgen_entry(entry: Entry, author: str) -> _FGEntry:
    r = entry.release
    fe = _FGEntry()
    fe.id(r.id)
    fe.title(r.title)
    fe.updated(entry.updated)
    fe.published(entry.published)
    fe.author(name=author)
    if r.summary:
        fe.summary(r.summary)
    for tag in r.tags:
        fe.category(term=tag, label=tag)
    return fe


def _atom_entry(entry: Entry, feed_language: str, author: str) -> bytes:
    r = entry.release
    fe = _feedgen_entry(entry, _author(r, author))
    fe.link(href=entry.url)  # feedgen insists on one; it loses rel/type, so it is replaced
    el = fe.atom_entry(extensions=False)
    for stale in el.findall("link") + el.findall("content"):
        el.remove(stale)  # feedgen drops rel/type; we write both
    for name in ("updated", "published"):  # feedgen keeps microseconds and +00:00
        node = el.find(name)
        if node is not None:
            node.text = iso(entry.updated if name == "updated" else entry.published)
    if r.language and r.language != feed_language:
        el.set(XML_LANG, r.language)
    etree.SubElement(el, "link", rel="alternate", type="text/html", href=entry.url)
    photo = r.photo
    if photo is not None and photo.url:
        attrs = {"rel": "enclosure", "href": photo.url}
        media = photo.type or image_type(photo.url)
        if media:
            attrs["type"] = media
        if photo.length:
            attrs["length"] = str(photo.length)
        if photo.caption:
            attrs["title"] = photo.caption
        etree.SubElement(el, "link", **attrs)
    content = etree.SubElement(el, "content", type="html")
    content.text = r.content_html
    return bytes(etree.tostring(el, encoding="utf-8"))


def atom(doc: FeedDoc, cache: EntryCache) -> bytes:
    nsmap: dict[str | None, str] = {None: ATOM_NS}
    if doc.is_archive or doc.links.prev_archive or doc.links.next_archive:
        nsmap["fh"] = FH_NS
    if any(isinstance(i, Tombstone) for i in doc.items):
        nsmap["at"] = AT_NS
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap=nsmap)
    root.set(XML_LANG, doc.language)

    def add(tag: str, text: str | None = None, ns: str = ATOM_NS, **attrs: str) -> etree._Element:
        el = etree.SubElement(root, f"{{{ns}}}{tag}", **attrs)
        if text is not None:
            el.text = text
        return el

    add("id", doc.feed_id)
    add("title", doc.title)
    if doc.subtitle:
        add("subtitle", doc.subtitle)
    add("updated", iso(_feed_updated(doc.items)))
    author = add("author")
    etree.SubElement(author, f"{{{ATOM_NS}}}name").text = doc.author
    add("generator", GENERATOR)
    if doc.icon:
        add("icon", doc.icon)
    add("link", rel="self", type=MEDIA_TYPES["atom"], href=doc.links.self_url)
    add("link", rel="alternate", type="text/html", href=doc.links.alternate)
    if doc.links.hub:
        add("link", rel="hub", href=doc.links.hub)
    if doc.is_archive:
        add("archive", ns=FH_NS)
    for rel, href in (("current", doc.links.current), ("prev-archive", doc.links.prev_archive),
                      ("next-archive", doc.links.next_archive)):
        if href:
            add("link", rel=rel, type=MEDIA_TYPES["atom"], href=href)
    marker = "\x00ENTRIES\x00"
    root.append(etree.Comment("e"))  # where the entries go
    head = etree.tostring(root, encoding="unicode")
    head = head.replace("<!--e-->", marker)
    before, after = head.split(marker)
    parts = [_xml_prolog(doc.links.stylesheet), before.encode()]
    for item in doc.items:
        if isinstance(item, Entry):
            parts.append(cache.atom(item, doc.language))
        else:
            parts.append(_tombstone(item))
    parts.append(after.encode())
    return b"".join(parts) + b"\n"


def _tombstone(t: Tombstone) -> bytes:
    el = etree.Element(f"{{{AT_NS}}}deleted-entry", nsmap={"at": AT_NS}, ref=t.id, when=iso(t.when))
    if t.url:
        etree.SubElement(el, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=t.url)
    text = etree.tostring(el, encoding="unicode")
    # The feed root declares at: and the Atom default namespace already.
    text = str(text).replace(f' xmlns:at="{AT_NS}"', "").replace(
        f'<ns0:link xmlns:ns0="{ATOM_NS}"', "<link"
    )
    return text.encode()


def _xml_prolog(stylesheet: str | None) -> bytes:
    prolog = b'<?xml version="1.0" encoding="utf-8"?>\n'
    if stylesheet:
        prolog += f'<?xml-stylesheet type="text/xsl" href="{stylesheet}"?>\n'.encode()
    return prolog


def _feed_updated(items: Iterable[Item]) -> datetime:
    stamps = [i.updated if isinstance(i, Entry) else i.when for i in items]
    return max(stamps, default=datetime(1970, 1, 1, tzinfo=UTC))


# -- RSS 2.0 ------------------------------------------------------------------------------


def _rss_item(entry: Entry, author: str) -> bytes:
    r = entry.release
    fe = _feedgen_entry(entry, _author(r, author))
    fe.link(href=entry.url)
    fe.guid(r.id, permalink=False)
    fe.description(r.summary or r.title)
    el = fe.rss_entry(extensions=False)
    for stale in el.findall("author") + el.findall("category"):
        el.remove(stale)  # RSS <author> must be an e-mail address; categories as terms
    for tag in r.tags:
        etree.SubElement(el, "category").text = tag
    photo = r.photo
    if photo is not None and photo.url:
        # RSS requires length; 0 is the accepted "unknown" (RSS Advisory Board profile).
        etree.SubElement(
            el, "enclosure", url=photo.url, length=str(photo.length or 0),
            type=photo.type or image_type(photo.url) or "application/octet-stream",
        )
    etree.SubElement(el, "pubDate").text = rfc822(entry.published)
    encoded = etree.SubElement(el, f"{{{CONTENT_NS}}}encoded", nsmap={"content": CONTENT_NS})
    encoded.text = r.content_html
    text = str(etree.tostring(el, encoding="unicode"))
    return text.replace(f' xmlns:content="{CONTENT_NS}"', "").encode()


def rss(doc: FeedDoc, cache: EntryCache) -> bytes:
    nsmap = {"atom": ATOM_NS, "content": CONTENT_NS}
    if doc.is_archive or doc.links.prev_archive or doc.links.next_archive:
        nsmap["fh"] = FH_NS
    root = etree.Element("rss", nsmap=nsmap, version="2.0")
    channel = etree.SubElement(root, "channel")

    def add(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        el = etree.SubElement(channel, tag, **attrs)
        if text is not None:
            el.text = text
        return el

    add("title", doc.title)
    add("link", doc.links.alternate)
    add("description", doc.subtitle or doc.title)
    add("language", doc.language)
    add("generator", GENERATOR)
    add("lastBuildDate", rfc822(_feed_updated(doc.items)))
    add(f"{{{ATOM_NS}}}link", rel="self", type=MEDIA_TYPES["rss"], href=doc.links.self_url)
    if doc.links.hub:
        add(f"{{{ATOM_NS}}}link", rel="hub", href=doc.links.hub)
    if doc.is_archive:
        add(f"{{{FH_NS}}}archive")
    for rel, href in (("current", doc.links.current), ("prev-archive", doc.links.prev_archive),
                      ("next-archive", doc.links.next_archive)):
        if href:
            add(f"{{{ATOM_NS}}}link", rel=rel, type=MEDIA_TYPES["rss"], href=href)
    channel.append(etree.Comment("e"))
    head = etree.tostring(root, encoding="unicode")
    before, after = head.split("<!--e-->")
    parts = [_xml_prolog(doc.links.stylesheet), before.encode()]
    parts += [cache.rss(i) for i in doc.items if isinstance(i, Entry)]
    parts.append(after.encode())
    return b"".join(parts) + b"\n"


# -- JSON Feed 1.1 ------------------------------------------------------------------------


def _json_item(entry: Entry, author: str) -> dict[str, Any]:
    r = entry.release
    item: dict[str, Any] = {
        "id": r.id,
        "url": entry.url,
        "title": r.title,
        "content_html": r.content_html,
        "content_text": r.content_text,
        "date_published": iso(entry.published),
        "date_modified": iso(entry.updated),
        "authors": [{"name": _author(r, author)}],
        "language": r.language or None,
    }
    if r.summary:
        item["summary"] = r.summary
    if r.tags:
        item["tags"] = list(r.tags)
    if r.photo is not None and r.photo.url:
        item["image"] = r.photo.url
        attachment: dict[str, Any] = {
            "url": r.photo.url,
            "mime_type": r.photo.type or image_type(r.photo.url) or "application/octet-stream",
        }
        if r.photo.caption:
            attachment["title"] = r.photo.caption
        if r.photo.length:
            attachment["size_in_bytes"] = r.photo.length
        item["attachments"] = [attachment]
    return {k: v for k, v in item.items() if v is not None}


def json_feed(doc: FeedDoc, cache: EntryCache, next_url: str | None = None) -> bytes:
    feed: dict[str, Any] = {
        "version": JSONFEED_VERSION,
        "title": doc.title,
        "home_page_url": doc.links.alternate,
        "feed_url": doc.links.self_url,
        "description": doc.subtitle or doc.title,
        "language": doc.language,
        "authors": [{"name": doc.author}],
    }
    if doc.icon:
        feed["icon"] = doc.icon
    if next_url:
        feed["next_url"] = next_url
    if doc.links.hub:
        feed["hubs"] = [{"type": "WebSub", "url": doc.links.hub}]
    head = json.dumps(feed, ensure_ascii=False, indent=1)[:-2]  # without the closing "\n}"
    items = b",\n  ".join(j for i in doc.items if isinstance(i, Entry) if (j := cache.json(i)))
    return f'{head},\n "items": [\n  '.encode() + items + b"\n ]\n}\n"
