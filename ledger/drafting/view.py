"""One sentence as the drafting rules see it: its tokens, figures, parties and people, and its clauses."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.drafting.figures import FoundFigure
from ledger.drafting.parties import Party
from ledger.drafting.people import Mention
from ledger.drafting.tokens import CLAUSE_BREAKS, Token
from ledger.drafting.values import Span

__all__ = ["Placed", "SentenceView", "place_figures"]

_APPROXIMATION_WORDS = frozenset(
    {"about", "around", "some", "roughly", "approximately", "nearly", "almost", "c."}
)


@dataclass(frozen=True, slots=True)
class Placed:
    """A figure among the sentence's tokens (`first` to `last`, inclusive).

    `converts` is the index (among the sentence's figures) of the figure this one restates in another
    currency, for "£600 million (US$1.17 billion)"; None otherwise.
    """

    found: FoundFigure
    first: int
    last: int
    converts: int | None = None


@dataclass(frozen=True, slots=True)
class SentenceView:
    text: str
    span: Span
    number: int  # the sentence's place in the text, from 0
    tokens: tuple[Token, ...]
    figures: tuple[Placed, ...]
    parties: tuple[Party, ...]
    mentions: tuple[Mention, ...]

    @property
    def quote(self) -> str:
        return self.span.of(self.text)

    def clause_bounds(self, index: int) -> tuple[int, int]:
        """The first and last token of the clause holding token `index`."""
        start = index
        while start > 0 and self.tokens[start - 1].lower not in CLAUSE_BREAKS:
            start -= 1
        end = index
        while end + 1 < len(self.tokens) and self.tokens[end + 1].lower not in CLAUSE_BREAKS:
            end += 1
        return start, end

    def figure_at(self, index: int) -> int | None:
        """The figure (by its index among the sentence's figures) that token `index` belongs to."""
        for number, placed in enumerate(self.figures):
            if placed.first <= index <= placed.last:
                return number
        return None

    def party_at(self, index: int) -> Party | None:
        for party in self.parties:
            if party.first <= index <= party.last:
                return party
        return None

    def words(self, first: int, last: int) -> str:
        """The text from token `first` to token `last`, as written."""
        if first > last:
            return ""
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def words_span(self, first: int, last: int) -> Span:
        return Span(self.tokens[first].start, self.tokens[last].end)


def place_figures(tokens: tuple[Token, ...], found: tuple[FoundFigure, ...]) -> tuple[Placed, ...]:
    """Each figure with its tokens, and which figures restate another in brackets or after "or"."""
    placed: list[Placed] = []
    for figure in found:
        inside = [i for i, t in enumerate(tokens) if t.start < figure.span.end and figure.span.start < t.end]
        if inside:
            placed.append(Placed(figure, inside[0], inside[-1]))
    out: list[Placed] = []
    for number, item in enumerate(placed):
        converts = _converts(tokens, placed, number, out)
        out.append(Placed(item.found, item.first, item.last, converts))
    return tuple(out)


def _converts(
    tokens: tuple[Token, ...], placed: list[Placed], number: int, earlier: list[Placed]
) -> int | None:
    """The figure this one restates: "X (Y)", "X (Y, Z)", "X, or Y"; money figures only."""
    if number == 0 or placed[number].found.kind != "money":
        return None
    between = [
        t.text
        for t in tokens[placed[number - 1].last + 1 : placed[number].first]
        if t.lower not in _APPROXIMATION_WORDS  # "(about $7.4 million)"
    ]
    previous = earlier[number - 1]
    origin = previous.converts if previous.converts is not None and between in ([","], [";"]) else number - 1
    if placed[origin].found.kind != "money":
        return None
    after = tokens[placed[number].last + 1].text if placed[number].last + 1 < len(tokens) else ""
    if between == ["("] and after in (")", ","):
        return origin
    if between == [","] and previous.converts is not None:
        return origin  # the second figure of "(US$81 million, 60 million euros)"
    if between in ([",", "or"], ["or"]):
        return origin
    return None
