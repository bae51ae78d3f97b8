"""Money that is not new: already provided, the old level of an increase, repackaged money; and figures
the analyst marked misreported."""

from __future__ import annotations

from decimal import Decimal

from ledger import AlreadyProvided, Baseline, Misreport, Repackaged

from .small import SOURCES, claim, pledge_of, reconciled


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


def test_money_of_a_period_that_had_ended_when_told_is_past_money() -> None:
    # "since 2001 donors have pledged $25bn", told on 22 June 2011 for 2001 to that day
    since = claim("A2", donor="Japan", amount="2500000000", period="2001-01-01 to 2011-06-22")
    result = reconciled(claim("A1"), since)
    (past,) = result.findings_of(AlreadyProvided)
    assert past.pledge == pledge_of(result, "A2").id
    assert "period had ended" in past.rule and "2011-06-22" in past.message
    (usd,) = result.totals
    assert usd.distinct.nominal == usd.distinct.high == Decimal("300000000.00")
    rejected = reconciled(claim("A1"), since, decisions=[{"finding": past.id, "decision": "reject"}])
    assert rejected.totals[0].distinct.nominal == Decimal("2800000000.00")


def test_a_period_still_running_when_told_or_a_pledge_one_report_told_in_time_is_not_past_money() -> None:
    assert reconciled(claim("A1", period="2001-01-01 to 2011-06-23")).findings_of(AlreadyProvided) == ()
    assert reconciled(claim("A1", period="from 2011-01-01")).findings_of(AlreadyProvided) == ()
    # one pledge, told once after its period and once while it ran: money of this moment
    mixed = reconciled(claim("A1", period="2001-01-01 to 2011-06-22"), claim("B1", source="B", period="2011"))
    assert set(pledge_of(mixed, "A1").claims) == {"A1", "B1"}
    assert mixed.findings_of(AlreadyProvided) == ()
    # a report that cannot say when it was told, or of what period, says nothing either way
    undated = reconciled(
        claim("A1", period="2010"),
        claim("U1", source="U", period="2010"),
        claim("A2", period=""),
        sources=[*SOURCES, {"id": "U", "publisher": "Undated"}],
    )
    assert set(pledge_of(undated, "A1").claims) == {"A1", "U1", "A2"}
    assert len(undated.findings_of(AlreadyProvided)) == 1
    # both reports of the 2010 pledge came after 2010; the 2011 pledge is running
    after = reconciled(claim("A1", period="2010"), claim("B1", source="B", period="2010"), claim("A3"))
    (past,) = after.findings_of(AlreadyProvided)
    assert past.pledge == pledge_of(after, "B1").id != pledge_of(after, "A3").id


def test_a_pledge_a_source_already_calls_past_money_is_found_once() -> None:
    result = reconciled(claim("A1", period="2010", qualifiers="already provided"))
    (past,) = result.findings_of(AlreadyProvided)
    assert "already provided" in past.rule
