"""THE table: how each kind of finding shapes the totals, by the analyst's decision on it.

Everything that presents totals reads this module: the engine's `total` pass counts with `count`, the
Excel report's live formulas follow the same cuts (so changing a Decision in Excel moves the totals the
same way), and the web pages take each kind's label and the words for what accepting or rejecting does.

A finding's effect falls on one pledge, its `target` (the contained part, the odd figure, the old level
of an increase, the total). A *cut* says how much of that pledge still counts:

| cut       | low | nominal | high | for                                                     |
|-----------|-----|---------|------|---------------------------------------------------------|
| NONE      | yes | yes     | yes  | counts in full                                          |
| LOW       | no  | yes     | yes  | out of the low bound only (repackaged, undecided)       |
| HIGH_ONLY | no  | no      | yes  | counts only in the high bound (contained, undecided)    |
| ALL       | no  | no      | no   | counts nothing                                          |

Several findings on one pledge: the strongest cut wins. Rejected findings change nothing, except that a
rejected duplicate leaves its claims as pledges of their own (grouping happens before totals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from types import MappingProxyType

from ledger.core.findings import FindingKind, Verdict
from ledger.core.model import Contribution
from ledger.core.money import AmountRange

__all__ = [
    "EFFECTS",
    "ByState",
    "Cut",
    "Effect",
    "State",
    "count",
    "count_moves",
    "cut_range",
    "state_of",
]


class State(StrEnum):
    """A finding's decision as the totals read it."""

    ACCEPTED = "accepted"
    UNDECIDED = "undecided"
    REJECTED = "rejected"


def state_of(verdict: Verdict | None) -> State:
    """The state of a finding with this verdict (None: undecided)."""
    if verdict is Verdict.ACCEPT:
        return State.ACCEPTED
    if verdict is Verdict.REJECT:
        return State.REJECTED
    return State.UNDECIDED


class Cut(IntEnum):
    """How much of its target pledge a finding removes; larger cuts remove more (see the module's table)."""

    NONE = 0
    LOW = 1
    HIGH_ONLY = 2
    ALL = 3


ZERO = Decimal(0)


def cut_range(r: AmountRange, cut: Cut) -> AmountRange:
    """What is left of `r` after `cut`."""
    if cut is Cut.NONE:
        return r
    return AmountRange(
        ZERO,
        ZERO if cut >= Cut.HIGH_ONLY else r.nominal,
        ZERO if cut >= Cut.ALL else r.high,
    )


@dataclass(frozen=True, slots=True)
class ByState:
    """A cut for each decision a finding can be in."""

    accepted: Cut = Cut.NONE
    undecided: Cut = Cut.NONE
    rejected: Cut = Cut.NONE

    def __call__(self, state: State) -> Cut:
        if state is State.ACCEPTED:
            return self.accepted
        if state is State.REJECTED:
            return self.rejected
        return self.undecided

    @property
    def moves(self) -> bool:
        """Whether any decision cuts anything."""
        return any(cut is not Cut.NONE for cut in (self.accepted, self.undecided, self.rejected))


@dataclass(frozen=True, slots=True)
class Effect:
    """What one kind of finding does to the totals, and the words the pages and the report use for it."""

    kind: FindingKind
    label: str  # a heading: "Duplicate reports"
    noun: str  # one finding of the kind, in a sentence: "duplicate reports"
    meaning: str  # what the finding says, for the Read me and the pages
    if_accepted: str  # what accepting it does to the totals, in words
    if_undecided: str
    if_rejected: str
    distinct: ByState = ByState()  # the cut on the target's distinct contribution
    new_money: ByState = ByState()  # the cut on the target's new money only
    old_level: bool = False  # while it applies, the increase's new money is less the target's old level
    holds_parts: bool = (
        False  # while it applies, the target (a total) counts only what it holds beyond its parts
    )
    regroups: bool = False  # its claims count as one pledge while it applies (grouping, before totals)

    def words(self, state: State) -> str:
        """What the finding does to the totals in `state`."""
        if state is State.ACCEPTED:
            return self.if_accepted
        if state is State.REJECTED:
            return self.if_rejected
        return self.if_undecided


_NOTHING = "changes nothing"

EFFECTS: Mapping[FindingKind, Effect] = MappingProxyType(
    {
        effect.kind: effect
        for effect in (
            Effect(
                FindingKind.DUPLICATE,
                "Duplicate reports",
                "duplicate reports",
                "several claims report one pledge",
                "its claims count once, as one pledge",
                "its claims count once, as one pledge",
                "each claim counts as a pledge of its own",
                regroups=True,
            ),
            Effect(
                FindingKind.POSSIBLE_DUPLICATE,
                "Possible duplicates",
                "possibly one pledge",
                "two pledges the evidence says may be one pledge told twice",
                "the smaller counts nothing: one pledge, counted once",
                "the smaller counts only in the high bound",
                "both count in full",
                distinct=ByState(Cut.ALL, Cut.HIGH_ONLY, Cut.NONE),
            ),
            Effect(
                FindingKind.CONTAINED,
                "Contained pledges",
                "a contained pledge",
                "a smaller pledge probably sits inside a larger one of the same donor",
                "the smaller pledge counts nothing",
                "the smaller pledge counts only in the high bound",
                _NOTHING,
                distinct=ByState(Cut.ALL, Cut.HIGH_ONLY, Cut.NONE),
            ),
            Effect(
                FindingKind.AGGREGATE,
                "Totals over donors",
                "a total over donors",
                "a total over donors or pledges that holds other pledges",
                "the total counts only what it holds beyond its pledges",
                "the total counts only what it holds beyond its pledges",
                "the total counts in full, on top of its pledges",
                holds_parts=True,
            ),
            Effect(
                FindingKind.AGGREGATE_TOO_SMALL,
                "Totals too small",
                "a total too small for its pledges",
                "a total smaller than the pledges it would have to hold",
                _NOTHING,
                _NOTHING,
                _NOTHING,
            ),
            Effect(
                FindingKind.REPACKAGED,
                "Repackaged money",
                "repackaged money",
                "existing money announced again as new",
                "the pledge counts, but not as new money",
                "the pledge counts, but not as new money in the low bound",
                _NOTHING,
                new_money=ByState(Cut.ALL, Cut.LOW, Cut.NONE),
            ),
            Effect(
                FindingKind.PREVIOUSLY_ANNOUNCED,
                "Announced before",
                "money announced before",
                "money a source says was announced before: a pledge, but not new money this time",
                "the pledge counts, but not as new money",
                "the pledge counts, but not as new money in the low bound",
                _NOTHING,
                new_money=ByState(Cut.ALL, Cut.LOW, Cut.NONE),
            ),
            Effect(
                FindingKind.BASELINE,
                "Baselines",
                "a baseline",
                'an increase "from X to Y": only the increase is new money',
                "the old level counts nothing and only the increase is new money",
                "the old level counts nothing and only the increase is new money",
                _NOTHING,
                distinct=ByState(Cut.ALL, Cut.ALL, Cut.NONE),
                old_level=True,
            ),
            Effect(
                FindingKind.ALREADY_PROVIDED,
                "Money already provided",
                "money already provided",
                "past money, not a pledge of this moment",
                "the past money counts nothing",
                "the past money counts nothing",
                "the money counts as a pledge",
                distinct=ByState(Cut.ALL, Cut.ALL, Cut.NONE),
            ),
            Effect(
                FindingKind.UNIT_ERROR,
                "Unit slips",
                "a unit slip",
                "a figure about 1,000 times smaller than another report of the same pledge",
                "the odd figure counts nothing",
                "the odd figure counts only in the high bound",
                _NOTHING,
                distinct=ByState(Cut.ALL, Cut.HIGH_ONLY, Cut.NONE),
            ),
            Effect(
                FindingKind.OTHER_CURRENCY,
                "Other currencies",
                "the same pledge in another currency",
                "possibly one pledge reported in two currencies with no rate between them",
                "the pledge counts nothing in its currency",
                _NOTHING,
                _NOTHING,
                distinct=ByState(Cut.ALL, Cut.NONE, Cut.NONE),
            ),
            Effect(
                FindingKind.CONVERTED,
                "Conversions",
                "an outlet's conversion",
                "an outlet's own conversion of a figure stated in another currency",
                "the conversion counts nothing: the money counts in the currency it was stated in",
                "the conversion counts nothing: the money counts in the currency it was stated in",
                "the conversion counts as money of its own currency",
                distinct=ByState(Cut.ALL, Cut.ALL, Cut.NONE),
            ),
            Effect(
                FindingKind.PROPOSED,
                "Proposed, not pledged",
                "money proposed, not pledged",
                "money proposed, sought or aimed at, not (yet) pledged",
                "the proposal counts nothing",
                "the proposal counts only in the high bound",
                "the proposal counts as a pledge",
                distinct=ByState(Cut.ALL, Cut.HIGH_ONLY, Cut.NONE),
            ),
            Effect(
                FindingKind.MISREPORT,
                "Misreported figures",
                "a misreported figure",
                "a figure the analyst marked misreported: a slip in one report that the other sources do not share",
                "the misreported figure counts nothing",
                "the misreported figure counts nothing",
                "the figure counts as reported",
                distinct=ByState(Cut.ALL, Cut.ALL, Cut.NONE),
            ),
        )
    }
)


def _narrowest(a: AmountRange, b: AmountRange) -> AmountRange:
    low, nominal, high = min(a.low, b.low), min(a.nominal, b.nominal), min(a.high, b.high)
    return AmountRange(low, min(max(nominal, low), high), high)


def _less(r: AmountRange, old: AmountRange) -> AmountRange:
    """Interval subtraction, never below zero: the increase over an old level."""
    low = max(r.low - old.high, ZERO)
    nominal = max(r.nominal - old.nominal, low)
    high = max(r.high - old.low, nominal)
    return AmountRange(low, nominal, high)


def count(
    contribution: Contribution, kinds: Mapping[str, FindingKind], states: Mapping[str, State]
) -> tuple[AmountRange, AmountRange]:
    """(distinct, new money) of one pledge when its findings are in `states` (a missing one: undecided).

    `kinds` gives each finding id's kind. This is the one statement of the rules: the engine totals with
    it, and the report's formulas compute the same thing cell by cell.
    """
    c = contribution
    return count_moves(
        c.full, c.cut_by, c.new_money_cut_by, c.old_levels, c.totals, c.beyond_parts, kinds, states
    )


def count_moves(
    full: AmountRange,
    cut_by: Sequence[str],
    new_money_cut_by: Sequence[str],
    old_levels: Sequence[tuple[str, AmountRange]],
    totals: Sequence[str],
    beyond_parts: AmountRange,
    kinds: Mapping[str, FindingKind],
    states: Mapping[str, State],
) -> tuple[AmountRange, AmountRange]:
    """`count`, from a contribution's parts (the engine counts before it makes the Contribution)."""

    def state(finding: str) -> State:
        return states.get(finding, State.UNDECIDED)

    # a total counts only what it holds beyond its parts; every other finding on it cuts that rest
    base = beyond_parts if any(state(f) is not State.REJECTED for f in totals) else full
    cut = max((EFFECTS[kinds[f]].distinct(state(f)) for f in cut_by), default=Cut.NONE)
    distinct = cut_range(base, cut)
    new_cut = max((EFFECTS[kinds[f]].new_money(state(f)) for f in new_money_cut_by), default=Cut.NONE)
    old = [level for f, level in old_levels if state(f) is not State.REJECTED]
    if new_cut is Cut.NONE and not old:
        return distinct, distinct
    new_money = cut_range(distinct, new_cut)
    if old:
        new_money = _less(new_money, sum(old, AmountRange.zero()))
    return distinct, _narrowest(new_money, distinct)
