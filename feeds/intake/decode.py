"""Bytes to clean text: encodings, binary refusal, characters XML cannot carry."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from feeds.errors import FileRefused

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# XML 1.0 cannot carry C0 controls other than TAB, LF, CR, nor surrogates, U+FFFE, U+FFFF.
# C1 controls are legal but never meaningful in a release; the bidi overrides LRO/RLO are
# spoofing tools (a "gnp.exe" that reads as "exe.png"); U+FEFF inside text is a stray BOM.
_UNCARRIABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\ufeff\u202d\u202e]")


_PREFERRED = ["cp1252", "latin_1", "iso8859_15", "cp1250", "cp1251", "mac_roman"]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def strip_uncarriable(text: str) -> str:
    """Remove every character XML 1.0 cannot carry (and a few that only deceive)."""
    return text if text.isprintable() else _UNCARRIABLE.sub("", text)


def clean_text(text: str) -> str:
    """Normalise newlines and Unicode (NFC) and drop characters XML cannot carry."""
    return _clean(text)[0]


def _clean(text: str) -> tuple[str, int]:
    """``clean_text`` and how many characters it removed."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:  # Unicode's own line and paragraph separators
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if text.replace("\n", " ").replace("\t", " ").isprintable():
        removed = 0  # all that _UNCARRIABLE matches is unprintable: a quick test for none
    else:
        text, removed = _UNCARRIABLE.subn("", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, removed


def decode(data: bytes, path: str) -> Decoded:
    """Decode a content file; refuse what is not text."""
    if not data.strip():
        raise FileRefused(path, "empty file: nothing to publish")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as e:
                raise FileRefused(
                    path, f"starts with a {encoding} byte-order mark but is not {encoding}: {e.reason} "
                    f"at byte {e.start + len(bom)}",
                ) from None
            return _checked(_cleaned(text, encoding, path), path)
    nuls = data.count(0)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if nuls:
            raise FileRefused(
                path, f"binary file ({nuls} NUL bytes, not UTF-8): not a text release"
            ) from None
        first_bad = e.start
    else:
        if nuls > max(8, len(data) // 100):
            raise FileRefused(path, f"binary file ({nuls} NUL bytes): not a text release")
        return _checked(_cleaned(text, "utf-8", path), path)
    import charset_normalizer  # only for the rare file that is not UTF-8

    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise FileRefused(
            path, f"not text: invalid UTF-8 at byte {first_bad} and no known encoding fits"
        )
    # Short texts fit several code pages equally well; among the near-ties prefer the
    # Western ones a press office most likely saved with.
    least_chaos = min(m.chaos for m in matches)
    near = [m for m in matches if m.chaos <= least_chaos + 0.01]
    best_coherence = max(m.coherence for m in near)
    near = [m for m in near if m.coherence >= best_coherence - 0.05]
    encoding = min(
        near, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else 99
    ).encoding
    text = data.decode(encoding, errors="strict")
    warning = (
        f"not UTF-8 (invalid byte at offset {first_bad}); decoded as {encoding}, "
        "detected: save the file as UTF-8 to be sure"
    )
    return _checked(_cleaned(text, encoding, path, warning), path)


def _cleaned(text: str, encoding: str, path: str, *warnings: str) -> Decoded:
    cleaned, removed = _clean(text)
    if removed > max(16, len(text) // 4):
        raise FileRefused(path, f"not text: {removed} of {len(text)} characters are control characters")
    if removed:
        warnings += (f"removed {removed} control or non-characters that feeds and email cannot carry",)
    return Decoded(cleaned, encoding, warnings)


def _checked(decoded: Decoded, path: str) -> Decoded:
    if not decoded.text.strip():
        raise FileRefused(path, "empty file: only white space or control characters")
    return decoded
