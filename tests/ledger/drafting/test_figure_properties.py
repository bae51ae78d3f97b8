"""Property: a figure in any currency and unit spelling, in a sentence of giving, drafts to its exact amount."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ledger.drafting import DraftSource, draft_claims

# (how the currency is written, before or after the number, ISO code)
CURRENCIES = (
    ("$", "before", "USD"),
    ("US$", "before", "USD"),
    ("$US", "before", "USD"),
    ("USD ", "before", "USD"),
    ("€", "before", "EUR"),
    ("EUR ", "before", "EUR"),
    ("£", "before", "GBP"),
    ("¥", "before", "JPY"),
    ("Rs ", "before", "INR"),
    ("CHF ", "before", "CHF"),
    ("NIS ", "before", "ILS"),
    ("A$", "before", "AUD"),
    ("C$", "before", "CAD"),
    (" dollars", "after", "USD"),
    (" US dollars", "after", "USD"),
    (" euros", "after", "EUR"),
    (" pounds", "after", "GBP"),
    (" pounds sterling", "after", "GBP"),
    (" yen", "after", "JPY"),
    (" yuan", "after", "CNY"),
    (" rupees", "after", "INR"),
    (" Swiss francs", "after", "CHF"),
    (" shekels", "after", "ILS"),
)
UNITS = (
    ("", 0),
    (" thousand", 3),
    ("k", 3),
    (" million", 6),
    ("m", 6),
    (" mn", 6),
    (" mln", 6),
    (" billion", 9),
    ("bn", 9),
    (" bn", 9),
    ("-billion", 9),
)


@given(
    whole=st.integers(min_value=1, max_value=999),
    cents=st.one_of(st.none(), st.integers(min_value=1, max_value=99)),
    currency=st.sampled_from(CURRENCIES),
    unit=st.sampled_from(UNITS),
    verb=st.sampled_from(["pledged", "promised", "will give", "committed", "announced"]),
)
def test_a_figure_in_any_spelling_drafts_to_its_amount(
    whole: int, cents: int | None, currency: tuple[str, str, str], unit: tuple[str, int], verb: str
) -> None:
    mark, where, code = currency
    word, exponent = unit
    number = f"{whole}.{cents:02d}" if cents is not None else str(whole)
    if cents is not None and exponent == 0:
        number = str(whole)  # a plain figure with cents is rare in text; keep whole units
    figure = f"{mark}{number}{word}" if where == "before" else f"{number}{word}{mark}"
    text = f"Norway {verb} {figure} to Haiti on Monday."
    drafts = draft_claims(text, DraftSource())
    assert len(drafts.drafts) == 1, (text, drafts.skipped)
    draft = drafts.drafts[0]
    assert draft.currency == code, text
    assert draft.amount == Decimal(number).scaleb(exponent), text
    assert text[draft.figure.span.start : draft.figure.span.end] == figure, text
