"""Words of a sentence with their place in the text: what the drafting rules look at."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ledger.drafting.values import Span

__all__ = ["CLAUSE_BREAKS", "Token", "tokenize"]

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N., E.U.
    r"|\w+(?:[’'\-]\w+)*(?:[’']s\b)?"  # words, hyphenated words and possessives: Israel-Hamas, Japan's
    r"|[$€£¥₹¤]|[^\w\s]",
)
# Words and marks that end a clause: cues beyond them speak of other figures.
CLAUSE_BREAKS = frozenset({";", "while", "whereas", "although", "though", "but", "—", "–", "-", "?", "!"})


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def bare(self) -> str:
        """The word without a possessive ending, in lower case: "japan's" -> "japan"."""
        word = self.text.lower()
        return word[:-2] if word.endswith(("'s", "’s")) else word

    @property
    def possessive(self) -> bool:
        return self.text.endswith(("'s", "’s"))

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def tokenize(text: str, span: Span) -> tuple[Token, ...]:
    """The tokens of `span` in `text`, with offsets into `text`."""
    body = span.of(text)
    return tuple(
        Token(m.group(), span.start + m.start(), span.start + m.end()) for m in _TOKEN.finditer(body)
    )
