"""Totals: each pledge's contribution, why, its years, and the sums per currency and in the base."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from ledger import AmountRange, Contained, make_money, reconcile

from .small import book, claim, pledge_of, reconciled


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


def test_pledges_with_equal_figures_share_one_rounded_range_and_spread() -> None:
    result = reconciled(
        claim("A1", period="2011-2013"),
        claim("B1", source="B", donor="Japan", recipient="Honduras", period="2011-2013"),
    )
    first, second = result.contributions
    assert first.full == second.full == ledger_range("300000000.00")
    # a million pledges repeat a few thousand figures: made once, not once a pledge
    assert first.full is second.full and first.years is second.years
    assert [amount for _, amount in first.years] == [Decimal("100000000.00")] * 3


def test_a_figure_keeps_its_decimal_places_when_an_equal_one_is_written_otherwise() -> None:
    written = book(claim("A1"), claim("B1", source="B", donor="Japan", recipient="Honduras"))
    a1, b1 = written.claims
    two_places = replace(b1, amount=make_money(Decimal("300000000.00"), "USD"))
    result = reconcile(replace(written, claims=(a1, two_places)))
    ranges = {p.claims[0]: str(p.range.nominal) for p in result.pledges}
    assert ranges == {"A1": "300000000", "B1": "300000000.00"}


def ledger_range(figure: str) -> AmountRange:
    return AmountRange.exact(Decimal(figure))
