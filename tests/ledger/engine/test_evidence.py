"""Matching by evidence: same pledge, possibly the same, or apart, each with the evidence in words."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ledger
from benchmarks.synthetic import synthetic_ledger
from ledger import (
    AggregateFinding,
    Contained,
    Duplicate,
    OtherCurrency,
    PossibleDuplicate,
    PreviouslyAnnounced,
    UnitError,
)
from ledger.engine.evidence import Matcher, Outcome, same_scope
from ledger.engine.normalise import NormalClaim, normalise

from .small import book, claim, grouped, pledge_of, reconciled


def _judged(a: dict[str, str], b: dict[str, str]) -> tuple[Outcome, str]:
    normal = normalise(book(a, b))
    judgement = Matcher().judge(*normal.claims)
    assert Matcher().outcome(*normal.claims) is judgement.outcome  # the sweep's verdict is the same
    return judgement.outcome, judgement.said


def test_the_sweep_s_verdict_is_the_judgement_s_for_every_pair_of_a_donor() -> None:
    # the generator's ledger holds every trap (spellings, agencies, totals, loans, periods, regions)
    normal = normalise(synthetic_ledger(1_500, seed=5))
    by_family: dict[str, list[NormalClaim]] = {}
    for n in normal.claims:
        by_family.setdefault(n.family, []).append(n)
    matcher, weighed = Matcher(), Counter[Outcome]()
    for claims in by_family.values():
        for a, b in itertools.product(claims[:60], repeat=2):
            outcome = matcher.outcome(a, b)
            assert outcome is matcher.judge(a, b).outcome, (a.id, b.id)
            weighed[outcome] += 1
    assert set(weighed) == set(Outcome)  # every verdict met


@pytest.mark.parametrize(
    ("a", "b", "said"),
    [
        ({"donor": "World Bank (IDA)"}, {"donor": "World Bank (IDA)"}, "same donor"),
        ({"donor": "Britain"}, {"donor": "UK (via DFID)"}, "same donor (Britain / UK (via DFID))"),
        ({"donor": "the British government"}, {"donor": "United Kingdom"}, "same donor"),
        ({"recipient": "Niger, Mali and Chad"}, {"recipient": "Chad, Mali and Niger"}, "same recipient"),
        ({"amount": "410000000"}, {"amount": "421000000"}, "amounts 2.6% apart"),
        ({"amount": "2.15bn"}, {"amount": "2.2bn"}, "amounts 2.3% apart"),
        ({"recipient": "Yemen"}, {"recipient": "Yemeni refugees"}, "Yemeni refugees"),
    ],
)
def test_the_same_pledge_however_it_is_spelled(a: dict[str, str], b: dict[str, str], said: str) -> None:
    outcome, words = _judged(claim("A1", **a), claim("B1", source="B", **b))
    assert outcome is Outcome.SAME, words
    assert said in words


@pytest.mark.parametrize(
    ("a", "b", "said"),
    [
        (
            {"recipient": "Guatemala"},
            {"recipient": "Honduras"},
            "Guatemala and Honduras are different countries",
        ),
        ({"donor": "Japan"}, {"donor": "United States"}, "different donors"),
        ({"period": "2011"}, {"period": "2013"}, "different periods (2011 / 2013)"),
        ({"instrument": "loan"}, {"instrument": "grant"}, "a loan and a grant"),
        ({"amount": "300000000"}, {"amount": "330000000"}, "amounts 9.1% apart"),
        ({"donor": "World Bank (IDA)"}, {"donor": "IFC"}, "both part of World Bank Group"),
    ],
)
def test_apart_when_the_evidence_rules_it_out(a: dict[str, str], b: dict[str, str], said: str) -> None:
    outcome, words = _judged(claim("A1", **a), claim("B1", source="B", **b))
    assert outcome is Outcome.APART, words
    assert said in words


@pytest.mark.parametrize(
    ("a", "b", "said"),
    [
        # the same figure said of a country and of the region around it
        ({"recipient": "Guatemala"}, {"recipient": "Central America"}, "Guatemala lies in Central America"),
        # a donor and its parent, figures only near
        (
            {"donor": "World Bank", "amount": "500000000"},
            {"donor": "World Bank Group", "amount": "510000000"},
            "",
        ),
    ],
)
def test_possibly_the_same_when_the_evidence_is_weaker(
    a: dict[str, str], b: dict[str, str], said: str
) -> None:
    outcome, words = _judged(claim("A1", **a), claim("B1", source="B", **b))
    assert outcome is Outcome.POSSIBLE, words
    assert said in words


def test_near_figures_are_one_pledge_counted_once_and_said_so() -> None:
    # one €300m converted by three outlets at their own rates
    result = reconciled(
        claim("A1", amount="410000000"),
        claim("B1", source="B", amount="416000000"),
        claim("A2", amount="421000000"),
    )
    assert grouped(result) == {frozenset({"A1", "A2", "B1"})}
    (duplicate,) = result.findings_of(Duplicate)
    assert "apart" in duplicate.rule
    (usd,) = result.totals
    assert usd.distinct.nominal == Decimal("416000000.00")  # the middle figure, counted once


def test_a_possible_duplicate_counts_in_the_high_bound_until_decided() -> None:
    claims = (claim("A1", recipient="Central America"), claim("B1", source="B", recipient="Guatemala"))
    result = reconciled(*claims)
    (possible,) = result.findings_of(PossibleDuplicate)
    assert "Guatemala lies in Central America" in possible.rule
    (usd,) = result.totals
    assert (usd.distinct.nominal, usd.distinct.high) == (Decimal("300000000.00"), Decimal("600000000.00"))
    for verdict, nominal in (("accept", "300000000.00"), ("reject", "600000000.00")):
        decided = reconciled(*claims, decisions=[{"finding": possible.id, "decision": verdict}])
        assert decided.totals[0].distinct.nominal == Decimal(nominal)


def test_in_addition_to_and_part_of_always_keep_two_claims_apart() -> None:
    result = reconciled(
        claim("A1"),
        claim("B1", source="B", qualifiers="in addition to A1"),
        claim("A2", amount="100000000"),
        claim("B2", source="B", amount="100000000", qualifiers="part of A2"),
    )
    assert grouped(result) == set()


def test_a_year_or_the_whole() -> None:
    result = reconciled(
        claim(
            "A1",
            donor="United Kingdom",
            currency="GBP",
            amount="1bn",
            qualifiers="per year",
            period="2014-2016",
        ),
        claim("B1", source="B", donor="Britain", currency="GBP", amount="3bn", period="2014-2016"),
    )
    assert grouped(result) == {frozenset({"A1", "B1"})}


def test_a_collective_total_told_again_counts_once_at_its_latest_figure() -> None:
    total = {"donor": "donors", "qualifiers": "aggregate", "period": ""}
    result = reconciled(
        claim("A1", amount="4.4bn", **total),
        claim("A2", amount="4.4bn", approximation="nearly", **{**total, "donor": "nearly 60 donors"}),
        claim(
            "B1", source="B", amount="4.5bn", approximation="close to", **{**total, "donor": "the conference"}
        ),
    )
    assert grouped(result) == {frozenset({"A1", "A2", "B1"})}
    assert result.totals[0].distinct.nominal == Decimal("4500000000.00")  # the later source's figure


def test_a_running_tally_sits_inside_the_final_total_and_the_total_counts_once() -> None:
    total = {"donor": "all donors", "qualifiers": "aggregate", "period": ""}
    result = reconciled(
        claim("A1", amount="2.1bn", **{**total, "qualifiers": "aggregate; running total"}),
        claim("B1", source="B", amount="2.4bn", **total),
        claim("A2", donor="Japan", amount="500000000"),
    )
    (outer,) = [f for f in result.findings_of(AggregateFinding) if f.aggregate == pledge_of(result, "B1").id]
    assert pledge_of(result, "A1").id in outer.parts  # the noon tally is one of the night total's parts
    assert result.totals[0].distinct.nominal == Decimal("2400000000.00")


def test_a_total_of_a_narrower_scope_is_not_the_same_total() -> None:
    assert same_scope("conference total", "day-one tally")
    assert same_scope("pledges for Gaza", "pledges for Gaza, World Bank count")
    assert not same_scope("conference total", "grant share")
    assert not same_scope("conference total", "excluding funding to the financial sector")


def test_slips_between_spellings_are_found() -> None:
    result = reconciled(
        claim("A1", donor="the EU", currency="EUR", amount="3.5bn"),
        claim("B1", source="B", donor="European Union", currency="EUR", amount="3.5 million"),
        claim("B2", source="B", donor="European Union", currency="GBP", amount="3.5bn"),
    )
    assert len(result.findings_of(UnitError)) == 1
    assert len(result.findings_of(OtherCurrency)) >= 1


def test_previously_announced_money_is_not_new_and_its_first_announcement_is_found() -> None:
    result = reconciled(
        claim("A1", amount="300000000"),
        claim(
            "B1",
            source="B",
            amount="300000000",
            recipient="Central America",
            qualifiers="previously announced",
        ),
    )
    (announced,) = result.findings_of(PreviouslyAnnounced)
    assert announced.earlier == (pledge_of(result, "A1").id,)
    assert "the earlier announcement" in announced.message


def test_new_and_additional_no_longer_fails_the_ledger() -> None:
    result = reconciled(claim("A1", qualifiers="new and additional"))
    assert result.errors == () and result.totals[0].distinct.nominal == Decimal("300000000.00")


def test_a_smaller_pledge_of_an_agency_sits_inside_its_country_s() -> None:
    result = reconciled(
        claim("A1", donor="United States"), claim("B1", source="B", donor="USAID", amount="100000000")
    )
    (contained,) = result.findings_of(Contained)
    assert contained.part == pledge_of(result, "B1").id


SPELLINGS = {
    "United States": ["US", "U.S.", "USA", "the United States", "Washington", "the US government"],
    "United Kingdom": ["UK", "Britain", "the British government", "UK (via DFID)"],
    "World Bank": ["the World Bank", "World Bank (IDA)", "the Bank"],
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(SPELLINGS)), st.data())
def test_renaming_a_donor_to_one_of_its_spellings_changes_no_total(donor: str, data: st.DataObject) -> None:
    spelling = data.draw(st.sampled_from(SPELLINGS[donor]))
    claims = [
        claim("A1", donor=donor, amount="300000000"),
        claim("B1", source="B", donor=donor, amount="300000000", approximation="nearly"),
        claim("A2", donor="Japan", amount="100000000"),
    ]
    renamed = [{**c, "donor": spelling} if c["id"] == "B1" else c for c in claims]
    before, after = reconciled(*claims), reconciled(*renamed)
    assert [(t.currency, t.distinct, t.new_money) for t in before.totals] == [
        (t.currency, t.distinct, t.new_money) for t in after.totals
    ]


COUNTRIES = [
    "Guatemala",
    "Honduras",
    "El Salvador",
    "Haiti",
    "Yemen",
    "Philippines",
    "Afghanistan",
    "Lebanon",
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(COUNTRIES), st.sampled_from(COUNTRIES), st.sampled_from(["exact", "about", "nearly"]))
def test_two_different_countries_are_never_one_pledge(a: str, b: str, approximation: str) -> None:
    result = ledger.reconcile(
        book(claim("A1", recipient=a), claim("B1", source="B", recipient=b, approximation=approximation))
    )
    one = pledge_of(result, "A1") == pledge_of(result, "B1")
    assert one == (a == b)
    if a != b:
        assert not result.findings_of(PossibleDuplicate)


def test_one_donor_name_in_two_eras_is_weighed_as_each_era_has_it() -> None:
    # the UK's pledge told in 2003 is a member state's; told in 2022 it is not: one matcher, two answers
    sources = [
        {"id": "A", "publisher": "Agence", "date": "2003-10-24"},
        {"id": "B", "publisher": "Bulletin", "date": "2022-03-01"},
    ]
    members = {"donor": "EU member states", "currency": "EUR", "period": ""}
    uk = {"donor": "United Kingdom", "currency": "EUR", "period": ""}
    normal = normalise(
        ledger.ledger_from_dict(
            {
                "sources": sources,
                "claims": [
                    claim("A1", **uk),
                    claim("A2", **members),
                    claim("B1", source="B", **uk),
                    claim("B2", source="B", **members),
                ],
            }
        )
    )
    by_id = {n.id: n for n in normal.claims}
    matcher = Matcher()
    in_2003 = matcher.donor(by_id["A1"], by_id["A2"]).kind
    in_2022 = matcher.donor(by_id["B1"], by_id["B2"]).kind
    assert in_2003 != in_2022
    assert in_2022 == matcher.donor(by_id["B1"], by_id["A2"]).kind  # the 2022 UK is no member whoever asks
