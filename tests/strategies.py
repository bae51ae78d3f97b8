"""Hypothesis strategies for ledgers: realistic enough to exercise every rule of the engine.

A ledger is drawn claim by claim; after the first, each claim is either a fresh pledge or a relative of
an earlier claim, in one of the ways real reporting relates figures (told again, a part of it, a unit
slip, the old level of an increase, the same money in another currency, a total over donors, ...), so
that every kind of finding and every qualifier turns up (tests/ledger/test_strategies.py counts them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from ledger import (
    Approximation,
    Claim,
    Instrument,
    Ledger,
    Period,
    Qualifier,
    QualifierKind,
    Source,
    make_money,
)

DONORS = ("United States", "US", "World Bank", "IBRD", "Japan", "European Union")
RECIPIENTS = ("Central America", "Guatemala", "El Salvador", "Honduras")
CURRENCIES = ("USD", "EUR")

YEARS = st.integers(min_value=2008, max_value=2014)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    kind = draw(st.sampled_from(["year", "span", "unknown"]))
    if kind == "unknown":
        return Period()
    first = draw(YEARS)
    last = first if kind == "year" else first + draw(st.integers(min_value=1, max_value=3))
    return Period(date(first, 1, 1), date(last, 12, 31))


amounts = st.builds(
    lambda millions, cents: Decimal(millions) * 1_000_000 + Decimal(cents) / 100,
    st.integers(min_value=1, max_value=2000),
    st.sampled_from([0, 0, 0, 50, 1]),
)

plain_qualifiers = st.lists(
    st.sampled_from(
        [
            Qualifier(QualifierKind.REPACKAGED),
            Qualifier(QualifierKind.ALREADY_PROVIDED),
            Qualifier(QualifierKind.AGGREGATE),
            Qualifier(QualifierKind.BASELINE),
            Qualifier(QualifierKind.INCREASE_FROM),
            Qualifier(QualifierKind.PER_YEAR),
            Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
            Qualifier(QualifierKind.NEW_MONEY),
            Qualifier(QualifierKind.TALLY),
            Qualifier(QualifierKind.CONVERTED),
            Qualifier(QualifierKind.PROPOSED),
            Qualifier(QualifierKind.MISREPORT),
        ]
    ),
    max_size=1,
).map(tuple)


@st.composite
def claims(
    draw: st.DrawFn, claim_id: str, source_ids: tuple[str, ...], currencies: tuple[str, ...] = CURRENCIES
) -> Claim:
    """A fresh claim: any donor, recipient, figure and period."""
    qualifiers = draw(plain_qualifiers)
    donor = (
        "all donors"
        if Qualifier(QualifierKind.AGGREGATE) in qualifiers and draw(st.booleans())
        else draw(st.sampled_from(DONORS))
    )
    return Claim(
        id=claim_id,
        source=draw(st.sampled_from(source_ids)),
        donor=donor,
        amount=make_money(draw(amounts), draw(st.sampled_from(currencies))),
        recipient=draw(st.sampled_from(RECIPIENTS)),
        approximation=draw(st.sampled_from(list(Approximation))),
        period=draw(periods()),
        instrument=draw(
            st.sampled_from([Instrument.UNKNOWN, Instrument.UNKNOWN, Instrument.GRANT, Instrument.LOAN])
        ),
        qualifiers=qualifiers,
        quote=f"quote of {claim_id}",
    )


def _scaled(claim: Claim, factor: Decimal) -> Claim:
    return replace(claim, amount=make_money((claim.value * factor).quantize(Decimal("0.01")), claim.currency))


# How a claim may relate to an earlier one: (name, make it from the earlier claim and a draw).
Relative = Callable[[st.DrawFn, Claim], Claim]


def _retold(draw: st.DrawFn, earlier: Claim) -> Claim:
    # the same pledge told again, rounded another way ("nearly $300m", "$300m")
    return replace(earlier, approximation=draw(st.sampled_from(list(Approximation))), qualifiers=())


def _part(draw: st.DrawFn, earlier: Claim) -> Claim:
    # a smaller pledge of the same donor inside the earlier one (Obama's $200m inside the $300m)
    recipient = draw(st.sampled_from([earlier.recipient, "Guatemala", "El Salvador"]))
    return replace(
        _scaled(earlier, draw(st.sampled_from([Decimal("0.25"), Decimal("0.5")]))), recipient=recipient
    )


def _unit_slip(draw: st.DrawFn, earlier: Claim) -> Claim:
    # "€7.2 million" where the other reports say €7.2bn
    return replace(_scaled(earlier, Decimal("0.001")), approximation=Approximation.EXACT, qualifiers=())


def _other_currency(draw: st.DrawFn, earlier: Claim) -> Claim:
    other = "EUR" if earlier.currency == "USD" else "USD"
    return replace(earlier, amount=make_money(earlier.value, other), qualifiers=())


def _old_level(draw: st.DrawFn, earlier: Claim) -> Claim:
    # the level an increase starts from, a year before it
    start = earlier.period.start or date(2011, 1, 1)
    year = start.year - 1
    return replace(
        _scaled(earlier, Decimal("0.8")),
        period=Period(date(year, 1, 1), date(year, 12, 31)),
        qualifiers=(Qualifier(QualifierKind.BASELINE),),
    )


def _total_over_donors(draw: st.DrawFn, earlier: Claim) -> Claim:
    return replace(
        _scaled(earlier, draw(st.sampled_from([Decimal("0.5"), Decimal(3)]))),
        donor="all donors",
        qualifiers=(Qualifier(QualifierKind.AGGREGATE),),
    )


RELATIVES: tuple[tuple[str, Relative], ...] = (
    ("retold", _retold),
    ("part", _part),
    ("unit slip", _unit_slip),
    ("other currency", _other_currency),
    ("old level", _old_level),
    ("total over donors", _total_over_donors),
)

# Explicit relations an analyst types, from the later claim to the earlier one.
TARGETED = (
    QualifierKind.IN_ADDITION_TO,
    QualifierKind.PART_OF,
    QualifierKind.INCLUDES,
    QualifierKind.SAME_AS,
    QualifierKind.INCREASE_FROM,
)


@st.composite
def ledgers(
    draw: st.DrawFn, max_claims: int = 12, currencies: tuple[str, ...] = CURRENCIES, relations: bool = True
) -> Ledger:
    """A ledger of fresh claims and relatives of earlier ones; `relations` adds explicit qualifiers."""
    n_sources = draw(st.integers(min_value=1, max_value=4))
    sources = tuple(Source(f"S{i}", f"Publisher {i}", date=date(2011, 6, 1 + i)) for i in range(n_sources))
    source_ids = tuple(s.id for s in sources)
    n_claims = draw(st.integers(min_value=1, max_value=max_claims))
    made: list[Claim] = []
    for i in range(n_claims):
        claim_id = f"C{i}"
        fresh = draw(claims(claim_id, source_ids, currencies))
        related = draw(st.booleans())
        if made and related:
            name, relative = draw(st.sampled_from(RELATIVES))
            if name == "other currency" and len(currencies) < 2:
                made.append(fresh)
                continue
            earlier = draw(st.sampled_from(made))
            made.append(replace(relative(draw, earlier), id=claim_id, source=fresh.source, quote=fresh.quote))
        else:
            made.append(fresh)
    if relations and n_claims > 1:
        # a few explicit relations between claims, as analysts type them
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            a, b = draw(st.sampled_from(range(n_claims))), draw(st.sampled_from(range(n_claims)))
            if a == b:
                continue
            kind = draw(st.sampled_from(TARGETED))
            made[a] = replace(made[a], qualifiers=(*made[a].qualifiers, Qualifier(kind, made[b].id)))
    return Ledger(sources=sources, claims=tuple(made))
