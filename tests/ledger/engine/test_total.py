"""Totals: each pledge's contribution, why, its years, and the sums per currency and in the base."""

from __future__ import annotations

from decimal import Decimal

from ledger import Contained

from .small import claim, pledge_of, reconciled


def test_each_pledge_has_a_contribution_naming_the_findings_that_move_it() -> None:
    result = reconciled(claim("A1"), claim("B1", source="B", amount="200000000"), claim("A2", donor="Japan"))
    assert [c.pledge for c in result.contributions] == [p.id for p in result.pledges]
    (contained,) = result.findings_of(Contained)
    by_pledge = {c.pledge: c for c in result.contributions}
    assert by_pledge[pledge_of(result, "B1").id].cut_by == (contained.id,)
    assert by_pledge[pledge_of(result, "A2").id].findings == ()


def test_a_multi_year_pledge_is_spread_over_its_years_to_the_cent() -> None:
    result = reconciled(claim("A1", amount="100000000.01", period="2011-2013"))
    (contribution,) = result.contributions
    assert [label for label, _ in contribution.years] == ["2011", "2012", "2013"]
    assert sum(amount for _, amount in contribution.years) == Decimal("100000000.01")
    (usd,) = result.totals
    assert dict(usd.by_year_whole) == {"multi-year": Decimal("100000000.01")}


def test_the_base_currency_adds_the_currencies_with_the_analysts_rates() -> None:
    result = reconciled(
        claim("A1"),
        claim("B1", source="B", donor="Japan", currency="EUR", amount="100000000"),
        rates=[{"currency": "EUR", "rate": "1.5", "base_currency": "USD"}],
    )
    assert [r.currency for r in result.rates] == ["EUR"]
    assert result.base_totals is not None
    assert result.base_totals.distinct.nominal == Decimal("450000000.00")
    assert result.base_totals.converted_from == ("EUR",)
    assert {t.currency: t.distinct.nominal for t in result.totals}["EUR"] == Decimal("100000000.00")


def test_a_currency_without_a_rate_is_left_out_of_the_base_total_and_said_so() -> None:
    result = reconciled(
        claim("A1"),
        claim("B1", source="B", donor="Japan", currency="GBP", amount="100000000"),
        claim("B2", source="B", donor="Japan", currency="EUR", amount="100000000"),
        rates=[{"currency": "EUR", "rate": "1.5", "base_currency": "USD"}],
    )
    assert result.base_totals is not None and result.base_totals.distinct.nominal == Decimal("450000000.00")
    assert any("no rate to USD for GBP" in w.message for w in result.warnings)
