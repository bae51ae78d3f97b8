"""Money that is not new: already provided, the old level of an increase, repackaged money; and figures
the analyst marked misreported."""

from __future__ import annotations

from decimal import Decimal

from ledger import AlreadyProvided, Baseline, Misreport, Repackaged

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


def test_a_figure_marked_misreported_counts_nothing_unless_the_mark_is_rejected() -> None:
    slip = claim("A2", donor="Japan", amount="9000000000", qualifiers="misreport")
    result = reconciled(claim("A1"), slip)
    (marked,) = result.findings_of(Misreport)
    assert marked.pledge == pledge_of(result, "A2").id
    assert "misreport" in marked.rule and "Agence" in marked.message
    (usd,) = result.totals
    assert usd.distinct.low == usd.distinct.nominal == usd.distinct.high == Decimal("300000000.00")
    rejected = reconciled(
        claim("A1"),
        slip,
        decisions=[{"finding": marked.id, "decision": "reject", "note": "the figure is right"}],
    )
    assert rejected.totals[0].distinct.nominal == Decimal("9300000000.00")


def test_a_misreported_report_of_a_pledge_other_reports_confirm_cuts_nothing() -> None:
    result = reconciled(claim("A1"), claim("B1", source="B", amount="295000000", qualifiers="misreport"))
    assert {"A1", "B1"} <= set(pledge_of(result, "A1").claims)
    assert result.findings_of(Misreport) == ()
    # counted once, as one pledge (the naive sum counts both)
    (usd,) = result.totals
    assert usd.naive == Decimal("595000000.00") and usd.distinct.high == Decimal("300000000.00")
