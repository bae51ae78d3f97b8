"""What the report's sheets share, worked out once: rows, their order, and every cell's value now.

The engine's reconciliation says what each pledge counts; this module lays it out for the sheets: the
findings in the order people read them (the most at stake first), with the pledge each falls on and
what it does there; each pledge's helper figures as its formulas compute them (`formulas.pledge_figures`);
the claims of each duplicate, to be counted apart should the duplicate be rejected; each pledge's
share of each year; the donors for the Summary; the evidence rows.
"""

from __future__ import annotations

from collections import ChainMap, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

from ledger.core.findings import Baseline, Duplicate, Finding, FindingKind
from ledger.core.model import (
    Claim,
    Contribution,
    CurrencyTotals,
    Decision,
    Period,
    Pledge,
    QualifierKind,
    Reconciliation,
    Source,
)
from ledger.core.money import AmountRange, allocate, amount_range, describe_amount, quantize
from ledger.engine.effects import EFFECTS, State, count, state_of
from ledger.parsing.periods import period_years, year_weights
from ledger.workbook.layout import approximation_word

from .formulas import (
    INCREASE,
    NONE,
    SAID_BY_QUALIFIER,
    ApartFigures,
    Move,
    PledgeFigures,
    apart_figures,
    pledge_figures,
    said_by,
)

__all__ = ["ApartRow", "DonorRow", "EvidenceRow", "FindingRow", "Plan", "PledgeRow", "SpreadRow"]

STALE_KIND = "No longer found"
PLEDGE, TOTAL_OVER_DONORS = "pledge", "total over donors"
TOP_DONORS = 10
UNSPECIFIED = "unspecified"
NOT_APART = ApartFigures(0, 0, AmountRange.zero(), AmountRange.zero(), AmountRange.zero())


@dataclass(frozen=True, slots=True)
class PledgeRow:
    """A pledge, what moves it, and its helper figures as its formulas compute them."""

    pledge: Pledge
    contribution: Contribution
    moved_by: str  # the findings whose decisions move it, as text ("none")
    duplicate: str  # the duplicate finding whose claims make it, while that finding is not rejected
    figures: PledgeFigures
    counts_as: str
    sources: int


@dataclass(frozen=True, slots=True)
class ApartRow:
    """A claim of a duplicate, counted as a pledge of its own while the duplicate is rejected."""

    claim: Claim
    pledge: str
    duplicate: str
    own: AmountRange
    says: frozenset[str]
    pledges_row: int  # 1-based, within the Pledges table
    figures: ApartFigures


@dataclass(frozen=True, slots=True)
class SpreadRow:
    """A pledge's share of one year."""

    pledge: str
    donor: str
    currency: str
    year: int | str  # a calendar year, a fiscal year (named by the year it ends in), or "unspecified"
    nominal: Decimal
    share: Decimal
    rest: Decimal | None
    rest_share: Decimal | None
    pledges_row: int
    counted: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One claim quoted as evidence for one finding."""

    finding: str
    label: str
    claim: str
    claims_row: int  # 0-based on the Claims sheet; -1 when the claim is not in the ledger
    source: str
    date: object
    figure: str
    quote: str
    url: str


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding (or a decision no current finding has) as the Findings sheet shows it."""

    id: str
    finding: Finding | None
    decision: Decision | None
    state: State
    label: str
    words: str
    if_accepted: Decimal | None
    if_rejected: Decimal | None
    move: Move | None
    said_by: str
    reupload_if_changed: int
    evidence: tuple[int, int]  # (first row on the Evidence sheet, 0-based; how many)


@dataclass(frozen=True, slots=True)
class DonorRow:
    """A donor's naive sum and distinct nominal in one currency."""

    donor: str
    naive: Decimal
    distinct: Decimal


def naive_figure(claim: Claim) -> Decimal:
    """The figure the naive sum adds: the stated amount, times its years when it is "per year"."""
    if claim.has(QualifierKind.PER_YEAR):
        years = period_years(claim.period)
        if years is not None:
            return claim.value * years
    return claim.value


def own_range(claim: Claim, tolerance: Decimal) -> AmountRange:
    """The range a claim's own words allow, as the engine reads them (per year: over its years)."""
    stated = amount_range(claim.value, claim.approximation, tolerance)
    if claim.has(QualifierKind.PER_YEAR):
        years = period_years(claim.period)
        if years is not None:
            stated = stated.scaled(Decimal(years))
    return stated.quantized(claim.currency)


def explanation(finding: Finding, claims: Mapping[str, Claim]) -> str:
    """The finding's message without the quotes it embeds: they are the evidence, in rows of their own."""
    text = finding.message
    for claim_id in finding.claims:
        claim = claims.get(claim_id)
        if claim is not None and claim.quote:
            text = text.replace(f' "{claim.quote}"', "")
    return text


def currency_order(result: Reconciliation) -> list[CurrencyTotals]:
    """The currencies, the largest naive sum first; with rates, compared in the base currency, and those
    with no rate (which cannot be compared) after."""
    if result.base_totals is None:
        return sorted(result.totals, key=lambda t: (-t.naive, t.currency))
    base = result.base_totals.currency
    rates = {rate.currency: rate.rate for rate in result.rates}

    def key(t: CurrencyTotals) -> tuple[int, Decimal, str]:
        rate = Decimal(1) if t.currency == base else rates.get(t.currency)
        return (0, -t.naive * rate, t.currency) if rate is not None else (1, -t.naive, t.currency)

    return sorted(result.totals, key=key)


def _year(label: str) -> int | str:
    if label.isdigit():
        return int(label)
    if label.startswith("FY") and label[2:].isdigit():
        return int(label[2:])
    return label


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the sheets share."""

    result: Reconciliation
    states: Mapping[str, State]
    findings: tuple[FindingRow, ...]  # in the Findings sheet's order, decisions of no finding last
    pledges: tuple[PledgeRow, ...]
    apart: tuple[ApartRow, ...]
    claims: Mapping[str, Claim]
    sources: Mapping[str, Source]
    claim_findings: Mapping[str, tuple[str, ...]]
    pledge_findings: Mapping[str, tuple[str, ...]]
    claim_pledge: Mapping[str, Pledge]
    claim_rows: Mapping[str, int]
    base: str | None
    rates: Mapping[str, Decimal]  # currency -> the rate into the base currency the engine used
    fiscal: bool  # years are fiscal years

    def explanation(self, row: FindingRow) -> str:
        """The finding's explanation (the message, its quotes left to the Evidence sheet)."""
        return explanation(row.finding, self.claims) if row.finding is not None else STALE_EXPLANATION

    def evidence(self) -> Iterator[EvidenceRow]:
        """The Evidence sheet's rows, in the Findings' order: made as they are written, never all held."""
        for row in self.findings:
            if row.finding is not None:
                for claim_id in row.finding.claims:
                    yield _evidence(
                        row.finding, row.label, claim_id, self.claims, self.claim_rows, self.sources
                    )

    @property
    def evidence_rows(self) -> int:
        """How many rows the Evidence sheet has."""
        return sum(count for _, count in (r.evidence for r in self.findings))

    def _spread_labels(self) -> Iterator[tuple[PledgeRow, tuple[str, ...]]]:
        """Each pledge that has a share of a year, with its years' labels."""
        fiscal_start = self.result.ledger.settings.fiscal_year_start
        labels: dict[Period, tuple[str, ...]] = {}
        for row in self.pledges:
            c = row.contribution
            if c.full.nominal == 0 and not (c.totals and c.beyond_parts.nominal):
                continue
            period = row.pledge.period
            found = labels.get(period)
            if found is None:
                found = labels[period] = tuple(y for y, _ in year_weights(period, fiscal_start)) or (
                    UNSPECIFIED,
                )
            yield row, found

    def spread_rows(self) -> int:
        """How many rows the year spread has (counted without making them)."""
        return sum(len(labels) for _, labels in self._spread_labels())

    def years(self) -> dict[tuple[str, int | str], Decimal]:
        """The distinct nominal per (currency, year) now, as the engine spreads it: every year a pledge
        has a share of, nothing counted in it or not (a decision may make it count)."""
        sums: dict[tuple[str, int | str], Decimal] = {}
        for row, labels in self._spread_labels():
            for label in labels:
                sums.setdefault((row.pledge.currency, _year(label)), Decimal(0))
        for row in self.pledges:
            for label, amount in row.contribution.years:
                key = (row.pledge.currency, _year(label))
                sums[key] = sums.get(key, Decimal(0)) + amount
        return sums

    def spread(self) -> Iterator[SpreadRow]:
        """Each pledge's share of each year (see _spread): made as they are written, never all held."""
        pledge_row = {row.pledge.id: index for index, row in enumerate(self.pledges, start=1)}
        return _spread(self.pledges, pledge_row, self.result.ledger.settings.fiscal_year_start)

    @property
    def pledge_rows(self) -> int:
        """How many rows the Pledges table has."""
        return len(self.pledges)

    def donors(self, currency: str) -> tuple[list[DonorRow], list[DonorRow], list[DonorRow]]:
        """(top donors, the others, totals over donors) in `currency`, each by distinct nominal."""
        naive: dict[str, Decimal] = defaultdict(Decimal)
        for claim in self.result.ledger.claims:
            if claim.currency == currency:
                pledge = self.claim_pledge.get(claim.id)
                naive[pledge.donor if pledge else claim.donor] += naive_figure(claim)
        distinct: dict[str, Decimal] = defaultdict(Decimal)
        kinds: dict[str, set[str]] = defaultdict(set)
        for row in self.pledges:
            if row.pledge.currency == currency:
                distinct[row.pledge.donor] += row.contribution.distinct.nominal
                kinds[row.pledge.donor].add(row.counts_as)
        rows = [
            DonorRow(donor, quantize(naive[donor], currency), distinct[donor])
            for donor in sorted(set(naive) | set(distinct))
        ]
        collective = [r for r in rows if kinds.get(r.donor) == {TOTAL_OVER_DONORS}]
        donors = [r for r in rows if kinds.get(r.donor) != {TOTAL_OVER_DONORS}]
        donors.sort(key=lambda r: (-r.distinct, -r.naive, r.donor))
        return donors[:TOP_DONORS], donors[TOP_DONORS:], collective

    @staticmethod
    def of(result: Reconciliation) -> Plan:
        """Lay `result` out for the sheets."""
        ledger = result.ledger
        claims = {c.id: c for c in ledger.claims}
        claim_rows = {c.id: index + 1 for index, c in enumerate(ledger.claims)}
        sources = {s.id: s for s in ledger.sources}
        states = {f.id: state_of(f.decision) for f in result.findings}
        by_id = {p.id: p for p in result.pledges}
        contributions = {c.pledge: c for c in result.contributions}
        pledge_row = {p.id: index + 1 for index, p in enumerate(result.pledges)}
        base = result.base_totals.currency if result.base_totals is not None else None
        rates = {rate.currency: rate.rate for rate in result.rates}

        moves = _moves(result, states, contributions)
        on_target: dict[str, list[Move]] = defaultdict(list)
        on_increase: dict[str, list[Move]] = defaultdict(list)
        for move in moves.values():
            on_target[move.target].append(move)
            if move.increase:
                on_increase[move.increase].append(move)

        # the duplicates not rejected: their pledges' claims may be counted apart
        duplicate_of: dict[str, str] = {}
        for duplicate in result.findings_of(Duplicate):
            if states[duplicate.id] is not State.REJECTED and duplicate.pledge in by_id:
                duplicate_of[duplicate.pledge] = duplicate.id
        collective = _collective(result, claims)
        claim_source = {c.id: c.source for c in ledger.claims}

        pledges: list[PledgeRow] = []
        for pledge, contribution in zip(result.pledges, result.contributions, strict=True):
            figures = pledge_figures(
                contribution.full,
                on_target.get(pledge.id, ()),
                on_increase.get(pledge.id, ()),
                contribution.beyond_parts,
            )
            pledges.append(
                PledgeRow(
                    pledge,
                    contribution,
                    ", ".join(contribution.findings) or NONE,
                    duplicate_of.get(pledge.id, ""),
                    figures,
                    TOTAL_OVER_DONORS if pledge.id in collective else PLEDGE,
                    len({claim_source.get(claim, "") for claim in pledge.claims}),
                )
            )

        tolerance = ledger.settings.tolerance
        apart: list[ApartRow] = []
        for pledge_id, duplicate_id in duplicate_of.items():
            for claim_id in by_id[pledge_id].claims:
                claim = claims[claim_id]
                apart.append(
                    ApartRow(
                        claim,
                        pledge_id,
                        duplicate_id,
                        own_range(claim, tolerance),
                        _says(claim),
                        pledge_row[pledge_id],
                        NOT_APART,
                    )
                )
        apart.sort(key=lambda a: (a.pledges_row, claim_rows.get(a.claim.id, 0)))

        claim_findings: dict[str, list[str]] = defaultdict(list)
        pledge_findings: dict[str, list[str]] = defaultdict(list)
        for finding in result.findings:
            for claim_id in finding.claims:
                claim_findings[claim_id].append(finding.id)
            for pledge_id in finding.pledges():
                pledge_findings[pledge_id].append(finding.id)

        apart_of: dict[str, list[ApartRow]] = defaultdict(list)
        for row in apart:
            apart_of[row.pledge].append(row)
        claim_pledge = {claim: p for p in result.pledges for claim in p.claims}
        findings = _findings(
            _Context(
                result,
                states,
                {f.id: f.kind for f in result.findings},
                moves,
                contributions,
                on_target,
                on_increase,
                claims,
                claim_rows,
                {claim: p.id for claim, p in claim_pledge.items()},
                sources,
                apart_of,
            )
        )
        return Plan(
            result=result,
            states=MappingProxyType(states),
            findings=findings,
            pledges=tuple(pledges),
            apart=tuple(apart),
            claims=claims,
            sources=sources,
            claim_findings={k: tuple(v) for k, v in claim_findings.items()},
            claim_pledge=claim_pledge,
            pledge_findings={k: tuple(v) for k, v in pledge_findings.items()},
            claim_rows=claim_rows,
            base=base,
            rates=rates,
            fiscal=ledger.settings.fiscal_year_start != 1,
        )


_SAYS: Mapping[QualifierKind, str] = MappingProxyType(
    {kind: words for words, kind in SAID_BY_QUALIFIER.items()} | {QualifierKind.INCREASE_FROM: INCREASE}
)


def _says(claim: Claim) -> frozenset[str]:
    """The words of SAID_BY (and "increase") this claim's own qualifiers say."""
    if not claim.qualifiers:
        return frozenset()
    return frozenset(_SAYS[q.kind] for q in claim.qualifiers if q.kind in _SAYS)


def _moves(
    result: Reconciliation, states: Mapping[str, State], contributions: Mapping[str, Contribution]
) -> dict[Finding, Move]:
    """Each finding as the formulas read it: its target, and for a baseline its increase and old level.

    Keyed by the finding itself, not its id: two findings may share an id (a part of each other).
    """
    moves = {}
    for finding in result.findings:
        increase, level = "", None
        if isinstance(finding, Baseline):
            found = contributions.get(finding.pledge)
            if found is not None:
                for baseline, old in found.old_levels:
                    if baseline == finding.id:
                        increase, level = finding.pledge, old
        moves[finding] = Move(finding.id, finding.kind, states[finding.id], finding.target, increase, level)
    return moves


def _collective(result: Reconciliation, claims: Mapping[str, Claim]) -> frozenset[str]:
    """Pledges that are totals over donors: what an aggregate finding is about, or said to be an aggregate."""
    found = {
        f.target
        for f in result.findings
        if f.kind in (FindingKind.AGGREGATE, FindingKind.AGGREGATE_TOO_SMALL)
    }
    for pledge in result.pledges:
        if any(claims[c].has(QualifierKind.AGGREGATE) for c in pledge.claims if c in claims):
            found.add(pledge.id)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class _Context:
    """What working out the finding rows reads (local to one Plan.of)."""

    result: Reconciliation
    states: Mapping[str, State]
    kinds: Mapping[str, FindingKind]
    moves: Mapping[Finding, Move]
    contributions: Mapping[str, Contribution]
    on_target: Mapping[str, Sequence[Move]]
    on_increase: Mapping[str, Sequence[Move]]
    claims: Mapping[str, Claim]
    claim_rows: Mapping[str, int]
    claim_pledge: Mapping[str, str]
    sources: Mapping[str, Source]
    apart_of: Mapping[str, Sequence[ApartRow]]

    def with_state(self, finding: str, state: State) -> Mapping[str, State]:
        """The states with one finding's changed (a view: copying them for every finding would be quadratic)."""
        return ChainMap({finding: state}, self.states)  # type: ignore[arg-type]

    def moves_on(  # the moves on (or increasing) a pledge, in `states`
        self, pledges: Mapping[str, Sequence[Move]], pledge: str, states: Mapping[str, State]
    ) -> list[Move]:
        return [replace(m, state=states.get(m.finding, m.state)) for m in pledges.get(pledge, ())]


def _findings(context: _Context) -> tuple[FindingRow, ...]:
    result = context.result
    decided = {d.finding: d for d in result.ledger.decisions}
    rates = {rate.currency: rate.rate for rate in result.rates}
    parts: set[str] = set()
    for finding in result.findings:
        if EFFECTS[finding.kind].holds_parts:
            parts.update(p for p in finding.pledges() if p != finding.target)

    def at_stake(f: Finding) -> Decimal:
        return f.amount_at_stake * rates.get(f.currency, Decimal(1))

    kind_order = {kind: index for index, kind in enumerate(EFFECTS)}
    order = sorted(result.findings, key=lambda f: (-at_stake(f), kind_order[f.kind], f.id))
    rows: list[FindingRow] = []
    first = 0  # the finding's first row on the Evidence sheet
    for finding in order:
        effect = EFFECTS[finding.kind]
        state = context.states[finding.id]
        move = context.moves[finding]
        # what a total holds beyond its pledges is a value: a decision cutting one of them makes it stale
        stale_rest = effect.distinct.moves and move.target in parts
        rows.append(
            FindingRow(
                id=finding.id,
                finding=finding,
                decision=decided.get(finding.id),
                state=state,
                label=effect.label,
                words=WORDS[finding.kind],
                if_accepted=_if_decided(finding, State.ACCEPTED, context),
                if_rejected=_if_decided(finding, State.REJECTED, context),
                move=move,
                said_by=said_by(finding.kind),
                reupload_if_changed=int(effect.regroups or stale_rest),
                evidence=(first, len(finding.claims)),
            )
        )
        first += len(finding.claims)
    known = {f.id for f in result.findings}
    for decision in result.ledger.decisions:
        if decision.finding in known:
            continue
        rows.append(
            FindingRow(
                id=decision.finding,
                finding=None,
                decision=decision,
                state=state_of(decision.verdict),
                label=STALE_KIND,
                words="",
                if_accepted=None,
                if_rejected=None,
                move=None,
                said_by="",
                reupload_if_changed=0,
                evidence=(first, 0),
            )
        )
    return tuple(rows)


# What each kind does, in the effects table's words, for the Findings sheet.
WORDS: Mapping[FindingKind, str] = MappingProxyType(
    {
        kind: f"Accepted: {e.if_accepted}. Undecided: {e.if_undecided}. Rejected: {e.if_rejected}."
        for kind, e in EFFECTS.items()
    }
)
STALE_EXPLANATION = (
    "A decision kept from the ledger: this version of the ledger does not produce the finding; it applies "
    "again if the finding returns."
)


def _if_decided(finding: Finding, state: State, context: _Context) -> Decimal | None:
    """What the pledge the finding falls on counts (nominal) with the finding in `state`, the others as
    decided: its distinct figure, or its new money for the kinds that only take new money away."""
    effect = EFFECTS[finding.kind]
    changed = context.with_state(finding.id, state)
    contributions, kinds = context.contributions, context.kinds
    if isinstance(finding, Duplicate):
        return _duplicate_counts(finding, state, changed, context)
    if isinstance(finding, Baseline):
        increase = contributions.get(finding.pledge)
        return count(increase, kinds, changed)[1].nominal if increase is not None else None
    target = contributions.get(finding.target)
    if target is None:
        return None
    if effect.distinct.moves or effect.holds_parts:
        return count(target, kinds, changed)[0].nominal
    if effect.new_money.moves:
        return count(target, kinds, changed)[1].nominal
    return None


def _duplicate_counts(
    finding: Duplicate, state: State, states: Mapping[str, State], context: _Context
) -> Decimal | None:
    """What a duplicate's claims count (nominal): as one pledge, or each apart."""
    if context.states[finding.id] is State.REJECTED:
        # the engine counts its claims apart already, each a pledge; as one pledge again needs the engine
        if state is not State.REJECTED:
            return None
        pledges = {context.claim_pledge[c] for c in finding.claims if c in context.claim_pledge}
        return sum((context.contributions[p].distinct.nominal for p in pledges), Decimal(0))
    group = context.contributions.get(finding.pledge)
    if group is None:
        return None
    if state is not State.REJECTED:
        return count(group, context.kinds, states)[0].nominal
    moves = context.moves_on(context.on_target, finding.pledge, states)
    increases = context.moves_on(context.on_increase, finding.pledge, states)
    old = pledge_figures(group.full, (), increases, AmountRange.zero()).old_level
    return sum(
        (
            apart_figures(a.own, a.says, moves, old, True).distinct.nominal
            for a in context.apart_of.get(finding.pledge, ())
        ),
        Decimal(0),
    )


def _evidence(
    finding: Finding,
    label: str,
    claim_id: str,
    claims: Mapping[str, Claim],
    claim_rows: Mapping[str, int],
    sources: Mapping[str, Source],
) -> EvidenceRow:
    claim = claims.get(claim_id)
    if claim is None:
        return EvidenceRow(finding.id, label, claim_id, -1, "", None, "", "", "")
    source = sources.get(claim.source)
    word = approximation_word(claim.approximation)
    figure = describe_amount(claim.value, claim.currency)
    return EvidenceRow(
        finding.id,
        label,
        claim_id,
        claim_rows.get(claim_id, -1),
        (source.publisher or source.id) if source else claim.source,
        source.date if source else None,
        f"{word} {figure}" if word != "exact" else figure,
        claim.quote,
        source.url if source else "",
    )


def _spread(
    pledges: Sequence[PledgeRow], pledge_row: Mapping[str, int], fiscal_start: int
) -> Iterator[SpreadRow]:
    """Each pledge's nominal (and a total's rest) over its years, to the cent, as the engine spreads it."""
    weights: dict[Period, tuple[tuple[str, Decimal], ...]] = {}
    for row in pledges:
        p, c = row.pledge, row.contribution
        rest = c.beyond_parts.nominal if c.totals else None
        nominal = c.full.nominal
        if nominal == 0 and not rest:
            continue
        shares = weights.get(p.period)
        if shares is None:
            shares = weights[p.period] = year_weights(p.period, fiscal_start)
        labels = [label for label, _ in shares] or [UNSPECIFIED]
        nominal_shares = _allocate(nominal, shares, c.currency)
        rest_shares = _allocate(rest, shares, c.currency) if rest is not None else None
        counted = dict(c.years)
        for index, label in enumerate(labels):
            yield SpreadRow(
                p.id,
                p.donor,
                c.currency,
                _year(label),
                nominal,
                nominal_shares[index],
                rest,
                rest_shares[index] if rest_shares is not None else None,
                pledge_row[p.id],
                c.distinct.nominal,
                counted.get(label, Decimal(0)),
            )


def _allocate(amount: Decimal, shares: Sequence[tuple[str, Decimal]], currency: str) -> tuple[Decimal, ...]:
    if len(shares) <= 1:
        return (amount,)
    if amount == 0:
        return tuple(Decimal(0) for _ in shares)
    return allocate(amount, [weight for _, weight in shares], currency)
