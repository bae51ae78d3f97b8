"""Realistic synthetic ledgers for the benchmark: duplicates, containments, aggregates planted.

Deterministic for a given size and seed, so runs compare.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

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
from ledger.names import Names

DONOR_INSTITUTIONS = (
    "World Bank",
    "Inter-American Development Bank",
    "Asian Development Bank",
    "European Union",
    "International Monetary Fund",
    "African Development Bank",
)


def _places(names: Names, rnd: random.Random) -> tuple[list[str], list[str]]:
    import pycountry

    countries = sorted(
        {names.canonical(c.name) for c in pycountry.countries if names.ancestors(names.canonical(c.name))}
    )
    rnd.shuffle(countries)
    return countries[:60] + list(DONOR_INSTITUTIONS), countries[60:]


# How real outlets spell a donor when they retell its pledge (and, for any other donor, a remark or an
# article: "the Japanese government", "Japan (via UNICEF)").
SPELLINGS = {
    "United States": ("US", "U.S.", "Washington", "USAID", "the United States government"),
    "United Kingdom": ("Britain", "UK (via DFID)", "the British government"),
    "World Bank": ("World Bank (IDA)", "the World Bank", "the Bank"),
    "European Union": ("the EU", "European Union (presidency)"),
    "Japan": ("the Japanese government", "Japan (via JICA)"),
    "Germany": ("the German government", "Germany (KfW)"),
}
COLLECTIVES = ("all donors", "donors", "the international community", "nearly 60 donors")


def _spelled(donor: str, rnd: random.Random) -> str:
    """The donor as some outlet retelling its pledge writes it."""
    if rnd.random() < 0.6:
        return donor
    known = SPELLINGS.get(donor)
    if known:
        return rnd.choice(known)
    return rnd.choice((f"the {donor} government", f"{donor} (via UNICEF)", donor))


def _near(amount: Decimal, rnd: random.Random) -> Decimal:
    """The figure as an outlet converting or rounding it writes it: within 2.5% of the other."""
    return (amount * (1 + Decimal(rnd.randrange(-25, 26)) / 1000)).quantize(Decimal(1000))


def _told_in(year: int, sources: tuple[Source, ...], rnd: random.Random) -> str:
    """A source of `year` (a source's year is 2000 + its index mod 25): outlets report a pledge when it is
    made, not years after its money was spent."""
    first = (year - 2000) % 25
    if len(sources) <= first:
        return sources[rnd.randrange(len(sources))].id
    return sources[first + 25 * rnd.randrange((len(sources) - 1 - first) // 25 + 1)].id


def synthetic_ledger(n_claims: int, seed: int = 2011) -> Ledger:
    """About `n_claims` claims reporting about n/2.5 pledges, with the traps analysts meet."""
    rnd = random.Random(seed)
    names = Names.default()
    donors, recipients = _places(names, rnd)
    n_sources = max(1, n_claims // 20)
    sources = tuple(
        Source(f"S{i}", f"Outlet {i % 97}", f"Report {i}", date(2000 + i % 25, 1 + i % 12, 1 + i % 28))
        for i in range(n_sources)
    )
    claims: list[Claim] = []
    year = 2000  # the year of the pledge being told (set by the loop below)

    def add(
        donor: str,
        recipient: str,
        amount: Decimal,
        period: Period,
        instrument: Instrument,
        approximation: Approximation = Approximation.EXACT,
        qualifiers: tuple[Qualifier, ...] = (),
        currency: str = "USD",
    ) -> str:
        claim_id = f"C{len(claims)}"
        claims.append(
            Claim(
                id=claim_id,
                source=_told_in(year, sources, rnd),
                donor=donor,
                recipient=recipient,
                amount=make_money(amount, currency),
                approximation=approximation,
                period=period,
                instrument=instrument,
                qualifiers=qualifiers,
                quote=f"Donor {donor} pledged {amount} to {recipient}.",
            )
        )
        return claim_id

    while len(claims) < n_claims:
        donor = rnd.choice(donors)
        recipient = rnd.choice(recipients)
        year = rnd.randrange(2000, 2025)
        span = rnd.choice((0, 0, 0, 1, 2, 4))
        period = Period(date(year, 1, 1), date(year + span, 12, 31))
        amount = Decimal(rnd.randrange(1, 2000)) * 1_000_000
        instrument = rnd.choice((Instrument.GRANT, Instrument.LOAN, Instrument.UNKNOWN, Instrument.UNKNOWN))
        first = add(donor, recipient, amount, period, instrument)
        for _ in range(rnd.choice((0, 0, 1, 1, 2, 3))):  # the same pledge told again, spelled and rounded
            if rnd.random() < 0.25:  # an outlet's own conversion or rounding: a near figure
                add(_spelled(donor, rnd), recipient, _near(amount, rnd), period, instrument)
            else:
                add(
                    _spelled(donor, rnd),
                    recipient,
                    amount,
                    period,
                    instrument,
                    rnd.choice(list(Approximation)),
                )
        roll = rnd.random()
        if roll < 0.08:  # an earlier, smaller announcement inside it
            add(
                donor,
                recipient,
                (amount * Decimal(rnd.randrange(20, 70)) / 100).quantize(Decimal(1)),
                Period(date(year, 1, 1), date(year, 12, 31)),
                instrument,
            )
        elif roll < 0.11:  # money already provided, on top of which this comes
            add(
                donor,
                recipient,
                amount / 4,
                Period(None, date(year, 1, 1)),
                instrument,
                qualifiers=(Qualifier(QualifierKind.ALREADY_PROVIDED),),
            )
        elif roll < 0.13:  # an increase from last year's level
            old = add(
                donor,
                recipient,
                amount * 9 / 10,
                Period(date(year - 1, 1, 1), date(year - 1, 12, 31)),
                instrument,
                qualifiers=(Qualifier(QualifierKind.BASELINE),),
            )
            claims[-2] = _with(claims[-2], Qualifier(QualifierKind.INCREASE_FROM, old))
        elif roll < 0.15:
            claims[-1] = _with(claims[-1], Qualifier(QualifierKind.REPACKAGED))
        elif roll < 0.16:  # a conference total over donors, for the country or now and then its region
            where = (names.ancestors(recipient) or (recipient,))[0] if rnd.random() < 0.2 else recipient
            total = amount * rnd.randrange(2, 6)
            year_long = Period(date(year, 1, 1), date(year, 12, 31))
            aggregate = (Qualifier(QualifierKind.AGGREGATE),)
            add(
                rnd.choice(COLLECTIVES),
                where,
                total,
                year_long,
                Instrument.UNKNOWN,
                Approximation.ABOUT,
                aggregate,
            )
            for _ in range(rnd.choice((0, 1, 2))):  # told again by others, or a running tally before it
                if rnd.random() < 0.5:
                    add(rnd.choice(COLLECTIVES), where, _near(total, rnd), year_long, Instrument.UNKNOWN)
                else:
                    tally = (Qualifier(QualifierKind.AGGREGATE), Qualifier(QualifierKind.TALLY))
                    add("all donors", where, total * Decimal(rnd.randrange(50, 90)) / 100, year_long,
                        Instrument.UNKNOWN, qualifiers=tally)  # fmt: skip
        elif roll < 0.161:  # a unit slip
            add(donor, recipient, amount / 1000, period, instrument)
        elif roll < 0.162:  # a currency slip: the same figure with another currency's sign
            add(donor, recipient, amount, period, instrument, currency="GBP")
        del first
    return Ledger(sources=sources, claims=tuple(claims[:n_claims]), name=f"synthetic {n_claims}")


def _with(claim: Claim, qualifier: Qualifier) -> Claim:
    from dataclasses import replace

    return replace(claim, qualifiers=(*claim.qualifiers, qualifier))
