"""What every pass shares: the pledge view the passes compare, and the conversions between its currencies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from ledger.core.findings import Finding
from ledger.core.model import Decision, Period, Pledge, QualifierKind
from ledger.core.money import AmountRange, Rate, quantize
from ledger.engine.normalise import NormalClaim, Normalised, Role

# Periods read from each source's own date ("over three years" told on the 22nd and on the 23rd) differ by
# days: one period holds another give or take this much.
SLACK = timedelta(days=31)


@dataclass(frozen=True, slots=True)
class PledgeView:
    """A pledge with what the passes need to compare it: its claims, role and comparable range."""

    pledge: Pledge
    members: tuple[NormalClaim, ...]
    role: Role
    all_donors: bool
    compare_currency: str
    compare_range: AmountRange
    # the pledge's own, which every pass reads many times over: copied once, not looked up each time
    id: str = field(init=False, repr=False, compare=False)
    donor: str = field(init=False, repr=False, compare=False)
    recipient: str = field(init=False, repr=False, compare=False)
    period: Period = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pledge = self.pledge
        object.__setattr__(self, "id", pledge.id)
        object.__setattr__(self, "donor", pledge.donor)
        object.__setattr__(self, "recipient", pledge.recipient)
        object.__setattr__(self, "period", pledge.period)


def by_size(view: PledgeView) -> tuple[Decimal, str]:
    """The order of pledges by figure (then id), as the passes that search by figure sort them."""
    return (view.compare_range.nominal, view.id)


def misreported(view: PledgeView) -> bool:
    """Whether every report of the pledge is marked misreported."""
    return all(m.claim.has(QualifierKind.MISREPORT) for m in view.members)


def converted(view: PledgeView) -> bool:
    """Whether every report of the pledge is marked an outlet's conversion."""
    return all(m.claim.has(QualifierKind.CONVERTED) for m in view.members)


def in_pledge_currency(view: PledgeView, amount: Decimal) -> Decimal:
    """An amount in the view's compare currency, in its pledge's own currency (the analyst's rate, backwards)."""
    if view.pledge.currency == view.compare_currency or view.compare_range.nominal == 0:
        return amount
    return amount * view.pledge.range.nominal / view.compare_range.nominal


def to_pledge_currency(view: PledgeView, r: AmountRange) -> AmountRange:
    """A range in the view's compare currency, in its pledge's own currency."""
    if view.pledge.currency == view.compare_currency or view.compare_range.nominal == 0:
        return r
    return r.scaled(view.pledge.range.nominal / view.compare_range.nominal)


def to_compare_currency(view: PledgeView, r: AmountRange) -> AmountRange:
    """A range in the pledge's own currency, in the currency the view is compared in (the same rate)."""
    if view.pledge.currency == view.compare_currency or view.pledge.range.nominal == 0:
        return r
    return r.scaled(view.compare_range.nominal / view.pledge.range.nominal)


def from_rate(r: AmountRange, rate: Rate) -> AmountRange:
    """A range in the rate's base currency, back in the rate's own currency."""
    return AmountRange(r.low / rate.rate, r.nominal / rate.rate, r.high / rate.rate)


def at_stake(view: PledgeView, amount: Decimal) -> tuple[Decimal, str]:
    """The amount at stake of a finding that would change `view`'s pledge: `amount` (in the view's compare
    currency) in the pledge's own currency, rounded to its minor unit, never below zero; and that currency.

    Every rule states its amount at stake through this, so a finding's figure is always in the currency
    of the pledge it would change.
    """
    currency = view.pledge.currency
    return quantize(max(in_pledge_currency(view, amount), Decimal(0)), currency), currency


@dataclass(frozen=True, slots=True)
class Stage:
    """What a rule is given: the normalised ledger, the pledges as grouped, the findings of the rules
    before it, and the analyst's decisions by finding id; and the pledges some claim of which says a
    qualifier (the few the rules reading qualifiers look at), in the order of `views`."""

    normal: Normalised
    views: tuple[PledgeView, ...]
    found: tuple[Finding, ...]
    decisions: Mapping[str, Decision]
    qualified: tuple[PledgeView, ...]


def qualified(views: tuple[PledgeView, ...]) -> tuple[PledgeView, ...]:
    """The pledges some claim of which says a qualifier."""
    return tuple(v for v in views if any(m.claim.qualifiers for m in v.members))
