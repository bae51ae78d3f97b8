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
        "The African Development Bank has announced $15 million in grants for Mozambique."
        " An additional $200 million worth of emergency loans is ready, the bank said."
    )
    assert targets(drafts["$200 million"], QualifierKind.IN_ADDITION_TO) == {drafts["$15 million"].id}


def test_a_further_figure_is_on_top_of_the_donors_initial_one_later_in_the_sentence() -> None:
    drafts = drafts_of(
        "India said it would provide a further $2.5 million aid to Mozambique, after complaints about"
        " its first offer of a $300,000 government donation."
    )
    assert targets(drafts["$2.5 million"], QualifierKind.IN_ADDITION_TO) == {drafts["$300,000"].id}


def test_another_figure_of_another_donor_is_not_on_top_of_the_first() -> None:
    drafts = drafts_of("Italy gave $7 million to Mozambique. Another $3 million came from Denmark.")
    assert targets(drafts["$3 million"], QualifierKind.IN_ADDITION_TO) == set()


def test_the_figure_a_sentence_opens_with_holds_the_next() -> None:
    drafts = drafts_of(
        "Of the 3 billion dollars donors pledged to Moldova on Friday, 1.2 billion dollars will be in"
        " grants, officials said."
    )
    whole, part = drafts["3 billion dollars"], drafts["1.2 billion dollars"]
    assert targets(part, QualifierKind.PART_OF) == {whole.id}
    assert targets(whole, QualifierKind.INCLUDES) == {part.id}


def test_a_figure_as_part_of_a_package_is_a_part_of_it() -> None:
    drafts = drafts_of(
        "Germany signed an agreement to provide $120 million in budget support to Moldova"
        " as part of Germany's $600 million economic support package."
    )
    part, whole = drafts["$120 million"], drafts["$600 million"]
    assert targets(part, QualifierKind.PART_OF) == {whole.id}
    assert targets(whole, QualifierKind.INCLUDES) == {part.id}


def test_a_figure_far_before_part_of_is_not_a_part() -> None:
    drafts = drafts_of(
        "Italy gave $7 million to Mozambique, and Denmark said that the work in Beira was part of"
        " a wider plan costing $90 million."
    )
    assert targets(drafts["$7 million"], QualifierKind.PART_OF) == set()


def test_already_spent_speaks_of_the_figure_it_follows_not_the_new_money() -> None:
    drafts = drafts_of(
        "Oman offered $0.2bn in new money to Yemen, on top of the $0.4bn it has already spent."
    )
    assert QualifierKind.ALREADY_PROVIDED in {q.kind for q in drafts["$0.4bn"].qualifiers}
    assert QualifierKind.ALREADY_PROVIDED not in {q.kind for q in drafts["$0.2bn"].qualifiers}
