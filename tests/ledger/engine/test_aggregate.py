"""Aggregates: a total over donors counts only for what it holds beyond the pledges it holds."""

from __future__ import annotations

from decimal import Decimal

import ledger
from ledger import AggregateFinding, AggregateTooSmall, Misreport

from .small import claim, pledge_of, reconciled

TOTAL = {"donor": "all donors", "recipient": "Guatemala", "qualifiers": "aggregate", "period": ""}


def test_a_total_holds_the_pledges_for_its_recipient_and_counts_the_rest() -> None:
    result = reconciled(
        claim("A1"),
        claim("A2", donor="Japan", amount="100000000"),
        claim("B1", source="B", amount="1000000000", **TOTAL),
    )
    (aggregate,) = result.findings_of(AggregateFinding)
    assert aggregate.aggregate == pledge_of(result, "B1").id
    assert set(aggregate.parts) == {pledge_of(result, "A1").id, pledge_of(result, "A2").id}
    assert result.findings_of(AggregateTooSmall) == ()
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("1000000000.00")  # 300m + 100m + the 600m beyond them


def test_a_total_too_small_for_its_pledges_says_so_and_adds_nothing() -> None:
    result = reconciled(
        claim("A1"), claim("A2", donor="Japan"), claim("B1", source="B", amount="500000000", **TOTAL)
    )
    (too_small,) = result.findings_of(AggregateTooSmall)
    assert too_small.amount_at_stake == Decimal("100000000.00")  # 600m of pledges in a total of 500m
    assert "cannot hold" in too_small.message
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("600000000.00")


def test_a_region_total_holds_its_countries() -> None:
    result = reconciled(
        claim("A1", recipient="El Salvador"),
        claim("B1", source="B", amount="1000000000", **{**TOTAL, "recipient": "Central America"}),
    )
    (aggregate,) = result.findings_of(AggregateFinding)
    assert aggregate.parts == (pledge_of(result, "A1").id,)


def test_a_rejected_total_counts_in_full_on_top_of_its_pledges() -> None:
    claims = (claim("A1"), claim("B1", source="B", amount="1000000000", **TOTAL))
    (aggregate,) = reconciled(*claims).findings_of(AggregateFinding)
    rejected = reconciled(*claims, decisions=[{"finding": aggregate.id, "decision": "reject"}])
    (usd,) = rejected.totals
    assert usd.distinct.nominal == Decimal("1300000000.00")


def test_a_contained_pledge_is_not_a_part_again() -> None:
    result = reconciled(
        claim("A1"), claim("A2", amount="200000000"), claim("B1", source="B", amount="1000000000", **TOTAL)
    )
    (aggregate,) = result.findings_of(AggregateFinding)
    assert aggregate.parts == (pledge_of(result, "A1").id,)


def test_a_total_and_its_parts_add_up_to_its_own_figure_when_a_part_is_told_as_a_range() -> None:
    # a part told as "about $300m" (a range around it) and a total told exactly: the total's nominal is
    # its parts' nominal and its rest's, whatever the bounds of the part
    result = reconciled(
        claim("A1", amount="about 300000000"),
        claim("B1", source="B", amount="1000000000", **TOTAL),
    )
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("1000000000.00")
    assert usd.distinct.low <= usd.distinct.nominal <= usd.distinct.high


EU_TOTAL = {"donor": "EU and its member states", "qualifiers": "aggregate", "currency": "EUR"}


def test_a_member_state_sits_inside_an_eu_total_of_the_years_it_was_a_member() -> None:
    def told(day: str) -> AggregateFinding:
        sources = [
            {"id": "A", "publisher": "Agence", "date": day},
            {"id": "B", "publisher": "Bulletin", "date": day},
        ]
        result = ledger.reconcile(
            ledger.ledger_from_dict(
                {
                    "sources": sources,
                    "claims": [
                        claim("A1", donor="United Kingdom", currency="EUR", amount="375000000", period=""),
                        claim("A2", donor="Germany", currency="EUR", amount="100000000", period=""),
                        claim("B1", source="B", amount="1300000000", period="", **EU_TOTAL),
                    ],
                }
            )
        )
        (aggregate,) = result.findings_of(AggregateFinding)
        return aggregate

    assert set(told("2003-10-24").parts) == {"P-A1", "P-A2"}  # the UK was a member in 2003
    assert set(told("2022-03-01").parts) == {"P-A2"}  # and no longer in 2022


def test_a_misreported_figure_is_no_measure_of_what_a_total_can_hold() -> None:
    slip = claim("A2", donor="Japan", amount="9000000000", qualifiers="misreport")
    total = claim("B1", source="B", amount="1000000000", **TOTAL)
    result = reconciled(claim("A1"), slip, total)
    assert result.findings_of(AggregateTooSmall) == ()
    (marked,) = result.findings_of(Misreport)
    taken_back = reconciled(
        claim("A1"), slip, total, decisions=[{"finding": marked.id, "decision": "reject"}]
    )
    assert len(taken_back.findings_of(AggregateTooSmall)) == 1  # the analyst says the figure is right


def test_pledges_and_named_donors_totals_in_another_currency_are_linked_never_subtracted() -> None:
    # no rate to compare them: the EUR pledge and the EU-and-member-states total in EUR fit the USD total;
    # an all-donors total in EUR (the USD total converted, or a larger one) is not taken for a part
    eu_total = {**TOTAL, "donor": "the EU and its member states"}
    result = reconciled(
        claim("A1"),
        claim("E1", donor="Germany", amount="50000000", currency="EUR"),
        claim("E2", amount="400000000", currency="EUR", **eu_total),
        claim("E3", source="B", amount="900000000", currency="EUR", **TOTAL),
        claim("B1", source="B", amount="1000000000", **TOTAL),
    )
    usd_total = next(
        f for f in result.findings_of(AggregateFinding) if f.aggregate == pledge_of(result, "B1").id
    )
    assert usd_total.parts == (pledge_of(result, "A1").id,)
    assert set(usd_total.elsewhere) == {pledge_of(result, "E1").id, pledge_of(result, "E2").id}
    assert {"E1", "E2"} <= set(usd_total.claims) and "E3" not in usd_total.claims
    assert "2 more in EUR fit it too, which are not subtracted" in usd_total.rule
    usd = next(t for t in result.totals if t.currency == "USD")
    assert usd.distinct.nominal == Decimal("1000000000.00")  # 300m + the 700m beyond it, nothing in EUR


def test_a_total_of_named_donors_holds_the_pledges_of_their_parts() -> None:
    # the Commission's pledge is the EU's: inside a total of "the United States, France and the EU"
    combined = {**TOTAL, "donor": "United States, France and European Union (combined)"}
    result = reconciled(
        claim("A1"),
        claim("A2", donor="European Commission", amount="500000000"),
        claim("A3", donor="Japan", amount="100000000"),
        claim("B1", source="B", amount="1000000000", **combined),
    )
    (aggregate,) = result.findings_of(AggregateFinding)
    assert set(aggregate.parts) == {pledge_of(result, "A1").id, pledge_of(result, "A2").id}
