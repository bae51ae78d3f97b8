"""The analyst's corrections to drafts: typed fields read back by the claim parser, problems named by draft
and field, and a round trip (a draft's fields as typed give the same ledger) on real texts and generated
values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.drafting_corpus import load_events
from ledger import Approximation, Instrument, Ledger, Qualifier, QualifierKind, draft_claims, with_drafts
from ledger.drafting import Drafts, DraftSource, draft_fields, edit_drafts
from tests.ledger.drafting.shared import shared_folder

TEXT = (
    "The World Bank will support Haiti with $1 billion in loans for the next two years.\n"
    "That money will be in addition to $200 million the bank already has provided.\n"
    "Japan pledged about $50 million in grants this year.\n"
    "Analysts say the drug market is worth $35 billion."
)
SOURCE = DraftSource(publisher="Test Wire", title="Loans for Haiti", date=date(2014, 10, 12))


@pytest.fixture(scope="module")
def drafts() -> Drafts:
    drafted = draft_claims(TEXT, SOURCE)
    assert [d.id for d in drafted.drafts] == ["D1", "D2", "D3"]
    return drafted


def test_a_drafts_fields_read_as_an_analyst_types_them(drafts: Drafts) -> None:
    loans = draft_fields(drafts.draft("D1"))
    assert loans["amount"] == "1,000,000,000"
    assert (loans["currency"], loans["approximation"], loans["instrument"]) == ("USD", "exact", "loan")
    assert loans["period"] == "2014-10-12 to 2016-10-11"
    assert loans["qualifiers"] == "in addition to D2"
    assert draft_fields(drafts.draft("D3"))["approximation"] == "about"


def test_no_edits_give_the_same_drafts_and_the_same_ledger(drafts: Drafts) -> None:
    edited = edit_drafts(drafts)
    assert edited.problems == ()
    assert with_drafts(Ledger(), edited.drafts) == with_drafts(Ledger(), drafts)


def test_typed_fields_replace_the_drafted_ones(drafts: Drafts) -> None:
    edited = edit_drafts(
        drafts,
        {"D3": {"amount": "48m", "approximation": "", "currency": "JPY", "period": "2015", "donor": "Japan"}},
    )
    assert edited.problems == ()
    japan = edited.drafts.draft("D3")
    assert (japan.amount, japan.currency) == (Decimal("48000000"), "JPY")
    assert japan.approximation is Approximation.EXACT  # a blank approximation is an exact figure
    assert (japan.period.start, japan.period.end) == (date(2015, 1, 1), date(2015, 12, 31))
    assert japan.quote == drafts.draft("D3").quote  # the sentence is never typed over
    assert edited.drafts.draft("D1") == drafts.draft("D1")


def test_every_problem_at_once_each_naming_its_draft_and_field(drafts: Drafts) -> None:
    edited = edit_drafts(
        drafts,
        {
            "D1": {"amount": "3OOm", "period": "soonish", "colour": "red"},
            "D3": {"donor": " ", "qualifiers": "frobbed", "currency": "XYZ"},
            "D9": {"amount": "5m"},
        },
    )
    said = [str(p) for p in edited.problems]
    assert 'draft D1, amount: "3OOm" is not a number: it has letters among its digits' in said
    assert any(s.startswith('draft D1, period: "soonish" is not understood') for s in said)
    assert any(s.startswith("draft D1, colour: is not a field a draft has") for s in said)
    assert 'draft D3, donor: missing; type who gives the money (or "unknown donor")' in said
    assert any(s.startswith('draft D3, qualifiers: "frobbed" is not understood') for s in said)
    assert any(s.startswith('draft D3, currency: "XYZ" is not an ISO 4217 code') for s in said)
    assert "draft D9, id: there is no draft D9; the drafts are D1 to D4" in said
    assert {(p.draft, p.field) for p in edited.problems} >= {("D1", "amount"), ("D3", "donor")}


def test_a_figure_set_aside_is_offered_as_a_draft_the_analyst_may_tick(drafts: Drafts) -> None:
    (market,) = drafts.skipped
    assert market.draft is not None and market.draft.id == "D4"  # numbered after the claims
    assert market.draft.amount == Decimal("35000000000") and market.draft.reason == market.reason
    assert market.draft.confidence.score <= 40 and market.draft.qualifiers == ()
    assert [d.id for d in edit_drafts(drafts).drafts.drafts] == ["D1", "D2", "D3"]  # not unless kept
    kept = edit_drafts(drafts, {"D4": {"donor": "drug traffickers"}}, keep=["D1", "D4"])
    assert kept.problems == ()
    book = with_drafts(Ledger(), kept.drafts)
    assert [(c.donor, c.amount.amount) for c in book.claims][1] == (
        "drug traffickers",
        Decimal("35000000000"),
    )


def test_only_the_drafts_kept_are_read_and_returned(drafts: Drafts) -> None:
    # D2 is wrong and left out: its problem does not count, and D1's qualifier naming it is allowed
    edited = edit_drafts(drafts, {"D2": {"amount": "nonsense"}}, keep=["D1", "D3"])
    assert edited.problems == ()
    assert [d.id for d in edited.drafts.drafts] == ["D1", "D3"]
    book = with_drafts(Ledger(), edited.drafts)
    assert [c.qualifiers for c in book.claims] == [(), ()]  # "in addition to D2" dropped with D2


def test_a_qualifier_must_name_another_draft(drafts: Drafts) -> None:
    edited = edit_drafts(drafts, {"D1": {"qualifiers": "in addition to D7; part of D1"}})
    said = [str(p) for p in edited.problems]
    assert said == [
        'draft D1, qualifiers: "in addition to D7" names no draft; the drafts are D1 to D4',
        'draft D1, qualifiers: "part of D1" names itself; the drafts are D1 to D4',
    ]


_AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999999"), places=2)
_CURRENCIES = st.sampled_from(["USD", "EUR", "GBP", "JPY", "CHF", "INR", "CNY", "XOF"])
_QUALIFIERS = st.lists(
    st.sampled_from(
        [
            Qualifier(QualifierKind.AGGREGATE),
            Qualifier(QualifierKind.REPACKAGED),
            Qualifier(QualifierKind.ALREADY_PROVIDED),
            Qualifier(QualifierKind.BASELINE),
            Qualifier(QualifierKind.IN_ADDITION_TO, "D2"),
            Qualifier(QualifierKind.INCREASE_FROM, "D2"),
            Qualifier(QualifierKind.CONVERTED, "D2"),
            Qualifier(QualifierKind.PART_OF, "D2"),
        ]
    ),
    unique=True,
    max_size=3,
)


@given(
    amount=_AMOUNTS,
    currency=_CURRENCIES,
    approximation=st.sampled_from(list(Approximation)),
    instrument=st.sampled_from(list(Instrument)),
    qualifiers=_QUALIFIERS,
    donor=st.sampled_from(["", "Japan", "the European Union", "=1+1"]),
)
def test_any_drafted_values_survive_being_typed_and_read_back(
    drafts: Drafts,
    amount: Decimal,
    currency: str,
    approximation: Approximation,
    instrument: Instrument,
    qualifiers: list[Qualifier],
    donor: str,
) -> None:
    changed = replace(
        drafts.draft("D1"),
        amount=amount,
        currency=currency,
        approximation=approximation,
        instrument=instrument,
        qualifiers=tuple(qualifiers),
        donor=donor,
    )
    these = replace(drafts, drafts=(changed, *drafts.drafts[1:]))
    typed = {"D1": draft_fields(changed)}
    edited = edit_drafts(these, typed)
    assert edited.problems == ()
    assert with_drafts(Ledger(), edited.drafts) == with_drafts(Ledger(), these)


def test_every_draft_of_the_real_events_reads_back_to_itself() -> None:
    """Each text of ../shared/events/, drafted: its drafts typed as fields give the same ledger."""
    events = load_events(shared_folder("events"))
    count = 0
    for event in events:
        for text in event.texts:
            drafted = draft_claims(
                text.text, DraftSource(publisher=text.publisher, title=text.title, date=text.date)
            )
            edited = edit_drafts(drafted, {d.id: draft_fields(d) for d in drafted.drafts})
            unreadable = [d for d in drafted.drafts if not d.currency]
            # a figure with no currency named has no currency field to read: the analyst must type one
            assert {p.draft for p in edited.problems} == {d.id for d in unreadable}, (
                text.id,
                edited.problems,
            )
            kept = edit_drafts(drafted, keep=[d.id for d in drafted.drafts if d.currency])
            wanted = replace(drafted, drafts=tuple(d for d in drafted.drafts if d.currency))
            assert with_drafts(Ledger(), kept.drafts) == with_drafts(Ledger(), wanted), text.id
            count += len(drafted.drafts)
    assert count > 100
