"""Each drafting pattern on short sentences of the kind reports use (written for these tests)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger import Approximation, Instrument, QualifierKind, draft_claims
from ledger.drafting import Draft, Drafts, DraftSource, read_article

DAY = date(2014, 10, 12)


def drafted(text: str, day: date | None = DAY, title: str = "") -> Drafts:
    return draft_claims(text, DraftSource(publisher="Test Wire", title=title, date=day))


def only(text: str, day: date | None = DAY) -> Draft:
    drafts = drafted(text, day)
    assert len(drafts.drafts) == 1, [(d.figure.text, d.donor) for d in drafts.drafts]
    return drafts.drafts[0]


def kinds(draft: Draft) -> set[QualifierKind]:
    return {q.kind for q in draft.qualifiers}


# ---- figures -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "amount", "currency"),
    [
        ("$300m", "300000000", "USD"),
        ("US$1.2 bn", "1200000000", "USD"),
        ("€7.2bn", "7200000000", "EUR"),
        ("500 million euros", "500000000", "EUR"),
        ("Rs 66.30 billion", "66300000000", "INR"),
        ("50 million yuan", "50000000", "CNY"),
        ("£1.5 billion", "1500000000", "GBP"),
        ("$20 million dollars", "20000000", "USD"),
        ("three billion dollars", "3000000000", "USD"),
        ("13 million Swiss francs", "13000000", "CHF"),
        ("NIS 20 billion", "20000000000", "ILS"),
        ("$770-million", "770000000", "USD"),
    ],
)
def test_figures_in_the_spellings_reports_use(figure: str, amount: str, currency: str) -> None:
    draft = only(f"Norway pledged {figure} to Haiti on Monday.")
    assert (draft.amount, draft.currency, draft.figure.text) == (Decimal(amount), currency, figure)
    assert draft.donor == "Norway"


@pytest.mark.parametrize(
    ("words", "approximation"),
    [
        ("nearly", Approximation.NEARLY),
        ("almost", Approximation.NEARLY),
        ("about", Approximation.ABOUT),
        ("close to", Approximation.ABOUT),
        ("more than", Approximation.MORE_THAN),
        ("at least", Approximation.MORE_THAN),
        ("up to", Approximation.UP_TO),
    ],
)
def test_approximation_words(words: str, approximation: Approximation) -> None:
    draft = only(f"Norway pledged {words} $40 million to Haiti.")
    assert draft.approximation is approximation
    assert draft.why("approximation")[0].words.lower() == words


def test_francs_take_the_country_the_text_names() -> None:
    draft = only("Switzerland announced a gift of 8 million francs for 2016.")
    assert (draft.currency, draft.amount) == ("CHF", Decimal("8000000"))


def test_a_figure_with_no_currency_takes_its_sentences_currency() -> None:
    drafts = drafted("Donors pledged $33 billion, and Japan promised 5.5 billion of it.")
    assert {(d.amount, d.currency) for d in drafts.drafts} == {
        (Decimal("33000000000"), "USD"),
        (Decimal("5500000000"), "USD"),
    }


# ---- claim or not ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("The government says the country needs $5 billion to rebuild.", "need"),
        ("The UN launched an appeal for $2.9 billion this year.", "appeal"),
        ("Officials had requested $4 billion for reconstruction.", "request"),
        ("The cocaine market is worth $35 billion a year.", "market"),
        ("The country's GDP is $40 billion.", "economic"),
        ("The storm did $3 billion worth of damage.", "damage"),
        ("The country is weighed down by $40 billion of debt.", "debt"),
        ("Only $100 million has been received so far.", "received"),
        ("The organisers had hoped to raise $20 billion.", "expectation"),
        ("Ministers are asked to fund a $50 billion five-year plan.", "plan"),
        ("Ministers were asked to fund $50 billion over ten years.", "asked"),
    ],
)
def test_figures_that_are_not_pledges_say_why(sentence: str, reason: str) -> None:
    drafts = drafted(sentence)
    assert drafts.drafts == ()
    assert len(drafts.skipped) == 1
    assert reason in drafts.skipped[0].reason


def test_percentages_and_exchange_rates_are_skipped() -> None:
    drafts = drafted("Japan raised its aid by 10% to $50 million. ($1 = 43.86 Philippine pesos)")
    reasons = {s.text: s.reason for s in drafts.skipped}
    assert reasons["10%"] == "a percentage, not money"
    assert "exchange rate" in reasons["$1"]
    assert [d.amount for d in drafts.drafts] == [Decimal("50000000")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Japan pledged $50 million to Haiti.",
        "The World Bank will lend $1 billion to Haiti.",
        "Canada committed $20 million in humanitarian aid.",
        "Kuwait promised $200 million for reconstruction.",
        "Donors Offer Haiti $4.5 Billion",
        "Germany: $20 million",
    ],
)
def test_money_given_is_a_claim_and_says_why(sentence: str) -> None:
    draft = only(sentence)
    assert draft.reason
    assert draft.why("claim")


# ---- donors and people ---------------------------------------------------------------------------------


def test_the_bank_after_the_world_bank_was_named() -> None:
    drafts = drafted(
        "The World Bank met ministers on Monday. The bank said it would provide $300 million to Haiti."
    )
    assert drafts.drafts[0].donor == "World Bank"


def test_donors_from_a_list_with_from_and_by() -> None:
    drafts = drafted(
        "Further pledges included $700 million from the Asian Development Bank and $450 million from Britain. "
        "Another $3 billion was promised by Washington."
    )
    assert [d.donor for d in drafts.drafts] == ["Asian Development Bank", "United Kingdom", "United States"]


def test_each_and_respectively_give_one_draft_per_donor() -> None:
    each = drafted("Turkey, Kuwait and Qatar promised $200 million each.")
    assert [d.donor for d in each.drafts] == ["Türkiye", "Kuwait", "Qatar"]
    respectively = drafted(
        "Iran and Pakistan pledged $560 million and $100 million, respectively, over five years."
    )
    assert [(d.donor, d.amount) for d in respectively.drafts] == [
        ("Iran", Decimal("560000000")),
        ("Pakistan", Decimal("100000000")),
    ]


def test_donors_named_together_make_a_combined_aggregate() -> None:
    draft = only("Norway and the Netherlands pledged a combined $210 million.")
    assert draft.donor == "Norway and Netherlands"
    assert QualifierKind.AGGREGATE in kinds(draft)


def test_the_person_quoted_and_their_country() -> None:
    drafts = drafted(
        "US Secretary of State Hillary Clinton spoke in Guatemala. "
        '"We will respond with almost $300 million this year," Clinton said.',
        day=date(2011, 6, 22),
    )
    draft = drafts.drafts[0]
    assert (draft.donor, draft.announced_by) == ("United States", "Hillary Clinton")
    assert (draft.period.start, draft.period.end) == (date(2011, 1, 1), date(2011, 12, 31))


def test_the_recipient_falls_back_to_the_articles_subject_and_says_so() -> None:
    drafts = drafted("Japan pledged $50 million on Monday.", title="Donors pledge aid for Haiti")
    draft = drafts.drafts[0]
    assert draft.recipient == "Haiti"
    assert "subject" in draft.why("recipient")[0].rule


# ---- periods and instruments ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "start", "end"),
    [
        ("this year", date(2014, 1, 1), date(2014, 12, 31)),
        ("for the next two years", date(2014, 10, 12), date(2016, 10, 11)),
        ("in 2010", date(2010, 1, 1), date(2010, 12, 31)),
        ("by 2015", date(2014, 10, 12), date(2015, 12, 31)),
        ("over five years", date(2014, 10, 12), date(2019, 10, 11)),
        ("between 2014 and 2016", date(2014, 1, 1), date(2016, 12, 31)),
    ],
)
def test_periods_resolve_against_the_sources_date(words: str, start: date, end: date) -> None:
    draft = only(f"Norway pledged $40 million to Haiti {words}.")
    assert (draft.period.start, draft.period.end) == (start, end)


def test_without_a_date_relative_periods_stay_unresolved_and_say_so() -> None:
    drafts = drafted("Norway pledged $40 million to Haiti this year.", day=None)
    assert not drafts.drafts[0].period.known
    assert "no date" in drafts.drafts[0].period.text
    assert drafts.notes


@pytest.mark.parametrize(
    ("words", "instrument"),
    [
        ("$1 billion in loans", Instrument.LOAN),
        ("$50 million in grants", Instrument.GRANT),
        ("a $200 million credit", Instrument.LOAN),
        ("$300 million in guarantees", Instrument.GUARANTEE),
        ("$100 million of debt relief", Instrument.DEBT_RELIEF),
        ("$2 billion in grants and loans", Instrument.MIXED),
    ],
)
def test_instruments(words: str, instrument: Instrument) -> None:
    drafts = drafted(f"The bank Norway Fund will give {words} to Haiti.")
    assert drafts.drafts[0].instrument is instrument


# ---- qualifiers ----------------------------------------------------------------------------------------


def test_in_addition_to_and_already_provided() -> None:
    drafts = drafted(
        "The World Bank will support Haiti with $1 billion in loans. "
        "That money will be in addition to $200 million the bank already has provided."
    )
    loans, provided = drafts.drafts
    assert {(q.kind, q.target) for q in loans.qualifiers} == {(QualifierKind.IN_ADDITION_TO, provided.id)}
    assert kinds(provided) == {QualifierKind.ALREADY_PROVIDED}


def test_an_increase_from_one_figure_to_another_gives_two_claims_with_a_baseline() -> None:
    drafts = drafted(
        "Norway said its aid to Haiti would be increased from $260m in 2010 to almost $300m this year."
    )
    baseline, increased = drafts.drafts
    assert kinds(baseline) == {QualifierKind.BASELINE}
    assert (baseline.period.start, baseline.period.end) == (date(2010, 1, 1), date(2010, 12, 31))
    assert {(q.kind, q.target) for q in increased.qualifiers} == {(QualifierKind.INCREASE_FROM, baseline.id)}
    assert increased.approximation is Approximation.NEARLY


def test_in_total_donors_pledged_is_an_aggregate() -> None:
    draft = only("In total, donors pledged close to $1bn.")
    assert draft.donor == "All donors"
    assert kinds(draft) == {QualifierKind.AGGREGATE}


def test_repackaging_said_in_another_sentence() -> None:
    drafts = drafted(
        "US Secretary of State Ann Porter told reporters the United States would give $300 million to Haiti. "
        'An official said Porter may announce "repackaging" some assistance.'
    )
    assert QualifierKind.REPACKAGED in kinds(drafts.drafts[0])
    assert "may be repackaged" in drafts.drafts[0].notes


def test_previously_announced_money_is_not_new() -> None:
    draft = only("The United States has already pledged $20 billion to Iraq.")
    assert QualifierKind.REPACKAGED in kinds(draft)
    assert "previously announced" in draft.notes


def test_an_outlets_conversion_is_the_same_claim_with_the_original_kept() -> None:
    drafts = drafted("Germany pledged 5 million euros (about $7.4 million) to Haiti.")
    original, converted = drafts.drafts
    assert (original.amount, original.currency) == (Decimal("5000000"), "EUR")
    assert (converted.amount, converted.currency) == (Decimal("7400000"), "USD")
    assert {(q.kind, q.target) for q in converted.qualifiers} == {(QualifierKind.SAME_AS, original.id)}
    assert converted.approximation is Approximation.ABOUT


def test_a_yearly_figure_is_per_year() -> None:
    draft = only("Norway will give $40 million a year to Haiti.")
    assert QualifierKind.PER_YEAR in kinds(draft)


# ---- input ---------------------------------------------------------------------------------------------


def test_a_text_in_german_is_not_supported() -> None:
    drafts = drafted(
        "Deutschland will 420 Millionen Euro geben, und die Weltbank sagte 1,1 Milliarden Dollar für den Wiederaufbau zu."
    )
    assert not drafts.supported
    assert drafts.drafts == () and drafts.skipped == ()
    assert "German" in drafts.notes[0]


def test_an_html_page_gives_its_article_text_and_its_source() -> None:
    page = (
        b"<!doctype html><html><head><title>Aid for Haiti</title>"
        b'<meta property="og:site_name" content="Test Wire">'
        b'<meta property="article:published_time" content="2014-10-12T09:00:00Z">'
        b"<script>var pledged = '$9 billion';</script></head><body><nav>Markets $5bn</nav>"
        b"<article><h1>Donors pledge aid for Haiti</h1><p>Norway pledged $40 million to Haiti.</p></article>"
        b"<footer>Advertising $1m</footer></body></html>"
    )
    article = read_article(page)
    assert article.text.splitlines() == [
        "Donors pledge aid for Haiti",
        "Norway pledged $40 million to Haiti.",
    ]
    assert (article.publisher, article.title, article.date) == ("Test Wire", "Aid for Haiti", DAY)
    drafts = draft_claims(article.text, DraftSource(publisher=article.publisher, date=article.date))
    assert [d.amount for d in drafts.drafts] == [Decimal("40000000")]


def test_every_draft_has_its_figures_place_evidence_and_confidence() -> None:
    text = "Norway pledged $40 million to Haiti this year."
    draft = only(text)
    assert text[draft.figure.span.start : draft.figure.span.end] == "$40 million"
    assert {e.field for e in draft.evidence} >= {
        "claim",
        "amount",
        "donor",
        "recipient",
        "period",
        "instrument",
    }
    assert 0 < draft.confidence.score <= 100
