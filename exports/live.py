"""How each pledge counts as the analyst decides: what the report's live formulas read.

The report's totals are spreadsheet formulas, so that changing a Decision in Excel moves them. The rules
they follow are `ledger.engine.effects` (the one table of how each finding kind shapes the totals); the
engine's `Contribution` of each pledge names the findings that move it. Each pledge row carries a few
small numbers its formulas read:

- its *cut*: how much of it counts (`effects.Cut`: 0 all, 1 not in the low bound, 2 only in the high
  bound, 3 nothing); every finding that cuts it says how far by its state (CUT_LEVELS); the strongest wins.
- its *new-money cut*, the same scale, for findings that cut only its new money (repackaged).
- the *old level* of an increase it is (baseline findings): subtracted from its new money.
- whether it is a *total* (an aggregate finding applies) and what the total holds beyond its pledges
  (the *rest*, a value: it depends on the parts' own decisions, which a formula does not follow).

`counted` is `effects.count` for one pledge; tests hold the formulas' results equal to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ledger.core.findings import FindingKind
from ledger.core.model import Contribution, Pledge, Reconciliation
from ledger.core.money import AmountRange
from ledger.engine.effects import EFFECTS, State, count, state_of

__all__ = [
    "CUT_LEVELS",
    "NEW_MONEY_LEVELS",
    "Counted",
    "LivePledge",
    "State",
    "counted",
    "current_states",
    "live_pledges",
    "state_of",
]

# kind -> (cut when accepted, undecided, rejected), for the kinds that cut a pledge's contribution
CUT_LEVELS: Mapping[FindingKind, tuple[int, int, int]] = MappingProxyType(
    {
        kind: (int(e.distinct.accepted), int(e.distinct.undecided), int(e.distinct.rejected))
        for kind, e in EFFECTS.items()
        if e.distinct.moves
    }
)
# kind -> (cut of new money when accepted, undecided, rejected), for the kinds that cut only new money
NEW_MONEY_LEVELS: Mapping[FindingKind, tuple[int, int, int]] = MappingProxyType(
    {
        kind: (int(e.new_money.accepted), int(e.new_money.undecided), int(e.new_money.rejected))
        for kind, e in EFFECTS.items()
        if e.new_money.moves
    }
)


@dataclass(frozen=True, slots=True)
class LivePledge:
    """A pledge with the findings that move its contribution, and the values formulas cannot follow."""

    pledge: Pledge
    contribution: Contribution
    kinds: Mapping[str, FindingKind]  # the kind of each finding that moves it

    @property
    def cuts(self) -> tuple[tuple[str, FindingKind], ...]:
        """(finding id, kind) of the findings that cut what it counts."""
        return tuple((f, self.kinds[f]) for f in self.contribution.cut_by)

    @property
    def repackaged(self) -> tuple[tuple[str, FindingKind], ...]:
        """(finding id, kind) of the findings that cut only its new money."""
        return tuple((f, self.kinds[f]) for f in self.contribution.new_money_cut_by)

    @property
    def increases(self) -> tuple[tuple[str, AmountRange], ...]:
        """(baseline finding, old level) where it is the increase."""
        return self.contribution.old_levels

    @property
    def totals(self) -> tuple[str, ...]:
        """Aggregate findings where it is the total."""
        return self.contribution.totals

    @property
    def rest(self) -> AmountRange:
        """What the total holds beyond its pledges, at the current decisions of its parts."""
        return self.contribution.beyond_parts

    @property
    def findings(self) -> tuple[str, ...]:
        """Every finding whose decision the pledge's formulas read."""
        return self.contribution.findings


@dataclass(frozen=True, slots=True)
class Counted:
    """What one pledge adds to the totals, in `currency`, given the findings' states."""

    currency: str
    distinct: AmountRange
    new_money: AmountRange


def live_pledges(result: Reconciliation) -> tuple[LivePledge, ...]:
    """Each pledge of `result` with the findings that move it, in the order of `result.pledges`."""
    kinds = {f.id: f.kind for f in result.findings}
    return tuple(
        LivePledge(pledge, c, MappingProxyType({f: kinds[f] for f in c.findings}))
        for pledge, c in zip(result.pledges, result.contributions, strict=True)
    )


def counted(live: LivePledge, states: Mapping[str, State]) -> Counted:
    """What `live` contributes when its findings are in `states` (missing: undecided), as the formulas compute."""
    distinct, new_money = count(live.contribution, live.kinds, states)
    return Counted(live.contribution.currency, distinct, new_money)


def current_states(result: Reconciliation) -> dict[str, State]:
    """Each finding's state as `result` decided it."""
    return {f.id: state_of(f.decision) for f in result.findings}
