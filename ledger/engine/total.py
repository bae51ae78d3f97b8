"""Totals: what each pledge contributes once the findings are applied, summed per currency.

How a finding shapes the totals (accepted / undecided; a rejected finding changes nothing):

| finding          | accepted                          | undecided                               |
|------------------|-----------------------------------|-----------------------------------------|
| duplicate        | its claims are one pledge         | the same                                |
| contained        | the part counts nothing           | the part counts only in the high bound  |
| unit_error       | the odd pledge counts nothing     | it counts only in the high bound        |
| other_currency   | the pledge counts nothing         | nothing changes (no rate to compare)    |
| aggregate        | only what the total holds beyond its pledges counts (at each bound)        |
| already_provided | not a pledge of this moment: counts nothing                                 |
| baseline         | the old level counts nothing; the new pledge's new money is the increase    |
| repackaged       | no new money                      | no new money in the low bound           |

A rejected aggregate counts in full; a rejected already_provided counts as a pledge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ledger.core.model import CurrencyTotals, Finding, FindingKind, Period, Verdict
from ledger.core.money import AmountRange, allocate, quantize
from ledger.core.problems import Problem, Severity
from ledger.engine.normalise import Normalised
from ledger.engine.views import PledgeView
from ledger.parsing.periods import year_weights

ZERO = AmountRange.zero()
Bounds = Callable[[AmountRange], AmountRange]


def _zero(_: AmountRange) -> AmountRange:
    return ZERO


def _high_only(r: AmountRange) -> AmountRange:
    return AmountRange(Decimal(0), Decimal(0), r.high)


def _not_low(r: AmountRange) -> AmountRange:
    return AmountRange(Decimal(0), r.nominal, r.high)


# (kind, accepted?) -> what the finding leaves of its target pledge's contribution
_REMOVE: Mapping[tuple[FindingKind, bool], Bounds] = {
    (FindingKind.CONTAINED, True): _zero,
    (FindingKind.CONTAINED, False): _high_only,
    (FindingKind.UNIT_ERROR, True): _zero,
    (FindingKind.UNIT_ERROR, False): _high_only,
    (FindingKind.OTHER_CURRENCY, True): _zero,
    (FindingKind.OTHER_CURRENCY, False): lambda r: r,
    (FindingKind.ALREADY_PROVIDED, True): _zero,
    (FindingKind.ALREADY_PROVIDED, False): _zero,
}


def _target(finding: Finding) -> str | None:
    return finding.part if finding.kind is FindingKind.CONTAINED else finding.pledge


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one pledge (or an aggregate's unexplained rest) adds, in one currency."""

    view: PledgeView
    currency: str
    distinct: AmountRange
    new_money: AmountRange


def _narrowest(a: AmountRange, b: AmountRange) -> AmountRange:
    low, nominal, high = min(a.low, b.low), min(a.nominal, b.nominal), min(a.high, b.high)
    return AmountRange(low, min(max(nominal, low), high), high)


def _minus(r: AmountRange, old: AmountRange) -> AmountRange:
    """Interval subtraction, never below zero: the increase over an old level."""
    low = max(r.low - old.high, Decimal(0))
    nominal = max(r.nominal - old.nominal, low)
    high = max(r.high - old.low, nominal)
    return AmountRange(low, nominal, high)


def contributions(views: tuple[PledgeView, ...], findings: tuple[Finding, ...]) -> tuple[Contribution, ...]:
    """Each pledge's distinct and new-money contribution after the findings that apply to it."""
    distinct = {v.id: v.pledge.range for v in views}
    for finding in findings:
        target = _target(finding)
        rule = _REMOVE.get((finding.kind, finding.decision is Verdict.ACCEPT))
        if target is not None and rule is not None and finding.applies:
            distinct[target] = _narrowest(distinct[target], rule(distinct[target]))

    by_id = {v.id: v for v in views}
    new_money = dict(distinct)
    for finding in findings:
        if not finding.applies:
            continue
        if finding.kind is FindingKind.BASELINE and finding.pledge and finding.baseline:
            new, old = by_id[finding.pledge], by_id[finding.baseline]
            distinct[old.id] = ZERO
            new_money[old.id] = ZERO
            old_level = _old_level(new, old)
            if old_level is not None:
                new_money[new.id] = _minus(new_money[new.id], old_level)
        elif finding.kind is FindingKind.REPACKAGED and finding.pledge:
            kept = _not_low if finding.decision is None else _zero
            new_money[finding.pledge] = kept(new_money[finding.pledge])

    rests = _aggregate_rests(views, findings, distinct)
    result = []
    for view in views:
        if view.id in rests:
            rest = _to_pledge_currency(view, rests[view.id])
            result.append(Contribution(view, view.pledge.currency, rest, rest))
        else:
            result.append(
                Contribution(
                    view,
                    view.pledge.currency,
                    distinct[view.id],
                    _narrowest(new_money[view.id], distinct[view.id])
                    if new_money[view.id] is not distinct[view.id]
                    else distinct[view.id],
                )
            )
    return tuple(result)


def _aggregate_rests(
    views: tuple[PledgeView, ...], findings: tuple[Finding, ...], distinct: Mapping[str, AmountRange]
) -> dict[str, AmountRange]:
    """What each applying aggregate holds beyond its pledges: max(0, total - parts) at each bound."""
    by_id = {v.id: v for v in views}
    rests = {}
    for finding in findings:
        if finding.kind is not FindingKind.AGGREGATE or not finding.applies or not finding.aggregate:
            continue
        aggregate = by_id[finding.aggregate]
        parts = [by_id[p] for p in finding.parts]
        held = sum((_in_compare(p, distinct[p.id]) for p in parts), ZERO)
        total = aggregate.compare_range
        low = max(total.low - held.low, Decimal(0))
        high = max(total.high - held.high, Decimal(0))
        nominal = min(max(total.nominal - held.nominal, low), max(high, low))
        rests[aggregate.id] = AmountRange(low, nominal, max(high, nominal))
    return rests


def _old_level(new: PledgeView, old: PledgeView) -> AmountRange | None:
    """The old level of an increase in the new pledge's currency; None when no rate makes them comparable."""
    if new.pledge.currency == old.pledge.currency:
        return old.pledge.range
    if new.compare_currency == old.compare_currency:
        return _to_pledge_currency(new, old.compare_range)
    return None


def _to_pledge_currency(view: PledgeView, r: AmountRange) -> AmountRange:
    """A range in the view's compare currency, in its pledge's own currency."""
    if view.pledge.currency == view.compare_currency or view.compare_range.nominal == 0:
        return r
    factor = view.pledge.range.nominal / view.compare_range.nominal
    return r.scaled(factor)


def _in_compare(view: PledgeView, r: AmountRange) -> AmountRange:
    """A contribution in the pledge's compare currency (scaled by the same rate as its range)."""
    if view.pledge.currency == view.compare_currency or view.pledge.range.nominal == 0:
        return r
    factor = view.compare_range.nominal / view.pledge.range.nominal
    return r.scaled(factor)


def _sum_by(items: Iterable[tuple[str, AmountRange]], currency: str) -> tuple[tuple[str, AmountRange], ...]:
    sums: dict[str, AmountRange] = defaultdict(AmountRange.zero)
    for key, r in items:
        sums[key] = sums[key] + r
    return tuple((k, sums[k].quantized(currency)) for k in sorted(sums))


def _years(
    contribs: Iterable[Contribution], currency: str, fiscal_start: int
) -> tuple[tuple[tuple[str, Decimal], ...], tuple[tuple[str, Decimal], ...]]:
    spread: dict[str, Decimal] = defaultdict(Decimal)
    whole: dict[str, Decimal] = defaultdict(Decimal)
    weights: dict[Period, tuple[tuple[str, Decimal], ...]] = {}
    for c in contribs:
        amount = quantize(c.distinct.nominal, currency)
        if amount == 0:
            continue
        shares = weights.get(c.view.period)
        if shares is None:
            shares = weights[c.view.period] = year_weights(c.view.period, fiscal_start)
        if not shares:
            spread["unspecified"] += amount
            whole["unspecified"] += amount
            continue
        if len(shares) == 1:
            spread[shares[0][0]] += amount
            whole[shares[0][0]] += amount
            continue
        for (label, _), part in zip(
            shares, allocate(amount, [weight for _, weight in shares], currency), strict=True
        ):
            spread[label] += part
        whole[shares[0][0] if len(shares) == 1 else "multi-year"] += amount
    return tuple(sorted(spread.items())), tuple(sorted(whole.items()))


def currency_totals(
    currency: str,
    contribs: Iterable[Contribution],
    naive: Decimal,
    fiscal_start: int,
    converted_from: tuple[str, ...] = (),
    rates: tuple[str, ...] = (),
) -> CurrencyTotals:
    # each figure is rounded to the minor unit first, so that every breakdown adds back to the cent
    contribs = tuple(
        Contribution(c.view, c.currency, c.distinct.quantized(currency), c.new_money.quantized(currency))
        for c in contribs
    )
    distinct = sum((c.distinct for c in contribs), ZERO)
    new_money = sum((c.new_money for c in contribs), ZERO)
    by_year, by_year_whole = _years(contribs, currency, fiscal_start)
    return CurrencyTotals(
        currency=currency,
        naive=quantize(naive, currency),
        distinct=distinct.quantized(currency),
        new_money=new_money.quantized(currency),
        by_instrument=_sum_by(((c.view.pledge.instrument.value, c.distinct) for c in contribs), currency),
        by_donor=_sum_by(((c.view.donor, c.distinct) for c in contribs), currency),
        by_recipient=_sum_by(((c.view.recipient or "unspecified", c.distinct) for c in contribs), currency),
        by_year=by_year,
        by_year_whole=by_year_whole,
        converted_from=converted_from,
        rates=rates,
    )


def total(
    normal: Normalised, views: tuple[PledgeView, ...], findings: tuple[Finding, ...]
) -> tuple[tuple[CurrencyTotals, ...], CurrencyTotals | None, tuple[Problem, ...]]:
    """Totals per currency, and in the base currency when the analyst gave rates."""
    contribs = contributions(views, findings)
    fiscal_start = normal.settings.fiscal_year_start
    naive: dict[str, Decimal] = defaultdict(Decimal)
    for n in normal.claims:
        naive[n.claim.currency] += n.range.nominal
    per_currency: dict[str, list[Contribution]] = defaultdict(list)
    for c in contribs:
        per_currency[c.currency].append(c)
    currencies = sorted(set(naive) | set(per_currency))
    totals = tuple(
        currency_totals(cur, per_currency.get(cur, ()), naive.get(cur, Decimal(0)), fiscal_start)
        for cur in currencies
    )
    if not normal.rates:
        return totals, None, ()

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
    for c in contribs:
        rate = normal.rates.get(c.currency)
        if c.currency == base:
            converted.append(c)
        elif rate is not None:
            converted.append(
                Contribution(c.view, base, c.distinct.scaled(rate.rate), c.new_money.scaled(rate.rate))
            )
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
        base, converted, base_naive, fiscal_start, used, tuple(normal.rates[cur].describe() for cur in used)
    )
    return totals, base_totals, tuple(problems)
