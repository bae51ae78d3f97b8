"""Which language a text is in, by its commonest short words: the drafter reads English only.

A text whose function words are mostly German, French or Spanish gets a clear "not supported" rather
than drafts read with English rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["LANGUAGE_NAMES", "detect_language"]

_FUNCTION_WORDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "en": frozenset(
            [
                "the",
                "of",
                "and",
                "to",
                "in",
                "is",
                "was",
                "for",
                "that",
                "on",
                "with",
                "as",
                "by",
                "at",
                "from",
                "it",
                "an",
                "be",
                "are",
                "has",
                "have",
                "were",
                "its",
                "this",
                "said",
                "which",
                "but",
                "not",
                "would",
                "will",
                "their",
                "they",
            ]
        ),
        "de": frozenset(
            [
                "der",
                "die",
                "das",
                "und",
                "ist",
                "nicht",
                "mit",
                "den",
                "dem",
                "des",
                "ein",
                "eine",
                "einen",
                "für",
                "auf",
                "sich",
                "auch",
                "von",
                "zu",
                "im",
                "wird",
                "wurde",
                "sind",
                "hat",
                "bei",
                "aus",
                "nach",
                "dass",
            ]
        ),
        "fr": frozenset(
            [
                "le",
                "la",
                "les",
                "et",
                "est",
                "des",
                "une",
                "un",
                "du",
                "dans",
                "pour",
                "que",
                "qui",
                "sur",
                "par",
                "avec",
                "au",
                "aux",
                "ne",
                "pas",
                "sont",
                "été",
            ]
        ),
        "es": frozenset(
            [
                "el",
                "la",
                "los",
                "las",
                "y",
                "es",
                "del",
                "una",
                "un",
                "en",
                "para",
                "que",
                "por",
                "con",
                "se",
                "su",
                "al",
                "lo",
                "como",
                "más",
            ]
        ),
    }
)
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}
)
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str:
    """ "en", "de", "fr" or "es": the language whose function words the text uses most (English on a tie)."""
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in _WORD.findall(text.lower()):
        for language, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[language] += 1
    best = max(counts, key=lambda language: (counts[language], language == "en"))
    return best if counts[best] > counts["en"] else "en"
