"""What every pass shares: the pledge view the passes compare, and the conversions between its currencies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ledger.core.model import Period, Pledge
from ledger.core.money import AmountRange
from ledger.engine.normalise import NormalClaim, Role


@dataclass(frozen=True, slots=True)
class PledgeView:
    """A pledge with what the passes need to compare it: its claims, role and comparable range."""

    pledge: Pledge
    members: tuple[NormalClaim, ...]
    role: Role
    all_donors: bool
    compare_currency: str
    compare_range: AmountRange

    @property
    def id(self) -> str:
        return self.pledge.id

    @property
    def donor(self) -> str:
        return self.pledge.donor

    @property
    def recipient(self) -> str:
        return self.pledge.recipient

    @property
    def period(self) -> Period:
        return self.pledge.period


def in_pledge_currency(view: PledgeView, amount: Decimal) -> Decimal:
    """An amount in the view's compare currency, in its pledge's own currency (the analyst's rate, backwards)."""
    if view.pledge.currency == view.compare_currency or view.compare_range.nominal == 0:
        return amount
    return amount * view.pledge.range.nominal / view.compare_range.nominal
