"""Totals: what each pledge contributes once the findings are applied, summed per currency.

How each kind of finding shapes a pledge's contribution is tabled in `ledger.engine.effects`; this pass
only finds, for each pledge, the findings that fall on it (`Contribution`), counts it with
`effects.count`, spreads it over its years and sums per currency (and into the base currency with the
analyst's rates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple, Protocol

from ledger.core.findings import AggregateFinding, Baseline, Finding, FindingKind
from ledger.core.model import Contribution, CurrencyTotals, Period, Rate
from ledger.core.money import Allocation, AmountRange, quantize
from ledger.core.problems import Problem, Severity
from ledger.engine.effects import EFFECTS, State, count_moves, state_of
from ledger.engine.normalise import Normalised
from ledger.engine.views import PledgeView, to_compare_currency, to_pledge_currency
from ledger.parsing.periods import year_weights

ZERO = AmountRange.zero()

Years = tuple[tuple[str, Decimal], ...]
Span = tuple[date | None, date | None]  # a period's start and end
Alike = tuple[int, tuple[tuple[FindingKind, State], ...], tuple[tuple[FindingKind, State], ...]]


@dataclass(slots=True)
class _Shared:
    """The rounded ranges, amounts and spreads of one pass, each made once and shared by every pledge with
    equal figures (local to one pass): ledgers repeat a few thousand figures and periods over many
    thousand pledges, and each rounded range is four objects, each spread two to six.

    A rounded range depends only on the value rounded (quantizing writes it with the currency's places),
    so equal values share one; a range with a zero bound is rounded afresh, as -0 rounds to -0.00. An
    amount is shared with an equal one only when both are written alike (the same exponent).
    """

    fiscal_start: int
    ranges: dict[tuple[Decimal, Decimal, Decimal, str], AmountRange] = field(default_factory=dict)
    converted: dict[tuple[Decimal, Decimal, Decimal, str], AmountRange] = field(default_factory=dict)
    amounts: dict[Decimal, Decimal] = field(default_factory=dict)
    weights: dict[Span, Years] = field(default_factory=dict)
    # a year's share holds the amount itself: shared by the amount's identity (kept alive by the entry)
    shares: dict[tuple[str, int], tuple[str, Decimal]] = field(default_factory=dict)
    single: dict[tuple[int, str], Years] = field(default_factory=dict)
    spread_over_years: dict[tuple[Decimal, Span, str], Years] = field(default_factory=dict)
    allocations: dict[tuple[Span, str], Allocation] = field(default_factory=dict)

    def amount(self, amount: Decimal) -> Decimal:
        """`amount`, or an equal amount written alike made before it."""
        if not amount:  # a zero's sign is not its value's
            return amount
        known = self.amounts.get(amount)
        if known is None:
            self.amounts[amount] = amount
            return amount
        return known if known.same_quantum(amount) else amount

    def _shared_range(self, r: AmountRange) -> AmountRange:
        low, nominal, high = self.amount(r.low), self.amount(r.nominal), self.amount(r.high)
        return AmountRange(low, nominal, high)

    def quantized(self, r: AmountRange, currency: str) -> AmountRange:
        """`r` rounded to the currency's minor unit."""
        low, nominal, high = r.low, r.nominal, r.high
        if not (low and nominal and high):
            return r.quantized(currency)
        key = (low, nominal, high, currency)
        rounded = self.ranges.get(key)
        if rounded is None:
            rounded = self.ranges[key] = self._shared_range(r.quantized(currency))
        return rounded

    def in_base(self, r: AmountRange, currency: str, rate: Rate) -> AmountRange:
        """`r` (in `currency`) in the rate's base currency, rounded to its minor unit."""
        low, nominal, high = r.low, r.nominal, r.high
        if not (low and nominal and high):
            return r.scaled(rate.rate).quantized(rate.base)
        key = (low, nominal, high, currency)
        converted = self.converted.get(key)
        if converted is None:
            converted = self.converted[key] = self._shared_range(r.scaled(rate.rate).quantized(rate.base))
        return converted

    def _share(self, label: str, amount: Decimal) -> tuple[str, Decimal]:
        key = (label, id(amount))
        share = self.shares.get(key)
        if share is None:
            share = self.shares[key] = (label, amount)
        return share

    def spread(self, amount: Decimal, period: Period, currency: str) -> Years:
        """`amount` over the years of `period` in proportion to the share of each year covered, to the cent."""
        if amount == 0:
            return ()
        span = (period.start, period.end)  # all the years depend on (hashed in C, unlike a Period)
        shares = self.weights.get(span)
        if shares is None:
            shares = self.weights[span] = year_weights(period, self.fiscal_start)
        if len(shares) <= 1:
            label = shares[0][0] if shares else "unspecified"
            key = (id(amount), label)
            years = self.single.get(key)
            if years is None:
                years = self.single[key] = (self._share(label, amount),)
            return years
        # the parts depend only on the amount's value: equal amounts over equal periods share them
        spread_key = (amount, span, currency)
        years = self.spread_over_years.get(spread_key)
        if years is None:
            split = self.allocations.get((span, currency))
            if split is None:
                split = self.allocations[span, currency] = Allocation([w for _, w in shares], currency)
            amounts, made = self.amounts, []
            for (label, _), part in zip(shares, split.split(amount), strict=True):
                known = amounts.get(part)
                if known is None:
                    amounts[part] = known = part
                elif not known.same_quantum(part):  # in a currency of other places (or a zero's sign)
                    known = part
                made.append(self._share(label, known))
            years = self.spread_over_years[spread_key] = tuple(made)
        return years


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


def _read(
    views: Mapping[str, PledgeView], findings: Iterable[Finding], shared: _Shared
) -> tuple[dict[str, _Moves], dict[str, FindingKind], dict[str, State], list[Finding]]:
    """For each pledge, the findings whose decisions move it, as the effects table says; each finding's
    kind and state; and the findings of totals that hold parts, in order."""
    moves: dict[str, _Moves] = defaultdict(_Moves)
    kinds: dict[str, FindingKind] = {}
    states: dict[str, State] = {}
    holding: list[Finding] = []
    how = {
        kind: (effect.distinct.moves, effect.new_money.moves, effect.holds_parts, effect.old_level)
        for kind, effect in EFFECTS.items()
    }
    for finding in findings:
        kind, finding_id = finding.kind, finding.id
        kinds[finding_id] = kind
        states[finding_id] = state_of(finding.decision)
        cuts, new_money_cuts, holds_parts, old_level = how[kind]
        target = finding.target
        if target not in views:
            continue
        if cuts:
            moves[target].cut_by.append(finding_id)
        if new_money_cuts:
            moves[target].new_money_cut_by.append(finding_id)
        if holds_parts:
            moves[target].totals.append(finding_id)
            holding.append(finding)
        if old_level and isinstance(finding, Baseline) and finding.pledge in views:
            new = views[finding.pledge]
            level = _old_level(new, views[target])
            if level is not None:
                moves[new.id].old_levels.append((finding_id, shared.quantized(level, new.pledge.currency)))
    return moves, kinds, states, holding


def _parts(finding: Finding) -> tuple[str, ...]:
    """The pledges a total holds in its own currency (the ones its rest is measured against)."""
    return finding.parts if isinstance(finding, AggregateFinding) else finding.pledges()


def _beyond_parts(
    total: PledgeView,
    parts: Iterable[PledgeView],
    counted: Mapping[str, tuple[AmountRange, AmountRange]],
    full_of: Mapping[str, AmountRange],
    shared: _Shared,
) -> AmountRange:
    """What a total holds beyond its parts, bound by bound: max(0, total - parts), in its own currency."""
    held = ZERO
    for part in parts:
        distinct = counted[part.id][0] if part.id in counted else full_of[part.id]
        held = held + to_compare_currency(part, distinct)
    whole = total.compare_range
    # the nominal first: the total's parts and its rest add up to its nominal figure. Bound by bound the
    # rest can come out of order (parts told as ranges, a total told exactly): each bound is then held to it
    nominal = max(whole.nominal - held.nominal, Decimal(0))
    low = min(max(whole.low - held.low, Decimal(0)), nominal)
    high = max(whole.high - held.high, nominal)
    rest = AmountRange(low, nominal, high)
    return shared.quantized(to_pledge_currency(total, rest), total.pledge.currency)


def contributions(
    views: tuple[PledgeView, ...], findings: tuple[Finding, ...], fiscal_start: int
) -> tuple[Contribution, ...]:
    """Each pledge's distinct and new-money contribution under the findings' decisions, and why."""
    return _contributions(views, findings, _Shared(fiscal_start))


def _contributions(
    views: tuple[PledgeView, ...], findings: tuple[Finding, ...], shared: _Shared
) -> tuple[Contribution, ...]:
    by_id = {v.id: v for v in views}
    # each pledge's own range rounded, made once for the passes below
    fulls = [shared.quantized(v.pledge.range, v.pledge.currency) for v in views]
    full_of = {v.id: full for v, full in zip(views, fulls, strict=True)}
    moves, kinds, states, holding = _read(by_id, findings, shared)
    counted: dict[str, tuple[AmountRange, AmountRange]] = {}
    # count_moves reads a finding only through its kind and state: pledges of one rounded figure cut by
    # findings of the same kinds in the same states count alike, counted once (the entry keeps its
    # figure alive, so no other range takes its id while the pass runs)
    alike: dict[Alike, tuple[AmountRange, tuple[AmountRange, AmountRange]]] = {}
    for pid, found in moves.items():
        if found.totals:
            continue
        full = full_of[pid]
        if found.old_levels:
            counted[pid] = count_moves(
                full, found.cut_by, found.new_money_cut_by, found.old_levels, (), ZERO, kinds, states
            )
            continue
        key = (
            id(full),
            tuple((kinds[f], states.get(f, State.UNDECIDED)) for f in found.cut_by),
            tuple((kinds[f], states.get(f, State.UNDECIDED)) for f in found.new_money_cut_by),
        )
        known = alike.get(key)
        if known is None or known[0] is not full:
            known = alike[key] = (
                full,
                count_moves(full, found.cut_by, found.new_money_cut_by, (), (), ZERO, kinds, states),
            )
        counted[pid] = known[1]
    # a total's rest depends on its parts' own contributions, so totals are counted last; the rest is
    # kept even while the total's finding is rejected, for the report's formulas to fall back on
    rests: dict[str, AmountRange] = {}
    # smaller totals first: a total nested inside a larger one is one of its parts, counted before it
    holding.sort(key=lambda f: (by_id[f.target].compare_range.nominal, f.target))
    for finding in holding:
        target = finding.target
        parts = [by_id[p] for p in _parts(finding) if p != target and p in by_id]
        rests[target] = rest = _beyond_parts(by_id[target], parts, counted, full_of, shared)
        found = moves[target]
        full = full_of[target]
        counted[target] = count_moves(
            full, found.cut_by, found.new_money_cut_by, found.old_levels, found.totals, rest, kinds, states
        )
    made = []
    for view, full in zip(views, fulls, strict=True):
        pledge = view.pledge
        currency = pledge.currency
        moved = moves.get(view.id)
        if moved is None:  # most pledges: nothing falls on them
            years = shared.spread(full.nominal, pledge.period, currency)
            made.append(Contribution(view.id, currency, full, full, full, (), (), (), (), ZERO, years))
            continue
        distinct, new_money = counted.get(view.id, (full, full))
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
                shared.spread(distinct.nominal, pledge.period, currency),
            )
        )
    return tuple(made)


class _Figures(Protocol):
    """What the totals sum of a pledge: a Contribution, or its figures converted to the base currency."""

    @property
    def distinct(self) -> AmountRange: ...
    @property
    def new_money(self) -> AmountRange: ...
    @property
    def years(self) -> Years: ...


class _Converted(NamedTuple):
    """A pledge's figures in the base currency (a named tuple: one is made for every converted pledge)."""

    distinct: AmountRange
    new_money: AmountRange
    years: Years


def _add(sums: dict[str, list[Decimal]], key: str, low: Decimal, nominal: Decimal, high: Decimal) -> None:
    """Add a range to the running sum under `key`, bound by bound, each from Decimal(0) in the order
    added (the same additions as `+` over the ranges, without a range made at each step)."""
    running = sums.get(key)
    if running is None:
        running = sums[key] = [Decimal(0), Decimal(0), Decimal(0)]
    running[0] += low
    running[1] += nominal
    running[2] += high


def _by_key(sums: dict[str, list[Decimal]], currency: str) -> tuple[tuple[str, AmountRange], ...]:
    return tuple((key, AmountRange(*sums[key]).quantized(currency)) for key in sorted(sums))


def currency_totals(
    currency: str,
    views: Sequence[PledgeView],
    figures: Sequence[_Figures],
    naive: Decimal,
    converted_from: tuple[str, ...] = (),
    rates: tuple[str, ...] = (),
) -> CurrencyTotals:
    """The totals of the pledges `views`, whose figures in `currency` are `figures` (in the same order)."""
    d_low = d_nominal = d_high = n_low = n_nominal = n_high = Decimal(0)
    by_instrument: dict[str, list[Decimal]] = {}
    by_donor: dict[str, list[Decimal]] = {}
    by_recipient: dict[str, list[Decimal]] = {}
    spread: dict[str, Decimal] = defaultdict(Decimal)
    whole: dict[str, Decimal] = defaultdict(Decimal)
    for view, f in zip(views, figures, strict=True):
        d, m = f.distinct, f.new_money
        low, nominal, high = d.low, d.nominal, d.high
        d_low += low
        d_nominal += nominal
        d_high += high
        n_low += m.low
        n_nominal += m.nominal
        n_high += m.high
        _add(by_instrument, view.pledge.instrument.value, low, nominal, high)
        _add(by_donor, view.donor, low, nominal, high)
        _add(by_recipient, view.recipient or "unspecified", low, nominal, high)
        years = f.years
        if len(years) == 1:
            label, amount = years[0]
            spread[label] += amount
            whole[label] += amount
        elif years:
            for label, amount in years:
                spread[label] += amount
            whole["multi-year"] += nominal
    return CurrencyTotals(
        currency=currency,
        naive=quantize(naive, currency),
        distinct=AmountRange(d_low, d_nominal, d_high).quantized(currency),
        new_money=AmountRange(n_low, n_nominal, n_high).quantized(currency),
        by_instrument=_by_key(by_instrument, currency),
        by_donor=_by_key(by_donor, currency),
        by_recipient=_by_key(by_recipient, currency),
        by_year=tuple(sorted(spread.items())),
        by_year_whole=tuple(sorted(whole.items())),
        converted_from=converted_from,
        rates=rates,
    )


def total(
    normal: Normalised, views: tuple[PledgeView, ...], findings: tuple[Finding, ...]
) -> tuple[tuple[Contribution, ...], tuple[CurrencyTotals, ...], CurrencyTotals | None, tuple[Problem, ...]]:
    """Each pledge's contribution, the totals per currency, and in the base currency when the analyst gave rates."""
    shared = _Shared(normal.settings.fiscal_year_start)
    contribs = _contributions(views, findings, shared)
    naive = normal.naive
    per_currency: dict[str, tuple[list[PledgeView], list[_Figures]]] = {}
    for view, c in zip(views, contribs, strict=True):
        pair = per_currency.get(c.currency)
        if pair is None:
            pair = per_currency[c.currency] = ([], [])
        pair[0].append(view)
        pair[1].append(c)
    currencies = sorted(set(naive) | set(per_currency))
    nothing: tuple[list[PledgeView], list[_Figures]] = ([], [])
    totals = tuple(
        currency_totals(cur, *per_currency.get(cur, nothing), naive.get(cur, Decimal(0)))
        for cur in currencies
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
    in_base: list[PledgeView] = []
    figures: list[_Figures] = []
    for view, c in zip(views, contribs, strict=True):
        rate = normal.rates.get(c.currency)
        if c.currency == base:
            in_base.append(view)
            figures.append(c)
        elif rate is not None:
            # each figure is rounded to the base currency's minor unit first, so the breakdowns add back
            distinct = shared.in_base(c.distinct, c.currency, rate)
            years = shared.spread(distinct.nominal, view.period, base)
            in_base.append(view)
            figures.append(_Converted(distinct, shared.in_base(c.new_money, c.currency, rate), years))
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
        base, in_base, figures, base_naive, used, tuple(normal.rates[cur].describe() for cur in used)
    )
    return contribs, totals, base_totals, tuple(problems)


__all__ = ["contributions", "currency_totals", "total"]
