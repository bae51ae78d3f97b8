"""How drafts look: the text cut into runs at every figure (nothing lost, nothing doubled), each draft a card
with its fields, why and how sure, the claims ticked and the figures set aside unticked, and problems
linked to their fields."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.presentation.drafts import draft_cards, problem_lines, skipped_views, source_words, text_runs
from ledger import draft_claims
from ledger.drafting import DraftSource, FieldProblem

from ..articles import article

TEXT = (
    "Japan pledged about $50 million in grants this year. Analysts say the drug market is worth "
    "$35 billion, and 12% of it goes to Peru."
)
SOURCE = DraftSource(publisher="Test Wire", date=date(2014, 10, 12))


def test_the_cnn_text_is_cut_at_every_figure_and_each_leads_to_its_row() -> None:
    cnn = article("cnn")
    drafts = draft_claims(cnn["text"], DraftSource(publisher="CNN", date=date(2011, 6, 22)))
    runs = text_runs(drafts)
    assert "".join(r.text for r in runs) == drafts.text
    marked = [(r.text, r.kind, r.target) for r in runs if r.kind]
    assert marked == [
        ("$1 billion", "claim", "draft-D1"),
        ("$200 million", "claim", "draft-D2"),
        ("$300 million", "claim", "draft-D3"),
        ("$200 million", "claim", "draft-D4"),
        ("$35 billion", "skipped", "draft-D5"),
    ]


@given(st.text(alphabet="ab $1m.,%\n", max_size=60))
def test_the_runs_always_give_back_the_text(text: str) -> None:
    assert "".join(r.text for r in text_runs(draft_claims(text, SOURCE))) == text


def test_cards_tick_the_claims_and_offer_the_figures_set_aside_unticked() -> None:
    drafts = draft_claims(TEXT, SOURCE)
    cards = draft_cards(drafts)
    assert [(c.id, c.claim, c.ticked) for c in cards] == [("D1", True, True), ("D2", False, False)]
    japan, market = cards
    fields = {f.name: f for f in japan.fields}
    assert (fields["donor"].value, fields["amount"].value, fields["approximation"].value) == (
        "Japan",
        "50,000,000",
        "about",
    )
    assert fields["instrument"].value == "grant" and "grant" in fields["instrument"].choices
    assert any(w.words == "in grants" or "grant" in w.rule for w in fields["instrument"].whys)
    # the words that decided it, said once: in the reason when it quotes them, else beside it
    assert '"pledged"' in japan.reason and japan.words == ""
    assert "market" in market.reason and market.words == "market"
    assert 0 <= market.confidence < japan.confidence
    # after a failed add the page shows what the analyst ticked and typed
    again = draft_cards(
        drafts, ticked=["D2"], typed={"D1": {"amount": "5O"}}, problems=[FieldProblem("D1", "amount", "bad")]
    )
    assert [c.ticked for c in again] == [False, True]
    assert {f.name: (f.value, f.problem) for f in again[0].fields}["amount"] == ("5O", "bad")


def test_percentages_are_listed_apart_and_problems_link_to_their_fields() -> None:
    drafts = draft_claims(TEXT, SOURCE)
    assert [(s.figure, s.anchor) for s in skipped_views(drafts)] == [("12%", "skipped-2")]
    lines = problem_lines(
        [FieldProblem("D1", "amount", '"5O" is not a number'), FieldProblem("", "date", "not a date")]
    )
    assert [(line.text, line.anchor) for line in lines] == [
        ('draft D1, amount: "5O" is not a number', "D1-amount"),
        ("date: not a date", "source-date"),
    ]
    assert source_words(drafts) == "Test Wire, 2014-10-12"
