"""How each pledge counts as the analyst decides: the rules the report's live formulas follow.

The report's totals are spreadsheet formulas, so that changing a Decision in Excel moves them. Each pledge
row carries a few small numbers that its formulas read:

- its *cut*: 0 counts in full, 1 counts only in the high bound, 2 counts nothing. Every finding that
  removes the pledge says how far, by its state (see CUT_LEVELS); the strongest wins.
- its *repackaged* level: 0 all new money, 1 no new money in the low bound, 2 no new money.
- the *old level* of an increase it is (baseline findings): subtracted from its new money.
- whether it is a *total* (an aggregate finding applies) and what the total holds beyond its pledges
  (the *rest*, a value: it depends on the parts' own decisions, which a formula does not follow).

`counted` computes what one pledge contributes from those numbers exactly as the formulas do; the report
stores its results beside the formulas, and tests hold it equal to the engine's totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from ledger.core.model import Finding, FindingKind, Pledge, Reconciliation, Verdict
from ledger.core.money import AmountRange
from ledger.engine.normalise import Role, choose_rates
from ledger.engine.total import contributions
from ledger.engine.views import PledgeView

__all__ = [
    "CUT_LEVELS",
    "Counted",
    "LivePledge",
    "State",
    "counted",
    "current_states",
    "cut_level",
    "live_pledges",
    "repackaged_level",
    "state_of",
]


class State(StrEnum):
    """A finding's decision as the formulas read it."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNDECIDED = "undecided"


def state_of(verdict: Verdict | None) -> State:
    """The state of a finding with this verdict (None: undecided)."""
    if verdict is Verdict.ACCEPT:
        return State.ACCEPTED
    if verdict is Verdict.REJECT:
        return State.REJECTED
    return State.UNDECIDED


# (kind -> cut when accepted, undecided, rejected), as ledger/total.py's table says. BASELINE cuts its old level.
CUT_LEVELS: Mapping[FindingKind, tuple[int, int, int]] = {
    FindingKind.CONTAINED: (2, 1, 0),
    FindingKind.UNIT_ERROR: (2, 1, 0),
    FindingKind.OTHER_CURRENCY: (2, 0, 0),
    FindingKind.ALREADY_PROVIDED: (2, 2, 0),
    FindingKind.BASELINE: (2, 2, 0),
}
_REPACKAGED_LEVELS = (2, 1, 0)
ZERO = AmountRange.zero()
_STATE_INDEX = {State.ACCEPTED: 0, State.UNDECIDED: 1, State.REJECTED: 2}


def cut_level(kind: FindingKind, state: State) -> int:
    """How far a finding of `kind` in `state` removes its pledge: 0 not at all, 1 but the high bound, 2 wholly."""
    return CUT_LEVELS[kind][_STATE_INDEX[state]]


def repackaged_level(state: State) -> int:
    """How much new money a repackaged finding in `state` removes: 0 none, 1 the low bound, 2 all."""
    return _REPACKAGED_LEVELS[_STATE_INDEX[state]]


@dataclass(frozen=True, slots=True)
class LivePledge:
    """A pledge with the findings that move its contribution, and the values formulas cannot follow."""

    pledge: Pledge
    cuts: tuple[tuple[str, FindingKind], ...] = ()  # (finding id, kind) of findings that remove it
    repackaged: tuple[str, ...] = ()  # repackaged findings on it
    increases: tuple[
        tuple[str, AmountRange], ...
    ] = ()  # (baseline finding, old level) where it is the increase
    totals: tuple[str, ...] = ()  # aggregate findings where it is the total
    rest: AmountRange = ZERO  # what the total holds beyond its pledges, at the current decisions
    compare_currency: str = ""  # the currency the rest counts in

    @property
    def findings(self) -> tuple[str, ...]:
        """Every finding whose decision the pledge's formulas read."""
        return (
            *(f for f, _ in self.cuts),
            *self.repackaged,
            *(f for f, _ in self.increases),
            *self.totals,
        )


@dataclass(frozen=True, slots=True)
class Counted:
    """What one pledge adds to the totals, in `currency`, given the findings' states."""

    currency: str
    distinct: AmountRange
    new_money: AmountRange


def _compare_view(pledge: Pledge, rates: Mapping[str, tuple[str, Decimal]]) -> PledgeView:
    """The engine's view of a pledge, as far as totals need it: its range in the currency it compares in."""
    compare_currency, compare_range = pledge.currency, pledge.range
    if not pledge.converted_from and pledge.currency in rates:
        base, rate = rates[pledge.currency]
        compare_currency, compare_range = base, pledge.range.scaled(rate)
    return PledgeView(pledge, (), Role.PLEDGE, False, compare_currency, compare_range)


def live_pledges(result: Reconciliation) -> tuple[LivePledge, ...]:
    """Each pledge of `result` with the findings that move it, in the order of `result.pledges`."""
    rates = {
        code: (rate.base, rate.rate)
        for code, rate in choose_rates(result.ledger.rates, result.ledger.settings.base_currency).items()
    }
    views = tuple(_compare_view(p, rates) for p in result.pledges)
    by_id = {v.id: v for v in views}
    cuts: dict[str, list[tuple[str, FindingKind]]] = defaultdict(list)
    repackaged: dict[str, list[str]] = defaultdict(list)
    increases: dict[str, list[tuple[str, AmountRange]]] = defaultdict(list)
    totals: dict[str, list[str]] = defaultdict(list)
    for finding in result.findings:
        _link(finding, by_id, cuts, repackaged, increases, totals)
    # the rest a total holds is wanted even where its finding is rejected now, for when it is accepted
    as_if_applying = tuple(
        replace(f, decision=None) if f.kind is FindingKind.AGGREGATE and not f.applies else f
        for f in result.findings
    )
    rests = {c.view.id: c for c in contributions(views, as_if_applying) if c.view.id in totals}
    live = []
    for view in views:
        pid = view.id
        rest = rests.get(pid)
        live.append(
            LivePledge(
                pledge=view.pledge,
                cuts=tuple(cuts.get(pid, ())),
                repackaged=tuple(repackaged.get(pid, ())),
                increases=tuple(increases.get(pid, ())),
                totals=tuple(totals.get(pid, ())),
                rest=rest.distinct.quantized(rest.currency) if rest else AmountRange.zero(),
                compare_currency=view.compare_currency,
            )
        )
    return tuple(live)


def _link(
    finding: Finding,
    views: Mapping[str, PledgeView],
    cuts: dict[str, list[tuple[str, FindingKind]]],
    repackaged: dict[str, list[str]],
    increases: dict[str, list[tuple[str, AmountRange]]],
    totals: dict[str, list[str]],
) -> None:
    """Record which pledges a finding moves, and how (as ledger/total.py applies it)."""
    kind = finding.kind
    pledge, part, baseline, aggregate = finding.pledge, finding.part, finding.baseline, finding.aggregate
    if kind is FindingKind.CONTAINED:
        if part is not None and part in views:
            cuts[part].append((finding.id, kind))
    elif kind in (FindingKind.UNIT_ERROR, FindingKind.OTHER_CURRENCY, FindingKind.ALREADY_PROVIDED):
        if pledge is not None and pledge in views:
            cuts[pledge].append((finding.id, kind))
    elif kind is FindingKind.BASELINE:
        if pledge is not None and baseline is not None and pledge in views and baseline in views:
            cuts[baseline].append((finding.id, kind))
            new, old = views[pledge].pledge, views[baseline].pledge
            if new.currency == old.currency:
                increases[new.id].append((finding.id, old.range))
    elif kind is FindingKind.REPACKAGED:
        if pledge is not None and pledge in views:
            repackaged[pledge].append(finding.id)
    elif kind is FindingKind.AGGREGATE and aggregate is not None and aggregate in views:
        totals[aggregate].append(finding.id)


def _max(values: list[int]) -> int:
    return max(values, default=0)


def counted(live: LivePledge, states: Mapping[str, State]) -> Counted:
    """What `live` contributes when its findings are in `states` (missing: undecided), as the formulas compute.

    Amounts are quantized to the pledge's currency first, as the report writes them.
    """
    p = live.pledge

    def state(finding: str) -> State:
        return states.get(finding, State.UNDECIDED)

    if any(state(f) is not State.REJECTED for f in live.totals):
        return Counted(live.compare_currency, live.rest, live.rest)
    full = p.range.quantized(p.currency)
    cut = _max([cut_level(kind, state(f)) for f, kind in live.cuts])
    zero = Decimal(0)
    low = zero if cut >= 1 else full.low
    nominal = zero if cut >= 1 else full.nominal
    high = zero if cut >= 2 else full.high
    distinct = AmountRange(low, nominal, high)

    repack = _max([repackaged_level(state(f)) for f in live.repackaged])
    new_low = zero if repack >= 1 else low
    new_nominal = zero if repack >= 2 else nominal
    new_high = zero if repack >= 2 else high
    old = AmountRange.zero()
    for f, level in live.increases:
        if state(f) is not State.REJECTED:
            old = old + level.quantized(p.currency)
    new_low = max(new_low - old.high, zero)
    new_nominal = max(new_nominal - old.nominal, new_low)
    new_high = max(new_high - old.low, new_nominal)
    final_low = min(new_low, low)
    final_high = min(new_high, high)
    final_nominal = min(max(min(new_nominal, nominal), final_low), final_high)
    return Counted(p.currency, distinct, AmountRange(final_low, final_nominal, final_high))


def current_states(result: Reconciliation) -> dict[str, State]:
    """Each finding's state as `result` decided it."""
    return {f.id: state_of(f.decision) for f in result.findings}
