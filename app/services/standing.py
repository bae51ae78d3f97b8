"""Decisions applied to a reconciliation without running the engine again.

Most decisions cannot change how claims are grouped or what the rules find: grouping, containment and
aggregates read the claims, and a decision only says how far each finding's effect goes
(`ledger.engine.effects`). Two decisions do change what is found: a rejected duplicate leaves its claims
as pledges of their own, and a rejected containment lets its smaller pledge be one of the pledges a total
over donors holds. So a version is reconciled once per set of those *structural* decisions (its
`Structure`), and every other decision is applied to it here: each finding's decision attached, each
pledge it moves counted again with `effects.count` (a total's rest beyond its parts follows its parts),
and the totals moved by exactly what moved. The work is proportional to what the decisions move, not to
the ledger.

The result equals the engine's own reconciliation under the same decisions (a property test holds them
together, tests/app/services/test_standing.py). Where that cannot be made exact here (a total over
donors whose pledges are compared through the analyst's exchange rates), `Structure.exact` is False and
the caller runs the engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from ledger import (
    Claim,
    Contribution,
    CurrencyTotals,
    Decision,
    Finding,
    FindingKind,
    Ledger,
    Pledge,
    Problem,
    QualifierKind,
    Rate,
    Reconciliation,
    Severity,
    Source,
    Verdict,
    allocate,
    year_weights,
)
from ledger.core.money import AmountRange
from ledger.engine.effects import EFFECTS, State, count, state_of

ZERO = Decimal(0)
NO_RANGE = AmountRange.zero()
# what a pledge's years are spread by: each year it touches with the share of that year covered
Weights = tuple[tuple[str, Decimal], ...]


def kind_of(finding_id: str) -> FindingKind | None:
    """The kind a finding id names (ids are "<kind>-<digest>"), or None for an id of no known kind."""
    prefix = finding_id.rsplit("-", 1)[0]
    try:
        return FindingKind(prefix)
    except ValueError:
        return None


def holds_totals(ledger: Ledger) -> bool:
    """Whether any claim is a total over donors or pledges (only then can a rejected containment matter to
    what the rules find)."""
    return any(c.has(QualifierKind.AGGREGATE) for c in ledger.claims)


def structural(decisions: Iterable[Decision], with_totals: bool) -> tuple[Decision, ...]:
    """The decisions that change what the engine finds: rejected duplicates, and rejected containments when
    the ledger has totals over donors (`with_totals`). Every other decision is applied by `apply`."""
    kinds = {FindingKind.DUPLICATE, FindingKind.CONTAINED} if with_totals else {FindingKind.DUPLICATE}
    return tuple(d for d in decisions if d.verdict is Verdict.REJECT and kind_of(d.finding) in kinds)


def structure_key(decisions: Iterable[Decision], with_totals: bool) -> frozenset[str]:
    """The finding ids of the structural decisions: what a version's `Structure` is remembered by."""
    return frozenset(d.finding for d in structural(decisions, with_totals))


def _decision_warning(d: Decision) -> Problem:
    # the engine's own words for a decision on a finding this version does not produce (decide.py)
    return Problem(
        f'decision "{d.verdict.value}" names finding "{d.finding}", which this version of the ledger '
        "does not produce; it is kept and applies again if the finding returns",
        d.origin,
        Severity.WARNING,
    )


def _is_decision_warning(problem: Problem) -> bool:
    return problem.message.startswith('decision "') and '" names finding "' in problem.message


def spread(amount: Decimal, weights: Weights, currency: str) -> tuple[tuple[str, Decimal], ...]:
    """`amount` over the years of its weights, to the cent (as the engine's total pass spreads it)."""
    if amount == 0:
        return ()
    if not weights:
        return (("unspecified", amount),)
    if len(weights) == 1:
        return ((weights[0][0], amount),)
    parts = allocate(amount, [w for _, w in weights], currency)
    return tuple((label, part) for (label, _), part in zip(weights, parts, strict=True))


# ---- running sums of the totals, kept so that a decision moves them by what it moved -------------------------


@dataclass(slots=True)
class _Sums:
    """One currency's totals as running sums: [low, nominal, high] per breakdown key, and for the years
    how many pledges touch each (a year no pledge touches any more leaves the breakdown, as in the engine)."""

    currency: str
    naive: Decimal
    distinct: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO, ZERO])
    new_money: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO, ZERO])
    by_instrument: dict[str, list[Decimal]] = field(default_factory=dict)
    by_donor: dict[str, list[Decimal]] = field(default_factory=dict)
    by_recipient: dict[str, list[Decimal]] = field(default_factory=dict)
    years: dict[str, list[Decimal]] = field(default_factory=dict)  # label: [amount, pledges]
    whole: dict[str, list[Decimal]] = field(default_factory=dict)

    def copy(self) -> _Sums:
        def deep(d: dict[str, list[Decimal]]) -> dict[str, list[Decimal]]:
            return {k: list(v) for k, v in d.items()}

        return _Sums(
            self.currency,
            self.naive,
            list(self.distinct),
            list(self.new_money),
            deep(self.by_instrument),
            deep(self.by_donor),
            deep(self.by_recipient),
            deep(self.years),
            deep(self.whole),
        )

    def add(
        self,
        keys: tuple[str, str, str],
        distinct: AmountRange,
        new_money: AmountRange,
        years: Sequence[tuple[str, Decimal]],
        sign: int = 1,
    ) -> None:
        """Add (sign 1) or take away (sign -1) one pledge's contribution."""
        s = Decimal(sign)
        triple = (distinct.low * s, distinct.nominal * s, distinct.high * s)
        for target in (self.distinct,):
            target[0] += triple[0]
            target[1] += triple[1]
            target[2] += triple[2]
        self.new_money[0] += new_money.low * s
        self.new_money[1] += new_money.nominal * s
        self.new_money[2] += new_money.high * s
        for breakdown, key in zip((self.by_instrument, self.by_donor, self.by_recipient), keys, strict=True):
            sums = breakdown.get(key)
            if sums is None:
                sums = breakdown[key] = [ZERO, ZERO, ZERO]
            sums[0] += triple[0]
            sums[1] += triple[1]
            sums[2] += triple[2]
        for label, amount in years:
            _tally(self.years, label, amount * s, sign)
        if len(years) == 1:
            _tally(self.whole, years[0][0], years[0][1] * s, sign)
        elif years:
            _tally(self.whole, "multi-year", distinct.nominal * s, sign)

    def totals(self, converted_from: tuple[str, ...] = (), rates: tuple[str, ...] = ()) -> CurrencyTotals:
        cur = self.currency

        def ranged(v: list[Decimal]) -> AmountRange:
            return AmountRange(v[0], v[1], v[2]).quantized(cur)

        def by(d: dict[str, list[Decimal]]) -> tuple[tuple[str, AmountRange], ...]:
            return tuple((k, ranged(d[k])) for k in sorted(d))

        return CurrencyTotals(
            currency=cur,
            naive=self.naive,
            distinct=ranged(self.distinct),
            new_money=ranged(self.new_money),
            by_instrument=by(self.by_instrument),
            by_donor=by(self.by_donor),
            by_recipient=by(self.by_recipient),
            by_year=tuple((k, v[0]) for k, v in sorted(self.years.items())),
            by_year_whole=tuple((k, v[0]) for k, v in sorted(self.whole.items())),
            converted_from=converted_from,
            rates=rates,
        )


def _tally(d: dict[str, list[Decimal]], label: str, amount: Decimal, sign: int) -> None:
    entry = d.get(label)
    if entry is None:
        entry = d[label] = [ZERO, ZERO]
    entry[0] += amount
    entry[1] += sign
    if entry[1] == 0:
        del d[label]


# ---- the structure ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Index:
    """A version's values by id, and what each finding is about: the same whatever is decided, so made once
    per structure (a page of a 100,000-claim ledger looks up a few dozen of them)."""

    claims: Mapping[str, Claim]
    sources: Mapping[str, Source]
    pledges: Mapping[str, Pledge]
    pledge_of_claim: Mapping[str, str]
    about: Mapping[str, tuple[str, ...]]  # finding id: the pledges it is about (Finding.pledges())
    donors: tuple[str, ...]  # the donors the findings are about, in alphabetical order
    by_stake: Mapping[str, int]  # finding id: its place when the largest amounts at stake come first

    @staticmethod
    def of(result: Reconciliation) -> Index:
        """The index of a reconciliation."""
        pledges = {p.id: p for p in result.pledges}
        about = {f.id: f.pledges() for f in result.findings}
        donors = {pledges[p].donor for ids in about.values() for p in ids if p in pledges}
        return Index(
            claims=MappingProxyType({c.id: c for c in result.ledger.claims}),
            sources=MappingProxyType({src.id: src for src in result.ledger.sources}),
            pledges=MappingProxyType(pledges),
            pledge_of_claim=MappingProxyType({c: p.id for p in result.pledges for c in p.claims}),
            about=MappingProxyType(about),
            donors=tuple(sorted(donors, key=str.casefold)),
            by_stake=MappingProxyType(
                {
                    f.id: i
                    for i, f in enumerate(
                        sorted(result.findings, key=lambda f: (-f.amount_at_stake, f.kind.value, f.id))
                    )
                }
            ),
        )


@dataclass(frozen=True, slots=True)
class Structure:
    """A version reconciled under its structural decisions only, with what applying the others needs."""

    result: Reconciliation
    kinds: Mapping[str, FindingKind]
    # finding id: its indices in result.findings (one, but for a contradiction the engine states twice:
    # a claim typed "part of" a smaller one gives two containments with the same id)
    position: Mapping[str, tuple[int, ...]]
    moves: Mapping[str, tuple[int, ...]]  # finding id: the contributions whose count reads its decision
    parts: Mapping[int, tuple[int, ...]]  # a total's contribution index: its parts' indices
    totals_of: Mapping[int, tuple[int, ...]]  # a part's index: the totals holding it
    weights: tuple[Weights, ...]  # per pledge
    keys: tuple[tuple[str, str, str], ...]  # per pledge: instrument, donor, recipient (the breakdowns)
    sums: Mapping[str, _Sums]  # per currency, under the structural decisions
    base_sums: _Sums | None
    rates: Mapping[str, Rate]  # by currency, into the base currency
    states: Mapping[str, State]  # the structural decisions' states
    warnings: tuple[Problem, ...]  # the reconciliation's warnings but those about decisions
    exact: bool  # False: a total is compared through rates, and decisions need the engine
    index: Index

    @property
    def claims(self) -> int:
        """How many claims (what a cache weighs a structure by)."""
        return len(self.result.ledger.claims)


def structure_of(result: Reconciliation) -> Structure:
    """What applying decisions to `result` needs; `result` is a version reconciled under its structural
    decisions only (`structural`)."""
    findings = result.findings
    kinds = {f.id: f.kind for f in findings}
    position: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        position[f.id].append(i)
    index = {p.id: i for i, p in enumerate(result.pledges)}
    moves: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(result.contributions):
        for fid in c.findings:
            moves[fid].append(i)
    parts: dict[int, tuple[int, ...]] = {}
    totals_of: dict[int, list[int]] = defaultdict(list)
    rates = {r.currency: r for r in result.rates}
    exact = True
    for f in findings:
        if not EFFECTS[f.kind].holds_parts or f.target not in index:
            continue
        total = index[f.target]
        held = tuple(index[p] for p in f.pledges() if p != f.target and p in index)
        parts[total] = held
        for j in held:
            totals_of[j].append(total)
        pledges = [result.pledges[total], *(result.pledges[j] for j in held)]
        currencies = {p.currency for p in pledges}
        if len(currencies) > 1 or currencies & rates.keys() or any(p.converted_from for p in pledges):
            exact = False
    fiscal_start = result.ledger.settings.fiscal_year_start
    weights_by_period: dict[object, Weights] = {}
    weights: list[Weights] = []
    keys: list[tuple[str, str, str]] = []
    for p in result.pledges:
        found = weights_by_period.get(p.period)
        if found is None:
            found = weights_by_period[p.period] = year_weights(p.period, fiscal_start)
        weights.append(found)
        keys.append((p.instrument.value, p.donor, p.recipient or "unspecified"))
    structure_states = {f.id: state_of(f.decision) for f in findings if f.decision is not None}
    sums = {t.currency: _Sums(t.currency, t.naive) for t in result.totals}
    base = result.base_totals
    base_sums = _Sums(base.currency, base.naive) if base is not None else None
    structure = Structure(
        result=result,
        kinds=MappingProxyType(kinds),
        position=MappingProxyType({k: tuple(v) for k, v in position.items()}),
        moves=MappingProxyType({k: tuple(v) for k, v in moves.items()}),
        parts=MappingProxyType(parts),
        totals_of=MappingProxyType({k: tuple(v) for k, v in totals_of.items()}),
        weights=tuple(weights),
        keys=tuple(keys),
        sums=MappingProxyType(sums),
        base_sums=base_sums,
        rates=MappingProxyType(rates),
        states=MappingProxyType(structure_states),
        warnings=tuple(w for w in result.warnings if not _is_decision_warning(w)),
        exact=exact,
        index=Index.of(result),
    )
    for i, c in enumerate(result.contributions):
        _add(structure, sums, base_sums, i, c, 1)
    return structure


def _in_base(
    structure: Structure, i: int, c: Contribution
) -> tuple[AmountRange, AmountRange, Weights] | None:
    """A contribution in the base currency (as the engine converts it for the base totals), or None when
    no rate converts it."""
    base = structure.base_sums
    assert base is not None
    if c.currency == base.currency:
        return c.distinct, c.new_money, ()
    rate = structure.rates.get(c.currency)
    if rate is None:
        return None
    return (
        c.distinct.scaled(rate.rate).quantized(base.currency),
        c.new_money.scaled(rate.rate).quantized(base.currency),
        structure.weights[i],
    )


def _add(
    structure: Structure,
    sums: Mapping[str, _Sums],
    base_sums: _Sums | None,
    i: int,
    c: Contribution,
    sign: int,
) -> None:
    keys = structure.keys[i]
    sums[c.currency].add(keys, c.distinct, c.new_money, c.years, sign)
    if base_sums is None:
        return
    converted = _in_base(structure, i, c)
    if converted is None:
        return
    distinct, new_money, weights = converted
    years = (
        c.years if c.currency == base_sums.currency else spread(distinct.nominal, weights, base_sums.currency)
    )
    base_sums.add(keys, distinct, new_money, years, sign)


# ---- counting again what decisions move ---------------------------------------------------------------------


def _beyond_parts(whole: AmountRange, held: AmountRange, currency: str) -> AmountRange:
    """What a total holds beyond its parts, bound by bound (the engine's rule, for parts in its currency)."""
    low = max(whole.low - held.low, ZERO)
    high = max(whole.high - held.high, ZERO)
    nominal = min(max(whole.nominal - held.nominal, low), max(high, low))
    return AmountRange(low, nominal, max(high, nominal)).quantized(currency)


def recount(
    structure: Structure,
    current: Sequence[Contribution],
    states: Mapping[str, State],
    findings: Iterable[str],
) -> dict[int, Contribution]:
    """The contributions that differ from `current` once the decisions on `findings` are as `states` says
    (every other finding as `states` says too): each pledge they move counted again, then every total
    holding one of those pledges (its rest beyond its parts follows them)."""
    kinds = structure.kinds
    touched: set[int] = set()
    for fid in findings:
        touched.update(structure.moves.get(fid, ()))
    changed: dict[int, Contribution] = {}
    totals: set[int] = set()
    for i in sorted(touched):
        if i in structure.parts:
            totals.add(i)
            continue
        c = current[i]
        updated = _counted(structure, i, c, count(c, kinds, states))
        if updated is not c:
            changed[i] = updated
        totals.update(structure.totals_of.get(i, ()))
    pledges = structure.result.pledges
    for t in _inner_first(structure, totals):
        c = current[t]
        held = NO_RANGE
        for j in structure.parts[t]:
            held = held + changed.get(j, current[j]).distinct
        rest = _beyond_parts(pledges[t].range, held, c.currency)
        with_rest = c if rest == c.beyond_parts else replace(c, beyond_parts=rest)
        updated = _counted(structure, t, with_rest, count(with_rest, kinds, states))
        if updated is not c:
            changed[t] = updated
    return changed


def _inner_first(structure: Structure, totals: set[int]) -> list[int]:
    """`totals` and every total holding one of them, each after the totals it holds: a total's rest beyond
    its parts follows a smaller total inside it, so the smaller one is counted again first."""
    depth: dict[int, int] = {}
    stack = sorted(totals)
    while stack:  # the totals above them too
        t = stack.pop()
        if t not in depth:
            depth[t] = 0
            stack.extend(structure.totals_of.get(t, ()))

    def level(t: int) -> int:
        # nesting is shallow (a tally inside a conference total), so plain recursion is bounded
        if depth[t] == 0:
            depth[t] = 1 + max((level(p) for p in structure.parts[t] if p in depth), default=0)
        return depth[t]

    return sorted(depth, key=lambda t: (level(t), t))


def _counted(
    structure: Structure, i: int, c: Contribution, counted: tuple[AmountRange, AmountRange]
) -> Contribution:
    distinct, new_money = counted
    if distinct == c.distinct and new_money == c.new_money:
        return c
    years = (
        c.years
        if distinct.nominal == c.distinct.nominal
        else spread(distinct.nominal, structure.weights[i], c.currency)
    )
    return replace(c, distinct=distinct, new_money=new_money, years=years)


def _decided(finding: Finding, decision: Decision | None) -> Finding:
    verdict, note = (decision.verdict, decision.note) if decision is not None else (None, "")
    if finding.decision is verdict and finding.note == note:
        return finding
    return replace(finding, decision=verdict, note=note)


def apply(structure: Structure, decisions: Sequence[Decision], name: str | None = None) -> Reconciliation:
    """The version's reconciliation under `decisions` (the decisions in force, one per finding), named
    `name`: what the engine would give for them, from the structure they share.

    `decisions` must include the structure's own (structural) decisions; `structure.exact` must hold.
    """
    if not structure.exact:
        raise ValueError("this structure's totals are compared through rates: reconcile with the engine")
    result = structure.result
    by_finding = {d.finding: d for d in decisions}
    findings = list(result.findings)
    states = dict(structure.states)
    for fid in {*by_finding, *structure.states}:
        indices = structure.position.get(fid, ())
        if not indices:
            continue
        decision = by_finding.get(fid)
        for at in indices:
            findings[at] = _decided(findings[at], decision)
        if decision is None:
            states.pop(fid, None)
        else:
            states[fid] = state_of(decision.verdict)
    moved = [fid for fid in {*states, *structure.states} if states.get(fid) != structure.states.get(fid)]
    contributions = list(result.contributions)
    changed = recount(structure, contributions, states, moved)
    sums = {cur: s.copy() for cur, s in structure.sums.items()}
    base_sums = structure.base_sums.copy() if structure.base_sums is not None else None
    for i, c in changed.items():
        _add(structure, sums, base_sums, i, contributions[i], -1)
        _add(structure, sums, base_sums, i, c, 1)
        contributions[i] = c
    base = result.base_totals
    ledger = replace(
        result.ledger, decisions=tuple(decisions), name=result.ledger.name if name is None else name
    )
    orphans = tuple(_decision_warning(d) for d in decisions if d.finding not in structure.position)
    return replace(
        result,
        ledger=ledger,
        findings=tuple(findings),
        contributions=tuple(contributions),
        totals=tuple(sums[t.currency].totals() for t in result.totals),
        base_totals=(
            base_sums.totals(base.converted_from, base.rates)
            if base_sums is not None and base is not None
            else None
        ),
        warnings=(*structure.warnings, *orphans),
    )


# ---- what a decision would do -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """How much one decision would move a currency's totals: distinct and new money, bound by bound."""

    currency: str
    distinct: tuple[Decimal, Decimal, Decimal]
    new_money: tuple[Decimal, Decimal, Decimal]

    @property
    def moves(self) -> bool:
        """Whether anything moves."""
        return any(self.distinct) or any(self.new_money)


def states_of(result: Reconciliation) -> dict[str, State]:
    """Each decided finding's state in `result` (an undecided one is absent)."""
    return {f.id: state_of(f.decision) for f in result.findings if f.decision is not None}


def what_if(
    structure: Structure,
    result: Reconciliation,
    finding_id: str,
    state: State,
    states: Mapping[str, State] | None = None,
) -> tuple[Change, ...]:
    """What putting one finding in `state` would change in `result`'s totals (a reconciliation applied to
    `structure`), per currency: the pledges it moves counted again with `effects.count`, never the engine.

    A duplicate's rejection regroups claims, which only the engine can count: its change is not here
    (the page says so in words).
    """
    if finding_id not in structure.position:
        return ()
    supposed = dict(states_of(result) if states is None else states)
    supposed[finding_id] = state
    changed = recount(structure, result.contributions, supposed, (finding_id,))
    deltas: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 6)
    for i, c in changed.items():
        old = result.contributions[i]
        d = deltas[c.currency]
        for k, (new_r, old_r) in enumerate(((c.distinct, old.distinct), (c.new_money, old.new_money))):
            d[3 * k] += new_r.low - old_r.low
            d[3 * k + 1] += new_r.nominal - old_r.nominal
            d[3 * k + 2] += new_r.high - old_r.high
    return tuple(
        Change(cur, (d[0], d[1], d[2]), (d[3], d[4], d[5])) for cur, d in sorted(deltas.items()) if any(d)
    )


__all__ = [
    "Change",
    "Index",
    "Structure",
    "apply",
    "holds_totals",
    "kind_of",
    "recount",
    "spread",
    "states_of",
    "structural",
    "structure_key",
    "structure_of",
    "what_if",
]
