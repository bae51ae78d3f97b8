"""What drafting returns: drafts of claims and the figures it skipped, as frozen values.

Every draft keeps where its figure and sentence are in the text (so a page can highlight them), the
words that decided each field, and a confidence; every skipped figure says why it is not a claim.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ledger.core.model import Instrument, Period, Qualifier
from ledger.core.money import Approximation

__all__ = ["Confidence", "Draft", "DraftSource", "Drafts", "Evidence", "Figure", "SkippedFigure", "Span"]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Characters `start` to `end` (exclusive) of the drafted text."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class DraftSource:
    """The source the text comes from. `date` is what "this year" and "for the next two years" resolve
    against; without it relative periods stay unresolved and the drafts say so."""

    publisher: str = ""
    title: str = ""
    date: date | None = None
    url: str = ""
    id: str = ""  # a Sources ID to use; chosen from the publisher when blank


@dataclass(frozen=True, slots=True)
class Figure:
    """A money figure as written in the text, read to an amount."""

    span: Span  # the figure itself, approximation word included when it touches the figure
    text: str
    value: Decimal
    currency: str  # ISO 4217; "" when the text names none
    approximation: Approximation
    approximation_words: str = ""
    currency_words: str = ""  # what named the currency: "$", "euros", "(inherited from $33 billion)"


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words that decided one field of a draft, and the rule that read them."""

    field: str
    words: str
    rule: str
    span: Span | None = None  # where the words are in the text, when they are in it


@dataclass(frozen=True, slots=True)
class Confidence:
    """How sure the drafter is, 0 to 100, and what lowered it."""

    score: int = 90
    reasons: tuple[str, ...] = ()

    def lowered(self, by: int, reason: str) -> Confidence:
        return Confidence(max(0, self.score - by), (*self.reasons, reason))


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted claim: every ledger field, the quote (its whole sentence), and why.

    `id` is local to the drafts of one text (D1, D2, ...); qualifiers name other drafts by it.
    """

    id: str
    figure: Figure
    sentence: Span
    quote: str
    donor: str
    amount: Decimal
    currency: str
    announced_by: str = ""
    recipient: str = ""
    purpose: str = ""
    approximation: Approximation = Approximation.EXACT
    period: Period = Period()
    instrument: Instrument = Instrument.UNKNOWN
    qualifiers: tuple[Qualifier, ...] = ()
    reason: str = ""  # why the figure is a claim
    evidence: tuple[Evidence, ...] = ()
    confidence: Confidence = Confidence()
    notes: tuple[str, ...] = ()  # what the ledger has no field for: "converted", "proposed", ...

    def why(self, field: str) -> tuple[Evidence, ...]:
        """The evidence for one field ("donor", "period", ...)."""
        return tuple(e for e in self.evidence if e.field == field)


@dataclass(frozen=True, slots=True)
class SkippedFigure:
    """A money figure (or a percentage) that is not a claim, with the reason in a few words."""

    span: Span
    text: str
    sentence: Span
    quote: str
    reason: str
    words: str = ""  # the words that decided it
    words_span: Span | None = None
    # the figure drafted as if it were a claim, for an analyst who disagrees (None for a percentage);
    # numbered after the claims, so ids never clash, and never qualifying or qualified by them
    draft: Draft | None = None


@dataclass(frozen=True, slots=True)
class Drafts:
    """Everything drafted from one text: the text itself, its source, the drafts and the skipped figures.

    `language` is the language the text was read as ("en"); `notes` say what could not be done
    (a language not read, periods left unresolved for want of a date).
    """

    text: str
    source: DraftSource = DraftSource()
    drafts: tuple[Draft, ...] = ()
    skipped: tuple[SkippedFigure, ...] = ()
    language: str = "en"
    notes: tuple[str, ...] = ()

    @property
    def supported(self) -> bool:
        return self.language == "en"

    @property
    def set_aside(self) -> tuple[Draft, ...]:
        """The skipped money figures drafted as if they were claims (what a page offers unticked)."""
        return tuple(figure.draft for figure in self.skipped if figure.draft is not None)

    def only(self, ids: frozenset[str] | set[str] | tuple[str, ...]) -> Drafts:
        """The same drafts keeping only those with these ids (what the analyst left ticked)."""
        wanted = frozenset(ids)
        return replace(self, drafts=tuple(d for d in self.drafts if d.id in wanted))

    def draft(self, draft_id: str) -> Draft:
        """The draft with this id; KeyError when there is none."""
        for candidate in self.drafts:
            if candidate.id == draft_id:
                return candidate
        raise KeyError(draft_id)
