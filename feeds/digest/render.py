"""Render a digest issue: pure functions of the config, the releases and the time.

An issue is rendered once: its subject, its HTML (CSS inlined by css-inline, ``@media`` and
dark-mode rules kept) and its text, with a placeholder where each recipient's unsubscribe
token goes; ``feeds.digest.message`` only substitutes the placeholder and adds headers.
The web archive page is rendered from the same template with ``web = true``.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from feeds.config import Config, Digest
from feeds.errors import ConfigError
from feeds.intake.identity import slugify
from feeds.intake.language import language_matches
from feeds.model import Release
from feeds.plan import newest_first
from feeds.render.feeds import MEDIA_TYPES
from feeds.render.site import EXTENSIONS, is_rtl, release_url, template_environment

SUMMARY_CHARS = 400
_SPACES = re.compile(r"\s+")
# Bidi embeddings, overrides and isolates: they can make a subject read differently
# from what it says. U+2028/2029 and other controls could split the header.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str  # with ``placeholder`` where the unsubscribe token goes
    text: str  # likewise
    web_html: str  # the archive page: no token, no preheader
    placeholder: str


def digest_slug(name: str) -> str:
    return slugify(name) or "digest"


def web_path(name: str, number: int) -> str:
    """The issue's page, relative to the output folder."""
    return f"digests/{digest_slug(name)}/{number}.html"


def web_url(config: Config, name: str, number: int) -> str:
    return f"{config.site.url}{web_path(name, number)}"


def archive_url(config: Config) -> str:
    return f"{config.site.url}digests/"


def unsubscribe_url(config: Config, token: str) -> str:
    return f"{config.site.url}unsubscribe/{token}"


def heading(name: str) -> str:
    """How the digest calls itself: "Daily digest"."""
    words = name.replace("-", " ").replace("_", " ")
    return f"{words[:1].upper()}{words[1:]} digest"


def clean_header(text: str) -> str:
    """Text fit for a header: no controls, no line or paragraph separators, no bidi
    overrides; whitespace runs become one space."""
    out = []
    for ch in text.translate(_BIDI):
        cat = unicodedata.category(ch)
        if cat in ("Zl", "Zp") or ch in "\t\r\n\v\f":
            out.append(" ")
        elif cat == "Cc":
            continue
        else:
            out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


def _matches(digest: Digest, release: Release, site_language: str) -> bool:
    if digest.tags:
        wanted = {t.casefold() for t in digest.tags}
        if not any(t.casefold() in wanted for t in release.tags):
            return False
    return not digest.languages or language_matches(release.language or site_language,
                                                    digest.languages)


def select_releases(
    config: Config, digest: Digest, releases: Iterable[Release]
) -> tuple[list[Release], int]:
    """The releases the digest shows, newest first, and how many more matched than it holds."""
    matching = [r for r in releases if _matches(digest, r, config.site.language)]
    matching.sort(key=newest_first)
    return matching[: digest.max_releases], max(0, len(matching) - digest.max_releases)


def _human_date(dt: datetime) -> str:
    return f"{dt.day} {dt:%B %Y}"


def _shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-")
    return cut + "…"


def _image(config: Config, release: Release) -> dict[str, str] | None:
    photo = release.photo
    if photo is None or not photo.url:
        return None
    url = urljoin(config.site.url, photo.url.strip())
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    alt = photo.alt or photo.caption or release.title
    return {"url": url, "alt": _SPACES.sub(" ", alt).strip()}


def _items(config: Config, releases: Sequence[Release], tz: ZoneInfo) -> list[dict[str, Any]]:
    items = []
    for r in releases:
        assert r.date is not None
        lang = r.language or config.site.language
        rtl = is_rtl(lang)
        local = r.date.astimezone(tz)
        items.append({
            "release": r, "title": _SPACES.sub(" ", r.title).strip(), "url": release_url(config, r),
            "summary": _shorten(r.summary or (r.paragraphs[0] if r.paragraphs else "")),
            "date_text": _human_date(local), "date_iso": r.date.isoformat(),
            "dateline": r.dateline_city or "", "lang": lang, "rtl": rtl,
            "dir": "rtl" if rtl else "ltr", "align": "right" if rtl else "left",
            "image": _image(config, r), "read_more": "اقرأ البيان" if lang.startswith("ar")
            else "Read the release",
        })
    return items


def _preheader(items: Sequence[dict[str, Any]], more: int) -> str:
    if not items:
        return "No new releases since the last issue."
    titles = "; ".join(str(i["title"]) for i in items[:3])
    extra = len(items) - 3 + more
    return _shorten(titles + (f" and {extra} more" if extra > 0 else ""), 140)


_subject_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


def render_subject(
    config: Config, digest: Digest, releases: Sequence[Release], number: int, when: datetime,
) -> str:
    index = next((i for i, d in enumerate(config.digests) if d.name == digest.name), 0)
    try:
        text = _subject_env.from_string(digest.subject).render(
            site=config.site, releases=releases, digest=digest, number=number,
            date=_human_date(when.astimezone(ZoneInfo(digest.timezone))),
        )
    except TemplateError as e:
        raise ConfigError(config.path, f"the subject template does not render: {e}",
                          f"digest.{index}.subject") from None
    return clean_header(text)[:250] or f"{config.site.title}: {heading(digest.name)}"


class Renderer:
    """Templates and the CSS inliner, set up once per run."""

    def __init__(self, config: Config, env: Environment | None = None) -> None:
        self.config = config
        self.env = env or template_environment(config)
        self.inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)

    def render(
        self, digest: Digest, releases: Sequence[Release], *, number: int, when: datetime,
        more: int = 0, placeholder: str | None = None,
    ) -> Rendered:
        config = self.config
        placeholder = placeholder or f"feedsunsub{secrets.token_hex(12)}"
        tz = ZoneInfo(digest.timezone)
        local = when.astimezone(tz)
        subject = render_subject(config, digest, releases, number, when)
        items = _items(config, releases, tz)
        context: dict[str, Any] = {
            "site": config.site, "digest": digest, "heading": heading(digest.name), "number": number,
            "subject": subject, "items": items, "more": more, "preheader": _preheader(items, more),
            "date_text": _human_date(local), "date_iso": local.isoformat(),
            "lang": config.site.language, "rtl": is_rtl(config.site.language),
            "web_url": web_url(config, digest.name, number), "archive_url": archive_url(config),
            "unsubscribe_url": unsubscribe_url(config, placeholder), "web": False,
        }
        html_template = self.env.get_template("digest.html")
        html = self.inliner.inline(html_template.render(context))
        text = self.env.get_template("digest.txt").render(context)
        web = self.inliner.inline(html_template.render({**context, "web": True,
                                                        "unsubscribe_url": None}))
        if placeholder not in html or placeholder not in text:
            raise ConfigError(config.path, "the digest templates must show {{ unsubscribe_url }} "
                              "in both digest.html and digest.txt")
        return Rendered(subject, _lf(html), _lf(text), web, placeholder)

    def render_index(self, issues: Iterable[dict[str, Any]]) -> bytes:
        """The archive index: every issue of every digest, grouped by digest, newest first."""
        config = self.config
        groups: dict[str, dict[str, Any]] = {}
        by_name = {d.name: d for d in config.digests}
        for issue in issues:
            digest = by_name.get(issue["digest"])
            group = groups.setdefault(issue["digest"], {
                "heading": heading(issue["digest"]), "issues": []})
            tz = ZoneInfo(digest.timezone if digest else config.site.timezone)
            created: datetime = issue["created_at"]
            group["issues"].append({
                **issue, "url": web_url(config, issue["digest"], issue["number"]),
                "date_text": _human_date(created.astimezone(tz)), "date_iso": created.isoformat(),
            })
        feeds = [
            {"type": MEDIA_TYPES[fmt], "href": f"{config.site.url}feed.{EXTENSIONS[fmt]}",
             "title": f"{config.site.title} ({fmt})", "label": fmt.upper() if fmt != "json"
             else "JSON Feed"}
            for fmt in config.formats
        ]
        html = self.env.get_template("digest_index.html").render(
            site=config.site, groups=[groups[k] for k in sorted(groups)], feeds=feeds,
            lang=config.site.language, rtl=is_rtl(config.site.language),
        )
        return html.encode()


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
