"""Findings: the engine's suggestions, one frozen type per kind, each with its links as fields.

Every finding carries its evidence (the claims, the rule that fired, a message quoting the sources, the
amount at stake in the currency of the pledge it would change) and the analyst's decision, if any. What a
finding does to the totals is not here: `ledger.engine.effects` tables it per kind, and everything that
presents totals reads that table.

A finding's rule and message are its `words` (`Words`): plain text, or what the text is made from, made
when it is read (a reconciliation makes tens of thousands of duplicate findings whose words most callers
never read). `finding.rule` and `finding.message` read the same either way, and findings whose words read
the same compare equal and hash alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

__all__ = [
    "FINDING_TYPES",
    "AggregateFinding",
    "AggregateTooSmall",
    "AlreadyProvided",
    "Baseline",
    "Contained",
    "Converted",
    "Duplicate",
    "Finding",
    "FindingKind",
    "Misreport",
    "OtherCurrency",
    "PossibleDuplicate",
    "PreviouslyAnnounced",
    "Proposed",
    "Repackaged",
    "Said",
    "UnitError",
    "Verdict",
    "Words",
]


class Verdict(StrEnum):
    """The analyst's word on a finding."""

    ACCEPT = "accept"
    REJECT = "reject"


class FindingKind(StrEnum):
    DUPLICATE = "duplicate"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    CONTAINED = "contained"
    AGGREGATE = "aggregate"
    AGGREGATE_TOO_SMALL = "aggregate_too_small"
    REPACKAGED = "repackaged"
    PREVIOUSLY_ANNOUNCED = "previously_announced"
    BASELINE = "baseline"
    ALREADY_PROVIDED = "already_provided"
    UNIT_ERROR = "unit_error"
    OTHER_CURRENCY = "other_currency"
    CONVERTED = "converted"
    PROPOSED = "proposed"
    MISREPORT = "misreport"


class Words(ABC):
    """What a finding says: the rule that fired and the message quoting the sources.

    Equal when they read the same, whatever they are made from (and hashed alike): a finding whose
    words are made on demand equals one holding the same text.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def rule(self) -> str:
        """The rule that fired, in words."""

    @property
    @abstractmethod
    def message(self) -> str:
        """The finding explained, quoting its sources."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Words):
            return NotImplemented
        return self is other or (self.rule, self.message) == (other.rule, other.message)

    def __hash__(self) -> int:
        return hash((self.rule, self.message))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rule={self.rule!r}, message={self.message!r})"


class Said(Words):
    """Words given as text."""

    __slots__ = ("_message", "_rule")

    def __init__(self, rule: str, message: str) -> None:
        self._rule = rule
        self._message = message

    @property
    def rule(self) -> str:
        return self._rule

    @property
    def message(self) -> str:
        return self._message


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A suggestion with its evidence, for the analyst to accept or reject.

    Each kind is a subclass whose extra fields name the pledges it links (`Contained.part`, ...). Its
    `rule` and `message` are read from its `words` (see `Words`: text, or made when read).
    """

    kind: ClassVar[FindingKind]
    id: str
    claims: tuple[str, ...]
    words: Words
    amount_at_stake: Decimal  # in `currency`: the currency of the pledge the finding would change
    currency: str
    decision: Verdict | None = None
    note: str = ""

    @property
    def rule(self) -> str:
        """The rule that fired, in words."""
        return self.words.rule

    @property
    def message(self) -> str:
        """The finding explained, quoting its sources."""
        return self.words.message

    @property
    def applies(self) -> bool:
        """Accepted and undecided findings shape the pledges and totals; rejected ones do not."""
        return self.decision is not Verdict.REJECT

    @property
    def target(self) -> str:
        """The pledge whose contribution the finding's effect falls on (see ledger.engine.effects)."""
        raise NotImplementedError

    def links(self) -> dict[str, str | tuple[str, ...]]:
        """The pledges the finding links, by role: {"part": "P-CNN-4", "whole": "P-BBC-1"}."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _COMMON}

    def pledges(self) -> tuple[str, ...]:
        """Every pledge the finding is about, each once, in the order of its links."""
        found: list[str] = []
        for value in self.links().values():
            found.extend((value,) if isinstance(value, str) else value)
        return tuple(dict.fromkeys(found))


_COMMON = frozenset(f.name for f in fields(Finding))


@dataclass(frozen=True, slots=True, kw_only=True)
class Duplicate(Finding):
    """Several claims report one pledge."""

    kind: ClassVar[FindingKind] = FindingKind.DUPLICATE
    pledge: str  # the pledge they make together

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class PossibleDuplicate(Finding):
    """Two pledges the evidence says may be one: the analyst decides; undecided, one counts only in the
    high bound."""

    kind: ClassVar[FindingKind] = FindingKind.POSSIBLE_DUPLICATE
    pledge: str  # the one that counts nothing if accepted (the smaller, or the later told)
    other: str  # the one that stands for both

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class Contained(Finding):
    """A smaller pledge that probably sits inside a larger one of the same donor."""

    kind: ClassVar[FindingKind] = FindingKind.CONTAINED
    part: str
    whole: str

    @property
    def target(self) -> str:
        return self.part


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateFinding(Finding):
    """A total over donors or pledges, and the pledges it can hold."""

    kind: ClassVar[FindingKind] = FindingKind.AGGREGATE
    aggregate: str
    parts: tuple[str, ...]  # in the total's currency: it counts only what it holds beyond them
    # pledges in another currency that fit it: linked for the analyst, never subtracted without a rate
    elsewhere: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        return self.aggregate


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateTooSmall(Finding):
    """A total smaller than the pledges it would have to hold."""

    kind: ClassVar[FindingKind] = FindingKind.AGGREGATE_TOO_SMALL
    aggregate: str
    parts: tuple[str, ...]

    @property
    def target(self) -> str:
        return self.aggregate


@dataclass(frozen=True, slots=True, kw_only=True)
class Repackaged(Finding):
    """Existing money announced again as new."""

    kind: ClassVar[FindingKind] = FindingKind.REPACKAGED
    pledge: str

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviouslyAnnounced(Finding):
    """Money a source says was announced before: a pledge, but not new money this time."""

    kind: ClassVar[FindingKind] = FindingKind.PREVIOUSLY_ANNOUNCED
    pledge: str
    earlier: tuple[str, ...] = ()  # the earlier announcement, when the ledger holds it

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline(Finding):
    """An increase "from X to Y": only Y - X is new money; X is the old level."""

    kind: ClassVar[FindingKind] = FindingKind.BASELINE
    pledge: str  # the increased pledge (Y)
    baseline: str  # the pledge holding the old level (X)

    @property
    def target(self) -> str:
        return self.baseline


@dataclass(frozen=True, slots=True, kw_only=True)
class AlreadyProvided(Finding):
    """Past money: provided before, not a pledge of this moment."""

    kind: ClassVar[FindingKind] = FindingKind.ALREADY_PROVIDED
    pledge: str

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitError(Finding):
    """A figure about 1,000 times smaller than another report of the same pledge."""

    kind: ClassVar[FindingKind] = FindingKind.UNIT_ERROR
    pledge: str  # the odd one out
    other: str  # the report it disagrees with

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherCurrency(Finding):
    """Possibly one pledge reported in two currencies with no rate between them."""

    kind: ClassVar[FindingKind] = FindingKind.OTHER_CURRENCY
    pledge: str  # the pledge that would count nothing if accepted
    other: str  # the same money in the other currency

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class Converted(Finding):
    """An outlet's own conversion of a figure stated in another currency: it counts in the original's."""

    kind: ClassVar[FindingKind] = FindingKind.CONVERTED
    pledge: str  # the conversion
    original: tuple[str, ...] = ()  # the figure it converts, when the ledger holds it

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class Proposed(Finding):
    """Money proposed, sought or aimed at: not (yet) pledged."""

    kind: ClassVar[FindingKind] = FindingKind.PROPOSED
    pledge: str

    @property
    def target(self) -> str:
        return self.pledge


@dataclass(frozen=True, slots=True, kw_only=True)
class Misreport(Finding):
    """A figure the analyst marked misreported: a slip in one report that the other sources do not share."""

    kind: ClassVar[FindingKind] = FindingKind.MISREPORT
    pledge: str

    @property
    def target(self) -> str:
        return self.pledge


# Every kind's type, in the order of FindingKind.
FINDING_TYPES: tuple[type[Finding], ...] = (
    Duplicate,
    PossibleDuplicate,
    Contained,
    AggregateFinding,
    AggregateTooSmall,
    Repackaged,
    PreviouslyAnnounced,
    Baseline,
    AlreadyProvided,
    UnitError,
    OtherCurrency,
    Converted,
    Proposed,
    Misreport,
)
