"""Containment: a smaller pledge of the same donor inside a larger one, for the same place and time."""

from __future__ import annotations

from decimal import Decimal

from ledger import Contained

from .small import claim, pledge_of, reconciled


def test_a_smaller_pledge_sits_inside_the_larger_one() -> None:
    result = reconciled(claim("A1"), claim("B1", source="B", amount="200000000", approximation="more than"))
    (contained,) = result.findings_of(Contained)
    assert (contained.part, contained.whole) == (pledge_of(result, "B1").id, pledge_of(result, "A1").id)
    assert contained.amount_at_stake == Decimal("200000000.00")
    assert contained.currency == "USD"
    (usd,) = result.totals
    # undecided, the part counts only in the high bound
    assert (usd.distinct.low, usd.distinct.nominal) == (Decimal("300000000.00"), Decimal("300000000.00"))
    assert usd.distinct.high == Decimal("520000000.00")


def test_a_country_sits_inside_its_region() -> None:
    result = reconciled(
        claim("A1", recipient="Central America"),
        claim("B1", source="B", recipient="El Salvador", amount="200000000"),
    )
    (contained,) = result.findings_of(Contained)
    assert contained.whole == pledge_of(result, "A1").id


def test_no_containment_across_donors_regions_or_periods() -> None:
    result = reconciled(
        claim("A1"),
        claim("A2", donor="Japan", amount="100000000"),
        claim("A3", recipient="Honduras", amount="100000000"),
        claim("A4", period="2012", amount="100000000"),
    )
    assert result.findings_of(Contained) == ()


def test_in_addition_to_forbids_and_part_of_forces_it() -> None:
    apart = reconciled(
        claim("A1"), claim("B1", source="B", amount="100000000", qualifiers="in addition to A1")
    )
    assert apart.findings_of(Contained) == ()
    forced = reconciled(
        claim("A1"), claim("B1", source="B", donor="Japan", amount="100000000", qualifiers="part of A1")
    )
    (contained,) = forced.findings_of(Contained)
    assert "B1 says so" in contained.rule


def test_includes_says_it_from_the_whole() -> None:
    result = reconciled(
        claim("A1", qualifiers="includes B1"), claim("B1", source="B", donor="Japan", amount="100000000")
    )
    (contained,) = result.findings_of(Contained)
    assert contained.part == pledge_of(result, "B1").id


def test_accepted_the_part_counts_nothing_and_rejected_it_counts_in_full() -> None:
    claims = (claim("A1"), claim("B1", source="B", amount="200000000"))
    (contained,) = reconciled(*claims).findings_of(Contained)
    for verdict, distinct in (("accept", "300000000.00"), ("reject", "500000000.00")):
        decided = reconciled(*claims, decisions=[{"finding": contained.id, "decision": verdict}])
        (usd,) = decided.totals
        assert usd.distinct.nominal == usd.distinct.high == Decimal(distinct)


def test_a_part_said_to_sit_inside_a_smaller_pledge_is_one_finding_with_one_id() -> None:
    # the source says the larger figure is part of the smaller: the source's word holds, once
    result = reconciled(
        claim("A1", amount="1000000"),
        claim("B1", source="B", amount="2000000", qualifiers="part of A1"),
    )
    (contained,) = result.findings_of(Contained)
    assert contained.part == pledge_of(result, "B1").id
    ids = [f.id for f in result.findings]
    assert len(ids) == len(set(ids))


def test_two_claims_each_said_part_of_the_other_are_one_finding() -> None:
    # contradictory words ("A1 part of B1", "B1 part of A1"): one containment, the first said, never two
    result = reconciled(
        claim("A1", amount="1000000", qualifiers="part of B1"),
        claim("B1", source="B", amount="1000000", qualifiers="part of A1"),
    )
    (contained,) = result.findings_of(Contained)
    assert contained.part == pledge_of(result, "A1").id
    assert contained.whole == pledge_of(result, "B1").id


def test_a_grant_never_sits_inside_a_loan_but_inside_a_pledge_of_either() -> None:
    # "$1.5bn in grants for 2004 and $3.5bn in loans for 2004-2007"; "a total of $5bn for 2004 to 2007"
    result = reconciled(
        claim("A1", amount="1500000000", period="2004", instrument="grant"),
        claim("A2", amount="3500000000", period="2004-2007", instrument="loan"),
        claim("B1", source="B", amount="5000000000", period="2004-2007"),
    )
    wholes = {f.part: f.whole for f in result.findings_of(Contained)}
    assert wholes[pledge_of(result, "A1").id] == pledge_of(result, "B1").id


def test_a_pledge_said_to_sit_in_two_wholes_is_a_finding_for_each_and_counts_once() -> None:
    # a fund's grant, told as part of the fund's package and as part of its donor's own package
    result = reconciled(
        claim("A1", donor="Japan", amount="20000000", qualifiers="part of A2"),
        claim("A2", donor="Asian Development Bank", amount="23000000"),
        claim("B1", source="B", donor="Japan", amount="20000000", qualifiers="part of B2"),
        claim("B2", source="B", donor="Japan", amount="52000000"),
    )
    part = pledge_of(result, "A1")
    assert set(part.claims) == {"A1", "B1"}
    found = {(f.part, f.whole) for f in result.findings_of(Contained)}
    assert found == {(part.id, pledge_of(result, "A2").id), (part.id, pledge_of(result, "B2").id)}
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("75000000.00")


def test_a_pledge_told_with_a_loose_and_a_precise_period_fits_a_whole_holding_the_precise_one() -> None:
    # "$3.5bn in loans for 2005-2007" and "$3.5bn in loans up to 2007" (from October 2003): one pledge of
    # 2005-2007, inside "a total of $5bn for 2004 to 2007"
    result = reconciled(
        claim("A1", amount="3500000000", period="2003-10-25 to 2007-12-31", instrument="loan"),
        claim("B1", source="B", amount="3500000000", period="2005-2007", instrument="loan"),
        claim("A2", amount="5000000000", period="2004-2007"),
    )
    part = pledge_of(result, "A1")
    assert set(part.claims) == {"A1", "B1"}
    (contained,) = result.findings_of(Contained)
    assert (contained.part, contained.whole) == (part.id, pledge_of(result, "A2").id)


def test_a_part_told_with_no_period_sits_only_in_a_whole_told_once_with_none() -> None:
    # "$220m over three years" and "$220m" are one pledge; "$200m" (no period) sits inside it
    told_without = reconciled(
        claim("A1", amount="220000000", period="2002-2004"),
        claim("B1", source="B", amount="220000000", period=""),
        claim("B2", source="B", amount="200000000", period=""),
    )
    whole = pledge_of(told_without, "A1")
    assert set(whole.claims) == {"A1", "B1"}
    (contained,) = told_without.findings_of(Contained)
    assert (contained.part, contained.whole) == (pledge_of(told_without, "B2").id, whole.id)
    # every report of the whole states its period: a part with none is not taken to sit inside it
    told_with = reconciled(
        claim("A1", amount="220000000", period="2002-2004"),
        claim("B2", source="B", amount="200000000", period=""),
    )
    assert told_with.findings_of(Contained) == ()
