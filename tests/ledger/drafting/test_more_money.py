"""How figures relate across a sentence and the one before: more money, parts of a whole (written for
these tests)."""

from __future__ import annotations

from datetime import date

from ledger import QualifierKind, draft_claims
from ledger.drafting import Draft, DraftSource

DAY = date(2013, 11, 20)


def drafts_of(text: str) -> dict[str, Draft]:
    """The drafts of `text` by their figure as written."""
    return {d.figure.text: d for d in draft_claims(text, DraftSource(publisher="Test Wire", date=DAY)).drafts}


def targets(draft: Draft, kind: QualifierKind) -> set[str | None]:
    return {q.target for q in draft.qualifiers if q.kind is kind}


def test_an_additional_figure_is_on_top_of_the_same_donors_claim_the_sentence_before() -> None:
    drafts = drafts_of(
        "The Asian Development Bank has announced $23 million in grants for the Philippines."
        " An additional $500 million worth of emergency loans is ready, the bank said."
    )
    assert targets(drafts["$500 million"], QualifierKind.IN_ADDITION_TO) == {drafts["$23 million"].id}


def test_a_further_figure_is_on_top_of_the_donors_initial_one_later_in_the_sentence() -> None:
    drafts = drafts_of(
        "China said it would provide a further $1.6 million aid to the Philippines, after criticism of"
        " its initial response of a $100,000 government donation."
    )
    assert targets(drafts["$1.6 million"], QualifierKind.IN_ADDITION_TO) == {drafts["$100,000"].id}


def test_another_figure_of_another_donor_is_not_on_top_of_the_first() -> None:
    drafts = drafts_of("Japan gave $10 million to the Philippines. Another $5 million came from Norway.")
    assert targets(drafts["$5 million"], QualifierKind.IN_ADDITION_TO) == set()


def test_the_figure_a_sentence_opens_with_holds_the_next() -> None:
    drafts = drafts_of(
        "Of the 4.5 billion dollars donors pledged to Georgia on Wednesday, 2 billion dollars will be in"
        " grants, officials said."
    )
    whole, part = drafts["4.5 billion dollars"], drafts["2 billion dollars"]
    assert targets(part, QualifierKind.PART_OF) == {whole.id}
    assert targets(whole, QualifierKind.INCLUDES) == {part.id}


def test_a_figure_as_part_of_a_package_is_a_part_of_it() -> None:
    drafts = drafts_of(
        "The United States signed an agreement to provide $250 million in budgetary support to Georgia"
        " as part of the United States' $1 billion economic support package."
    )
    part, whole = drafts["$250 million"], drafts["$1 billion"]
    assert targets(part, QualifierKind.PART_OF) == {whole.id}
    assert targets(whole, QualifierKind.INCLUDES) == {part.id}


def test_a_figure_far_before_part_of_is_not_a_part() -> None:
    drafts = drafts_of(
        "Japan gave $10 million to the Philippines, and Norway said that the work in Tacloban was part of"
        " a wider plan costing $300 million."
    )
    assert targets(drafts["$10 million"], QualifierKind.PART_OF) == set()


def test_already_spent_speaks_of_the_figure_it_follows_not_the_new_money() -> None:
    drafts = drafts_of("Kuwait offered $0.5bn in new money to Iraq, on top of the $1bn it has already spent.")
    assert QualifierKind.ALREADY_PROVIDED in {q.kind for q in drafts["$1bn"].qualifiers}
    assert QualifierKind.ALREADY_PROVIDED not in {q.kind for q in drafts["$0.5bn"].qualifiers}
