from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.model import TARGETED_QUALIFIERS, Instrument, Qualifier, QualifierKind
from ledger.core.money import Approximation
from ledger.core.problems import ParseError
from ledger.parsing.vocabulary import (
    QualifierParse,
    format_qualifiers,
    parse_approximation,
    parse_instrument,
    parse_qualifiers,
    split_approximation,
)

A = Approximation
K = QualifierKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", A.EXACT),
        ("exact", A.EXACT),
        ("Exactly", A.EXACT),
        ("about", A.ABOUT),
        ("around", A.ABOUT),
        ("close  to", A.ABOUT),
        ("approximately", A.ABOUT),
        ("roughly", A.ABOUT),
        ("some", A.ABOUT),
        ("circa", A.ABOUT),
        ("c.", A.ABOUT),
        ("~", A.ABOUT),
        ("approx.", A.ABOUT),
        ("nearly", A.NEARLY),
        ("Almost", A.NEARLY),
        ("just under", A.NEARLY),
        ("more than", A.MORE_THAN),
        ("over", A.MORE_THAN),
        ("at least", A.MORE_THAN),
        ("upwards of", A.MORE_THAN),
        ("in excess of", A.MORE_THAN),
        ("more_than", A.MORE_THAN),
        ("up to", A.UP_TO),
        ("as much as", A.UP_TO),
        ("at most", A.UP_TO),
        ("no more than", A.UP_TO),
        ("up_to", A.UP_TO),
    ],
)
def test_parse_approximation(text: str, expected: Approximation) -> None:
    assert parse_approximation(text) is expected


@pytest.mark.parametrize("approximation", list(Approximation))
def test_approximation_enum_values_are_accepted(approximation: Approximation) -> None:
    assert parse_approximation(approximation.value) is approximation


@pytest.mark.parametrize("text", ["nearlly", "about-ish", "less than", "≈"])
def test_unknown_approximation_names_the_word(text: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_approximation(text)
    assert f'approximation "{text}" is not understood; expected one of: ' in str(raised.value)
    assert "nearly" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nearly $300m", (A.NEARLY, "$300m")),
        ("no more than 5m", (A.UP_TO, "5m")),
        ("~300m", (A.ABOUT, "300m")),
        ("overall 5m", (None, "overall 5m")),
        ("$300m", (None, "$300m")),
        ("nearly", (None, "nearly")),
    ],
)
def test_split_approximation(text: str, expected: tuple[Approximation | None, str]) -> None:
    assert split_approximation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("grant", Instrument.GRANT),
        ("Grants", Instrument.GRANT),
        ("loan", Instrument.LOAN),
        ("loans", Instrument.LOAN),
        ("concessional loans", Instrument.LOAN),
        ("credits", Instrument.LOAN),
        ("guarantee", Instrument.GUARANTEE),
        ("guarantees", Instrument.GUARANTEE),
        ("debt relief", Instrument.DEBT_RELIEF),
        ("debt cancellation", Instrument.DEBT_RELIEF),
        ("debt swap", Instrument.DEBT_RELIEF),
        ("in-kind", Instrument.IN_KIND),
        ("in kind", Instrument.IN_KIND),
        ("mixed", Instrument.MIXED),
        ("grants and loans", Instrument.MIXED),
        ("grant/loan", Instrument.MIXED),
        ("", Instrument.UNKNOWN),
        ("unknown", Instrument.UNKNOWN),
        ("debt_relief", Instrument.DEBT_RELIEF),
        ("in_kind", Instrument.IN_KIND),
    ],
)
def test_parse_instrument(text: str, expected: Instrument) -> None:
    assert parse_instrument(text) is expected


@pytest.mark.parametrize("text", ["equity", "lone", "grant or loan?"])
def test_unknown_instrument_names_the_word(text: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_instrument(text)
    assert f'instrument "{text}" is not understood; expected one of: ' in str(raised.value)
    assert "concessional loan" in str(raised.value)


def test_qualifiers_cell_with_instrument_and_target() -> None:
    assert parse_qualifiers("loan; in addition to CNN-2") == QualifierParse(
        qualifiers=(Qualifier(K.IN_ADDITION_TO, "CNN-2"),), instrument=Instrument.LOAN
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("repackaged", Qualifier(K.REPACKAGED)),
        ("Recycled", Qualifier(K.REPACKAGED)),
        ("reallocated", Qualifier(K.REPACKAGED)),
        ("may be repackaged", Qualifier(K.REPACKAGED)),
        ("possibly repackaged", Qualifier(K.REPACKAGED)),
        ("aggregate", Qualifier(K.AGGREGATE)),
        ("total", Qualifier(K.AGGREGATE)),
        ("in total", Qualifier(K.AGGREGATE)),
        ("already provided", Qualifier(K.ALREADY_PROVIDED)),
        ("disbursed", Qualifier(K.ALREADY_PROVIDED)),
        ("already disbursed", Qualifier(K.ALREADY_PROVIDED)),
        ("spent", Qualifier(K.ALREADY_PROVIDED)),
        ("already given", Qualifier(K.ALREADY_PROVIDED)),
        ("already_provided", Qualifier(K.ALREADY_PROVIDED)),
        ("baseline", Qualifier(K.BASELINE)),
        ("per year", Qualifier(K.PER_YEAR)),
        ("a year", Qualifier(K.PER_YEAR)),
        ("annual", Qualifier(K.PER_YEAR)),
        ("annually", Qualifier(K.PER_YEAR)),
        ("per annum", Qualifier(K.PER_YEAR)),
        ("each year", Qualifier(K.PER_YEAR)),
        ("yearly", Qualifier(K.PER_YEAR)),
        ("in addition to CNN-2", Qualifier(K.IN_ADDITION_TO, "CNN-2")),
        ("on top of CNN-2", Qualifier(K.IN_ADDITION_TO, "CNN-2")),
        ("additional to CNN-2", Qualifier(K.IN_ADDITION_TO, "CNN-2")),
        ("new and additional", Qualifier(K.NEW_MONEY)),
        ("previously announced", Qualifier(K.PREVIOUSLY_ANNOUNCED)),
        ("first announced in March", Qualifier(K.PREVIOUSLY_ANNOUNCED)),
        ("re-announced", Qualifier(K.PREVIOUSLY_ANNOUNCED)),
        ("running total", Qualifier(K.TALLY)),
        ("interim tally at noon", Qualifier(K.TALLY)),
        ("part of BBC-1", Qualifier(K.PART_OF, "BBC-1")),
        ("within BBC-1", Qualifier(K.PART_OF, "BBC-1")),
        ("out of BBC-1", Qualifier(K.PART_OF, "BBC-1")),
        ("includes BBC-1", Qualifier(K.INCLUDES, "BBC-1")),
        ("including BBC-1", Qualifier(K.INCLUDES, "BBC-1")),
        ("same as BBC-3", Qualifier(K.SAME_AS, "BBC-3")),
        ("duplicate of BBC-3", Qualifier(K.SAME_AS, "BBC-3")),
        ("increase from BBC-4", Qualifier(K.INCREASE_FROM, "BBC-4")),
        ("increase over BBC-4", Qualifier(K.INCREASE_FROM, "BBC-4")),
        ("increased from BBC-4", Qualifier(K.INCREASE_FROM, "BBC-4")),
        ("up from BBC-4", Qualifier(K.INCREASE_FROM, "BBC-4")),
        ("increase", Qualifier(K.INCREASE_FROM)),
        ("  In  Addition  To   cnn-2 ", Qualifier(K.IN_ADDITION_TO, "cnn-2")),
        ("in_addition_to CNN-2", Qualifier(K.IN_ADDITION_TO, "CNN-2")),
    ],
)
def test_one_qualifier(text: str, expected: Qualifier) -> None:
    assert parse_qualifiers(text) == QualifierParse(qualifiers=(expected,))


def test_qualifiers_split_on_semicolons_and_new_lines_keep_order_and_drop_repeats() -> None:
    parsed = parse_qualifiers("baseline;\nalready provided\nBaseline; ;part of BBC-1;")
    assert parsed.qualifiers == (
        Qualifier(K.BASELINE),
        Qualifier(K.ALREADY_PROVIDED),
        Qualifier(K.PART_OF, "BBC-1"),
    )
    assert parsed.problems == ()
    assert parsed.instrument is None


def test_an_empty_cell_has_nothing() -> None:
    assert parse_qualifiers("") == QualifierParse()
    assert parse_qualifiers(" ; \n ") == QualifierParse()


def test_two_instruments_make_it_mixed() -> None:
    assert parse_qualifiers("grant; loan").instrument is Instrument.MIXED
    assert parse_qualifiers("loans; loan").instrument is Instrument.LOAN


def test_every_word_not_understood_is_reported() -> None:
    parsed = parse_qualifiers("repacked; baseline; see CNN-5; brand new")
    assert parsed.qualifiers == (Qualifier(K.BASELINE),)
    assert len(parsed.problems) == 3
    expected = 'qualifier "repacked" is not understood; expected one of: repackaged'
    assert parsed.problems[0].startswith(expected)
    assert 'qualifier "see CNN-5" is not understood' in parsed.problems[1]
    assert 'qualifier "brand new" is not understood' in parsed.problems[2]
    assert "in addition to <claim id>" in parsed.problems[0]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("part of", '"part of" needs a claim id, e.g. "part of CNN-2"'),
        ("in addition to", '"in addition to" needs a claim id, e.g. "in addition to CNN-2"'),
        ("Same as", '"Same as" needs a claim id, e.g. "Same as CNN-2"'),
        ("increase from", '"increase from" needs a claim id'),
        ("includes", '"includes" needs a claim id'),
    ],
)
def test_relational_qualifiers_need_a_claim_id(text: str, problem: str) -> None:
    parsed = parse_qualifiers(text)
    assert parsed.qualifiers == ()
    assert len(parsed.problems) == 1
    assert problem in parsed.problems[0]


def test_format_qualifiers_in_canonical_words() -> None:
    qualifiers = (
        Qualifier(K.IN_ADDITION_TO, "CNN-2"),
        Qualifier(K.ALREADY_PROVIDED),
        Qualifier(K.INCREASE_FROM),
        Qualifier(K.NEW_MONEY),
        Qualifier(K.PER_YEAR),
        Qualifier(K.PREVIOUSLY_ANNOUNCED),
        Qualifier(K.TALLY),
    )
    text = format_qualifiers(qualifiers, "loan")
    assert text == (
        "loan; in addition to CNN-2; already provided; increase; new and additional; per year; "
        "previously announced; running total"
    )
    assert parse_qualifiers(text) == QualifierParse(qualifiers, Instrument.LOAN)
    assert format_qualifiers(()) == ""


_IDS = st.from_regex(r"[A-Z]{2,5}-[0-9]{1,3}", fullmatch=True)


@st.composite
def _qualifier(draw: st.DrawFn) -> Qualifier:
    kind = draw(st.sampled_from(list(QualifierKind)))
    target: str | None
    if kind in TARGETED_QUALIFIERS:
        target = draw(_IDS)
    elif kind in (K.INCREASE_FROM, K.CONVERTED):
        target = draw(st.none() | _IDS)
    else:
        target = None
    return Qualifier(kind, target)


@given(
    qualifiers=st.lists(_qualifier(), max_size=6, unique=True).map(tuple),
    instrument=st.sampled_from([None, "grant", "loan", "debt relief", "in kind"]),
)
def test_format_then_parse_gives_the_qualifiers_back(
    qualifiers: tuple[Qualifier, ...], instrument: str | None
) -> None:
    parsed = parse_qualifiers(format_qualifiers(qualifiers, instrument))
    assert parsed.problems == ()
    assert parsed.qualifiers == qualifiers
    assert parsed.instrument == (parse_instrument(instrument) if instrument else None)


@pytest.mark.parametrize("text", ["misreport", "Misreported", "misprint", "reporting error"])
def test_a_misreported_figure_has_a_word(text: str) -> None:
    parsed = parse_qualifiers(text)
    assert parsed.qualifiers == (Qualifier(K.MISREPORT),) and parsed.problems == ()
    assert format_qualifiers(parsed.qualifiers) == "misreport"
