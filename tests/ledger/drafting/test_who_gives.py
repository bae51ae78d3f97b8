"""Who gives and who announced, on sentences of the kind reports use (written for these tests)."""

from __future__ import annotations

from datetime import date

from ledger import draft_claims
from ledger.drafting import Draft, DraftSource
from ledger.names import ALL_DONORS

DAY = date(2014, 10, 12)


def drafts_of(text: str) -> dict[str, Draft]:
    """The drafts of `text` by their figure as written."""
    return {d.figure.text: d for d in draft_claims(text, DraftSource(publisher="Test Wire", date=DAY)).drafts}


def test_the_us_of_a_currency_sign_is_not_a_donor() -> None:
    drafts = drafts_of("Saudi Arabia said it would add an additional US$100 million grant for Lebanon.")
    assert drafts["US$100 million"].donor == "Saudi Arabia"


def test_a_conversion_in_brackets_has_the_donor_of_the_figure_it_restates() -> None:
    drafts = drafts_of(
        "Saudi Arabia said it would channel US$1 billion (€770 million) in development funding."
    )
    assert drafts["US$1 billion"].donor == "Saudi Arabia"
    assert drafts["€770 million"].donor == "Saudi Arabia"


def test_a_collective_subject_before_a_chain_of_verbs_gives() -> None:
    drafts = drafts_of(
        "At a conference held today in Brussels, 38 countries and 15 international organizations pledged"
        " to provide approximately $4.5 billion to Georgia."
    )
    assert drafts["$4.5 billion"].donor == ALL_DONORS


def test_donors_pledging_a_figure_are_the_donors() -> None:
    drafts = drafts_of("The conference ended in Tokyo with donors pledging as much as $4.5 billion.")
    assert drafts["$4.5 billion"].donor == ALL_DONORS


def test_a_donors_pledging_session_is_an_event_not_a_giver() -> None:
    drafts = drafts_of("At the donors pledging session, Japan pledged $500 million.")
    assert drafts["$500 million"].donor == "Japan"


def test_the_leader_of_donors_is_not_the_giver_of_their_total() -> None:
    drafts = drafts_of("Donors led by the United States pledged about $20 billion in aid to Afghanistan.")
    assert drafts["$20 billion"].donor == ALL_DONORS
