"""Group duplicates: claims that report one pledge become one pledge, and only those."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from benchmarks.synthetic import synthetic_ledger
from ledger import Duplicate
from ledger.core.findings import Said
from ledger.engine.group import _OpenGroups, group_duplicates
from ledger.engine.normalise import normalise

from .small import claim, grouped, pledge_of, reconciled


def test_one_pledge_told_twice_is_one_pledge_counted_once() -> None:
    result = reconciled(claim("A1", approximation="nearly"), claim("B1", source="B"))
    assert grouped(result) == {frozenset({"A1", "B1"})}
    (duplicate,) = result.findings_of(Duplicate)
    assert duplicate.pledge == pledge_of(result, "A1").id
    assert duplicate.amount_at_stake == Decimal("300000000.00")  # what a naive sum counts too much
    assert "Agence and Bulletin report one pledge twice" in duplicate.message
    (usd,) = result.totals
    assert usd.naive == Decimal("600000000.00")
    assert usd.distinct.nominal == Decimal("300000000.00")


def test_spellings_of_one_donor_are_one_donor() -> None:
    result = reconciled(claim("A1", donor="US"), claim("B1", source="B", donor="U.S."))
    assert grouped(result) == {frozenset({"A1", "B1"})}
    assert pledge_of(result, "A1").donor == "United States"


def test_different_donors_recipients_years_or_instruments_stay_apart() -> None:
    result = reconciled(
        claim("A1", instrument="loan"),
        claim("A2", donor="Japan"),
        claim("A3", recipient="Honduras"),
        claim("A4", period="2012"),
        claim("A5", instrument="grant"),
    )
    assert grouped(result) == set()


def test_a_claim_that_does_not_say_its_instrument_fits_either() -> None:
    result = reconciled(claim("A1", instrument="loan"), claim("B1", source="B"))
    assert grouped(result) == {frozenset({"A1", "B1"})}


def test_in_addition_to_keeps_two_equal_figures_apart() -> None:
    result = reconciled(claim("A1"), claim("B1", source="B", qualifiers="in addition to A1"))
    assert grouped(result) == set()


def test_same_as_joins_figures_that_do_not_agree() -> None:
    result = reconciled(claim("A1"), claim("B1", source="B", amount="250000000", qualifiers="same as A1"))
    assert grouped(result) == {frozenset({"A1", "B1"})}
    (duplicate,) = result.findings_of(Duplicate)
    assert "same as" in duplicate.rule


def test_a_ladder_of_near_figures_does_not_chain_into_one_pledge() -> None:
    # each figure's range overlaps the next, but no figure fits all of them
    result = reconciled(
        claim("A1", amount="100000000", approximation="about"),
        claim("A2", amount="118000000", approximation="about"),
        claim("A3", amount="140000000", approximation="about"),
    )
    assert frozenset({"A1", "A2", "A3"}) not in grouped(result)


def test_a_rejected_duplicate_leaves_each_claim_a_pledge_of_its_own() -> None:
    first = reconciled(claim("A1"), claim("B1", source="B"))
    (duplicate,) = first.findings_of(Duplicate)
    rejected = reconciled(
        claim("A1"), claim("B1", source="B"), decisions=[{"finding": duplicate.id, "decision": "reject"}]
    )
    assert grouped(rejected) == set()
    (usd,) = rejected.totals
    assert usd.distinct.nominal == Decimal("600000000.00")


def test_a_duplicate_made_twice_is_equal_and_reads_as_text_given_would() -> None:
    # its words are made when read: a finding of the same content equals it, and one given as text too
    first = reconciled(claim("A1", approximation="nearly"), claim("B1", source="B"))
    again = reconciled(claim("A1", approximation="nearly"), claim("B1", source="B"))
    (duplicate,) = first.findings_of(Duplicate)
    (same,) = again.findings_of(Duplicate)
    assert duplicate == same and hash(duplicate) == hash(same)
    as_text = replace(duplicate, words=Said(duplicate.rule, duplicate.message))
    assert as_text == duplicate and hash(as_text) == hash(duplicate)
    assert duplicate.rule == (
        "same donor (United States), both 2011, same recipient (Guatemala), the same figure (USD 300m)"
    )
    reworded = replace(duplicate, words=Said(duplicate.rule, duplicate.message + "."))
    assert reworded != duplicate


@pytest.mark.parametrize("seed", [3, 11])
def test_groups_closed_early_are_those_no_later_claim_could_join(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a group closes once some member is apart on figures from every later claim: never closing any
    # gives the same pledges and the same possible duplicates
    normal = normalise(synthetic_ledger(3_000, seed=seed))
    closing = group_duplicates(normal, {})
    monkeypatch.setattr(_OpenGroups, "close_below", lambda self, figure, closed: None)
    never_closing = group_duplicates(normal, {})
    assert closing == never_closing
    assert sum(len(view.members) > 1 for view in closing[0]) > 300  # many duplicates were grouped
