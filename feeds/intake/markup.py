"""Body blocks to sanitised HTML, and Markdown sniffing.

Markdown goes through cmark-gfm (C, fast); whatever it lets through is then cleaned
by nh3 (ammonia), so no release, however hostile, puts live markup into a feed or email.

cmarkgfm's ``github_flavored_markdown_to_html`` (2025.10.22) frees neither the syntax tree
``cmark_parser_finish`` hands back nor the HTML ``cmark_render_html`` returns, and its cffi
API has no ``cmark_node_free``: every Markdown body leaked about 36 KB (a full build of
10,000 releases grew each render worker by hundreds of MB; a daemon grows for as long as it
runs). ``_gfm_to_html`` is the same steps, freeing both through the library's own exported
C functions (the tree with ``cmark_node_free``, the text with its default allocator's
``free``).
"""

from __future__ import annotations

import ctypes
import html
import re
from collections.abc import Sequence

import nh3
from cmarkgfm import _cmark
from cmarkgfm import cmark as _cm
from cmarkgfm.cmark import Options

from feeds.model import BodyFormat

_CMARK_OPTIONS = (Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_VALIDATE_UTF8
                  | Options.CMARK_OPT_GITHUB_PRE_LANG)
_GFM_EXTENSIONS = ("table", "autolink", "tagfilter", "strikethrough", "tasklist")
_native = ctypes.CDLL(_cmark.__file__)  # the module cmarkgfm already loaded
_native.cmark_node_free.argtypes = [ctypes.c_void_p]
_native.cmark_node_free.restype = None


class _CmarkMem(ctypes.Structure):
    _fields_ = [
        ("calloc", ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)),
        ("realloc", ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)),
        ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ]


_native.cmark_get_default_mem_allocator.restype = ctypes.POINTER(_CmarkMem)
_free = _native.cmark_get_default_mem_allocator().contents.free


def _gfm_to_html(text: str) -> str:
    """``cmarkgfm.github_flavored_markdown_to_html(text, _CMARK_OPTIONS)``, same output,
    without the leak."""
    _cm.core_extensions_ensure_registered()
    parser = _cm.parser_new(options=_CMARK_OPTIONS)
    try:
        for name in _GFM_EXTENSIONS:
            _cm.parser_attach_syntax_extension(parser, _cm.find_syntax_extension(name))
        _cm.parser_feed(parser, text)
        root = _cm.parser_finish(parser)
        try:
            extensions = _cm.parser_get_syntax_extensions(parser)
            raw = _cmark.lib.cmark_render_html(root, _CMARK_OPTIONS, extensions)
            try:
                return str(_cmark.ffi.string(raw).decode("utf-8"))
            finally:
                _free(int(_cmark.ffi.cast("uintptr_t", raw)))
        finally:
            _native.cmark_node_free(int(_cmark.ffi.cast("uintptr_t", root)))
    finally:
        _cm.parser_free(parser)

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


def decks_html(decks: Sequence[str]) -> str:
    """The lines between a title and the lead, as the strong paragraphs a release sets them in."""
    return "\n".join(f"<p><strong>{html.escape(deck, quote=False)}</strong></p>" for deck in decks)


def body_html(paragraphs: Sequence[str], body_format: BodyFormat | str) -> str:
    """The release body as sanitised HTML."""
    if body_format == BodyFormat.MARKDOWN:
        rendered = _gfm_to_html("\n\n".join(paragraphs))
        return sanitize_html(rendered).strip()
    # Plain text is escaped before any tag is added: safe by construction, no sanitiser needed.
    return "\n".join(_text_block_html(p) for p in paragraphs)
