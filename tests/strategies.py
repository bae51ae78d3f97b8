"""Hypothesis strategies for ledgers: realistic enough to exercise every rule of the engine."""

from __future__ import annotations

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
        ]
    ),
    max_size=1,
).map(tuple)


@st.composite
def claims(
    draw: st.DrawFn, claim_id: str, source_ids: tuple[str, ...], currencies: tuple[str, ...] = CURRENCIES
) -> Claim:
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


@st.composite
def ledgers(
    draw: st.DrawFn, max_claims: int = 12, currencies: tuple[str, ...] = CURRENCIES, relations: bool = True
) -> Ledger:
    n_sources = draw(st.integers(min_value=1, max_value=4))
    sources = tuple(Source(f"S{i}", f"Publisher {i}", date=date(2011, 6, 1 + i)) for i in range(n_sources))
    source_ids = tuple(s.id for s in sources)
    n_claims = draw(st.integers(min_value=1, max_value=max_claims))
    made = [draw(claims(f"C{i}", source_ids, currencies)) for i in range(n_claims)]
    if relations and n_claims > 1:
        # a few explicit relations between claims, as analysts type them
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            a, b = draw(st.sampled_from(range(n_claims))), draw(st.sampled_from(range(n_claims)))
            if a == b:
                continue
            kind = draw(
                st.sampled_from([QualifierKind.IN_ADDITION_TO, QualifierKind.PART_OF, QualifierKind.SAME_AS])
            )
            made[a] = replace(made[a], qualifiers=(*made[a].qualifiers, Qualifier(kind, made[b].id)))
    return Ledger(sources=sources, claims=tuple(made))
