"""Odd figures: a unit slip between reports, the same pledge in two currencies with no rate."""

from __future__ import annotations

from decimal import Decimal

from ledger import OtherCurrency, UnitError

from .small import claim, pledge_of, reconciled


def test_a_figure_a_thousand_times_smaller_is_a_unit_slip() -> None:
    result = reconciled(claim("A1", amount="7.2bn"), claim("B1", source="B", amount="7.2 million"))
    (slip,) = result.findings_of(UnitError)
    assert (slip.pledge, slip.other) == (pledge_of(result, "B1").id, pledge_of(result, "A1").id)
    assert "factor of about 1,000" in slip.message
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("7200000000.00")  # the slip counts only in the high bound


def test_two_currencies_without_a_rate_are_flagged_never_merged() -> None:
    result = reconciled(claim("A1"), claim("B1", source="B", currency="EUR", amount="220000000"))
    (other,) = result.findings_of(OtherCurrency)
    assert {other.pledge, other.other} == {pledge_of(result, "A1").id, pledge_of(result, "B1").id}
    assert "add a rate" in other.message
    # undecided it changes nothing: each currency keeps its own money
    assert {t.currency: t.distinct.nominal for t in result.totals} == {
        "EUR": Decimal("220000000.00"),
        "USD": Decimal("300000000.00"),
    }
    assert other.currency == next(p.currency for p in result.pledges if p.id == other.pledge)


def test_with_a_rate_two_currencies_are_compared_not_flagged() -> None:
    result = reconciled(
        claim("A1"),
        claim("B1", source="B", currency="EUR", amount="220000000"),
        rates=[{"currency": "EUR", "rate": "1.36", "base_currency": "USD"}],
    )
    assert result.findings_of(OtherCurrency) == ()
