"""The worked example (Central American Security Conference 2011, as BBC and CNN told it).

The expectations are the analyst's conclusions from the case file, copied here as facts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import pytest

import ledger
from ledger import FindingKind, Reconciliation
from ledger.core.findings import (
    AggregateFinding,
    AggregateTooSmall,
    AlreadyProvided,
    Baseline,
    Contained,
    Duplicate,
    Finding,
    Repackaged,
)
from tests.schema import schema_validator

M = Decimal(1_000_000)
F = TypeVar("F", bound=Finding)


@pytest.fixture(scope="module")
def result() -> Reconciliation:
    return ledger.reconcile(ledger.example_ledger())


def pledge_of(result: Reconciliation, claim_id: str) -> ledger.Pledge:
    return next(p for p in result.pledges if claim_id in p.claims)


def findings(result: Reconciliation, kind: type[F]) -> tuple[F, ...]:
    return result.findings_of(kind)


def test_reconciles_without_errors(result: Reconciliation) -> None:
    assert result.errors == ()
    assert len(result.ledger.claims) == 8


def test_one_us_pledge_told_three_times(result: Reconciliation) -> None:
    us = pledge_of(result, "BBC-1")
    assert set(us.claims) == {"BBC-1", "BBC-3", "CNN-3"}
    (duplicate,) = findings(result, Duplicate)
    assert set(duplicate.claims) == {"BBC-1", "BBC-3", "CNN-3"}
    assert duplicate.amount_at_stake == 600 * M
    assert "BBC News and CNN" in duplicate.message
    assert "almost $300 million this year" in duplicate.message  # it quotes the sources


def test_every_claim_in_exactly_one_pledge(result: Reconciliation) -> None:
    claimed = [c for p in result.pledges for c in p.claims]
    assert sorted(claimed) == sorted(c.id for c in result.ledger.claims)


def test_obama_pledge_sits_inside_the_us_total(result: Reconciliation) -> None:
    (contained,) = findings(result, Contained)
    assert contained.part == pledge_of(result, "CNN-4").id
    assert contained.whole == pledge_of(result, "BBC-1").id


def test_world_bank_loans_are_apart_from_money_already_provided(result: Reconciliation) -> None:
    assert pledge_of(result, "CNN-1") != pledge_of(result, "CNN-2")
    related = [f for f in result.findings if {"CNN-1", "CNN-2"} <= set(f.claims)]
    assert not [f for f in related if f.kind in (FindingKind.DUPLICATE, FindingKind.CONTAINED)]
    assert pledge_of(result, "CNN-1").instrument is ledger.Instrument.LOAN


def test_all_donor_total_cannot_hold_its_parts(result: Reconciliation) -> None:
    (aggregate,) = findings(result, AggregateFinding)
    assert aggregate.aggregate == pledge_of(result, "BBC-2").id
    assert set(aggregate.parts) == {pledge_of(result, "BBC-1").id, pledge_of(result, "CNN-1").id}
    (too_small,) = findings(result, AggregateTooSmall)
    assert too_small.aggregate == aggregate.aggregate
    assert "cannot hold" in too_small.message


def test_repackaging_baseline_and_past_money(result: Reconciliation) -> None:
    (repackaged,) = findings(result, Repackaged)
    assert repackaged.pledge == pledge_of(result, "BBC-1").id
    (baseline,) = findings(result, Baseline)
    assert baseline.baseline == pledge_of(result, "BBC-4").id
    assert baseline.pledge == pledge_of(result, "BBC-1").id
    past = {f.pledge for f in findings(result, AlreadyProvided)}
    assert past == {pledge_of(result, "BBC-4").id, pledge_of(result, "CNN-2").id}


def test_totals_match_the_analyst(result: Reconciliation) -> None:
    (usd,) = result.totals
    assert usd.currency == "USD"
    assert usd.naive == Decimal("3560000000.00")
    assert usd.distinct.nominal == 1300 * M
    # "nearly $300m" reaches down 10%; "more than $200m" may be money on top while undecided
    assert usd.distinct.low == 1270 * M
    assert usd.distinct.high == 1520 * M
    assert dict(usd.by_instrument)["loan"].nominal == 1000 * M
    assert dict(usd.by_donor)["United States"].nominal == 300 * M
    # new money: the US increase over its 2010 level (40m) plus the World Bank's new loans
    assert usd.new_money.nominal == 1040 * M


def test_us_new_money_is_the_increase_over_2010(result: Reconciliation) -> None:
    assert result.errors == ()
    us = pledge_of(result, "BBC-1")
    by_pledge = {c.pledge: c for c in result.contributions}
    assert by_pledge[us.id].new_money.nominal == 40 * M
    # the old level it is measured from counts nothing, and the engine says which finding moves each
    (baseline,) = findings(result, Baseline)
    assert by_pledge[us.id].old_levels == ((baseline.id, ledger.AmountRange(260 * M, 260 * M, 260 * M)),)
    assert by_pledge[baseline.baseline].distinct == ledger.AmountRange.zero()


def test_per_year_view_spreads_world_bank_loans_over_its_two_years(result: Reconciliation) -> None:
    (usd,) = result.totals
    by_year = dict(usd.by_year)
    assert sum(by_year.values()) == usd.distinct.nominal
    # 1bn from 2011-06-22 to 2013-06-21: all of 2012, 193/365 of 2011 and 172/365 of 2013
    assert by_year["2012"] == 500 * M
    assert by_year["2013"] == Decimal("235616438.36")
    assert by_year["2011"] == 300 * M + Decimal("264383561.64")
    assert dict(usd.by_year_whole)["multi-year"] == 1000 * M
    assert dict(usd.by_year_whole)["2011"] == 300 * M


def test_decisions_shape_the_totals(result: Reconciliation) -> None:
    (contained,) = findings(result, Contained)
    accepted = ledger.reconcile(result.ledger.decide(contained.id, "accept"))
    assert accepted.totals[0].distinct.high == 1300 * M
    rejected = ledger.reconcile(result.ledger.decide(contained.id, "reject"))
    assert rejected.totals[0].distinct.nominal == 1500 * M
    (repackaged,) = findings(result, Repackaged)
    gone = ledger.reconcile(result.ledger.decide(repackaged.id, "accept"))
    assert gone.totals[0].new_money.nominal == 1000 * M


def test_json_matches_the_schema(result: Reconciliation) -> None:
    document = ledger.reconciliation_json(result)
    schema_validator().validate(document)
    assert document["totals"]["USD"]["distinct"]["nominal"] == "1300000000.00"
    assert not any(isinstance(v, float) for v in _leaves(document))


def _leaves(value: object) -> list[object]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]
