"""Body blocks to sanitised HTML, and Markdown sniffing.

Markdown goes through cmark-gfm (C, fast); whatever it lets through is then cleaned
by nh3 (ammonia), so no release, however hostile, puts live markup into a feed or email.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from feeds.model import BodyFormat

_CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "*": {"lang", "dir"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_LINK = re.compile(r"\]\((?:https?:|/|#)")
_LINE_SIGN = re.compile(r"(?:#{1,6} |[*+-] |\d{1,3}\. |```|> )\S?")
_SIGN_START = re.compile(r"\n *[#*+\-`>\d]")
_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")


def looks_like_markdown(text: str) -> bool:
    """A ``.txt`` file written in Markdown: two signs of it (an ATX heading, a list item, a
    link, strong emphasis, a fence, a quote) in its first few thousand characters."""
    if text.lstrip().startswith("# "):
        return True
    head = text[:4000]
    signs = len(_LINK.findall(head)) + head.count("**") // 2
    if signs >= 2:
        return True
    # Only lines that start (after spaces) with a character a sign starts with can hold one;
    # the search for them skips from line break to line break (a regex anchored at every
    # line start scans a plain text very slowly).
    for m in _SIGN_START.finditer("\n" + head):
        if _LINE_SIGN.match(head, m.end() - 2, m.end() + 10):
            signs += 1
            if signs >= 2:
                return True
    return False


def sanitize_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _text_block_html(block: str) -> str:
    escaped = html.escape(block, quote=False)
    linked = _URL.sub(
        lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer">{m.group(0)}</a>', escaped
    )
    return "<p>" + linked.replace("\n", "<br>\n") + "</p>"


def body_html(paragraphs: Sequence[str], body_format: BodyFormat | str) -> str:
    """The release body as sanitised HTML."""
    if body_format == BodyFormat.MARKDOWN:
        rendered = cmarkgfm.github_flavored_markdown_to_html(
            "\n\n".join(paragraphs), options=_CMARK_OPTIONS
        )
        return sanitize_html(rendered).strip()
    # Plain text is escaped before any tag is added: safe by construction, no sanitiser needed.
    return "\n".join(_text_block_html(p) for p in paragraphs)
