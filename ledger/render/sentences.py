"""The reconciliation in words: the headline an analyst would quote, and the findings."""

from __future__ import annotations

from decimal import Decimal

from ledger.core.model import CurrencyTotals, Instrument, Reconciliation
from ledger.core.money import describe_amount


def headline(totals: CurrencyTotals) -> str:
    """`Reports add up to USD 3.56bn; the distinct pledges are USD 1.27bn to 1.52bn (nominal 1.3bn), of which
    loans USD 1bn; new money USD 1.04bn.`

    The currency is said once per figure group, so that "(nominal 1.3bn)" reads as the distinct pledges'
    nominal and the loans come after it, as part of those pledges.
    """
    cur = totals.currency
    distinct = totals.distinct

    def bare(amount: Decimal) -> str:
        return describe_amount(amount, cur).removeprefix(f"{cur} ")

    if distinct.low == distinct.high:
        span = describe_amount(distinct.nominal, cur)
    else:
        span = f"{describe_amount(distinct.low, cur)} to {bare(distinct.high)} (nominal {bare(distinct.nominal)})"
    sentence = f"Reports add up to {describe_amount(totals.naive, cur)}; the distinct pledges are {span}"
    loans = dict(totals.by_instrument).get(Instrument.LOAN.value)
    if loans is not None and loans.nominal:
        sentence += f", of which loans {describe_amount(loans.nominal, cur)}"
    return f"{sentence}; new money {describe_amount(totals.new_money.nominal, cur)}."


def summary_text(result: Reconciliation) -> str:
    """A plain-text report: headline per currency, the pledges, the findings, the problems."""
    lines: list[str] = []
    title = result.ledger.name or "Ledger"
    lines += [title, "=" * len(title), ""]
    if result.errors:
        lines.append(f"{len(result.errors)} problem(s); nothing was reconciled:")
        lines += [f"  {p}" for p in result.errors]
        return "\n".join(lines)
    for totals in result.totals:
        lines.append(headline(totals))
    if result.base_totals is not None:
        lines.append(f"In {result.base_totals.currency}, with your rates: {headline(result.base_totals)}")
    lines += ["", f"Pledges ({len(result.pledges)}):"]
    for p in result.pledges:
        r = p.range
        lines.append(
            f"  {p.id}: {p.donor} -> {p.recipient or '?'}, {p.instrument.value}, {p.period}: "
            f"{describe_amount(r.low, p.currency)} / {describe_amount(r.nominal, p.currency)} / "
            f"{describe_amount(r.high, p.currency)}  [{', '.join(p.claims)}]"
        )
    lines += ["", f"Findings ({len(result.findings)}):"]
    for f in result.findings:
        decided = f" [{f.decision.value}]" if f.decision else " [undecided]"
        lines.append(f"  {f.id} {f.kind.value}{decided}: {f.message}")
    if result.warnings:
        lines += ["", "Warnings:"] + [f"  {w}" for w in result.warnings]
    return "\n".join(lines)
