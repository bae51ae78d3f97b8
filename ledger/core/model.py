"""The ledger's values: sources, claims, pledges, findings, decisions, totals.

Every value is a frozen dataclass; collections are tuples (or frozensets), never None.
Nothing here reads or writes files: loading and saving workbooks is `ledger.workbook`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from ledger.core.findings import Finding, Verdict
from ledger.core.money import DEFAULT_TOLERANCE, AmountRange, Approximation, Money, Rate
from ledger.core.problems import LedgerError, Origin, Problem, Severity

if TYPE_CHECKING:
    from ledger.render.frames import Frames

F = TypeVar("F", bound=Finding)

# the one empty range every contribution without a total's rest shares (a frozen value: nothing can change it)
NO_RANGE = AmountRange.zero()

__all__ = [
    "Alias",
    "Approximation",
    "Built",
    "Claim",
    "Contribution",
    "CurrencyTotals",
    "Decision",
    "Instrument",
    "Ledger",
    "Period",
    "Pledge",
    "Qualifier",
    "QualifierKind",
    "Rate",
    "Reconciliation",
    "Settings",
    "Source",
    "YearConvention",
]


class Instrument(StrEnum):
    GRANT = "grant"
    LOAN = "loan"
    GUARANTEE = "guarantee"
    DEBT_RELIEF = "debt_relief"
    IN_KIND = "in_kind"
    MIXED = "mixed"
    UNKNOWN = "unknown"


class QualifierKind(StrEnum):
    REPACKAGED = "repackaged"
    AGGREGATE = "aggregate"
    ALREADY_PROVIDED = "already_provided"
    BASELINE = "baseline"
    PER_YEAR = "per_year"
    IN_ADDITION_TO = "in_addition_to"
    PART_OF = "part_of"
    INCLUDES = "includes"
    SAME_AS = "same_as"
    INCREASE_FROM = "increase_from"
    PREVIOUSLY_ANNOUNCED = "previously_announced"  # announced before: not new money this time
    NEW_MONEY = "new_money"  # "new and additional": the source says so; nothing named it is on top of
    TALLY = "tally"  # a running total or interim tally of a collective total: the latest one counts
    CONVERTED = "converted"  # an outlet's conversion of a figure stated in another currency
    PROPOSED = "proposed"  # money proposed, sought or aimed at, not (yet) pledged
    MISREPORT = "misreport"  # a figure the analyst judges misreported (a slip the other sources do not share)


# Qualifiers that must name another claim, and those that may.
TARGETED_QUALIFIERS = frozenset(
    {
        QualifierKind.IN_ADDITION_TO,
        QualifierKind.PART_OF,
        QualifierKind.INCLUDES,
        QualifierKind.SAME_AS,
    }
)
OPTIONALLY_TARGETED_QUALIFIERS = frozenset({QualifierKind.INCREASE_FROM, QualifierKind.CONVERTED})


@dataclass(frozen=True, slots=True)
class Qualifier:
    """What a source says about a claim's relation to other money: `in addition to CNN-2`."""

    kind: QualifierKind
    target: str | None = None  # a claim id, for the relational qualifiers

    def __str__(self) -> str:
        words = self.kind.value.replace("_", " ")
        return f"{words} {self.target}" if self.target else words


@dataclass(frozen=True, slots=True)
class Period:
    """The span the money covers (not the date it was announced). Either end may be open.

    `known` is False when the source gives no span at all; `text` keeps what the analyst typed.
    """

    start: date | None = None
    end: date | None = None
    text: str = ""

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"period starts after it ends: {self.start} > {self.end}")

    @property
    def known(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def bounded(self) -> bool:
        return self.start is not None and self.end is not None

    def overlaps(self, other: Period) -> bool:
        """Unknown periods overlap everything: they cannot rule a match out."""
        if not self.known or not other.known:
            return True
        if self.end is not None and other.start is not None and self.end < other.start:
            return False
        if other.end is not None and self.start is not None and other.end < self.start:
            return False
        return True

    def contains(self, other: Period, slack: timedelta = timedelta(0)) -> bool:
        """True when `other` lies inside this period, give or take `slack` at either end (periods such as
        "over three years" are read from each source's own date). An unknown period contains and fits
        anything."""
        if not self.known or not other.known:
            return True
        if self.start is not None and (other.start is None or other.start < self.start - slack):
            return False
        if self.end is not None and (other.end is None or other.end > self.end + slack):
            return False
        return True

    def iso(self) -> str:
        """ISO 8601 interval, `..` for an open end, '' when unknown."""
        if not self.known:
            return ""
        start = self.start.isoformat() if self.start else ".."
        end = self.end.isoformat() if self.end else ".."
        return f"{start}/{end}"

    @property
    def label(self) -> str:
        """For people: "2011", "2011-2013", "2011-06-22 to 2013-06-21", "until 2011-06-22", "unknown"."""
        start, end = self.start, self.end
        if start and end:
            if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
                return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
            return f"{start.isoformat()} to {end.isoformat()}"
        if end:
            return f"until {end.isoformat()}"
        if start:
            return f"from {start.isoformat()}"
        return "unknown"

    def __str__(self) -> str:
        return self.text or self.iso() or "unknown"


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    publisher: str = ""
    title: str = ""
    date: date | None = None
    url: str = ""
    origin: Origin = Origin()


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement in one source that money was or will be pledged."""

    id: str
    source: str  # a Source id
    donor: str
    amount: Money
    announced_by: str = ""
    recipient: str = ""
    purpose: str = ""
    approximation: Approximation = Approximation.EXACT
    period: Period = Period()
    instrument: Instrument = Instrument.UNKNOWN
    qualifiers: tuple[Qualifier, ...] = ()
    quote: str = ""
    origin: Origin = Origin()

    @property
    def currency(self) -> str:
        return str(self.amount.currency.code)

    @property
    def value(self) -> Decimal:
        amount: Decimal = self.amount.amount
        return amount

    def has(self, kind: QualifierKind) -> bool:
        # most claims have no qualifiers; the engine asks this of every claim several times
        return bool(self.qualifiers) and any(q.kind is kind for q in self.qualifiers)

    def targets(self, kind: QualifierKind) -> tuple[str, ...]:
        if not self.qualifiers:
            return ()
        return tuple(q.target for q in self.qualifiers if q.kind is kind and q.target)


@dataclass(frozen=True, slots=True)
class Alias:
    """A ledger's own name for a donor or recipient (the Aliases sheet): `name` means `means`.

    `parent` (optional) is the entity `means` belongs to ("Norfund" -> "Norway"); `kind` (optional) its
    kind, one of ledger.names.entities.EntityKind's values ("agency", "fund", ...).
    """

    name: str
    means: str
    parent: str = ""
    kind: str = ""
    origin: Origin = field(default=Origin(), compare=False)


class YearConvention(StrEnum):
    SPREAD = "spread"  # multi-year pledges spread over their years, to the cent
    WHOLE = "whole"  # multi-year pledges kept whole, outside single-year totals (as UN FTS does)


@dataclass(frozen=True, slots=True)
class Settings:
    base_currency: str = "USD"
    tolerance: Decimal = DEFAULT_TOLERANCE
    fiscal_year_start: int = 1  # month; 1 means calendar years

    def __post_init__(self) -> None:
        if not isinstance(self.tolerance, Decimal) or not Decimal(0) <= self.tolerance < Decimal(1):
            raise ValueError(f"tolerance must be a Decimal from 0 to under 1, got {self.tolerance!r}")
        if not 1 <= self.fiscal_year_start <= 12:
            raise ValueError(f"fiscal year start must be a month from 1 to 12, got {self.fiscal_year_start}")


@dataclass(frozen=True, slots=True)
class Decision:
    """The analyst's verdict on a finding, keyed by the finding's stable id."""

    finding: str
    verdict: Verdict
    note: str = ""
    by: str = ""
    at: str = ""  # ISO timestamp, as recorded by whoever stores decisions
    origin: Origin = Origin()


@dataclass(frozen=True, slots=True)
class Ledger:
    """Everything an analyst has recorded: the input to `reconcile`."""

    sources: tuple[Source, ...] = ()
    claims: tuple[Claim, ...] = ()
    aliases: tuple[Alias, ...] = ()  # on top of the shipped table
    rates: tuple[Rate, ...] = ()
    settings: Settings = Settings()
    decisions: tuple[Decision, ...] = ()
    name: str = ""

    def with_source(self, source: Source) -> Ledger:
        """A new ledger with `source` added."""
        return replace(self, sources=(*self.sources, source))

    def with_claim(self, claim: Claim) -> Ledger:
        """A new ledger with `claim` added."""
        return replace(self, claims=(*self.claims, claim))

    def with_decision(self, decision: Decision) -> Ledger:
        """A new ledger with `decision` recorded (replacing an earlier one on the same finding)."""
        kept = tuple(d for d in self.decisions if d.finding != decision.finding)
        return replace(self, decisions=(*kept, decision))

    def without_decision(self, finding_id: str) -> Ledger:
        """A new ledger with the decision on `finding_id` taken back: the finding is undecided again."""
        return replace(self, decisions=tuple(d for d in self.decisions if d.finding != finding_id))

    def decide(self, finding_id: str, verdict: Verdict | str, note: str = "") -> Ledger:
        """Accept or reject a finding: a new ledger with that decision."""
        return self.with_decision(Decision(finding_id, Verdict(verdict), note))


@dataclass(frozen=True, slots=True)
class Built:
    """A ledger and the problems met building it. With any error, `ledger` must not be used."""

    ledger: Ledger
    problems: tuple[Problem, ...] = ()
    unreadable: bool = False  # the file is not a readable spreadsheet at all: `problems` says why

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    def unwrap(self) -> Ledger:
        """The ledger, or LedgerError with every error."""
        if self.errors:
            raise LedgerError(self.errors)
        return self.ledger


@dataclass(frozen=True, slots=True)
class Pledge:
    """One underlying commitment and the claims that report it. Amounts are in `currency`."""

    id: str
    claims: tuple[str, ...]
    donor: str
    recipient: str
    purpose: str
    currency: str
    instrument: Instrument
    period: Period
    range: AmountRange
    converted_from: tuple[str, ...] = ()  # currencies converted with the analyst's rates


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one pledge adds to the totals once the findings are applied, and which findings move it.

    Amounts are in `currency` (the pledge's own), rounded to its minor unit. `ledger.engine.effects.count`
    recomputes `distinct` and `new_money` from the other fields for any decisions; the report's live
    formulas follow the same rules cell by cell.
    """

    pledge: str
    currency: str
    full: AmountRange  # the pledge's own range, before any finding
    distinct: AmountRange
    new_money: AmountRange
    cut_by: tuple[str, ...] = ()  # findings that cut what it counts (their kind's effect says how far)
    new_money_cut_by: tuple[str, ...] = ()  # findings that cut only its new money
    old_levels: tuple[tuple[str, AmountRange], ...] = ()  # (baseline finding, the old level, in `currency`)
    totals: tuple[str, ...] = ()  # aggregate findings: while one applies, it counts only `beyond_parts`
    beyond_parts: AmountRange = NO_RANGE  # what a total holds beyond its parts
    years: tuple[tuple[str, Decimal], ...] = ()  # the distinct nominal over its years, to the cent

    @property
    def findings(self) -> tuple[str, ...]:
        """Every finding whose decision can move this pledge's contribution."""
        return (*self.cut_by, *self.new_money_cut_by, *(f for f, _ in self.old_levels), *self.totals)


@dataclass(frozen=True, slots=True)
class CurrencyTotals:
    """Totals in one currency. Ranges are low / nominal / high."""

    currency: str
    naive: Decimal
    distinct: AmountRange
    new_money: AmountRange
    by_instrument: tuple[tuple[str, AmountRange], ...] = ()
    by_donor: tuple[tuple[str, AmountRange], ...] = ()
    by_recipient: tuple[tuple[str, AmountRange], ...] = ()
    by_year: tuple[tuple[str, Decimal], ...] = ()  # pledges spread over their years, to the cent
    by_year_whole: tuple[tuple[str, Decimal], ...] = ()  # multi-year pledges kept whole
    converted_from: tuple[str, ...] = ()
    rates: tuple[str, ...] = ()  # how each converted figure was converted


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What `reconcile` returns: pledges, findings, totals, and the problems met on the way."""

    ledger: Ledger
    pledges: tuple[Pledge, ...] = ()
    findings: tuple[Finding, ...] = ()
    totals: tuple[CurrencyTotals, ...] = ()
    base_totals: CurrencyTotals | None = None
    contributions: tuple[Contribution, ...] = ()  # one per pledge, in the order of `pledges`
    rates: tuple[Rate, ...] = ()  # the rates used: one per currency, into the base currency
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors

    def frames(self) -> Frames:
        """pledges, claims, findings and totals as pandas DataFrames, money as Decimal (the pandas extra)."""
        # the one call from the model up to rendering (pyproject's import contracts name it)
        from ledger.render.frames import frames

        return frames(self)

    def findings_of(self, kind: type[F]) -> tuple[F, ...]:
        """The findings of one kind, typed: `result.findings_of(ledger.Contained)`."""
        return tuple(f for f in self.findings if isinstance(f, kind))
