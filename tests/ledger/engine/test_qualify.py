"""Money that is not new: already provided, the old level of an increase, repackaged money."""

from __future__ import annotations

from decimal import Decimal

from ledger import AlreadyProvided, Baseline, Repackaged

from .small import claim, pledge_of, reconciled


def test_money_already_provided_is_not_counted() -> None:
    result = reconciled(
        claim("A1"), claim("A2", donor="Japan", amount="200000000", qualifiers="already provided")
    )
    (past,) = result.findings_of(AlreadyProvided)
    assert past.pledge == pledge_of(result, "A2").id
    (usd,) = result.totals
    assert usd.distinct.nominal == usd.new_money.nominal == Decimal("300000000.00")


def test_an_increase_is_new_money_only_above_its_old_level() -> None:
    result = reconciled(
        claim("A1", qualifiers="increase from A2"),
        claim("A2", amount="260000000", period="2010", qualifiers="baseline"),
    )
    (baseline,) = result.findings_of(Baseline)
    assert (baseline.pledge, baseline.baseline) == (pledge_of(result, "A1").id, pledge_of(result, "A2").id)
    assert "about USD 40m, is new money" in baseline.message
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("300000000.00")
    assert usd.new_money.nominal == Decimal("40000000.00")


def test_an_increase_without_a_target_finds_the_donors_earlier_level() -> None:
    result = reconciled(
        claim("A1", qualifiers="increase"),
        claim("A2", amount="260000000", period="2010", qualifiers="baseline"),
    )
    assert len(result.findings_of(Baseline)) == 1


def test_two_claims_each_said_an_increase_from_the_other_are_one_baseline() -> None:
    # contradictory words: one baseline finding (one id for a decision to name), never two
    result = reconciled(
        claim("A1", qualifiers="increase from A2"),
        claim("A2", amount="260000000", period="2010", qualifiers="increase from A1"),
    )
    (baseline,) = result.findings_of(Baseline)
    assert {baseline.pledge, baseline.baseline} == {pledge_of(result, "A1").id, pledge_of(result, "A2").id}


def test_repackaged_money_is_a_pledge_but_not_new_money() -> None:
    claims = (claim("A1", qualifiers="repackaged"),)
    result = reconciled(*claims)
    (repackaged,) = result.findings_of(Repackaged)
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("300000000.00")
    # undecided: out of new money in the low bound only; accepted: out of new money
    assert (usd.new_money.low, usd.new_money.nominal) == (Decimal(0), Decimal("300000000.00"))
    accepted = reconciled(*claims, decisions=[{"finding": repackaged.id, "decision": "accept"}])
    assert accepted.totals[0].new_money.nominal == Decimal(0)
