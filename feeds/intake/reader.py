"""The text of one press release, read into its parts: title, dateline, embargo, body,
end mark, About boilerplate, notes to editors and media contacts.

A release is read as a run of paragraphs in three regions:

    furniture + title + deck / embargo / caption      (before the lead)
    lead (dateline) paragraph ... last narrative paragraph   (the body)
    end mark, notes, About, disclaimers, contacts, trailers  (after the body)

The lead is the first paragraph with a dateline ("GENEVA, March 4, 2025 /PRNewswire/ --"),
or after a standalone dateline line, or else the first narrative paragraph after the title.
The body runs from there to the first paragraph that opens the back matter (an end mark,
"About X", "Notes to editors", a contact label, a disclaimer, a wire trailer); everything
after that is back matter and never body. Each marker is a table of phrases in several
languages, compiled once into a few regexes, so a new wire or language is a new row.

Speed: every regex is compiled at module level and anchored or bounded; a body paragraph
costs a dict lookup of its first word (only the few words that can open back matter go on to
a regex); the expensive parts (dates in other languages, contact parsing) only ever see a few
short lines. Nothing is quadratic in the length of the text, and an absurd file (a million
one-character lines) is read up to ``MAX_PARAGRAPHS`` and kept as one block after that.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from itertools import islice

from feeds.intake.dates import (
    MONTH_PAIR,
    find_text_date,
    names_day_and_month,
    read_embargo,
    weekday_names,
)
from feeds.model import Contact

__all__ = ["TextReading", "read_text"]


@dataclass(frozen=True)
class TextReading:
    title: str | None
    title_line: int | None  # 1-based line number in the original file
    subtitles: tuple[str, ...]  # deck/subheadline lines between title and lead
    dateline_raw: str | None  # e.g. "CHELMSFORD, Mass.–(BUSINESS WIRE)–"
    dateline_city: str | None  # e.g. "CHELMSFORD", "Genève", "AMSTERDAM and PARIS"
    date: date | None  # release date as stated in the text, else None
    embargo_until: datetime | None  # timezone-aware
    embargo_raw: str | None
    photo_caption: str | None
    photo_credit: str | None  # "IOM" from "… Photo: IOM"
    contacts: tuple[Contact, ...]
    paragraphs: tuple[str, ...]  # body blocks, lead (with its dateline) to last narrative one
    end_mark: str | None  # "###", "# # #", "-30-", "-ENDS-", "ENDS", "SOURCE: X" as written
    about: tuple[str, ...]  # "About X" boilerplate blocks (heading + text)
    notes: tuple[str, ...]  # "Notes to editors" blocks
    warnings: tuple[tuple[int | None, str], ...]  # (line, message) for a press officer
    photo_url: str | None = None  # a body image whose alt text gave the caption and credit


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- paragraphs -------------------------------------------------------------------------

_S = r"[ \t\u00a0]"
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u200e\u200f\u2060"
# whitespace (str.isspace) and invisible characters: a line of only these is blank
_BLANK_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != "\n") + _INVISIBLE
# An editor's note on a revised release, above its lead.
_UPDATE_NOTE = re.compile(
    r"[*_]{0,2}(?:updated?|correction|corrected|clarification|editor'?s note)\b", re.IGNORECASE
)
_BULLET = re.compile(r"(?:[*+\-•·▪◦‣●]|\d{1,3}[.)])(?:[ \t]|$)")
_BULLET_FIRST = frozenset("*+-•·▪◦‣●")  # or a digit: what a _BULLET match starts with
_ATX = re.compile(r"(#{1,6})(?:[ \t]+|$)")
_HR = re.compile(r"(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_SETEXT = re.compile(r"=+|-+")
_FENCE = re.compile(r"```|~~~")
_RUN_OF_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_WS = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_MARKUP_FIRST = frozenset("#-*_=+>|•·▪◦‣●")
# A hard-wrapped line that may end a paragraph ends a sentence, a quote or a lead-in.
_WRAP_BREAK = frozenset(".!?…\"”»’)':;")

OVERLONG_LINE = 1000  # a "line" this long holding several paragraphs glued by runs of spaces
MAX_PARAGRAPHS = 3000  # more than any release has; past it the rest is one unread block
MAX_LINES = 30000
MAX_CONTACT_LINES = 200  # contact lines parsed per release


class _Para:
    """One paragraph: its text, its file line, and how it was separated from the last one."""

    __slots__ = ("kind", "line", "soft", "text")

    def __init__(self, text: str, line: int, soft: bool = False, kind: str = "") -> None:
        self.text = text
        self.line = line
        self.soft = soft  # only a single line break before it, in a block of short lines
        self.kind = kind  # "", "list", "heading", "quote", "table", "code", "hr"

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Para({self.text[:40]!r}, line={self.line}, soft={self.soft}, kind={self.kind!r})"


_OPENING_QUOTES = "\"“‘'«„("


UNWRAPPED = 120  # characters: a line this long was not wrapped by hand
_YEAR = re.compile(r"\b\d{4}\b")


def _starts_header(line: str) -> bool:
    return line[0].isupper() or line[0].isdigit()


# words a headline in title case leaves in lower case
_HEADLINE_JOINERS = _words("a an and as at by de del des du e en et for from in la le of on or "
                           "the to und van von y")


def _header_line(line: str) -> bool:
    """A heading or a date line: every word capitalised or a number but the joiners ("04 July
    2005", "British Airways PLC", "AIRLINE REPORTS UNDER IFRS", "IFRS Report - Part 1"), and
    no dateline ("LONDON, 4 March 2025" over its lead is the lead's); not a paragraph's short
    first line ("Molenveld, co-founder & CTO of", "The board has chosen as its new CEO")."""
    for word in line.split():
        first = word.lstrip("\"'“‘(")[:1]
        if first.isalpha() and not first.isupper() and word.lower() not in _HEADLINE_JOINERS:
            return False
    words = line.rstrip(" .:").split()
    last = words[-1][:1] if words else ""
    return (_starts_header(line) and (last.isupper() or last.isdigit())
            and _match_dateline(line) is None)


def _paragraph_lines(run: list[tuple[int, str, int]], lengths: list[int]) -> bool:
    """Whether a run of plain-text lines is whole paragraphs a line among short ones (a page
    saved without blank lines: headline, date, a paragraph a line, then contact lines), not
    hand-wrapped text, however short the short lines make the median. Text wrapped by hand
    has no line much over 100 columns; one or two long lines in it (an address, a sentence
    added without re-wrapping) hold little of it. Three lines of prose over 120 columns
    holding a third of the text or more say it was not wrapped; so do fewer such lines when
    nearly every line ends a sentence, as a paragraph a line does (wrapped lines end mid-way)."""
    long = [n for (_, text, _), n in zip(run, lengths, strict=True)
            if n > UNWRAPPED and text.count(" ") * 12 >= n]  # prose, not an address
    if not long or 3 * sum(long) < sum(lengths):
        return False
    if len(long) >= 3:
        return True
    if len(run) == 2 and lengths[1] > UNWRAPPED and _header_line(run[0][1]) and (
            _starts_header(run[1][1]) or run[1][1][0] in _OPENING_QUOTES):
        return True  # a headline in title case, then the lead on the next line
    ends = sum(1 for _, text, _ in run if _ends_line_sentence(text))
    return len(run) >= 3 and 10 * ends >= 8 * len(run)


def _ends_line_sentence(line: str) -> bool:
    """"… in 2025." or "… said.”" (not "… outbreaks,”", where the sentence goes on)."""
    last = line[-1]
    return last in ".!?…" or (last in "\"”»’'" and line[-2:-1] in (".", "!", "?", "…"))


def _unwrap(run: list[tuple[int, str, int]], markdown: bool = False) -> list[_Para]:
    """Lines of running text (no blank line between them) to paragraphs.

    Long lines (the reference release) are one paragraph each; lines of about 40-100
    columns are a hard-wrapped paragraph, broken where a line ends a sentence and the next
    line's first word would have fitted on it (so that line ended a paragraph: text wrapped
    by hand or reflowed after an edit leaves short lines inside a sentence); short lines (an
    address, a contact block) stay separate but "soft", to be joined with a line break
    if they end up in the body. ``run`` holds (line number, text, indent) triples.
    """
    if len(run) == 1:
        return [_Para(run[0][1], run[0][0])]
    # First-line indents mark the paragraphs (CNW: "    MONT-JOLI, QC, Oct. 5 /CNW Telbec/ -
    # …" then lines at the margin, then "    \"Canada's New Government is …"): each
    # indented line of text after a line at the margin starts one (not the nested tags of
    # HTML or JSX, "  <li>"; nor a wrapped line's lower-case rest, "  quarter, helped by …"),
    # when the text has two such lines at least (one is a quotation set off)
    starts = [k for k in range(1, len(run)) if run[k][2] >= 2 and run[k - 1][2] == 0
              and (run[k][1][0].isupper() or run[k][1][0].isdigit()
                   or run[k][1][0] in _OPENING_QUOTES)
              and "=" not in run[k][1].partition(" ")[0] and run[k - 1][1][0] != "<"]
    if len(starts) >= 2 and 2 * sum(1 for _, _, indent in run if indent == 0) >= len(run):
        pieces: list[_Para] = []
        for a, b in zip([0, *starts], [*starts, len(run)], strict=True):
            pieces += _unwrap(run[a:b], markdown)  # (no line but the first is indented now)
        return pieces
    lengths = [len(t) for _, t, _ in run]
    inner = lengths[:-1]
    inner.sort()
    median = inner[len(inner) // 2]
    # (In Markdown, lines with no blank line between them are one paragraph: CommonMark.)
    if 40 <= median <= 100 and (markdown or not _paragraph_lines(run, lengths)):
        fitting = bisect_right(inner, 100)  # the longest line of at most 100 columns
        width = inner[fitting - 1] if fitting else 100
        out: list[_Para] = []
        # Short lines over the text's first full line are a header, a line each ("British
        # Airways PLC", "04 July 2005", "AIRLINE REPORTS UNDER IFRS"), when each starts as a
        # heading or a date does (a capital or a digit), as does the line under it.
        head = 0
        while (head < len(run) - 1 and 2 * lengths[head] <= width
               and _header_line(run[head][1]) and _starts_header(run[head + 1][1])):
            out.append(_Para(run[head][1], run[head][0]))
            head += 1
        start, parts = run[head][0], [run[head][1]]
        before = lengths[head]
        for lineno, nxt, _ in islice(run, head + 1, None):
            space = nxt.find(" ")  # the first word's length: up to the first space
            if (
                before + 1 + (space if space >= 0 else len(nxt)) <= width
                and parts[-1][-1] in _WRAP_BREAK
            ) or ((nxt[0] in _BULLET_FIRST or nxt[0].isdigit()) and _BULLET.match(nxt)) or (
                # an end mark ("ends", "###") after a sentence is a line of its own (not a
                # wrapped sentence's last word: "… will come to an" then "end.")
                len(parts) == 1 and before <= 24 and _is_end_mark(parts[0])
            ) or (len(nxt) <= 24 and parts[-1][-1] in _WRAP_BREAK and _is_end_mark(nxt)):
                out.append(_Para(" ".join(parts), start))
                start, parts = lineno, [nxt]
            else:
                parts.append(nxt)
            before = len(nxt)
        out.append(_Para(" ".join(parts), start))
        return out
    paras = [_Para(run[0][1], run[0][0])]
    for k in range(1, len(run)):
        soft = lengths[k - 1] < 60 and lengths[k] < 60
        paras.append(_Para(run[k][1], run[k][0], soft))
    return paras


def _one_line_block(lineno: int, text: str, indent: int) -> _Para:
    """What ``_block`` makes of a block of one line (a Markdown heading, a quote, a list
    item): the same tests in the same order, without the state a longer block needs."""
    first = text[0]
    if first == "#" and _ATX.match(text):
        return _Para(text, lineno, kind="heading")
    if first in "-*_" and _HR.fullmatch(text):
        return _Para(text, lineno, kind="hr")  # (a Setext underline needs a line above)
    kind = (
        "list" if _BULLET.match(text)
        else "quote" if first == ">"
        else "table" if first == "|"
        else ""
    )
    return _Para(text, lineno, kind=kind)  # (alone in its block, an item's indent means nothing)


# characters: a word this long alone over a headline is a sender ("Näringsdepartementet",
# "Pressemeldingar"), not a one-word title ("Zephyr" over its deck)
SENDER_WORD = 12
WRAPPED_ITEM = 40  # characters: a list item this long, cut mid-sentence, was wrapped by hand


def _wrapped_item(item: str, line: str) -> bool:
    """Whether ``line``, not indented, continues the list item above it in plain text: the
    item was cut mid-sentence ("- Apache CXF (from the Apache Incubator; PMC Chair:" then
    "Daniel Kulp) — April 2008"), or the line cannot start a sentence ("(NASDAQ: YHOO)").
    An end mark ("ends") continues nothing."""
    if len(line) <= 24 and _is_end_mark(line):
        return False
    if line[0].islower() or line[0] in "([":
        return True
    item = item.strip()
    if len(item) < WRAPPED_ITEM:
        return False
    # a full line of an item's wrapped text ends a sentence only by chance of the wrap
    return not _ends_sentence(item) or _BULLET.match(item) is None


def _empty_item(line: str) -> bool:
    """A list marker with no text ("-"): a line at the margin under it is not its text (in
    CommonMark too: an empty item has no lazy continuation)."""
    return len(line) <= 5 and _BULLET.fullmatch(line.strip()) is not None


def _block(lines: list[tuple[int, str, int]], markdown: bool, lazy: bool) -> list[_Para]:
    """One blank-line-separated block to paragraphs (lists, headings and text runs).

    ``lazy``: a line at the margin under a list item's text continues it, as in CommonMark
    (in a file that says it is Markdown; a ``.txt`` file only guessed to be one, a page with
    a menu's "- " items over its headline, is read as plain text is)."""
    if len(lines) == 1:
        return [_one_line_block(*lines[0])]
    out: list[_Para] = []
    run: list[tuple[int, str, int]] = []
    group: list[str] = []
    group_kind = ""
    group_line = 0

    def flush_run() -> None:
        if run:
            out.extend(_unwrap(run, markdown))
            run.clear()

    def flush_group() -> None:
        nonlocal group_kind
        if group:
            out.append(_Para("\n".join(group), group_line, kind=group_kind))
            group.clear()
            group_kind = ""

    for at, (lineno, text, indent) in enumerate(lines):
        first = text[0]
        if first not in _MARKUP_FIRST and not first.isdigit():
            if group_kind == "list" and (indent >= 2 or (
                    (lazy or _wrapped_item(group[-1], text)
                     # a guessed Markdown file's item wrapped at the margin, the list going on
                     # under it (a menu's last item has the headline under it, and no list)
                     or (markdown and at + 1 < len(lines) and _BULLET.match(lines[at + 1][1])))
                    and not _empty_item(group[-1]))):
                group.append(" " * indent + text if indent >= 2 else text)
                continue
            flush_group()
            run.append((lineno, text, indent))
            continue
        if first == "#" and _ATX.match(text):
            flush_run()
            flush_group()
            out.append(_Para(text, lineno, kind="heading"))
            continue
        if first in "-*_" and _HR.fullmatch(text):
            if markdown and text[0] in "=-" and run and len(run) == 1 and not group:
                flush_run()  # Setext heading: "Title" over "-----"
                out[-1].kind = "heading"
                continue
            flush_run()
            flush_group()
            out.append(_Para(text, lineno, kind="hr"))
            continue
        if first == "=" and markdown and _SETEXT.fullmatch(text) and run and len(run) == 1 \
                and not group:
            flush_run()
            out[-1].kind = "heading"
            continue
        kind = (
            "list" if _BULLET.match(text)
            else "quote" if first == ">"
            else "table" if first == "|"
            else ""
        )
        if not kind and group_kind == "list" and (indent >= 2 or (
                (lazy or (first.isdigit() and _wrapped_item(group[-1], text)))
                and not _empty_item(group[-1]))):
            kind = "list"  # a continuation line of a list item
        if kind:
            flush_run()
            if group_kind and group_kind != kind:
                flush_group()
            if not group:
                group_line = lineno
            group_kind = kind
            group.append(" " * indent + text if kind == "list" and indent >= 2 else text)
            continue
        flush_group()
        run.append((lineno, text, indent))
    flush_run()
    flush_group()
    return out


def _split_overlong(text: str) -> list[str] | None:
    """File 22: a whole release on one line, its paragraphs glued by runs of 2+ spaces."""
    if text.count("  ") < 2:
        return None
    segments = [s for s in _RUN_OF_SPACES.split(text) if s]
    if len(segments) < 3:
        return None
    mean = sum(len(s) for s in segments) / len(segments)
    if mean >= 150 or any(_opens_back_matter(s) for s in segments[1:200]):
        return segments
    return None


def _opens_back_matter(text: str) -> bool:
    word = _first_word(text)
    return (word in _ROUTES or word.startswith("contact")) and _BACK_MATTER.match(text) is not None


def _paragraphs(
    text: str, first_line: int, markdown: bool, lazy: bool | None = None
) -> tuple[list[_Para], int | None]:
    """The text as paragraphs, and the line where reading stopped on an absurdly long file.

    A release has dozens of paragraphs; past ``MAX_PARAGRAPHS`` paragraphs or ``MAX_LINES``
    lines the rest of the text is kept, unread, as one last block, so a hostile file of a
    million one-character lines costs no more than a real release of the same size.
    """
    paras: list[_Para] = []
    block: list[tuple[int, str, int]] = []
    plain = True  # every line of the block starts with a character that opens no markup
    fence: list[str] | None = None
    fence_line = 0

    def flush() -> None:
        if not plain:
            paras.extend(_block(block, markdown, markdown if lazy is None else lazy))
        elif len(block) == 1:
            paras.append(_Para(block[0][1], block[0][0]))  # the common case, made cheap
        else:
            paras.extend(_unwrap(block, markdown))  # what _block makes of lines without markup
        block.clear()

    lines = text.split("\n")
    cut: int | None = None
    last_line = first_line + MAX_LINES
    for lineno, raw in enumerate(lines, first_line):
        if fence is not None:
            fence.append(raw.rstrip())
            if _FENCE.match(raw.strip()):
                paras.append(_Para("\n".join(fence), fence_line, kind="code"))
                fence = None
            continue
        line = raw.rstrip(_BLANK_CHARS)
        if not line:  # (what is left of a line ends in a non-blank, so it is not blank)
            if len(block) == 1 and plain:  # the commonest block, made cheap
                paras.append(_Para(block[0][1], block[0][0]))
                block.clear()
            elif block:
                flush()
            continue
        # (paras only grows between blocks: counted at a block's first line)
        if lineno >= last_line or (not block and len(paras) >= MAX_PARAGRAPHS):
            if block:
                flush()
            rest = "\n".join(part.rstrip() for part in lines[lineno - first_line:]).strip()
            paras.append(_Para(rest, lineno, kind="rest"))
            cut = lineno
            break
        stripped = line.lstrip(_BLANK_CHARS)
        size = len(stripped)
        first = stripped[0]
        if markdown and first in "`~" and _FENCE.match(stripped):
            if block:
                flush()
            fence, fence_line = [stripped], lineno
            continue
        if size > OVERLONG_LINE:
            segments = _split_overlong(stripped)
            if segments:
                if block:
                    flush()
                room = max(1, MAX_PARAGRAPHS - len(paras))
                if len(segments) > room:
                    segments = [*segments[: room - 1], "  ".join(segments[room - 1:])]
                for segment in segments:
                    paras.append(_Para(segment, lineno))
                continue
        if not block:
            plain = True
        if first in _MARKUP_FIRST or first.isdigit():
            plain = False
        block.append((lineno, stripped, len(line) - size))
    if fence is not None:  # an unclosed fence: keep its text as written
        paras.append(_Para("\n".join(fence), fence_line, kind="code"))
    if block:
        flush()
    return paras, cut


# --- the tables -------------------------------------------------------------------------
# Phrases that mark a part of a release, in several languages. Case-insensitive unless a
# pattern says (?-i:...). Add a row to teach the reader a new wire service or language.

_IMMEDIATE = re.compile(
    r"[*_\s]*(?:for\s+immediate\s+(?:release|distribution)|immediate\s+release"
    r"|for\s+release\s+(?:immediately|now)|release\s+immediately"
    r"|para\s+(?:su\s+)?(?:difusi[oó]n|publicaci[oó]n|distribuci[oó]n)\s+inmediata"
    r"|pour\s+(?:diffusion|publication)\s+imm[ée]diate|[àa]\s+diffuser\s+imm[ée]diatement"
    r"|zur\s+sofortigen\s+(?:ver[öo]ffentlichung|freigabe)|f[öo]r\s+omedelbar\s+publicering"
    r"|للنشر\s+(?:الفوري|فورا|فوراً))[\s*_:.–—-]*",
    re.IGNORECASE,
)
_RELEASE_LABEL = re.compile(
    r"[*_#\s]*(?:(?:press|news|media)\s+(?:releases?|statements?|advisory|advisories)"
    r"|pressmeddelanden?|pressemitteilung(?:en)?|presseinformation(?:en)?"
    r"|communiqu[ée]s?\s+de\s+presse|comunicados?\s+de\s+prensa|notas?\s+de\s+prensa"
    r"|comunicat[oi]\s+stampa|persbericht(?:en)?|بيان\s+صحفي"
    # a site's press section: "Centre de presse", "Press Centre", "Newsroom", "Sala de prensa",
    # "Rassegna stampa", "Flash Infos"
    r"|(?:press|media|news)\s*(?:cent(?:er|re)|room)|(?:centre|salle)\s+de\s+presse"
    r"|rassegna\s+stampa|flash\s+infos?"
    r"|sala\s+de\s+(?:prensa|imprensa)|sala\s+stampa|presse(?:center|rum|raum)|pressrum"
    # the release's kind over its headline: "Statement", "Déclaration", "Media advisory"
    r"|statement|d[ée]claration|declaraci[óo]n|declara[çc][ãa]o|erkl[äa]rung|dichiarazione"
    r"|news|press|update"
    r"|updated|correction|corrected)\b[\s*_:.–—-]*",
    re.IGNORECASE,
)
# "Pressemitteilung Nr. 300/2017 vom 14.07.2017", "Press release No. 12 of 5 March 2024",
# "Nota de prensa nº 45 del 5 de marzo de 2024": the release's own number before its date.
_RELEASE_NUMBER = re.compile(
    r"(?:n(?:r|o|[º°]|[úu]m)\.?|#)[ \t]*\d[\w/.-]*[\s,]*(?:vom|från|du|del|de|of|dated|den)?\s*",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(
    r"(?:home|start|accueil|inicio|startseite|hem|الرئيسية)\s*[>/»|›]"
    r"|[^>\n]{1,60}(?:\s[>»›|]\s[^>\n]{1,60}){2,}",
    re.IGNORECASE,
)
_IMAGE = re.compile(r"\[?!\[[^\]\n]*\]\([^)\n]*\)(?:\]\([^)\n]*\))?(?:\{[^}\n]*\})?")
# Its parts: "[![Alexander Larsson. Photo by Garrett LeSage](/img/a.jpg "title")](/img/b.jpg)"
_IMAGE_PARTS = re.compile(r'\[?!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]*)(?:[ \t]+"(?P<title>[^"\n]*)")?\)')
_DATE_LABEL = re.compile(
    r"[*_\s]*(?:release\s+date|date\s+of\s+release|publication\s+date|date\s+de\s+publication"
    r"|fecha(?:\s+de\s+(?:publicaci[oó]n|emisi[oó]n))?|publicado(?:\s+el)?|publi[ée]\s+le"
    r"|ver[öo]ffentlicht(?:\s+am)?|publicerad|published(?:\s+on)?|posted(?:\s+on)?|datum"
    r"|date|dated|updated(?:\s+on)?|تاريخ\s+النشر|التاريخ)\s*[:：]?[*_\s]*",
    re.IGNORECASE,
)
_DATE_LEFTOVER = re.compile(
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|lunes|martes|mi[ée]rcoles|jueves|viernes"
    r"|s[áa]bado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag"
    r"|mittwoch|donnerstag|freitag|samstag|sonntag|m[åa]ndag|tisdag|onsdag|torsdag|fredag"
    r"|l[öo]rdag|s[öo]ndag|le|den|el|am|on|at|the|de|del|[ap]\.?m\.?"
    r"|(?-i:(?<![A-Za-z])[A-Z]{2,4}(?![A-Za-z]))|[^\w]|\d)+",  # a zone: "EST", not "LOND"+"ON"
    re.IGNORECASE,
)
_EMBARGO = re.compile(
    r"[\s*_#>\[(]*(?:(?:strictly\s+)?under\s+embargo|(?:strictly\s+)?embargo(?:ed)?\b"
    r"|sperrfrist|sous\s+embargo|embargo\s+hasta|not\s+for\s+(?:release|publication"
    r"|distribution|broadcast)\s+(?:until|before)|hold\s+for\s+release|embargot"
    r"|for\s+release\s*(?::|at|on|after)\s*(?!immediately|now)|حظر\s+النشر|محظور\s+النشر)",
    re.IGNORECASE,
)
# A site's furniture over a page's headline, in the words sites use for it
_SITE_FURNITURE = re.compile(
    r"[\s*_#]*(?:join\s+our\s+(?:e-?mail|mailing)\s+list|sign\s+up\s+(?:for|to)\s+(?:our\s+)?"
    r"(?:newsletters?|e-?mails?|e-?mail\s+updates)|subscribe(?:\s+to\s+our\s+newsletter)?"
    r"|skip\s+to\s+(?:main\s+)?content|(?:main\s+)?menu|search(?:\s+form)?|share(?:\s+this)?"
    r"|print(?:\s+this\s+page)?)[\s*_:.]*", re.IGNORECASE)
# An embargo stated in a sentence above the text: "Information contained in this
# notification is subject to a strict media embargo: 00:01 Hrs GMT+1, 12 September 2018"
_EMBARGO_SENTENCE = re.compile(
    r"\b(?:subject\s+to\s+(?:an?\s+)?(?:strict\s+)?(?:media\s+)?embargo|(?:is|are)\s+"
    r"(?:strictly\s+)?embargoed\s+(?:until|till))\b", re.IGNORECASE)
_CAPTION = re.compile(
    r"(?P<caption>.{0,400}?)[\s.,;(\[–—-]*"
    r"(?-i:Photo(?:graph)?(?:\s+credit)?|Photo\s+courtesy(?:\s+of)?|Picture|Image|Foto(?:grafía)?"
    r"|Bild|Kuva|Credit|Crédit(?:\s+photo)?|Photographer|صورة|PHOTO|FOTO|CREDIT)"
    r"\s*(?::|：|by|©)\s*(?P<credit>[^\n:]{1,80}?)[\s.)\]]*",
)
_CREDIT_ONLY = re.compile(r"(?:©|\(c\)|Copyright)\s*(?P<credit>[^\n]{1,80}?)[\s.]*", re.IGNORECASE)
# A caption ending in its credit: "Amina at a reception site in Chad. © UNHCR/A. Ngargoune";
# or the credit with the sign after it, as right-to-left pages put it: "UNHCR/D.Kiobo ©".
_CREDIT_AFTER = re.compile(
    r"(?P<caption>.{0,400}?[.!?…)\]])[ \t\u00a0]+©[ \t\u00a0]*(?P<credit>[^\n©\d][^\n©]{0,79}?)[\s.]*"
)
_CREDIT_BEFORE = re.compile(r"(?P<credit>(?:[^\n©.!?]|\.(?=\S)){2,60}?)[ \t\u00a0]*©")

_END_MARK = re.compile(
    r"#[ \t]*#[ \t]*#(?:[ \t]*#)*|[-–—][ \t]*30[ \t]*[-–—]|[-–—]?[ \t]*(?:ENDS?|FIN|SLUT|ENDE"
    r"|انتهى)[ \t]*[-–—]?|\*{1,3}[ \t]*ENDS?[ \t]*\*{1,3}|\((?:ENDS?|FIN|schlu(?:ß|ss))\)\.?|ENDS?\.|-?xxx-?"
    r"|[-–—][ \t]*#{3}[ \t]*[-–—]|\*\*#{3}\*\*",
    re.IGNORECASE,
)
_SOURCE_END = re.compile(r"SOURCE(?:\s*:\s*|\s+)\S.{0,120}")

_CONTACT_WORD = (
    # "Contatos para a imprensa", "Contactos para la prensa", "Contacts for the media"
    r"(?:(?:contacts?|contactos?|contatos?)\s+(?:para\s+(?:a|la)\s+|com\s+a\s+|de\s+|for\s+"
    r"(?:the\s+)?)(?:imprensa|prensa|media|press)|assessoria\s+de\s+imprensa"
    r"|contacts?|contactos?|contatos?|contatti|contatto|kontakt(?:e|er|person(?:er)?)?"
    r"|presskontakt(?:er)?|pressekontakt|medienkontakt|contact\s+presse|contacts\s+presse"
    r"|relations?\s+presse|contactos?\s+de\s+prensa|media\s+relations|press\s+office"
    r"|جهة\s+الاتصال|للتواصل|للاستفسارات"
    # the Swiss federal administration's label, in its three languages
    r"|indirizzo\s+cui\s+rivolgere\s+domande|adresse\s+f[üu]r\s+r[üu]ckfragen"
    r"|adresse\s+pour\s+l['’]envoi\s+de\s+questions"
    # Japanese: "本件に関するお問い合わせ先", "報道関係者お問い合わせ先", "【お問合せ】"
    r"|[【＜<\[]?[^\s:：]{0,16}?お?問い?合わ?せ(?:先|窓口)?[】＞>\]]?)"
)
_QUALIFIER = (
    r"(?:(?:media|press|news|investor(?:\s+relations)?|ir|pr|public\s+relations|company|agency)\s+)"
)
# The back matter of a release: one pattern per kind of paragraph. ``_BACK_MATTER`` joins
# them all (the group that matched says what a paragraph is); ``_ROUTES`` joins only those a
# paragraph's first word can start, so running text is turned away after one dict lookup.
def _contact_for(lead_in: int) -> str:
    """"For … contact", with at most ``lead_in`` characters between the two words."""
    return (
        r"(?:for|para|pour|f[öo]r|f[üu]r|per|voor)\s(?:(?!visit|www\.|http)[^:\n])"
        rf"{{0,{lead_in}}}?\b(?:contact\w*|kontakt\w*|wenden\s+sie\s+sich\s+an"
        r"|p[óo]ngase\s+en\s+contacto\s+con|comun[íi]quese\s+con)\b[ \t]*"
        r"(?:with|con|avec|med|mit)?[ \t]*:?"
    )


_BRANCHES: dict[str, str] = {
    # "View source version on …", "The post … appeared first on …", wire trailers
    "trailer": r"view\s+(?:the\s+)?(?:source\s+version|original\s+(?:release|content|version"
    r"|press\s+release)|full\s+release)|the\s+post\s.{1,400}?\sappeared\s+first\s+on"
    # "Pubblicato da" / "Herausgeber" / "Publié par" alone: the publisher block of admin.ch
    r"|(?:pubblicato\s+da|herausgeber(?:in)?|publi[ée]\s+par|published\s+by)[ \t]*:?[ \t]*$"
    r"|originally\s+published\s+(?:on|at|by)|this\s+(?:press\s+)?release\s+was\s+"
    r"(?:originally\s+)?(?:published|distributed|issued)\s+(?:on|by|via)|\[?original/source",
    # "Fuente: CANALINFORMATICO.NET", "Fonte: MARIE – PR & Brand Consulting": where a site took
    # the release from, on a line of its own (PR Newswire's "SOURCE Acme" end line is another)
    "source_line": r"(?:fuente|fonte|quelle|(?-i:Source)|källa|kilde|bron)[ \t]*:[ \t]*\S[^\n]{0,300}$",
    # A photo's caption without a credit, on a line of its own: "Pictured are …", "Left Hand
    # Photo: …", "Légende : …", "Im Bild: …", "En la foto, …", "På bilden: …"
    "caption_line": r"(?:pictured(?:[ \t]*[:(,]|[ \t]+(?:are|is|here|above|below|left|right|from"
    r"|with|at|during|l-r)\b)|(?:photo(?:graph)?|image|picture)[ \t]+caption[ \t]*:|caption[ \t]*:"
    r"|(?:left|right|top|bottom|main|above|below)(?:[ \t-]hand)?[ \t]+(?:photo|picture|image)"
    r"[ \t]*:|(?:in[ \t]+the[ \t]+(?:photo|picture)|from[ \t]+left[ \t]+to[ \t]+right)[ \t]*:"
    r"|l[ée]gende[ \t]*:|sur[ \t]+(?:la|cette)[ \t]+photo[ \t]*[:,]|bildunterschrift[ \t]*:"
    r"|(?:im[ \t]+bild|auf[ \t]+dem[ \t]+(?:bild|foto))[ \t]*[:,]|pie[ \t]+de[ \t]+foto[ \t]*:"
    r"|en[ \t]+la[ \t]+(?:foto|imagen)[ \t]*[:,]|didascalia[ \t]*:|nella[ \t]+foto[ \t]*[:,]"
    r"|bijschrift[ \t]*:|op[ \t]+de[ \t]+foto[ \t]*[:,]|bild(?:text|tekst)[ \t]*:|billedtekst[ \t]*:"
    r"|p[åa][ \t]+(?:bilden|bildet|billedet)[ \t]*[:,])(?P<caption_rest>[^\n]{1,400})$",
    # "Company Website…", "Visit Our Website": link text left by a wire's contact widget
    "junk": r"company\s+website|visit\s+our\s+(?:website|blog)|email\s+us\s+here"
    r"|follow\s+us\s+on\b|logo\s*$",
    # "For more information please contact …", "Pour plus d'informations, veuillez contacter"
    "contact_for": _contact_for(60),
    # "For more information: jane@…", "Pour plus d’informations : media@…" (the address or
    # number must follow, or nothing: see _back_matter_kind)
    "contact_info": r"(?:(?:for\s+)?(?:more|further)\s+information|(?:pour\s+)?(?:plus\s+d['’]|de\s+"
    r"plus\s+amples\s+)informations?|(?:per\s+)?(?:ulteriori|maggiori)\s+informazioni|(?:para\s+)?"
    r"m[áa]s\s+informaci[óo]n|(?:f[üu]r\s+)?(?:weitere|mehr)\s+informationen|(?:f[öo]r\s+)?mer\s+"
    r"information|(?:voor\s+)?meer\s+informatie|yderligere\s+oplysninger|ytterl[ie]g(?:are|ere)\s+"
    r"opplysning(?:ar|er)|ytterligare\s+information|lisätietoja)[ \t]*[:：][ \t]*",
    # "Media contact:", "CONTACTO:", "Contact Hiber:"
    "contact_colon": rf"{_QUALIFIER}?{_CONTACT_WORD}(?P<contact_org>[ \t][^:\n]{{1,60}}?)?"
    r"[ \t]*[:：]",
    # "Media contact", "Contact details" as a heading
    "contact_heading": rf"{_QUALIFIER}?(?:{_CONTACT_WORD}|contact\s+(?:details|information"
    r"|info))[ \t]*:?[ \t]*$",
    # "For Media Inquiries and AHA Expert Perspective:", "Media enquiries: …"
    "contact_inquiries": r"(?:for[ \t]+)?(?:media|press|news|journalist)[ \t]+(?:inquiries"
    r"|enquiries|requests|queries)\b(?:[^:\n]{0,60}[:：]|[ \t]*$)",
    # "Contact DetailsArgentem Creek Partners", "ContactShane Devenish": a wire's glued label
    "contact_glued": r"(?-i:Contacts?(?:[ \t]*Details|[ \t]*Info(?:rmation)?)?)(?=(?-i:[A-Z]))",
    # "Royalty Management Holding Corporation Contact:"
    "contact_after": rf"(?P<contact_org2>(?-i:[A-Z])[^:\n.]{{0,80}}?)[ \t]+{_QUALIFIER}?"
    rf"{_CONTACT_WORD}[ \t]*[:：][ \t]*$",
    # "About X", "Acerca de X", "À propos de X": heading alone or inline with the text
    "about": r"(?:about|acerca\s+de(?:l)?|[àa]\s+propos\s+(?:de|d['’]|du|des)|informazioni\s+su"
    r"|نبذة\s+عن)[ \t]*(?:(?:the|la|le|les|el|los|las|l['’]|die|der|das|d['’])[ \t]*)?"
    r"(?=(?-i:[A-ZÀÁÂÄÅÇÉÈÊËÍÎÑÓÔÖÚÜ])|[\u0600-\u06ff])",
    # Japanese "company profile" headings, alone: "会社概要", "【会社概要】"
    # and "株式会社XについてX" ("About X Co., Ltd."; "QueryPie AIPについて", a product, is body)
    "about_heading": r"[【＜<\[]?(?:(?:会社|企業|団体|法人)概要|[^\nの]{0,40}?(?:株式会社|合同会社"
    r"|有限会社)[^\nの]{0,40}?について)[】＞>\]]?[ \t]*$",
    "about_weak": r"(?:om|over|sobre|[üu]ber|حول|عن)[ \t]+(?:(?:the|la|el|die|der|das)[ \t]+)?"
    r"(?=(?-i:[A-Z])|[\u0600-\u06ff])",
    # "Notes to editors", "Notes aux rédactions", "Not till redaktionen"
    "notes": r"(?:notes?|nb)\s+(?:to|for)\s+(?:the\s+)?editors?|editor['’]?s['’]?\s+notes?"
    r"|notes?\s+(?:aux|à\s+la|pour\s+les|à\s+l['’]attention\s+des)\s+(?:r[ée]dact\w*|[ée]diteurs"
    r"|journalistes)|notas?\s+(?:para|a|al|a\s+los)\s+"
    r"(?:los\s+)?(?:editor\w*|redacci[oó]n|periodistas)|hinweise?\s+f[üu]r\s+(?:die\s+)?"
    r"redaktion\w*|redaktionelle\s+hinweise|not(?:er)?\s+till\s+redaktion\w*|till\s+redaktionen"
    r"|ملاحظات?\s+للمحررين",
    "note": r"(?-i:Note|NOTE|N\.B\.|NB|Nota|NOTA|Remarque|Anmerkung|Hinweis|Obs|OBS)\s*:",
    # disclaimers and other back matter that is neither body, About nor notes
    "disclaimer": r"forward[- ]looking\s+(?:statements?|information)|cautionary\s+(?:note"
    r"|statement)|safe\s+harbou?r|disclaimer|legal\s+notice|haftungsausschluss|avertissement"
    r"|aviso\s+legal|ansvarsfriskrivning|d[ée]clarations\s+prospectives"
    r"|declaraciones\s+prospectivas|zukunftsgerichtete\s+aussagen|this\s+(?:press\s+|news\s+)?"
    r"release\s+(?:contains|includes|may\s+contain)\s+(?:certain\s+)?[\"“]?forward"
    r"|statements\s+and\s+conclusions\s+of|additional\s+resources|related\s+(?:links"
    r"|resources)|multimedia\s+(?:assets|available)|media\s+assets|downloads?\s*:"
    r"|social\s+media\s*:"
    # a section of links or sources after the text: "## Helpful Links", "## Sources:"
    r"|(?:(?:helpful|useful|related|more|further|other|important)\s+links|sources|references"
    r"|r[ée]f[ée]rences|quellen|fuentes|fontes|liens\s+utiles)[ \t]*:?[ \t]*$"
    # a letter's sign-off ("Sincerely," then name, title, organisation): the statement ends
    r"|(?:(?:yours\s+)?(?:sincerely|faithfully|truly)(?:\s+yours)?|(?:best|kind|warm|warmest)"
    r"\s+regards|regards|respectfully(?:\s+yours)?|cordialement|atentamente|saludos\s+cordiales"
    r"|mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|med\s+v[äa]nliga?\s+h[äa]lsning(?:ar)?)"
    r"[ \t]*[,.!]?[ \t]*$",
}


def _union(names: Sequence[str]) -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?P<{name}>{_BRANCHES[name]})" for name in names), re.IGNORECASE
    )


_BACK_MATTER = _union(list(_BRANCHES))
_CONTACT_WORDS = (
    "contacts contacto contactos contato contatos assessoria contatti contatto kontakt kontakte "
    "kontakter kontaktperson "
    "kontaktpersoner presskontakt presskontakter pressekontakt medienkontakt relations relation "
    "جهة للتواصل للاستفسارات indirizzo adresse"
)
_QUALIFIER_WORDS = "media press news investor ir pr public company agency journalist"
_ROUTE_TABLE: list[tuple[str, tuple[str, ...]]] = [
    ("view originally [original/source pubblicato herausgeber herausgeberin publié publie "
     "published", ("trailer",)),
    ("fuente fonte quelle source källa kilde bron", ("source_line",)),
    ("helpful useful important other sources references références quellen fuentes fontes liens",
     ("disclaimer",)),
    ("the", ("trailer",)),
    ("this", ("trailer", "disclaimer")),
    ("company visit email e-mail follow logo", ("junk",)),
    ("pictured photo photograph image picture caption left right top bottom main above below in "
     "from légende legende sur bildunterschrift im auf pie en didascalia nella bijschrift op "
     "bildtext bildtekst billedtekst på pa", ("caption_line",)),
    ("for para pour för for für fur per voor", ("contact_for", "contact_inquiries", "contact_info")),
    ("more further plus ulteriori maggiori más mas weitere mehr mer meer yderligere ytterlegare "
     "ytterligere ytterligare lisätietoja", ("contact_info",)),
    ("more further", ("disclaimer",)),
    (_CONTACT_WORDS, ("contact_colon", "contact_heading")),
    (_QUALIFIER_WORDS, ("contact_colon", "contact_heading", "contact_inquiries", "disclaimer")),
    ("about acerca à a informazioni نبذة", ("about",)),
    ("om over sobre über uber حول عن", ("about_weak",)),
    (
        "notes note nb n.b editor's editor’s editors notas nota hinweis hinweise redaktionelle "
        "not noter till ملاحظات ملاحظة remarque anmerkung obs",
        ("notes", "note"),
    ),
    (
        "forward-looking forward cautionary safe disclaimer legal haftungsausschluss avertissement "
        "aviso ansvarsfriskrivning déclarations declarations declaraciones zukunftsgerichtete "
        "statements additional related multimedia downloads download social sincerely yours "
        "faithfully truly best kind warm warmest regards respectfully cordialement atentamente "
        "saludos mit med",
        ("disclaimer",),
    ),
]


def _routes() -> dict[str, re.Pattern[str]]:
    by_word: dict[str, list[str]] = {}
    for words, names in _ROUTE_TABLE:
        for word in words.split():
            by_word.setdefault(word, [])
            by_word[word] += [n for n in names if n not in by_word[word]]
    compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
    out: dict[str, re.Pattern[str]] = {}
    for word, branch_names in by_word.items():
        key = tuple(branch_names)
        if key not in compiled:
            compiled[key] = _union(key)
        out[word] = compiled[key]
    return out


_ROUTES = _routes()
_ORG_CONTACTS = re.compile(
    rf"(?P<org>(?-i:[A-Z])[^:\n]{{0,80}}?)[ \t]+{_QUALIFIER}?{_CONTACT_WORD}[ \t]*[:：][ \t]*",
    re.IGNORECASE,
)
_ABOUT_LABEL = re.compile(
    r"(?:about|acerca\s+de(?:l)?|[àa]\s+propos\s+(?:de|d['’]|du|des)|informazioni\s+su|om|over"
    r"|sobre|[üu]ber|نبذة\s+عن|حول|عن)[ \t]+(?:(?:the|la|le|les|el|los|las|l['’]|die|der|das"
    r"|d['’])[ \t]*)?",
    re.IGNORECASE,
)
_ABOUT_NAME_END = re.compile(r":|\.\s|\s(?:is|est|es|ist|är)\s|\n")
_ROUTE_CONTACT = _union(("contact_glued", "contact_colon", "contact_heading"))
_ROUTE_AFTER = _union(("contact_after",))
_ROUTE_CJK = _union(("contact_colon", "contact_heading", "about_heading"))
# A paragraph starting "For …" is a contact label only if one of these is near its start.
_FOR_WORDS = _words("for para pour för für fur per voor")
_CONTACT_FOR_LONG = re.compile(_contact_for(140), re.IGNORECASE)  # when an address follows
_WORD_STRIP = ":：,.;*_\t\u00a0"
_FOR_CUES = (
    "contact", "kontakt", "inquir", "enquir", "wenden", "ngase", "níquese", "niquese", "inform",
)
_CAPTION_KEYS = (
    "Photo", "PHOTO", "Foto", "FOTO", "Bild", "Image", "Picture", "Credit", "CREDIT", "Crédit",
    "Kuva", "صورة", "©",
)
_NECESSARILY = re.compile(r"(?:do|does)\s+not\s+necessarily\s+reflect", re.IGNORECASE)

# --- datelines ---
def _upper_class() -> str:
    """A character class of the capital letters of the Latin, Greek and Cyrillic scripts
    (re has no \\p{Lu}), plus Arabic and Hebrew letters, which have no case."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x41, 0x530):
        if chr(code).isupper():
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = [
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    ]
    return "[" + "".join(parts) + "\u05d0-\u05ea\u0620-\u064a]"


_UPPER = _upper_class()
_CITY_WORD = rf"{_UPPER}[\w'’.]*+(?:-[\w'’.]++)*+"  # "Saint-Denis"; not the "--" of "PARIS--("
_CONNECTORS = _words(
"and et y e und och og en de del di da do du des la le les los las el al sur upon on am an im "
    "bei & of"
)
_CONN = "(?:" + "|".join(re.escape(c) for c in sorted(_CONNECTORS, key=len, reverse=True)) + ")"
# "Nova Iorque/Genebra": two cities of one dateline
_CITY = rf"{_CITY_WORD}(?:(?:{_S}(?:{_CONN}{_S})?|/){_CITY_WORD}){{0,4}}"
_COMMA = "[,،]"  # and the Arabic comma
_REGION = rf"{_COMMA}{_S}*{_UPPER}(?:[^\W\d_]|['’. ]){{0,30}}?"
# "–", "—", "--", " - ", "-(" and ")-" (wire names), ".-" (Spanish: "5 de marzo de 2025.-")
_DASH = (
    rf"(?:{_S}*(?:--|[–—―]){_S}*|{_S}+-{_S}+|{_S}*-{_S}*(?=\()|(?<=\))-{_S}*"
    rf"|\.[-–—]{_S}*)"
)
_WEEKDAY = (
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|wed|thu|fri|sat|sun|lunes|martes"
    r"|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi"
    r"|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\.?,?"
)
_WEEKDAY_ALONE = re.compile(_WEEKDAY, re.IGNORECASE)
_DL_DATE = (
    rf"(?:(?i:{_WEEKDAY}){_S}+)?(?:(?:le|den|el|am|on|the){_S}+)?"
    rf"(?P<date>[^\W\d_]{{3,10}}\.?,?{_S}+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?{_S}+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?{_S}+(?:de{_S}+)?(?:{MONTH_PAIR}|[^\W\d_]{{3,12}})\.?(?:,?{_S}+(?:de{_S}+"
    rf"|del{_S}+)?\d{{4}}(?:{_S}r\.)?)?"  # (Polish: "7 marca 2023 r.", the year's "roku")
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})"
    rf"(?:,?{_S}*(?:(?:at|@){_S}+)?\d{{1,2}}[:.]\d{{2}}(?:{_S}*(?:[ap]\.?m\.?|[AP]\.?M\.?))?"
    # the zone: "EST", "Eastern", or an IANA name ("America/Toronto", as Newsworthy.ai writes)
    rf"(?:{_S}*(?:[A-Z]{{2,4}}|Eastern|Central|Mountain|Pacific"
    rf"|(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)"
    rf"/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?)(?![^\W\d_]))?)?"
)
# "/PRNewswire/", "(BUSINESS WIRE)", "[Noticias Newswire]", and Business Wire's "()" where a
# site emptied the name ("PARIS--()--Regulatory News:"); no colon: "(NYSE: ACME)" is a ticker
_WIRE = r"(?P<wire>/[^/\n]{1,40}/|\((?:[^():\n]{2,40})?\)|\[[^\[\]():\n]{2,40}\](?!\())"
_DATELINE = re.compile(
    rf"(?P<city>{_CITY})(?P<region>(?:{_REGION}){{0,2}})"
    # (a space alone before a "Month D, YYYY" date: "Edmonton, Alberta, Canada November 7, 2024.")
    rf"(?:(?:{_COMMA}{_S}*|{_DASH}|(?P<spaced>{_S}+)(?={_UPPER}[^\W\d_]{{2,9}}\.?{_S}+\d{{1,2}},?"
    rf"{_S}+\d{{4}}))"
    rf"{_DL_DATE})?"
    rf"(?:(?:{_S}*|{_DASH}){_WIRE})?"
    # a colon ends a dateline that has a date: "**Stockholm, Sweden, 20 August 2018**: …";
    # so does nothing but a space after a year: "Saint-Hubert, Quèbec, February 22, 2002 Media …"
    rf"(?P<tail>{_DASH}|{_S}*$|(?(date)(?::{_S}+|(?<=\d{{4}})\.?{_S}+(?={_UPPER}))|(?!)))"
)
_DATELINE_INVERTED = re.compile(
    rf"{_WIRE}{_DASH}{_DL_DATE}{_DASH}(?P<city>{_CITY})(?P<region>(?:{_REGION}){{0,2}}){_DASH}"
)
# A second city inside a dateline's region: ", Scotland and SHENZHEN, China" (both in capitals)
_CAPS_WORD = r"[A-Z][A-Z'’.-]+"
_SECOND_CITY = re.compile(
    rf"\s(?P<conj>and|&|y|et|und)\s+(?P<city>{_CAPS_WORD}(?:\s{_CAPS_WORD}){{0,3}})(?=,|$)"
)
_YEARLESS_DATE = re.compile(rf"{_DL_DATE}[ \t.]*")
_DATELINE_DATE_LAST = re.compile(
    rf"(?P<city>{_CITY})(?P<region>(?:{_REGION}){{0,2}})(?:{_S}*{_WIRE})?{_S}+{_DL_DATE}"
    rf"(?P<tail>{_DASH})"
)
# "*16 January 2023* – HAHN & Sohn, a leading …": a dateline of a date alone, with its year
_DATELINE_DATE_ONLY = re.compile(rf"{_DL_DATE}(?<=\d{{4}})[*_]{{0,2}}(?P<tail>{_DASH})")
# APA-OTS's sender in parentheses: "(OTS)", "(ÖVP-Klub)", "(ÖVP-PK)", "(APA-OTS)"; not
# "(GP)" after "Greenpeace" or "(United Nations Children's Fund)" after "UNICEF"
_APA_SENDER = re.compile(r"\((?:OTS|[^\s()]{2,20}-[^\s()]{1,20})\)")
_DATELINE_AGENCY_NO_DASH = re.compile(  # APA-OTS: "Wien (ÖVP-Klub) Bezugnehmend auf …"
    rf"(?P<city>{_CITY_WORD}(?:{_S}{_CITY_WORD})?)(?:{_COMMA}{_S}*{_DL_DATE})?{_S}+"
    rf"(?P<wire>\([^():\n]{{2,40}}\)){_S}+(?=[A-ZÄÖÜ])"
)
_DATELINE_WIRE_ONLY = re.compile(rf"--{_S}*(?P<wire>[^\W\d_][^\n]{{1,40}}?){_S}*--{_S}*")
_WIRE_LINE = re.compile(  # "BURLINGTON, ON / PR Karma / December 11, 2025 10:50"
    rf"(?P<city>{_CITY})(?P<region>(?:{_REGION}){{0,2}}){_S}*/{_S}*[^/\n]{{1,40}}?{_S}*/{_S}*"
    rf"{_DL_DATE}{_S}*"
)

# --- contacts ---
_EMAIL = re.compile(r"(?<![\w.+-])\w[\w.+'-]*@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
_PHONE = re.compile(r"[+(\d][\d \t\u00a0().\-/]{5,}\d")
_VANITY_PHONE = re.compile(r"1-8\d\d-[A-Z0-9]{2,}(?:-[A-Z0-9]+)+(?:[ \t]*\(\d{3}-\d{4}\))?")
_URL = re.compile(r"(?:https?://|www\.)[^\s()<>]+")
_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|info|io)\b/?\S*")
_PIECE_SPLIT = re.compile(r"[,;:：|/()\[\]<>]|\s[-–—]\s")
_OR_SPLIT = re.compile(r"\s(?:or|ou|o|oder|eller|أو)\s")
_JOB_TITLE = re.compile(
    r"(?:Chief\s+[A-Z]\w+(?:\s+[A-Z]\w+)?\s+Officer|CEO|CFO|COO|CTO|CMO|Co-?[Ff]ounder|Founder"
    r"|(?:(?:Senior|Executive|Deputy|Assistant)\s+)?(?:Vice\s+)?President"
    r"|(?:Managing|Executive|General|Communications?|Marketing|Media|Press|Program(?:me)?"
    r"|Creative|Regional|Country|Brand|Account|Public\s+Relations)\s+(?:Director|Manager"
    r"|Officer|Lead|Coordinator|Partner|Executive|Secretary|Attach[ée])|Director|Manager|Head\s+of\b"
    r"|[Ss]pokes(?:person|man|woman)|Partner|Chair(?:man|woman|person)?|Secretary(?:[- ]General)?"
    r"|Coordinator|Consultant|Specialist|Directeur|Directrice|Gerente|Responsable"
    # "Oficial de Comunicação", "Especialista em Comunicação", "Assessora de imprensa",
    # "Portavoz", "Chargée de communication", "Attachée de presse"
    r"|(?:Oficial\s+d[eo]|Especialista|Assessor(?:a)?|Coordenador(?:a)?|Coordinador(?:a)?"
    r"|Diretor(?:a)?|Directora|Jef[ea]\s+de|Portavoz|Porta-voz|Charg[ée]e?\s+de"
    r"|Attach[ée]e?\s+de\s+presse|Referent(?:in)?)\b"
    r"|Leiter(?:in)?|(?:Presse)?[Ss]precher(?:in)?|[Pp]resschef|[Pp]ressekreterare"
    r"|[Pp]resse(?:sekretær|rådgiver|chef|talsperson|medarbejder))"
)
_TWO_CAPITALISED = re.compile(r"\b[A-ZÀ-Þ][^\W\d_]+\s+[A-ZÀ-Þ][^\W\d_]+")  # "Anna Berg"
_JOB_TITLE_WORD = re.compile(_JOB_TITLE.pattern + r"\b")  # a whole word: not "Chairez"
_NAME_CHARS = re.compile(r"[\d@/\\=<>{}\[\]#*_|~^$%+]")
_TLD = re.compile(r"\.(?:com|org|net|gov|edu|info|io)")  # anywhere, as a substring
_FILLER_PHRASES = tuple(
    (phrase, re.compile(re.escape(phrase), re.IGNORECASE))
    for phrase in (
        "email us here", "visit our website", "visit our blog", "company website",
        "correo electrónico",
    )
)
_FILLER_WORDS = _words(
"email e-mail mail courriel correo e-post tel tél telephone téléphone teléfono telefon "
    "phone ph mobile mob cell cellular handy móvil movil fax web website"
)
_LEAD_DROP = _FILLER_WORDS | _words("and et y und och with con avec mit med")
_TRAIL_DROP = _FILLER_WORDS | _words(
"on at via au en al på pa unter bei by or ou and et y und och from for"
)
_DASHES = frozenset(["-", "–", "—", "|", "•", "·"])
_ORG_WORDS = _words(
"Inc LLC L.L.C Ltd Limited GmbH AG SA SAS SARL BV NV AB ASA Oy plc PLC Corp Corporation "
    "Company Co Group Partners Association Foundation Agency Communications Institute "
    "University Council Ministry Department Bank Capital Holdings Society Network Trust Fund "
    "Federation Organisation Organization Stiftelse Stiftung Fondation Fundación Fundacion "
    "Asociación Asociacion Verband Associates Consulting Media PR"
)
# Words of an institution's name that no person's name has: "Royal Bank of Canada", "Greater
# Boston Chamber of Commerce", "United Way of King County", "Media Relations at Acme"
_INSTITUTION_WORDS = _words(
    "bank chamber way council board office relations desk team press service services centre "
    "center museum school college hospital church club league union commission committee "
    "authority bureau city county state national royal federal united greater reserve "
    "international world european american global regional department division unit"
)
_GLUED = re.compile(r"[a-z][A-Z]")
_GLUED_LABEL = re.compile(
    r"(?:Office|Email|E-mail|Mail|Mobile|Cell|Direct|Phone|Tel|Fax|Main|Contact)(?=[a-z0-9])"
)
_WORD_START = re.compile(r"(?<![\w'’])\w|(?<=[a-z])[A-Z]")
_JUNK_NAMES = frozenset(
    {"email", "e-mail", "email us here", "visit our website", "visit our blog", "website",
     "company website", "contact", "contact details", "media contact", "press contact", "phone",
     "telephone", "mobile", "follow us", "here", "click here", "media", "press"}
)

# --- headless boilerplate: "UGI Utilities, Inc. is a natural gas and electric utility …" ---
_BOILERPLATE = re.compile(
    r"(?:(?:[^.!?\"“”«»]|\.(?!\s+[A-Z])){0,80},\s+)?(?P<subject>(?:the\s+)?(?-i:[A-Z])"
    r"(?:[^.!?\"“”«»]|\.(?!\s+(?-i:[A-Z]))){0,120}?)"
    r"\s(?:is|are|est|es|ist|är|er|is\s+een|é)\s+(?:a|an|the|one\s+of|une?|una?|uno|ein(?:e)?"
    r"|en|ett|een|um|uma|la|le|el)\s[^.!?]{0,200}?"
    r"\b(?:company|companies|organi[sz]ations?|nonprofit|non-profit|not-for-profit|501\(c\)"
    r"|firm|utility|provider|leader|manufacturer|developer|agency|association|foundation"
    r"|institute|institution|charity|network|platform|group|corporation|bank|fund|university"
    r"|operator|producer|retailer|supplier|publisher|entreprise|soci[ée]t[ée]|organisme"
    r"|empresa|organizaci[oó]n|compa[ñn][íi]a|fundaci[oó]n|unternehmen|organisation|f[öo]retag"
    r"|stiftelse|myndighet|organisatie|bedrijf)\b",
    re.IGNORECASE,
)
# _BOILERPLATE's verb and article, in lower case with single spaces (see _may_have_verb_article)
_VERB_ARTICLE = re.compile(
    r" (?:is|are|est|es|ist|är|er|é) (?:a|an|the|one of|une?|una?|uno|eine?|en|ett|een|um|uma"
    r"|la|le|el) "
)
_MORE_INFO = re.compile(
    r"(?:for\s+(?:more|further)\s+(?:information|details)|(?:more|further)\s+information"
    r"|pour\s+(?:plus\s+d['’]informations?|en\s+savoir\s+plus|tout\s+renseignement)"
    r"|renseignements|para\s+(?:m[áa]s|mayor)\s+informaci[óo]n|m[áa]s\s+informaci[óo]n"
    r"|(?:f[üu]r\s+)?weitere\s+informationen|(?:f[öo]r\s+)?mer\s+information"
    r"|لمزيد\s+من\s+المعلومات|للمزيد\s+من\s+المعلومات)\s*[:：]?",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"[\"“”«»„]")
_PRONOUNS = _words(
    "it this that these those he she they we our its there here each every both all such "
    "il elle ils elles ce cette cela es esto esta este ello er sie es das dies den det detta"
)

_FRONT_MATTER_LINE = re.compile(r"[A-Za-z_][\w.-]{0,40}[ \t]*[:=](?:[ \t]|$)|-[ \t]")

_TERMINAL = frozenset(".!?…\"”»’)'")


# --- small helpers ----------------------------------------------------------------------

def _clean_inline(text: str, markdown: bool) -> str:
    """A title or subtitle as plain text: no ATX marks, no emphasis, no escapes."""
    m = _ATX.match(text)
    if m:
        text = text[m.end():].rstrip("# \t")
    text = text.strip()
    if len(text) > 4 and text[:2] in ("**", "__") and text.endswith(text[:2]):
        text = text[2:-2]
    elif len(text) > 2 and text[0] in "*_" and text.endswith(text[0]):
        text = text[1:-1]
    if markdown:
        text = _MD_ESCAPE.sub(r"\1", text)
        text = _link_words(text)  # a title written as a link: its words
    return _WS.sub(" ", text).strip()


def _is_end_mark(text: str) -> bool:
    return len(text) <= 24 and _END_MARK.fullmatch(text) is not None


def _is_source_end(text: str) -> bool:
    """A wire's closing "SOURCE: Acme Corp" / "SOURCE Acme Corp" line (capitals only)."""
    return len(text) <= 150 and _SOURCE_END.fullmatch(text) is not None


_INLINE_TAG = re.compile(r"</?(?:strong|b|em|i|u|span)(?:\s[^<>]{0,200})?>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unmark(text: str) -> str:
    """Text without the Markdown marks that may wrap a label ("## About X", "**Contact:**"),
    inline HTML ("<strong>SANTA CLARA, CA</strong> --") and character references
    ("April 23, 2020 &mdash;"), as Markdown allows them."""
    if "<" in text[:200]:
        text = _INLINE_TAG.sub("", text)
    if "&" in text[:300] and _ENTITY.search(text, 0, 300):
        text = html.unescape(text)
    if text[:1] in "#*_>":
        if text[:1] in "*_" and len(text) <= 120:
            text = text.rstrip("*_ \t")  # "*Amsterdam, 1 February 2018*": a line in italics
        text = text.lstrip("#*_> \t")
    head = text[:160]
    if "**" in head or "__" in head:
        text = text.replace("**", "").replace("__", "")
    return text


def _upper_first(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _capital(word: str) -> bool:
    """Capitalised, or in a script without case (Arabic, Hebrew)."""
    c = word[0]
    return c.isupper() or (c.isalpha() and c.lower() == c.upper())


def _city_ok(city: str) -> bool:
    words = city.split()
    return bool(words) and _capital(words[0]) and all(
        w in _CONNECTORS or _capital(w) for w in words
    )


class _Dateline:
    __slots__ = ("city", "date", "date_text", "raw", "standalone", "strong")

    def __init__(
        self, raw: str, city: str | None, date_text: str | None, strong: bool, standalone: bool
    ) -> None:
        self.raw = raw
        self.city = city
        self.date_text = date_text
        self.date: date | None = None
        self.strong = strong
        self.standalone = standalone


_YEAR_THEN_WORD = re.compile(r"\d{4}\.?[ \t]+[^\W\d_]")  # "… 2002 Media", "… 2024. Pacylex"


def _has_dateline_sign(head: str) -> bool:
    return (
        "–" in head or "—" in head or "--" in head or "(" in head or "/" in head
        or " - " in head or "―" in head or "\u00a0-" in head or ".-" in head
        # a dateline on a line of its own: "**Berne, le 18 juillet 2020**"
        or (len(head) <= 60 and ("," in head or "،" in head) and _DIGIT.search(head) is not None)
        # a date closed by a colon: "**Stockholm, Sweden, 20 August 2018**: Flatpak …"
        or (":" in head[:80] and "," in head[:60] and _DIGIT.search(head, 0, 80) is not None)
        # or by a space (or a full stop) after its year: "Saint-Hubert, Quèbec, February 22,
        # 2002 Media are …"
        or ("," in head[:60] and _YEAR_THEN_WORD.search(head, 0, 80) is not None)
    )


def _match_dateline(text: str) -> _Dateline | None:
    if not _has_dateline_sign(text[:200]):
        return None
    text = _unmark(text)  # "**LONDON, 15 October 2024** – …"
    head = text[:300]
    m = _DATELINE_WIRE_ONLY.match(head)
    if m:
        raw = m.group(0).strip()
        return _Dateline(raw, None, None, True, m.end() >= len(text))
    m = _DATELINE_INVERTED.match(head)
    if m and _city_ok(m.group("city")):
        return _Dateline(
            m.group(0).strip(), m.group("city").strip(), m.group("date"), True,
            m.end() >= len(text),
        )
    m = _DATELINE.match(head)
    if m is not None and m["spaced"] is not None and not m["tail"].startswith("."):
        m = None  # a date after a space alone ends its dateline with a full stop (not "News
        # Provided By Tellusant, Inc. September 24, 2024, 15:35 GMT", a wire's byline)
    if m is None and (comma := head.find(", ", 0, 60)) > 0 and _DIGIT.search(head, 0, comma):
        # "NODE.JS INTERACTIVE 2016, AUSTIN, TX., Nov. 30, 2016 —": an event before the city
        after = _DATELINE.match(head, comma + 2)
        if after is not None and after.group("date") is not None:
            m = after
    if m is None or (m.group("date") is None and m.group("wire") is None):
        last = _DATELINE_DATE_LAST.match(head)
        if last is not None and (last.group("wire") is not None or names_day_and_month(last.group("date"))):
            m = last
    if m is None and len(text) >= 100 and head[:1].isdigit():
        alone = _DATELINE_DATE_ONLY.match(head)
        if alone is not None:
            raw = alone.group(0).replace("*", "").replace("_", "").strip()
            return _Dateline(raw, None, alone.group("date"), True, False)
    if m is None and len(text) >= 100:
        agency = _DATELINE_AGENCY_NO_DASH.match(head)
        if agency is not None and _city_ok(agency.group("city")) and (
                agency.group("date") or _APA_SENDER.fullmatch(agency.group("wire"))):
            return _Dateline(agency.group(0).strip(), agency.group("city"), agency.group("date"),
                             True, False)
    if m is None or not _city_ok(m.group("city")):
        return None
    date_text, wire = m.group("date"), m.group("wire")
    if date_text is None and wire is not None and find_text_date(wire) is not None:
        date_text = wire.strip("()/ ")  # "AUSTIN, Texas (March 5, 2025) –"
    # "Saint-Hubert, Quèbec, February 22, 2002 Media are …": the text runs on after the year
    run_on = not m.group("tail").strip() and m.end() < len(text)
    if run_on and not (date_text and date_text[-4:].isdigit()):
        return None
    if "/" in m.group("city") and not (date_text or wire):
        return None  # "HIV/AIDS – A new report …": two cities need a date or a wire
    standalone = (not m.group("tail").strip() and not run_on) or m.end() >= len(text)
    if standalone and not date_text:
        return None  # "Canada", "Burlington, ON": a place, not a dateline
    if (standalone and wire is None and date_text and date_text[0].isalpha()
            and not _YEAR.search(date_text) and not names_day_and_month(date_text)):
        return None  # "IFRS Report - Part 1": a heading whose last words look like a date
    if _RELEASE_LABEL.fullmatch(m.group("city")) or _WEEKDAY_ALONE.fullmatch(m.group("city")):
        # "Update, June 12, 2024: the event has moved …", "Sunday, January 26, 2014: The
        # National Lottery …": a label or the weekday, not a city; the date is the release's
        return _Dateline(head[:m.end()].strip(), None, date_text, True, standalone) if (
            date_text) else None
    if wire is None and not date_text and len(m.group("city").split()) > 4:
        return None
    city = m.group("city").strip(" .")
    second = _SECOND_CITY.search(m.group("region"))
    if second is not None:  # "LIVINGSTON, Scotland and SHENZHEN, China": both cities
        city = f"{city} {second.group('conj')} {second.group('city')}"
    raw = head[:m.end()].strip()  # from the line's start: an event before the city is in it
    if m["tail"].startswith(".") and wire is None:
        # "Edmonton, Alberta, Canada November 7, 2024. Pacylex …": a sentence's end, too
        # ("Jane Doe, Staff Writer March 3, 2024.", "Published March 3, 2024."): a weak
        # dateline, which never takes the lead from the paragraph above it
        place = m.group("city") + m.group("region")
        if (city.casefold() in _BYLINE_WORDS or _JOB_TITLE_WORD.search(place)
                or not _BYLINE_WORDS.isdisjoint(place.casefold().replace(",", " ").split())
                or any(_is_org_word(w) for w in place.replace(",", " ").split())):
            return None
        return _Dateline(raw, city, date_text, False, standalone)
    return _Dateline(raw, city, date_text, bool(date_text or wire), standalone)


_BYLINE_WORDS = frozenset((
    "published", "posted", "updated", "issued", "released", "by", "date", "staff", "writer",
    "reporter", "editor", "correspondent", "contributor",
))


def _only_date_words(leftover: str) -> bool:
    """Whether what is left of a line around its date is only weekday, article and zone."""
    if _DATE_LEFTOVER.fullmatch(leftover) is not None:
        return True
    if len(leftover.split()) > 3:
        return False
    return _DATE_LEFTOVER.fullmatch(weekday_names().sub(" ", leftover).strip() or " ") is not None


# A document symbol on a line of its own (UN: "REF/G/102", "SG/SM/21345", "GA/12345"):
# letters, then parts after slashes, one of them numbered
_LINK_TEXT = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)\s*")


def _link_words(text: str) -> str:
    """The words of a text that is one Markdown link ("[words](url)"); else the text."""
    link = _LINK_TEXT.fullmatch(text) if text[:1] == "[" else None
    return link.group(1) if link is not None else text


_LINK_ONLY = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
_DOC_SYMBOL = re.compile(r"(?=\D*\d)[A-Z]{1,10}(?:/[A-Z0-9.-]{1,12}){1,5}")


def _date_line(text: str, languages: Sequence[str]) -> date | None:
    """A line that is a date and nothing else ("March 19, 2024", "Release Date: …")."""
    if len(text) > 90 or not _DIGIT.search(text):
        return None
    label = _DATE_LABEL.match(text)
    rest = text[label.end():] if label else text
    found = find_text_date(rest, languages)
    if found is None:
        return None
    day, start, end = found
    leftover = rest[:start] + " " + rest[end:]
    if label is None and not _only_date_words(leftover.strip() or " "):
        return None
    if label is not None and len(leftover.strip()) > 30:
        return None
    return day


def _labelled_release_date(rest: str, languages: Sequence[str]) -> date | None:
    """The date after a release label: "5 March 2024", or "Nr. 300/2017 vom 14.07.2017"."""
    day = _date_line(rest, languages)
    if day is None and (m := _RELEASE_NUMBER.match(rest)) is not None and m.end() < len(rest):
        day = _date_line(rest[m.end():], languages)
    return day


def _caption(text: str) -> tuple[str | None, str] | None:
    """(caption or None, credit) for "… Photo: IOM", "(Photo: AP)", "© Jane Doe"."""
    if len(text) > 500 or "\n" in text:
        return None
    text = _link_words(text)  # "[©Negative space via Unsplash CCBY](https://…)"
    if not text:
        return None
    m = _CAPTION.fullmatch(text)
    if m:
        credit = m.group("credit").strip(" .()[]")
        if credit and len(credit.split()) <= 8:
            caption = m.group("caption").strip(" .,;:(–—-") or None
            return caption, credit
    m = _CREDIT_ONLY.fullmatch(text)
    if m:
        return None, m.group("credit").strip(" .")
    m = _CREDIT_AFTER.fullmatch(text) or _CREDIT_BEFORE.fullmatch(text)
    if m and len(credit := m.group("credit").strip(" .")) and len(credit.split()) <= 6:
        caption = m.groupdict().get("caption")
        return (caption.strip() if caption else None), credit
    return None


def _ends_sentence(text: str) -> bool:
    return text.rstrip()[-1:] in _TERMINAL


LEAD_IN_COLON = 120  # characters: a longer paragraph ending in ':' is a lead-in, not a deck


def _subtitle_like(p: _Para) -> bool:
    if p.kind in ("list", "heading", "quote", "table"):
        return True
    text = p.text
    if text.endswith((":", "：")):
        # "Highlights:" introduces a list: a deck. A whole sentence that introduces a quote
        # ("In response to …, Oxfam's head of policy said:") is the lead of a statement.
        return len(text) <= LEAD_IN_COLON
    if len(text) > 2 and text[0] in "*_" and text.rstrip(".")[-1:] in "*_":
        return True  # an emphasised deck line
    return len(text) < 300 and not _ends_sentence(text)


def _first_word(text: str) -> str:
    return text[:40].partition(" ")[0].lower().strip(_WORD_STRIP)


def _back_kind(p: _Para) -> str | None:
    """What back-matter paragraph ``p`` is, or None for running text.

    Called on every paragraph of the body, so the common case (running text) is kept to a
    few string operations and one dict lookup.
    """
    kind = p.kind
    if kind:
        if kind == "hr":
            return "hr"
        if kind not in ("list", "heading"):
            return None
    text = p.text
    size = len(text)
    if size <= 24 and _is_end_mark(text):
        return "end"
    head = text[:160]  # _unmark only changes a text with a mark at its start or in this head
    if text[0] in "#*_>" or "**" in head or "__" in head:
        text = _unmark(text)
        if not text:
            return None
    word = text[:40].partition(" ")[0].lower().strip(_WORD_STRIP)
    rx = _ROUTES.get(word)
    if rx is None and ":" in word:  # "Fuente:[SITE](…)", "Contact:jane@…": no space after
        word = word.partition(":")[0]
        rx = _ROUTES.get(word)
    if rx is not None:
        if word in _FOR_WORDS:
            head = text[:110].lower()
            if not any(cue in head for cue in _FOR_CUES):
                rx = None
        elif word == "the" and not text[:9].lower().startswith("the post"):
            rx = None
    elif word.startswith("contact"):
        rx = _ROUTE_CONTACT
    elif size <= 60 and ("概要" in word or "合" in word or "について" in text):  # no spaces
        rx = _ROUTE_CJK
    found = _back_matter_kind(text, kind, rx) if rx is not None else None
    if (found is None and rx is not None and word in _FOR_WORDS and size <= 300
            and _CONTACT_FOR_LONG.match(text) and ("@" in text or _phones(text))):
        # "For media inquiries, interviews, or high-resolution event photos, please contact
        # x@y.org.": a longer lead-in, taken when an address or a number follows
        found = "contact_for"
    if found is None and size <= 120 and text[-1] in ":：":
        found = _back_matter_kind(text, kind, _ROUTE_AFTER)
    if found is not None:
        return found
    if text[0] == "S" and text.startswith("SOURCE") and _is_source_end(text):
        return "source"
    if size < 1500 and "necessarily" in text and _NECESSARILY.search(text, 0, 600):
        return "disclaimer"
    if (
        size <= 300 and ("©" in text or ":" in text or "：" in text)  # _may_be_caption's signs
        and _may_be_caption(text) and _caption(text) is not None
    ):
        return "caption"
    return None


def _may_be_caption(text: str) -> bool:
    """A cheap test before ``_caption``: a credit keyword just before the last colon."""
    if "©" in text:
        return True
    k = text.rfind(":")
    if k < 0:
        k = text.rfind("：")
        if k < 0:
            return False
    near = text[max(0, k - 24): k]
    return any(key in near for key in _CAPTION_KEYS)


def _back_matter_kind(text: str, para_kind: str, rx: re.Pattern[str]) -> str | None:
    m = rx.match(text)
    if m is not None:
        kind = m.lastgroup
        if kind == "about_weak":
            head = text[: m.end() + 80]
            inline_colon = ":" in head[m.end():]
            if not (len(text) <= 100 and not _ends_sentence(text)) and not inline_colon:
                return None
            kind = "about"
        if (  # inline "About X: …" / "Acerca de X. …": the name must come first, capitalised
            kind == "about" and len(text) > 150 and para_kind != "heading"
            and not _upper_first(text[m.end():])
        ):
            return None
        if kind == "about_heading":
            return "about"
        if kind == "contact_info":  # "For more information: visit …" is body
            rest = text[m.end():]
            if rest.strip() and "@" not in rest and not _phones(rest):
                return None
        if kind == "contact_after":
            org = m.group("contact_org2") or ""
            if len(org.split()) > 8:
                return None
        if kind == "note" and para_kind == "list":
            return None
        if kind == "caption_line":  # with a credit in it ("… Photo: Jane Smith"), a caption's
            if para_kind:
                return None
            # (after its label: "Left Hand Photo: Left to Right; …" credits no one)
            return "caption" if _caption(m.group("caption_rest")) is not None else "caption_text"
        return kind
    return None


def _about_name(text: str) -> str | None:
    """"About the Canadian Recreational Vehicle Association" -> the name after the label."""
    m = _ABOUT_LABEL.match(_unmark(text))
    if m is None:
        return None
    name = _ABOUT_NAME_END.split(_unmark(text)[m.end():m.end() + 120], 1)[0].strip(" .:–—-")
    return name if name and _upper_first(name) and len(name) <= 80 else None


def _may_have_verb_article(head: str) -> bool:
    """Whether ``head`` holds " is a ", " are the ", " est une "… as _BOILERPLATE needs: a
    cheap test on the lower-cased text with white space runs as single spaces (the letters
    that re's IGNORECASE matches beyond str.lower: İ ı ſ K, send it to the regex as is)."""
    if "İ" in head or "ı" in head or "ſ" in head or "K" in head:
        return True
    return _VERB_ARTICLE.search(" " + " ".join(head.split()).lower() + " ") is not None


def _is_boilerplate(text: str) -> bool:
    """"UGI Utilities, Inc. is a natural gas and electric utility …": a named organisation
    described in the present tense, with no quote, as the last paragraph of a release."""
    if len(text) < 80:
        return False
    head = text[:500]
    m = _BOILERPLATE.match(head) if _may_have_verb_article(head) else None
    if m is None or _QUOTES.search(text, 0, m.end()):
        return False
    words = m.group("subject").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return bool(words) and words[0][:1].isupper() and words[0].lower() not in _PRONOUNS


# --- contacts ---------------------------------------------------------------------------

class _Contact:
    __slots__ = (
        "email", "explicit", "line", "name", "org", "org_inferred", "phone", "placeholder",
        "title", "widget_head",
    )

    def __init__(self, line: int | None) -> None:
        self.name: str | None = None
        self.org: str | None = None
        self.email: str | None = None
        self.phone: str | None = None
        self.title: str | None = None
        self.placeholder = False  # "Email" link text whose address the export dropped
        self.explicit = False  # named right after a "please contact" label
        self.org_inferred = False  # the org is that of the About section the line sits in
        self.widget_head = False  # glued to "Contact Details": a person or an organisation
        self.line = line

    def has_means(self) -> bool:
        return bool(self.email or self.phone)


def _name_ok(text: str, min_words: int = 1) -> bool:
    if len(text) > 80 or not _upper_first(text):
        return False
    words = text.count(" ") + 1
    if not min_words <= words <= 8 or _NAME_CHARS.search(text) or "www." in text:
        return False
    if words == 1 and _is_org_word(text):
        return False  # "Inc." left over from "Acme, Inc."
    return text.casefold() not in _JUNK_NAMES


def _org_ok(text: str) -> bool:
    """An organisation's name: like a person's, but "B2i Digital" may hold digits."""
    first = text.split(" ", 1)[0]
    if len(text) > 80 or not (
        _upper_first(text) or (first[:1].isdigit() and any(c.isalpha() for c in first))
    ):
        return False  # "951 Broken Sound Parkway" is an address; "3M" is a company
    if text.count(" ") > 7 or "@" in text or "/" in text or "www." in text:
        return False
    return text.casefold() not in _JUNK_NAMES and not (" " not in text and _is_org_word(text))


def _is_org_word(word: str) -> bool:
    return word.rstrip(".,") in _ORG_WORDS


# A line with only another number of the person above: "Mobile: +44 7917 110 066", or the
# number alone under the first ("08-405 34 58" then "073-340 97 61")
_SECOND_NUMBER = re.compile(
    r"[ \t]*(?:mobile|mob|cell(?:ular|phone)?|handy|portable|m[óo]vil|celular|fax)\.?[ \t]*"
    r"(?:[:.][ \t]*)?[+(\d][\d \t\u00a0().\-/]{5,}\d[ \t]*",
    re.IGNORECASE,
)
# Any number, alone or labelled, on the line right under a contact's number: "08-405 34 58"
# then "073-340 97 61"; "Telefone: …" twice (not after another line: "Beta Inc" then "Tel: …"
# is the next contact's)
_ANOTHER_NUMBER = re.compile(
    r"[ \t]*(?:(?:phone|t[ée]l(?:[ée]phone|efone|efon|[ée]fono)?)\.?[ \t]*(?:[:.][ \t]*)?)?"
    r"[+(\d][\d \t\u00a0().\-/]{5,}\d[ \t]*",
    re.IGNORECASE,
)
_ARTICLES = frozenset({
    "the", "la", "le", "les", "el", "los", "las", "die", "der", "das", "de", "het", "l'", "il", "lo",
})


# "Jennifer Jacokes of the CDFI Fund", "Jane Doe at Acme Corp.": a person and where she works,
# as a contact sentence names them ("For further information, contact … at (202) …")
_PERSON_OF_ORG = re.compile(
    r"(?P<person>[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*){1,3}) (?:of|at|from) (?:the )?"
    r"(?P<org>[^\W\d_a-z].{1,78})"
)


def _split_person_org(text: str) -> tuple[str | None, str | None]:
    """"Shane Devenish Canadian RV Association" -> person, organisation; so is "Jennifer
    Jacokes of the CDFI Fund"."""
    if " of " in text or " at " in text or " from " in text:
        m = _PERSON_OF_ORG.fullmatch(text)
        person = m["person"].split() if m else []
        if (m and all(w[0].isupper() and not _is_org_word(w) and w.rstrip(".,").casefold()
                      not in _INSTITUTION_WORDS for w in person) and _org_ok(m["org"])):
            return m["person"], m["org"]
    words = text.split()
    if not any(_is_org_word(w) for w in words):
        return text, None
    if words[0].casefold() in _ARTICLES:  # "The Apache Software Foundation": no one's name
        return None, text
    for k in (2, 3):
        if len(words) - k >= 2:
            person, org = words[:k], words[k:]
            if (
                all(w[0].isupper() for w in person)
                and not any(_is_org_word(w) for w in person)
                and not _is_org_word(org[0])
                and any(_is_org_word(w) for w in org)
            ):
                return " ".join(person), " ".join(org)
    return None, text


def _phones(text: str) -> list[tuple[str, int, int]]:
    """Phone numbers as written: "+41 22 000 00 00", "(646) 245-2465", "1-800-AHA-USA1"."""
    out = []
    if "1-8" in text:  # a vanity number, 1-800-AHA-USA1 (242-8721)
        for m in _VANITY_PHONE.finditer(text):
            out.append((m.group(0), m.start(), m.end()))
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    for m in _PHONE.finditer(text):
        start = m.start()
        if start and text[start] != "(" and (text[start - 1].isalnum() or text[start - 1] in "+."):
            continue  # digits inside a word, a URL or a longer number
        value = m.group(0).strip(" \t\u00a0.-/")
        paren = value.find("(", 1)
        if paren > 0 and value[:paren].isdigit():  # "33487(561) 558-2020": a ZIP code glued on
            start += paren
            value = value[paren:]
        if value.count("(") < value.count(")"):
            value = value.rstrip(")").strip()
        if value.count("(") > value.count(")"):
            value = value.lstrip("(").strip()
        digits = sum(map(str.isdigit, value))
        if not 7 <= digits <= 16 or _DATE_LIKE.fullmatch(value):
            continue
        out.append((value, start, m.end()))
    out.sort(key=lambda found: found[1])
    return out


_DATE_LIKE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")


def _strip_words(words: list[str]) -> list[str]:
    """Drop link texts, field labels and dangling connectors around a name."""
    while words and (words[0].lower().strip(".:") in _LEAD_DROP or words[0] in _DASHES):
        words = words[1:]
    while words and (words[-1].lower().strip(".:") in _TRAIL_DROP or words[-1] in _DASHES):
        words = words[:-1]
    return words


def _parse_contact_text(text: str, line: int | None, *, inline: bool) -> list[_Contact]:
    """People, organisations, e-mails and phones in one contact line."""
    text = text[:2000]
    if "*" in text or "__" in text:
        text = text.replace("**", " ").replace("__", " ").replace("*", " ")
    if "\u00a0" in text or "\u202f" in text:
        text = text.replace("\u00a0", " ").replace("\u202f", " ")
    segments = _OR_SPLIT.split(text) if " o" in text or " e" in text or "أو" in text else [text]
    out: list[_Contact] = []
    for segment in segments:
        c = _Contact(line)
        found: list[tuple[int, int]] = []
        emails = [[m.start(), m.end()] for m in _EMAIL.finditer(segment)] if "@" in segment else []
        phones = _phones(segment) if _DIGIT.search(segment) else []
        if phones and ("://" in segment or "www." in segment):  # ".../events/358493925030809/"
            urls = [m.span() for m in _URL.finditer(segment)]
            phones = [ph for ph in phones if not any(a <= ph[1] < b for a, b in urls)]
        for value, start, end in phones:
            inside = False
            for span in emails:
                if span[0] <= start < span[1]:
                    inside = True  # 12345678@qq.com: digits of an address, not a phone
                elif start < span[0] < end:
                    span[0] = end  # "(561) 558-2020info@…": a phone glued to an address
            if not inside:
                if c.phone is None:
                    c.phone = value
                found.append((start, end))
        for start, end in emails:
            label = _GLUED_LABEL.match(segment, start, end)
            if label:  # "Officedavid@b2idigital.com": a wire glued the field label on
                start = label.end()
            address = segment[start:end]
            if _EMAIL.fullmatch(address):
                if c.email is None:
                    c.email = address
                found.append((start, end))
        rest = segment
        for start, end in sorted(found, reverse=True):
            rest = rest[:start] + " , " + rest[end:]
        if "www." in rest or "://" in rest:
            rest = _URL.sub(" , ", rest)
        low = rest.lower()
        if _TLD.search(low):
            rest = _DOMAIN.sub(" , ", rest)
            low = rest.lower()
        if c.email is None and ("mail" in low or "courriel" in low or "correo" in low):
            c.placeholder = True
        rest = _strip_fillers(rest, " , ")
        pieces = []
        for piece in _PIECE_SPLIT.split(rest):
            words = piece.split()
            if words:
                words = _strip_words(words)
            if words:
                pieces.append(" ".join(words).strip(" .,;:"))
        min_words = 1 if inline else 2
        for piece in pieces:
            if not piece:
                continue
            if c.name is None and c.title is None and _JOB_TITLE.match(piece) \
                    and not c.has_means() and len(pieces) == 1:
                c.title = piece  # "Press secretary to the minister": a line of its own
            elif c.name is None and c.title is None and (job := _JOB_TITLE_WORD.match(piece)) \
                    and not _TWO_CAPITALISED.search(piece, job.end()):
                c.title = piece  # "CFO och IR-direktör, Coor": a title, then the organisation
            elif c.name is None and (pair := _title_before_name(piece)) is not None:
                c.title, c.name = c.title or pair[0], pair[1]  # "Press Secretary Jane Doe"
            elif c.name is None and c.org is None and _name_ok(piece, min_words):
                person, org = _split_person_org(piece)
                if c.has_means() and person is None:  # with an address: a person's
                    person, org = piece, None
                if person is not None:
                    person, title, after = _split_title(person)
                    c.name, c.title = person, c.title or title
                    org = org or after
                c.org = c.org or org
            elif c.name is None and _GLUED.search(piece) and _split_title(piece)[1]:
                # "David ShapiroChief Executive OfficerB2i Digital", glued by a wire
                c.name, title, after = _split_title(piece)
                c.title = c.title or title
                c.org = c.org or (after if after and _org_ok(after) else None)
            elif c.title is None and c.name and _JOB_TITLE.match(piece):
                c.title = piece
            elif c.org is None and _org_ok(piece):
                c.org = piece
        if not (c.name or c.has_means() or c.org or c.title):
            if out and c.placeholder:
                out[-1].placeholder = True
            continue
        if out and not c.name and not out[-1].has_means() and out[-1].name:
            # "Jane Doe or +41 …": a trailing segment without a name belongs to the last one
            prev = out[-1]
            prev.email, prev.phone = prev.email or c.email, prev.phone or c.phone
            continue
        c.explicit = inline
        out.append(c)
    return out


_CITY_STATE = re.compile(r"[A-ZÀ-Þ][\w .'’-]{1,40},[ \t]*(?P<code>[A-Z]{2})")


def _address_line(text: str) -> bool:
    """A city and its US state or Canadian province ("Princeton, NJ"), or a country."""
    text = text.strip()
    m = _CITY_STATE.fullmatch(text)
    return (m is not None and m["code"] in _STATE_CODES) or _is_country(text)


def _is_country(text: str) -> bool:
    """"United States", "Canada", "Schweiz": a country's name, as CLDR names it in any
    language (language_data's table of names, which langcodes reads; an exact match: its
    lookup is forgiving, and "Mariam Morel" would find Mali)."""
    if len(text) > 40 or not text[:1].isupper() or (len(text) < 4 and not text.isupper()):
        return False
    return _country_names()(text)


@cache
def _country_names() -> Callable[[str], bool]:
    import langcodes
    from language_data import names  # type: ignore[import-untyped]  # shipped with langcodes

    names.name_to_code("territory", "Canada")  # loads the table of every language's names
    table = names.TRIES.get("und/name_to_territory")  # (None: a language_data keeping it
    # elsewhere; then only the English name counts)

    def exact(text: str) -> bool:
        code = names.name_to_code("territory", text)
        if not (isinstance(code, str) and len(code) == 2 and code.isalpha()
                and code not in _NOT_COUNTRIES):
            return False
        if table is not None:
            return names.normalize_name(text) in table
        english = langcodes.Language.get(f"und-{code}").territory_name("en")
        return bool(english.casefold() == text.casefold())

    return exact


_NOT_COUNTRIES = frozenset(("UN", "EU", "EZ", "QO", "ZZ"))  # the UN, the EU, the euro area
# The United States' and Canada's two-letter codes, as a city's line in an address gives them
_STATE_CODES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
))


# After a job title, where it is held: "i Erhvervsministeriet", "to the Minister"
_TITLE_WHERE = re.compile(r"(?:i|ved|hos|til|för|på|to)\s+(?:the\s+)?[A-ZÀ-Þ][\w-]+\s+")


def _title_before_name(piece: str) -> tuple[str, str] | None:
    """"Press Secretary Jane Doe" -> ("Press Secretary", "Jane Doe"); "pressechef Rikke
    Egelund", "Presserådgiver i Erhvervsministeriet Jesper Ingemann": a job title, where it
    is held (one word: "at the British Red Cross" would leave "Red Cross" for a name), then a
    name of two or three capitalised words. "Director of Public Affairs John Smith" is left
    whole: where the department ends and the name begins, no rule can say."""
    job = _JOB_TITLE_WORD.match(piece)
    if job is None:
        return None
    rest = piece[job.end():].lstrip()
    where = _TITLE_WHERE.match(rest)
    if where is not None:
        rest = rest[where.end():]
    words = rest.split()
    if not 2 <= len(words) <= 3 or not all(w[0].isupper() for w in words):
        return None
    if not _name_ok(rest, 2) or _split_person_org(rest)[0] is None:
        return None
    return piece[: len(piece) - len(rest)].strip(), rest


def _strip_fillers(text: str, gap: str = " ") -> str:
    """The text with a wire widget's link words ("Email Us Here", "Visit Our Website")
    replaced by ``gap`` (" , " keeps the pieces on either side apart)."""
    low = text.lower()
    for phrase, rx in _FILLER_PHRASES:
        if phrase in low:
            text = rx.sub(gap, text)
            low = text.lower()
    return text


def _split_title(person: str) -> tuple[str, str | None, str | None]:
    """"Thomas SauveChief Executive Officer" -> ("Thomas Sauve", "Chief Executive Officer");
    a name glued to its title and organisation by a wire also gives the organisation."""
    if person.count(" ") < 2 and not _GLUED.search(person):
        return person, None, None
    for m in _WORD_START.finditer(person):
        if m.start() == 0:
            continue
        t = _JOB_TITLE.match(person, m.start())
        if t:
            before = person[: m.start()].strip(" ,-–")
            if not _name_ok(before, 1):
                break
            title = person[m.start():].strip()
            glued = _GLUED.search(person, t.end() - 1)
            if glued and glued.start() == t.end() - 1:  # "OfficerB2i Digital"
                return before, person[m.start():t.end()], person[t.end():].strip() or None
            return before, title, None
    return person, None, None


class _Contacts:
    """Contacts collected across the release, merged by name and by e-mail."""

    def __init__(self) -> None:
        self.items: list[_Contact] = []
        self.current: _Contact | None = None
        self.section_org: str | None = None
        self.lines = 0
        self.after_number = False  # the last line gave the current contact a number

    def start_section(self, org: str | None = None) -> None:
        self.current = None
        self.section_org = org

    def add_line(self, text: str, line: int, *, inline: bool) -> None:
        self.lines += 1
        if self.lines > MAX_CONTACT_LINES:
            return
        after_number, self.after_number = self.after_number, False
        if self.current is not None and self.current.phone and len(text) <= 80 and (
                _SECOND_NUMBER.fullmatch(text)
                or (after_number and _ANOTHER_NUMBER.fullmatch(text))):
            self.after_number = True
            return  # "Tel: …" then "Mobile: …": the same person's other number
        cur = self.current
        if cur is not None and cur.name and not cur.has_means() and _address_line(text):
            return  # " St. Louis, MO", "United States" under a wire's contact: the address
        self._add_line(text, line, inline=inline)
        self.after_number = (self.current is not None and self.current.phone is not None
                             and _DIGIT.search(text) is not None and bool(_phones(text)))

    def _add_line(self, text: str, line: int, *, inline: bool) -> None:
        org_label = _ORG_CONTACTS.match(text) if not inline and ":" in text[:120] else None
        if org_label:  # "Vycor Medical, Inc. Contacts: …" inside a contact block
            self.section_org = org_label.group("org").strip()
            self.current = None
            text = text[org_label.end():]
        for part in _parse_contact_text(text, line, inline=inline):
            if org_label and not part.name:
                part.org = self.section_org
            cur = self.current
            if part.title and not (part.name or part.has_means() or part.org):
                if cur is not None and cur.title is None:
                    cur.title = part.title
                continue
            if part.name and cur is not None and cur.widget_head and cur.name \
                    and not cur.has_means() and cur.org is None:
                # "Contact DetailsNational Contract Management Assocation", then "Holly DeHesa"
                # (or the organisation again): the glued name was the organisation's.
                cur.widget_head = False
                cur.org = cur.name
                same = _WS.sub(" ", part.name).casefold() == _WS.sub(" ", cur.name).casefold()
                cur.name = None if same else part.name
                cur.title = cur.title or part.title
                self._fill(cur, part)
                continue
            if part.name:
                if cur is not None and cur.name is None and not cur.has_means() and cur.org:
                    cur.name, cur.title = part.name, cur.title or part.title
                    self._fill(cur, part)
                    continue
                if cur is not None and cur.name and not cur.has_means() and part.org is None \
                        and not part.has_means() and cur.org is None and not inline:
                    cur.org = part.name  # "Jane Doe" then "Acme Widgets": the second is her org
                    continue
                if part.org is None:
                    part.org = self.section_org
                self.items.append(part)
                self.current = part
                continue
            if cur is None:
                if part.org is None:
                    part.org = self.section_org
                self.items.append(part)
                self.current = part
                continue
            new = self._fill(cur, part)
            if new is not None:
                self.items.append(new)
                self.current = new

    @staticmethod
    def _fill(cur: _Contact, part: _Contact) -> _Contact | None:
        """Put ``part``'s means into ``cur``; a different second e-mail/phone is a new contact."""
        clash = (
            part.email and cur.email and part.email.casefold() != cur.email.casefold()
        ) or (part.phone and cur.phone and part.phone != cur.phone)
        if clash:
            part.org = part.org or cur.org
            return part
        cur.email = cur.email or part.email
        cur.phone = cur.phone or part.phone
        cur.org = cur.org or part.org
        cur.title = cur.title or part.title
        cur.placeholder = cur.placeholder or part.placeholder
        return None

    def result(self) -> tuple[list[Contact], list[_Contact]]:
        merged: list[_Contact] = []
        by_name: dict[str, _Contact] = {}
        for c in self.items:
            if not (c.has_means() or (c.explicit and c.name)):
                continue
            key = _WS.sub(" ", c.name).casefold() if c.name else None
            target = by_name.get(key) if key else None
            if target is None and not c.name and c.email:
                target = next(
                    (
                        m for m in merged
                        if m.email and m.email.casefold() == c.email.casefold()
                        and (m.phone is None or c.phone is None or m.phone == c.phone)
                    ),
                    None,
                )
            if target is None and c.name is None and c.phone and not c.email:
                target = next((m for m in merged if m.phone == c.phone), None)
            if target is not None:
                target.email = target.email or c.email
                target.phone = target.phone or c.phone
                if c.org and (target.org is None or (target.org_inferred and not c.org_inferred)):
                    target.org, target.org_inferred = c.org, c.org_inferred
                target.title = target.title or c.title
                target.placeholder = target.placeholder and not c.email
                continue
            merged.append(c)
            if key:
                by_name[key] = c
        contacts = [
            Contact(
                name=_WS.sub(" ", c.name) if c.name else None, org=c.org, email=c.email,
                phone=c.phone, title=c.title,
            )
            for c in merged
        ]
        return contacts, merged


def _label_rest(text: str, m: re.Match[str] | None, kind: str) -> tuple[str, str | None]:
    """The text after a contact label, and an organisation the label names."""
    if m is None:
        return text, None
    org: str | None = None
    if kind == "contact_colon" and m.group("contact_org"):
        org = m.group("contact_org").strip() or None
        if org is not None and not _upper_first(org):
            org = None  # "Contacto para medios:" names no organisation
    elif kind == "contact_after":
        org = (m.group("contact_org2") or "").strip() or None
    return text[m.end():], org


# --- the reader -------------------------------------------------------------------------

class _Reader:
    def __init__(
        self, paras: list[_Para], markdown: bool, languages: tuple[str, ...], default_tz: tzinfo
    ) -> None:
        self.paras = paras
        self.markdown = markdown
        self.languages = languages
        self.default_tz = default_tz
        self.warnings: list[tuple[int | None, str]] = []
        self.title: str | None = None
        self.title_line: int | None = None
        self.subtitles: list[str] = []
        self.dateline: _Dateline | None = None
        self.wire_line: _Dateline | None = None
        self.labelled_date: date | None = None
        self.loose_date: date | None = None
        self.embargo_until: datetime | None = None
        self.embargo_raw: str | None = None
        self.caption: str | None = None
        self.credit: str | None = None
        self.photo_url: str | None = None
        self.contacts = _Contacts()
        self.body: list[_Para] = []
        self.end_mark: str | None = None
        self.about: list[list[str]] = []
        self.notes: list[list[str]] = []

    # -- the front: furniture, title, deck --------------------------------------------

    def front_kind(self, p: _Para) -> str | None:
        """Page furniture and header lines that are never body (and never the title)."""
        text = p.text
        if p.kind == "hr":
            return "hr"
        if p.kind in ("list", "code", "table", "rest"):
            return None
        if len(text) <= 24 and _is_end_mark(text):
            return "stray-end"  # an end mark before the text: nothing to end yet
        if len(text) <= 300 and (_EMBARGO.match(text) or self.embargo_sentence(text)):
            return "embargo"
        if text[:1] == "[" and len(text) <= 2000 and len(_LINK_ONLY.findall(text)) >= 2 \
                and not _LINK_ONLY.sub("", text).strip(" /|·•,;–-\t\n"):
            return "breadcrumb"  # a row of links: "[EN](…) / [CA](…) / [DE](…)"
        if len(text) > 200:
            return None
        if _IMAGE.fullmatch(text):
            return "image"
        m = _IMMEDIATE.match(text)
        if m and len(text) - m.end() <= 60:
            return "immediate"
        m = _RELEASE_LABEL.match(text)
        if m and m.end() >= len(text):
            return "label"
        if len(text) <= 40 and _SITE_FURNITURE.fullmatch(text):
            return "label"  # "JOIN OUR EMAIL LIST", "Skip to main content"
        if len(text) <= 30 and "/" in text and _DOC_SYMBOL.fullmatch(text):
            return "label"  # a document symbol: "REF/G/102", "SG/SM/21345"
        if self.wire_match(text) is not None:
            return "wire"
        if _date_line(text, self.languages) is not None:
            return "date"
        if len(text) <= 40 and (m2 := _YEARLESS_DATE.fullmatch(text)) and names_day_and_month(m2["date"]):
            return "date"  # a blog's "Thursday, January 13": furniture, though it gives no date
        if m and _labelled_release_date(text[m.end():], self.languages) is not None:
            return "date"  # "Press release 5 March 2024", "Pressemitteilung Nr. 300/2017 vom …"
        if (
            len(text) <= 160
            and (" > " in text or " › " in text or " » " in text or " | " in text
                 or text[:8].lower().startswith(("home", "start", "accueil", "inicio", "hem")))
            and not _ends_sentence(text)
            and _BREADCRUMB.match(text)
        ):
            return "breadcrumb"
        return None

    def embargo_sentence(self, text: str) -> bool:
        """"… is subject to a strict media embargo: 00:01 Hrs GMT+1, 12 September 2018": an
        embargo and its instant after the phrase, in a paragraph that is not the lead."""
        if "mbargo" not in text or not _DIGIT.search(text) or _match_dateline(text) is not None:
            return False
        m = _EMBARGO_SENTENCE.search(text)
        return m is not None and read_embargo(text[m.end():], self.languages).until is not None

    def wire_match(self, text: str) -> _Dateline | None:
        if "/" not in text:
            return None
        m = _WIRE_LINE.fullmatch(text)
        if m is None or not _city_ok(m.group("city")):
            return None
        return _Dateline(text, m.group("city").strip(), m.group("date"), True, True)

    def take_front(self, p: _Para, kind: str) -> None:
        text = p.text
        if kind == "embargo":
            self.take_embargo(p)
        elif kind == "date":
            m = _DATE_LABEL.match(text)
            day = _date_line(text, self.languages)
            if day is None:
                rl = _RELEASE_LABEL.match(text)
                day = _labelled_release_date(text[rl.end():], self.languages) if rl else None
            if m is not None and self.labelled_date is None:
                self.labelled_date = day
            elif self.loose_date is None:
                self.loose_date = day
        elif kind == "immediate":
            m = _IMMEDIATE.match(text)
            rest = text[m.end():] if m else ""
            day = _date_line(rest, self.languages) if rest else None
            if day and self.loose_date is None:
                self.loose_date = day
        elif kind == "wire" and self.wire_line is None:
            self.wire_line = self.wire_match(text)

    def take_embargo(self, p: _Para) -> None:
        reading = read_embargo(p.text, self.languages, default_tz=self.default_tz)
        if self.embargo_raw is not None:
            if reading.until is not None and reading.until != self.embargo_until:
                self.warnings.append((p.line, f"a second embargo line disagrees: {p.text!r}"))
            return
        self.embargo_raw = p.text.strip(" *_")
        self.embargo_until = reading.until
        if reading.until is None:
            self.warnings.append(
                (p.line, f"embargo line names no date this reader understands: {p.text!r}; "
                 "the release is not held")
            )
            return
        if not reading.zone_given:
            zone = getattr(self.default_tz, "key", None) or str(self.default_tz)
            self.warnings.append(
                (p.line, f"embargo line names no time zone; assumed {zone}: {p.text!r}")
            )
        if reading.note:
            self.warnings.append((p.line, f"embargo: {reading.note}"))

    def skip_front_matter(self, i: int) -> int:
        """A front-matter block the caller could not split off (never closed, or broken):
        "---" then "key: value" lines. Skipped, so YAML never becomes the title."""
        paras, n = self.paras, len(self.paras)
        if not (i < n and paras[i].kind == "hr" and paras[i].text in ("---", "+++")):
            return i
        j = i + 1
        while j < n and paras[j].kind in ("", "list") and _FRONT_MATTER_LINE.match(paras[j].text):
            j += 1
        if j == i + 1:
            return i
        if j < n and paras[j].kind == "hr":
            return j + 1
        self.warnings.append(
            (paras[i].line, "front matter opened with '---' is never closed; its lines were skipped")
        )
        return j

    def read_title(self, start: int, given: str | None = None) -> int:
        """Read the title; with a ``given`` one (front matter), only skip its repetition at
        the top of the text: any other first paragraph is the body's, not a title."""
        paras, n = self.paras, len(self.paras)
        i = first = self.skip_front_matter(start)
        while i < n and i - start < 40:
            p = paras[i]
            kind = self.front_kind(p)
            if kind is None:
                back = _back_kind(p) if p.kind in ("", "heading") else None
                if back is None or not back.startswith("contact"):
                    break
                # a media contact at the very top, as US releases have it
                self.take_contact(p, inline_first=True)
                i += 1
                while i < n and self.in_contact_block(i):
                    self.contacts.add_line(paras[i].text, paras[i].line, inline=False)
                    i += 1
                continue
            self.take_front(p, kind)
            i += 1
        if i >= n:
            return i
        p = paras[i]
        if given is not None:
            same = " ".join(_clean_inline(p.text, self.markdown).split()).casefold()
            if same == " ".join(given.split()).casefold():
                self.title, self.title_line = given, p.line
                return i + 1
            return i
        if p.kind == "heading":
            title = _clean_inline(p.text, self.markdown)
            if title:
                self.title, self.title_line = title, p.line
                return i + 1
            return i
        if p.kind in ("list", "code", "table", "quote", "hr") or _is_end_mark(p.text):
            return i
        text = p.text
        if _back_kind(p) is not None:
            return i
        dl = _match_dateline(text)
        if len(text) > 300 or (dl is not None and len(text) > 150):
            return i  # the first paragraph is already the lead: no title line
        if dl is not None and dl.standalone and dl.date_text:
            return i  # "**Berne, le 18 juillet 2020**": a dateline on its own line
        if len(text) > 200 and _ends_sentence(text):
            return i
        if i > first and len(text) > 100 and _ends_sentence(text):
            return i  # "Statement" over a lead: the label was all the headline there is
        if len(text) > LEAD_IN_COLON and text.endswith((":", "：")):
            return i  # "Commenting on …, Max Lawson … said:": the lead-in to a quote
        if (" " not in text.strip() and SENDER_WORD <= len(text) <= 40
                and self.headline_below(i + 1)):
            i += 1  # "Näringsdepartementet" over the headline: the sender, as a newsroom shows it
            p, text = paras[i], paras[i].text
        parts = [_clean_inline(text, self.markdown)]
        i += 1
        # a title wrapped onto a second short line that goes on in lower case
        while i < n and len(parts) < 3 and paras[i].soft and paras[i].text[:1].islower():
            parts.append(_clean_inline(paras[i].text, self.markdown))
            i += 1
        title = " ".join(parts)
        self.title, self.title_line = title, p.line
        return i

    def headline_below(self, i: int) -> bool:
        """Whether paragraph ``i`` reads as a headline: a line of a few words that is no
        sentence of the text, no dateline and nothing the front or back matter holds."""
        if i >= len(self.paras):
            return False
        p = self.paras[i]
        text = p.text.strip()
        return (
            p.kind == "" and not p.soft and 3 <= text.count(" ") + 1 <= 25 and len(text) <= 150
            and text[-1] not in ".:;," and self.front_kind(p) is None and _back_kind(p) is None
            and _match_dateline(text) is None
        )

    # -- the lead ------------------------------------------------------------------------

    def find_lead(self, start: int, dateline_at: int | None = None) -> int:
        """Classify the paragraphs before the lead and return the lead's index.

        ``dateline_at``: the lead, known to open with a dateline (a web page's, under its
        headline): what comes between is the front (decks, a date line, a caption)."""
        paras, n = self.paras, len(self.paras)
        window: list[tuple[int, str, _Dateline | None]] = []
        in_contact = False
        narrative = 0
        for i in range(start, min(n, start + 16)):
            p = paras[i]
            kind = self.front_kind(p)
            if (
                kind is None and p.kind not in ("list", "heading", "code", "table", "quote")
                and len(p.text) <= 400 and _may_be_caption(p.text) and _caption(p.text) is not None
            ):
                kind = "caption"
            if kind is None:
                back = _back_kind(p)
                if back is not None and back.startswith("contact"):
                    kind, in_contact = "contact", True
                elif back == "source_line":
                    kind = "label"  # "Source: Save the Children" under the headline
                elif back is not None and back not in ("caption", "caption_text", "note", "junk"):
                    window.append((i, "back", None))
                    break
                elif in_contact and (p.soft or self.contact_info_like(p)):
                    kind = "contact"
                else:
                    in_contact = False
            else:
                in_contact = False
            if kind is not None:
                window.append((i, kind, None))
                continue
            dl = None if p.kind else _match_dateline(p.text)
            if i == dateline_at and dl is not None:
                window.append((i, "dateline", dl))
                break
            if dl is not None and dl.strong:
                window.append((i, "dateline", dl))
                if not dl.standalone:
                    break
            elif dl is not None and _long_enough(p.text):
                window.append((i, "weak", dl))
                narrative += 1
            elif _subtitle_like(p):
                window.append((i, "sub", None))
            else:
                window.append((i, "narr", None))
                narrative += 1
            if dateline_at is None and (
                    narrative >= 2 or (narrative and self.dateline_found(window))):
                break

        lead: int | None = None
        strong = next((w for w in window if w[1] == "dateline"), None)
        if strong is not None:
            idx, _, dl = strong
            assert dl is not None
            self.dateline = dl
            if dl.standalone:
                # the lead is the first running text under it; decks ("### …") under a
                # dateline line are headings over the lead, not the lead
                after = [w for w in window if w[0] > idx and w[1] in ("narr", "weak")] or [
                    w for w in window if w[0] > idx and w[1] == "sub"]
                lead = after[0][0] if after else (idx + 1 if idx + 1 < n else None)
                if lead is not None and lead >= start + len(window):
                    lead = idx + 1 if idx + 1 < n else None
            else:
                lead = idx
        else:
            note = None  # "**Updated 20 January:** …" above the lead: body, not the lead
            for idx, kind, dl in window:
                if kind == "narr" and note is None and _UPDATE_NOTE.match(paras[idx].text):
                    note = idx
                    continue
                if kind == "weak" and _long_enough(paras[idx].text):
                    self.dateline, lead = dl, idx if note is None else note
                    break
                if kind in ("narr", "weak"):
                    lead = idx if note is None else note
                    break
            if lead is None and note is not None:
                lead = note
            if lead is None:
                subs = [w[0] for w in window if w[1] == "sub"]
                if subs:
                    lead = subs[0]
                elif window and window[-1][1] != "back" and start + len(window) < n:
                    lead = start + len(window)

        end = lead if lead is not None else (window[-1][0] + 1 if window else start)
        for idx, kind, _dl in window:
            if idx >= end:
                break
            p = paras[idx]
            if kind in ("sub", "narr", "weak"):
                self.subtitles.append(
                    _clean_inline(p.text, self.markdown) if p.kind in ("", "heading") else p.text
                )
            elif kind == "caption":
                cap = _caption(p.text)
                if cap is not None and self.credit is None:
                    self.caption, self.credit = cap
            elif kind == "contact":
                self.take_contact(p, inline_first=True)
            elif kind == "dateline" or kind == "back":
                pass
            else:
                self.take_front(p, kind)
        return lead if lead is not None else n

    @staticmethod
    def dateline_found(window: list[tuple[int, str, _Dateline | None]]) -> bool:
        return any(kind == "dateline" for _, kind, _ in window)

    def more_info_heading(self, k: int) -> bool:
        """"For more information:" alone, then a name, phone or e-mail: a contact heading."""
        p = self.paras[k]
        if len(p.text) > 60 or p.kind not in ("", "heading"):
            return False
        if not _MORE_INFO.fullmatch(_unmark(p.text).rstrip(" .")):
            return False
        for q in self.paras[k + 1: k + 4]:
            if self.contact_info_like(q):
                return True
            if not q.soft and len(q.text) > 80:
                return False
        return False

    def in_contact_block(self, i: int) -> bool:
        """Paragraph ``i`` goes on the contact block above it (a name, a phone, an e-mail)."""
        paras = self.paras
        p = paras[i]
        if p.kind or self.front_kind(p) is not None:
            return False
        if self.contact_info_like(p):
            return True
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        return p.soft and nxt is not None and nxt.soft and self.contact_info_like(nxt)

    @staticmethod
    def contact_info_like(p: _Para) -> bool:
        return len(p.text) <= 200 and ("@" in p.text or bool(_phones(p.text)))

    # -- body and back matter ----------------------------------------------------------

    def read_body(self, lead: int) -> None:
        paras, n = self.paras, len(self.paras)
        k = lead
        while k < n:
            p = paras[k]
            kind = _back_kind(p) if k > lead else None
            if kind is None and k > lead and len(p.text) <= 60 and self.more_info_heading(k):
                break
            if kind is None:
                if (self.credit is None and self.caption is None and p.text[:2] in ("![", "[!")
                        and _IMAGE.fullmatch(p.text)):
                    self.image_credit(p.text)
                self.body.append(p)
                k += 1
                continue
            if (kind == "hr" or kind == "source_line") and _narrative_follows(paras, k + 1):
                # a section break; "Source: IDC, February 2024" under a figure, text after it
                self.body.append(p)
                k += 1
                continue
            if kind == "caption":
                cap = _caption(p.text)
                if cap is not None and self.credit is None:
                    self.caption, self.credit = cap
                k += 1
                continue
            if kind == "caption_text":  # "Pictured are …": no credit in it
                if self.caption is None:
                    self.caption = p.text
                else:  # one caption a release: another stays in the body, lost nowhere
                    self.body.append(p)
                k += 1
                continue
            break
        self.trim_boilerplate()
        self.read_back(k)

    def image_credit(self, text: str) -> None:
        """A body image whose alt text (or title) credits it ("Alexander Larsson. Photo by
        Garrett LeSage"): the release's photo, with that caption and credit. The image stays
        in the body."""
        m = _IMAGE_PARTS.match(text)
        if m is None:
            return
        cap = _caption(m["alt"]) or (_caption(m["title"]) if m["title"] else None)
        if cap is not None:
            self.caption, self.credit = cap
            if m["src"].startswith(("https://", "http://")):
                self.photo_url = m["src"]

    def trim_boilerplate(self) -> None:
        """An "About" paragraph without its heading at the very end of the body."""
        for _ in range(2):
            if len(self.body) < 3:
                return
            last = self.body[-1]
            if last.kind or not _is_boilerplate(last.text):
                return
            self.about.insert(0, [last.text])
            self.body.pop()

    def read_back(self, k: int) -> None:
        paras, n = self.paras, len(self.paras)
        state: str | None = None
        while k < n:
            p = paras[k]
            k += 1
            kind = _back_kind(p)
            if (kind is None and len(p.text) <= 60 and p.kind != "list" and "@" not in p.text
                    and self.more_info_heading(k - 1)):
                self.contacts.start_section()
                state = "contact"
                continue
            if kind == "end" or kind == "source":
                if self.end_mark is None:
                    # "**ENDS**" is the mark ENDS in bold
                    mark = p.text.strip()
                    self.end_mark = mark.strip("*_").strip() or mark
                state = None
                continue
            if kind == "hr":
                if not _narrative_follows(paras, k) and _links_follow(paras, k):
                    return  # an archive footer ("---" and links): nothing more to read
                state = None
                continue
            if kind == "trailer" or kind == "source_line":
                state = None
                continue
            if kind == "junk":
                continue
            if kind is not None and kind.startswith("contact"):
                # a contact line inside "About X" is X's press contact
                about_org = _about_name(self.about[-1][0]) if state == "about" else None
                before = len(self.contacts.items)
                self.take_contact(p, inline_first=True)
                if about_org:
                    for c in self.contacts.items[before:]:
                        if c.org is None:
                            c.org, c.org_inferred = about_org, True
                state = "contact"
                continue
            if kind == "about":
                self.about.append([p.text])
                state = "about"
                continue
            if kind == "notes" or kind == "note":
                self.notes.append([p.text])
                state = "notes"
                continue
            if kind == "disclaimer":
                state = "skip"
                continue
            if kind == "caption" or kind == "caption_text":
                continue
            if state == "about":
                self.about[-1].append(p.text)
            elif state == "notes":
                self.notes[-1].append(p.text)
            elif state == "contact" and p.kind in ("", "heading"):
                self.contacts.add_line(p.text, p.line, inline=False)
            elif state == "contact" and p.kind == "list":  # "- Email: x@y": one field an item
                for offset, item in enumerate(p.text.split("\n")):
                    bullet = _BULLET.match(item.lstrip())
                    text = item.lstrip()[bullet.end():] if bullet else item
                    if text.strip():
                        self.contacts.add_line(text.strip(), p.line + offset, inline=False)

    def take_contact(self, p: _Para, *, inline_first: bool) -> None:
        text = _unmark(p.text)
        m = _BACK_MATTER.match(text)
        kind = m.lastgroup if m else None
        if kind in ("contact_org", "contact_org2"):
            kind = "contact_colon" if m and m.group("contact_colon") else "contact_after"
        if m is None or kind is None or not kind.startswith("contact"):
            long = _CONTACT_FOR_LONG.match(text)
            if long is not None and ("@" in text or _phones(text)):  # see _back_kind
                self.contacts.start_section(None)
                self.contacts.add_line(text[long.end():].strip(), p.line, inline=inline_first)
                return
            self.contacts.add_line(text, p.line, inline=False)
            return
        rest, org = _label_rest(text, m, kind)
        self.contacts.start_section(org if kind == "contact_after" else None)
        rest = rest.strip()
        if not rest:
            return
        if rest.endswith(":") and "@" not in rest and not _phones(rest):
            return  # "For Media Inquiries and AHA Expert Perspective:": a heading
        if kind == "contact_colon" and org:
            before = len(self.contacts.items)
            self.contacts.add_line(rest, p.line, inline=inline_first)
            for c in self.contacts.items[before:]:
                c.org = c.org or org
            return
        before = len(self.contacts.items)
        self.contacts.add_line(rest, p.line, inline=inline_first and kind != "contact_glued")
        if kind == "contact_glued" and m.group(0).rstrip()[-1:] != "t":  # "Contact Details…"
            for c in self.contacts.items[before:]:
                c.widget_head = not c.has_means()
        elif kind == "contact_glued":
            # PR Karma's "ContactMaxwell Pollock Crothers Consulting Email Us Here": a name
            # and an organisation with no separator and no word that says which is which;
            # the name is one the release gave already ("Greg Scott" of "ContactGreg Scott
            # Tidbits of Change Foundation"), or else the first two words
            known = [c.name for c in self.contacts.items[:before] if c.name]
            glued = " ".join(_strip_fillers(rest).split())
            for c in self.contacts.items[before:]:
                name = next((k for k in known if glued.startswith(k + " ")), None)
                words = (c.name or "").split()
                if name is not None and c.name != name:
                    c.name, c.org = name, glued[len(name):].strip() or c.org
                elif c.org is None and len(words) >= 4 and _name_ok(" ".join(words[:2]), 2):
                    c.name, c.org = " ".join(words[:2]), " ".join(words[2:])

    # -- assembly --------------------------------------------------------------------------

    def release_date(self) -> date | None:
        for dl in (self.dateline, self.wire_line):
            if dl is not None and dl.date_text:
                dl.date = _dl_date(dl.date_text, self.languages)
        if self.dateline is not None and self.dateline.date is not None:
            return self.dateline.date
        if self.labelled_date is not None:
            return self.labelled_date
        if self.loose_date is not None:
            return self.loose_date
        if self.wire_line is not None and self.wire_line.date is not None:
            return self.wire_line.date
        return None

    def paragraphs(self) -> tuple[str, ...]:
        """The body's blocks. A heading written on the line above its text ("## Outlook"
        then "Revenue grew …") stays one block with it, as the file has it (a Markdown
        renderer still makes a heading and a paragraph of it)."""
        out: list[list[str]] = []
        above: _Para | None = None
        for p in self.body:
            glued = (above is not None and above.kind == "heading" and p.kind != "heading"
                     and p.line == above.line + 1)
            if (p.soft or glued) and out:
                out[-1].append(p.text)
            else:
                out.append([p.text])
            above = p
        return tuple("\n".join(lines) for lines in out)


_COMMA_AFTER_MONTH = re.compile(r"^([^\W\d_]{3,10}\.?),(\s+\d)")


def _dl_date(text: str, languages: Sequence[str]) -> date | None:
    found = find_text_date(_COMMA_AFTER_MONTH.sub(r"\1\2", text), languages)  # "April, 12, 2016"
    return found[0] if found else None


def _long_enough(text: str) -> bool:
    return len(text) >= 100 or _ends_sentence(text)


def _links_follow(paras: list[_Para], k: int) -> bool:
    """Links, images or nothing after a rule: an archive's footer. (A rule before "Bemærk:"
    and a contact line is a section break: the back matter goes on.)"""
    for p in paras[k: k + 3]:
        text = p.text.lstrip()
        if not text.startswith(("[", "!", "<", "http")) and p.kind != "hr":
            return False
    return True


def _narrative_follows(paras: list[_Para], k: int) -> bool:
    """Running text after a "---" rule (a section break), not an archive footer of links."""
    for p in paras[k: k + 6]:
        if p.kind == "" and len(p.text) >= 200 and not p.text.startswith(("[", "!", "<")):
            return True
    return False


def _read_from(
    start: int, paras: list[_Para], markdown: bool, langs: tuple[str, ...], default_tz: tzinfo,
    title: str | None, first_line: int, dateline_at: int | None = None,
) -> tuple[_Reader, int]:
    """Title, front matter, lead and body, read from paragraph ``start``; and the lead."""
    r = _Reader(paras, markdown, langs, default_tz)
    start = r.read_title(start, given=title)
    if r.title is None and title is None:
        r.warnings.append((first_line, "no title line found before the first paragraph"))
    lead = r.find_lead(start, dateline_at if dateline_at is not None and dateline_at >= start
                       else None)
    if lead < len(r.paras):
        r.read_body(lead)
    else:
        r.warnings.append((first_line, "no body text found"))
    return r, lead


# A label that says what the text is (not a site's "News" or "Press centre" menu entry)
_RELEASE_KIND = re.compile(
    r"releases?|advisor|statement|d[ée]clara|erkl[äa]r|dichiara|communiqu|comunica|mitteilung"
    r"|meddeland"
    r"|bericht|information|nota|بيان", re.IGNORECASE)
_ADVISORY_LABEL = re.compile(r"[*_]*(?:what|when|where|who|why|how)[*_]*\s*:", re.IGNORECASE)
NAVIGATION_ITEM = 30  # characters: a menu's entries are shorter than this, a headline longer
_HEAD_REACH = 5  # paragraphs between a page's headline and its dateline lead, at most


def _headline_under_furniture(
    paras: list[_Para], lead: int, langs: Sequence[str] = ()
) -> tuple[int, int] | None:
    """The headline of a web page saved with its site's menus above it (the IOM's "Qui sommes
    nous / Structure / - Directrice générale / …"), found from the dateline lead below it
    ("Genève – L'Organisation …"), and that lead; None for a release not laid out so.

    Taken only when the first reading found no dateline: the lead with its dateline lies
    below the headline, which lies under three or more paragraphs that are mostly menu
    entries (short lines or list items) and hold nothing a release puts at its top (an
    embargo, a contact's address or number: NASA puts its contacts over the headline). The
    headline is the topmost of the lines between
    it and the lead that are no menu entries: a deck, a date line or a caption may follow it.
    """
    k = next((i for i in range(lead, min(len(paras), 120)) if _dateline_lead(paras[i])), None)
    if k is None or k < 4:
        return None
    head = None
    for j in range(k - 1, max(-1, k - 1 - _HEAD_REACH), -1):
        p = paras[j]
        if p.kind not in ("", "heading") or len(p.text) < NAVIGATION_ITEM:
            break
        head = j
    if head is None or head < 3:
        return None
    if len(paras[head].text) >= 60 and paras[head].text.rstrip()[-1:] in ".!?":
        return None  # a sentence: the release's lead or body under a short title, no headline
    above = paras[:head]
    menu = sum(1 for p in above if p.kind == "list" or len(p.text) < NAVIGATION_ITEM)
    if 10 * menu < 6 * len(above):
        return None
    for p in above:  # a media contact's address or number: a release's top, not a menu
        if "@" in p.text or _EMBARGO.match(p.text[:300]) or _phones(p.text[:300]):
            return None
        if _IMMEDIATE.fullmatch(p.text) or (
                _RELEASE_LABEL.fullmatch(p.text) and _RELEASE_KIND.search(p.text)) or (
                _date_line(p.text, langs) is not None) or _ADVISORY_LABEL.match(p.text):
            # "FOR IMMEDIATE RELEASE", "Media advisory", "4 March 2025", "WHEN: …": a release's top
            return None
    return head, k


def _dateline_lead(p: _Para) -> bool:
    """A lead that opens with a dateline: "Genève – L'Organisation internationale …" (a city
    and a dash are enough, as the IOM writes them)."""
    if p.kind or len(p.text) < 100:
        return False
    dl = _match_dateline(p.text)
    return dl is not None and dl.city is not None and not dl.standalone


def read_text(
    text: str,
    *,
    markdown: bool,
    first_line: int = 1,
    languages: Sequence[str] = (),
    default_tz: tzinfo = UTC,
    title: str | None = None,
    guessed: bool = False,
) -> TextReading:
    """Read the decoded text of one press release into its fields. Pure; never raises
    on odd input (a field it cannot find is None or empty, with a warning when a press
    officer should fix something).

    ``default_tz`` is the zone for an embargo time written without one (a warning says so).
    ``title``: the title front matter gives, so that no paragraph is taken for one.
    ``guessed``: ``markdown`` was guessed from the text of a ``.txt`` file.
    """
    langs = tuple(languages)
    paras, cut = _paragraphs(text, first_line, markdown, lazy=markdown and not guessed)
    r, lead = _read_from(0, paras, markdown, langs, default_tz, title, first_line)
    if r.dateline is None and title is None and (
            found := _headline_under_furniture(paras, lead, langs)) is not None:
        # a web page saved with its site's menus above the headline: read from the headline
        head, dated = found
        r, lead = _read_from(head, paras, markdown, langs, default_tz, title, first_line, dated)
        r.warnings.append((paras[0].line, (
            f"lines {paras[0].line}-{paras[head].line - 1}, above the headline, read as the "
            "page's navigation and left out")))
    if cut is not None:
        r.warnings.append(
            (cut, f"release is too long: read the first {MAX_PARAGRAPHS} paragraphs; "
             "from here on the text is kept as one block")
        )
    day = r.release_date()
    dl = r.dateline
    if dl is None and r.wire_line is not None:
        dl = r.wire_line
    if dl is not None and dl.date_text and dl.date is None and _DIGIT.search(dl.date_text[-4:]):
        line = r.paras[lead].line if lead < len(r.paras) else None
        r.warnings.append((line, f"dateline date not understood: {dl.date_text!r}"))
    contacts, raw_contacts = r.contacts.result()
    for c in raw_contacts:
        if c.placeholder and not c.email:
            who = c.name or c.org or "a contact"
            r.warnings.append(
                (c.line, f"contact {who}: 'Email' appears without an address (a link lost "
                 "in export?)")
            )
    return TextReading(
        title=r.title,
        title_line=r.title_line,
        subtitles=tuple(r.subtitles),
        dateline_raw=dl.raw if dl is not None else None,
        dateline_city=dl.city if dl is not None else None,
        date=day,
        embargo_until=r.embargo_until,
        embargo_raw=r.embargo_raw,
        photo_caption=r.caption,
        photo_credit=r.credit,
        photo_url=r.photo_url,
        contacts=tuple(contacts),
        paragraphs=r.paragraphs(),
        end_mark=r.end_mark,
        about=tuple("\n\n".join(block) for block in r.about),
        notes=tuple("\n\n".join(block) for block in r.notes),
        warnings=tuple(r.warnings),
    )
