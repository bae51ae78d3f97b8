"""Totals: what each pledge contributes once the findings are applied, summed per currency.

How each kind of finding shapes a pledge's contribution is tabled in `ledger.engine.effects`; this pass
only finds, for each pledge, the findings that fall on it (`Contribution`), counts it with
`effects.count`, spreads it over its years and sums per currency (and into the base currency with the
analyst's rates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from ledger.core.findings import AggregateFinding, Baseline, Finding
from ledger.core.model import Contribution, CurrencyTotals, Period
from ledger.core.money import AmountRange, allocate, quantize
from ledger.core.problems import Problem, Severity
from ledger.engine.effects import EFFECTS, count_moves, state_of
from ledger.engine.normalise import Normalised
from ledger.engine.views import PledgeView, to_compare_currency, to_pledge_currency
from ledger.parsing.periods import year_weights

ZERO = AmountRange.zero()


@dataclass(slots=True)
class _Moves:
    """The findings that fall on one pledge, gathered while reading the findings (local to one pass)."""

    cut_by: list[str] = field(default_factory=list)
    new_money_cut_by: list[str] = field(default_factory=list)
    old_levels: list[tuple[str, AmountRange]] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)


def _old_level(new: PledgeView, old: PledgeView) -> AmountRange | None:
    """The old level of an increase in the new pledge's currency; None when no rate makes them comparable."""
    if new.pledge.currency == old.pledge.currency:
        return old.pledge.range
    if new.compare_currency == old.compare_currency:
        return to_pledge_currency(new, old.compare_range)
    return None


def _moves(views: Mapping[str, PledgeView], findings: Iterable[Finding]) -> dict[str, _Moves]:
    """For each pledge, the findings whose decisions move it, as the effects table says."""
    moves: dict[str, _Moves] = defaultdict(_Moves)
    cuts = {kind: effect.distinct.moves for kind, effect in EFFECTS.items()}
    new_money_cuts = {kind: effect.new_money.moves for kind, effect in EFFECTS.items()}
    for finding in findings:
        effect = EFFECTS[finding.kind]
        target = finding.target
        if target not in views:
            continue
        if cuts[finding.kind]:
            moves[target].cut_by.append(finding.id)
        if new_money_cuts[finding.kind]:
            moves[target].new_money_cut_by.append(finding.id)
        if effect.holds_parts:
            moves[target].totals.append(finding.id)
        if effect.old_level and isinstance(finding, Baseline) and finding.pledge in views:
            new = views[finding.pledge]
            level = _old_level(new, views[target])
            if level is not None:
                moves[new.id].old_levels.append((finding.id, level.quantized(new.pledge.currency)))
    return moves


def _parts(finding: Finding) -> tuple[str, ...]:
    """The pledges a total holds in its own currency (the ones its rest is measured against)."""
    return finding.parts if isinstance(finding, AggregateFinding) else finding.pledges()


def _beyond_parts(
    total: PledgeView, parts: Iterable[PledgeView], counted: Mapping[str, tuple[AmountRange, AmountRange]]
) -> AmountRange:
    """What a total holds beyond its parts, bound by bound: max(0, total - parts), in its own currency."""
    held = ZERO
    for part in parts:
        distinct = (
            counted[part.id][0] if part.id in counted else part.pledge.range.quantized(part.pledge.currency)
        )
        held = held + to_compare_currency(part, distinct)
    whole = total.compare_range
    # the nominal first: the total's parts and its rest add up to its nominal figure. Bound by bound the
    # rest can come out of order (parts told as ranges, a total told exactly): each bound is then held to it
    nominal = max(whole.nominal - held.nominal, Decimal(0))
    low = min(max(whole.low - held.low, Decimal(0)), nominal)
    high = max(whole.high - held.high, nominal)
    rest = AmountRange(low, nominal, high)
    return to_pledge_currency(total, rest).quantized(total.pledge.currency)


def contributions(
    views: tuple[PledgeView, ...], findings: tuple[Finding, ...], fiscal_start: int
) -> tuple[Contribution, ...]:
    """Each pledge's distinct and new-money contribution under the findings' decisions, and why."""
    by_id = {v.id: v for v in views}
    moves = _moves(by_id, findings)
    kinds = {f.id: f.kind for f in findings}
    states = {f.id: state_of(f.decision) for f in findings}
    counted: dict[str, tuple[AmountRange, AmountRange]] = {}
    for pid, found in moves.items():
        if not found.totals:
            full = by_id[pid].pledge.range.quantized(by_id[pid].pledge.currency)
            counted[pid] = count_moves(
                full, found.cut_by, found.new_money_cut_by, found.old_levels, (), ZERO, kinds, states
            )
    # a total's rest depends on its parts' own contributions, so totals are counted last; the rest is
    # kept even while the total's finding is rejected, for the report's formulas to fall back on
    rests: dict[str, AmountRange] = {}
    # smaller totals first: a total nested inside a larger one is one of its parts, counted before it
    holding = sorted(
        (f for f in findings if EFFECTS[f.kind].holds_parts and f.target in by_id),
        key=lambda f: (by_id[f.target].compare_range.nominal, f.target),
    )
    for finding in holding:
        target = finding.target
        parts = [by_id[p] for p in _parts(finding) if p != target and p in by_id]
        rests[target] = rest = _beyond_parts(by_id[target], parts, counted)
        found = moves[target]
        full = by_id[target].pledge.range.quantized(by_id[target].pledge.currency)
        counted[target] = count_moves(
            full, found.cut_by, found.new_money_cut_by, found.old_levels, found.totals, rest, kinds, states
        )
    weights: dict[Period, tuple[tuple[str, Decimal], ...]] = {}
    made = []
    for view in views:
        pledge = view.pledge
        currency = pledge.currency
        full = pledge.range.quantized(currency)
        distinct, new_money = counted.get(view.id, (full, full))
        years = _spread(distinct.nominal, pledge.period, currency, fiscal_start, weights)
        moved = moves.get(view.id)
        if moved is None:
            made.append(Contribution(view.id, currency, full, distinct, new_money, years=years))
            continue
        made.append(
            Contribution(
                view.id,
                currency,
                full,
                distinct,
                new_money,
                tuple(moved.cut_by),
                tuple(moved.new_money_cut_by),
                tuple(moved.old_levels),
                tuple(moved.totals),
                rests.get(view.id, ZERO),
                years,
            )
        )
    return tuple(made)


def _spread(
    amount: Decimal,
    period: Period,
    currency: str,
    fiscal_start: int,
    weights: dict[Period, tuple[tuple[str, Decimal], ...]],
) -> tuple[tuple[str, Decimal], ...]:
    """`amount` over the years of `period` in proportion to the share of each year covered, to the cent."""
    if amount == 0:
        return ()
    shares = weights.get(period)
    if shares is None:
        shares = weights[period] = year_weights(period, fiscal_start)
    if not shares:
        return (("unspecified", amount),)
    if len(shares) == 1:
        return ((shares[0][0], amount),)
    parts = allocate(amount, [weight for _, weight in shares], currency)
    return tuple((label, part) for (label, _), part in zip(shares, parts, strict=True))


def _sum_ranges(ranges: Iterable[AmountRange]) -> AmountRange:
    """The sum of ranges bound by bound (the same additions as `+`, without a range made at each step)."""
    low = nominal = high = Decimal(0)
    for r in ranges:
        low += r.low
        nominal += r.nominal
        high += r.high
    return AmountRange(low, nominal, high)


def _sum_by(items: Iterable[tuple[str, AmountRange]], currency: str) -> tuple[tuple[str, AmountRange], ...]:
    grouped: dict[str, list[AmountRange]] = defaultdict(list)
    for key, r in items:
        grouped[key].append(r)
    return tuple((k, _sum_ranges(grouped[k]).quantized(currency)) for k in sorted(grouped))


def _years(
    counted: Iterable[_Counted],
) -> tuple[tuple[tuple[str, Decimal], ...], tuple[tuple[str, Decimal], ...]]:
    spread: dict[str, Decimal] = defaultdict(Decimal)
    whole: dict[str, Decimal] = defaultdict(Decimal)
    for c in counted:
        for label, amount in c.years:
            spread[label] += amount
        if len(c.years) == 1:
            whole[c.years[0][0]] += c.years[0][1]
        elif c.years:
            whole["multi-year"] += c.distinct.nominal
    return tuple(sorted(spread.items())), tuple(sorted(whole.items()))


class _Counted(NamedTuple):
    """A pledge's contribution in the totals' currency, with what the breakdowns sum it by (a named
    tuple: one is made for every pledge, in each currency it is totalled in)."""

    view: PledgeView
    distinct: AmountRange
    new_money: AmountRange
    years: tuple[tuple[str, Decimal], ...]


def currency_totals(
    currency: str,
    counted: Iterable[_Counted],
    naive: Decimal,
    converted_from: tuple[str, ...] = (),
    rates: tuple[str, ...] = (),
) -> CurrencyTotals:
    counted = tuple(counted)
    distinct = _sum_ranges(c.distinct for c in counted)
    new_money = _sum_ranges(c.new_money for c in counted)
    by_year, by_year_whole = _years(counted)
    return CurrencyTotals(
        currency=currency,
        naive=quantize(naive, currency),
        distinct=distinct.quantized(currency),
        new_money=new_money.quantized(currency),
        by_instrument=_sum_by(((c.view.pledge.instrument.value, c.distinct) for c in counted), currency),
        by_donor=_sum_by(((c.view.donor, c.distinct) for c in counted), currency),
        by_recipient=_sum_by(((c.view.recipient or "unspecified", c.distinct) for c in counted), currency),
        by_year=by_year,
        by_year_whole=by_year_whole,
        converted_from=converted_from,
        rates=rates,
    )


def total(
    normal: Normalised, views: tuple[PledgeView, ...], findings: tuple[Finding, ...]
) -> tuple[tuple[Contribution, ...], tuple[CurrencyTotals, ...], CurrencyTotals | None, tuple[Problem, ...]]:
    """Each pledge's contribution, the totals per currency, and in the base currency when the analyst gave rates."""
    contribs = contributions(views, findings, normal.settings.fiscal_year_start)
    naive: dict[str, Decimal] = defaultdict(Decimal)
    for n in normal.claims:
        naive[n.claim.currency] += n.range.nominal
    per_currency: dict[str, list[_Counted]] = defaultdict(list)
    for view, c in zip(views, contribs, strict=True):
        per_currency[c.currency].append(_Counted(view, c.distinct, c.new_money, c.years))
    currencies = sorted(set(naive) | set(per_currency))
    totals = tuple(
        currency_totals(cur, per_currency.get(cur, ()), naive.get(cur, Decimal(0))) for cur in currencies
    )
    if not normal.rates:
        return contribs, totals, None, ()

    base = normal.settings.base_currency
    problems = []
    missing = sorted(cur for cur in currencies if cur != base and cur not in normal.rates)
    if missing:
        problems.append(
            Problem(
                f"no rate to {base} for {', '.join(missing)}: the {base} totals leave those figures out",
                severity=Severity.WARNING,
            )
        )
    converted = []
    weights: dict[Period, tuple[tuple[str, Decimal], ...]] = {}
    fiscal_start = normal.settings.fiscal_year_start
    for view, c in zip(views, contribs, strict=True):
        rate = normal.rates.get(c.currency)
        if c.currency == base:
            converted.append(_Counted(view, c.distinct, c.new_money, c.years))
        elif rate is not None:
            # each figure is rounded to the base currency's minor unit first, so the breakdowns add back
            distinct = c.distinct.scaled(rate.rate).quantized(base)
            years = _spread(distinct.nominal, view.period, base, fiscal_start, weights)
            converted.append(_Counted(view, distinct, c.new_money.scaled(rate.rate).quantized(base), years))
    base_naive = sum(
        (
            amount * normal.rates[cur].rate if cur != base else amount
            for cur, amount in naive.items()
            if cur == base or cur in normal.rates
        ),
        Decimal(0),
    )
    used = tuple(sorted(cur for cur in currencies if cur in normal.rates))
    base_totals = currency_totals(
        base, converted, base_naive, used, tuple(normal.rates[cur].describe() for cur in used)
    )
    return contribs, totals, base_totals, tuple(problems)


__all__ = ["contributions", "currency_totals", "total"]
