"""Sentences with their place in the text, by pysbd within each line.

A line break always ends a sentence (headlines, list items and datelines have no full stop), and a
piece that starts in lower case continues the one before it ("$550 mil. in aid" is one sentence).
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

from ledger.drafting.values import Span

with warnings.catch_warnings():
    # pysbd 0.3.4's patterns have escapes that newer Pythons warn about when compiling it afresh
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import pysbd

__all__ = ["split_sentences"]

_LINE = re.compile(r"[^\n]+")


@cache
def _segmenter() -> Any:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> tuple[Span, ...]:
    """The sentences of `text`, each as the span of its stripped words."""
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        pieces = _segmenter().segment(line.group())
        cursor = line.start()
        for piece in pieces:
            stripped = piece.strip()
            if not stripped:
                continue
            start = text.find(stripped, cursor, line.end())
            if start < 0:  # pysbd changed the piece; fall back to the rest of the line
                start = cursor
                stripped = text[cursor : line.end()].strip()
                start = text.find(stripped, cursor, line.end()) if stripped else cursor
            end = start + len(stripped)
            if spans and spans[-1].end > line.start() and _continues(stripped):
                spans[-1] = Span(spans[-1].start, end)
            elif stripped:
                spans.append(Span(start, end))
            cursor = end
            if cursor >= line.end():
                break
    return tuple(spans)


def _continues(piece: str) -> bool:
    """A piece starting in lower case was split off after an abbreviation ("mil.", "approx.")."""
    first = piece[:1]
    return first.isalpha() and first.islower()
