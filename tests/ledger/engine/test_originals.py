"""The figure an outlet's conversion converts: named, or told beside it in the same sentence."""

from __future__ import annotations

from decimal import Decimal

from ledger import Converted, OtherCurrency

from .small import claim, pledge_of, reconciled

SENTENCE = "Donors pledged around $37.5bn (£23bn) and, earlier, $33bn (£19bn)."


def test_a_conversion_converts_the_figure_its_sentence_gives_in_another_currency() -> None:
    # "$1bn (£600m)": the pound figure is the outlet's; the dollar one, in the same sentence, the original
    quote = "Britain will give $1bn (£600m) this year."
    result = reconciled(
        claim("A1", amount="1000000000", quote=quote),
        claim("A2", amount="600000000", currency="GBP", quote=quote, qualifiers="converted"),
        claim("A3", amount="900000000", source="B"),  # another dollar pledge, more often told elsewhere
        claim("B3", amount="900000000", source="B", donor="US"),
    )
    conversion, original = pledge_of(result, "A2").id, pledge_of(result, "A1").id
    (found,) = result.findings_of(Converted)
    assert found.original == (original,)
    (linked,) = result.findings_of(OtherCurrency)
    assert (linked.pledge, linked.other) == (conversion, original)
    gbp = next(t for t in result.totals if t.currency == "GBP")
    assert gbp.distinct.nominal == Decimal("0.00")  # counted in dollars only


def test_a_sentence_giving_two_figures_of_the_donor_in_the_other_currency_names_no_original() -> None:
    result = reconciled(
        claim("A1", donor="all donors", amount="37500000000", qualifiers="aggregate", quote=SENTENCE),
        claim("A2", donor="all donors", amount="33000000000", qualifiers="aggregate", quote=SENTENCE),
        claim(
            "A3",
            donor="all donors",
            amount="23000000000",
            currency="GBP",
            qualifiers="aggregate; converted",
            quote=SENTENCE,
        ),
    )
    (found,) = result.findings_of(Converted)
    assert found.original == ()


def test_the_claim_the_analyst_names_is_the_original() -> None:
    quote = "Britain will give $1bn (£600m) this year."
    result = reconciled(
        claim("A1", amount="1000000000", quote=quote),
        claim("B1", source="B", donor="Japan", amount="800000000"),
        claim("A2", amount="600000000", currency="GBP", quote=quote, qualifiers="converted from B1"),
    )
    (found,) = result.findings_of(Converted)
    assert found.original == (pledge_of(result, "B1").id,)
