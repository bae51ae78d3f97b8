"""Group duplicates: claims that report one pledge become one pledge.

Claims are blocked by role, donor, recipient and the currency they are compared in, then swept in
order of their low amount. A claim joins an open group when its range overlaps the range every
member allows (the intersection, so a ladder of near figures does not chain into one pledge), its
period overlaps theirs and its instrument fits. Work grows as n log n, never all pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from ledger.core.findings import Duplicate, Finding, FindingKind
from ledger.core.model import Decision, Instrument, Pledge, QualifierKind, Source
from ledger.core.money import AmountRange, Rate
from ledger.engine.decide import evidence, is_rejected
from ledger.engine.normalise import NormalClaim, Normalised
from ledger.engine.views import PledgeView, at_stake, from_rate
from ledger.engine.wording import describe_claim, describe_pledge
from ledger.names import ALL_DONORS


@dataclass(slots=True)
class _Open:
    """A group being built during the sweep (mutable, local to one sweep)."""

    members: list[NormalClaim]
    low: Decimal  # intersection of the members' ranges
    high: Decimal
    start: date | None = None  # intersection of the members' known periods
    end: date | None = None
    instrument: Instrument = Instrument.UNKNOWN
    forbidden: set[str] = field(default_factory=set)  # claims some member is "in addition to"

    def accepts(self, claim: NormalClaim) -> bool:
        c = claim.claim
        if claim.compare_range.low > self.high or claim.compare_range.high < self.low:
            return False
        if c.id in self.forbidden:
            return False
        if c.period.known:
            if self.end is not None and c.period.start is not None and c.period.start > self.end:
                return False
            if self.start is not None and c.period.end is not None and c.period.end < self.start:
                return False
        return Instrument.UNKNOWN in (self.instrument, c.instrument) or self.instrument == c.instrument

    def add(self, claim: NormalClaim, apart: Mapping[str, frozenset[str]]) -> None:
        c = claim.claim
        self.members.append(claim)
        self.low = max(self.low, claim.compare_range.low)
        self.high = min(self.high, claim.compare_range.high)
        if c.period.start is not None:
            self.start = c.period.start if self.start is None else max(self.start, c.period.start)
        if c.period.end is not None:
            self.end = c.period.end if self.end is None else min(self.end, c.period.end)
        if self.instrument is Instrument.UNKNOWN:
            self.instrument = c.instrument
        self.forbidden |= apart.get(c.id, frozenset())


def _block_key(claim: NormalClaim) -> tuple[str, str, str, str]:
    donor = ALL_DONORS if claim.all_donors else claim.donor
    return (claim.role.value, donor, claim.recipient, claim.compare_currency)


def _sweep(block: list[NormalClaim], apart: Mapping[str, frozenset[str]]) -> list[list[NormalClaim]]:
    block.sort(key=lambda n: (n.compare_range.low, n.compare_range.high, n.id))
    closed: list[list[NormalClaim]] = []
    open_groups: list[_Open] = []
    for claim in block:
        low = claim.compare_range.low
        # lows only grow along the sweep, so a group whose intersection ends below this claim is done
        if any(g.high < low for g in open_groups):
            closed.extend(g.members for g in open_groups if g.high < low)
            open_groups = [g for g in open_groups if g.high >= low]
        home = next((g for g in open_groups if g.accepts(claim)), None)
        if home is None:
            home = _Open([], low, claim.compare_range.high)
            open_groups.append(home)
        home.add(claim, apart)
    return closed + [g.members for g in open_groups]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        root = self.parent.setdefault(key, key)
        while root != self.parent[root]:
            root = self.parent[root]
        while key != root:  # path compression
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _force_same_as(groups: list[list[NormalClaim]], normal: Normalised) -> list[list[NormalClaim]]:
    """Explicit "same as" joins groups whatever the figures say."""
    # across currencies with no rate between them there is no one figure to give: normalise warns
    links = [
        (a, b)
        for a, b in normal.relations.same_as
        if normal.by_id[a].compare_currency == normal.by_id[b].compare_currency
    ]
    if not links:
        return groups
    uf = _UnionFind()
    for group in groups:
        for member in group[1:]:
            uf.union(group[0].id, member.id)
    for a, b in links:
        uf.union(a, b)
    merged: dict[str, list[NormalClaim]] = defaultdict(list)
    for n in normal.claims:
        merged[uf.find(n.id)].append(n)
    return list(merged.values())


def _lower_median(values: list[Decimal]) -> Decimal:
    """The lower median of the distinct figures: the same figure told again does not move it."""
    ordered = sorted(set(values))
    return ordered[(len(ordered) - 1) // 2]


def _single_pledge(member: NormalClaim) -> PledgeView:
    """The pledge one claim reports alone (most pledges): its own figures."""
    claim = member.claim
    pledge = Pledge(
        id=f"P-{claim.id}",
        claims=(claim.id,),
        donor=ALL_DONORS if member.all_donors else member.donor,
        recipient=member.recipient,
        purpose=claim.purpose,
        currency=claim.currency,
        instrument=claim.instrument,
        period=claim.period,
        range=member.range,
    )
    return PledgeView(
        pledge, (member,), member.role, member.all_donors, member.compare_currency, member.compare_range
    )


def make_pledge(
    members: tuple[NormalClaim, ...], rates: Mapping[str, Rate] = MappingProxyType({})
) -> PledgeView:
    """The pledge a group of claims reports: the hull of their ranges, in one currency."""
    if len(members) == 1:
        return _single_pledge(members[0])
    members = tuple(sorted(members, key=lambda n: n.id))
    anchor = members[0]
    currencies = {m.claim.currency for m in members}
    converted: tuple[str, ...] = ()
    currency = anchor.claim.currency
    if len(currencies) == 1:
        ranges = [m.range for m in members]
    else:
        # told in several currencies (compared through the analyst's rates): the pledge keeps the
        # anchor's currency, the other figures converted into it, so no currency's total holds another's
        ranges = [
            m.range
            if m.claim.currency == currency
            else m.compare_range
            if currency == anchor.compare_currency
            else from_rate(m.compare_range, rates[currency])
            for m in members
        ]
        converted = tuple(sorted(c for c in currencies if c != currency))
    nominal = _lower_median([r.nominal for r in ranges])
    low = min(r.low for r in ranges)
    high = max(r.high for r in ranges)
    instruments = {m.claim.instrument for m in members} - {Instrument.UNKNOWN}
    instrument = (
        instruments.pop()
        if len(instruments) == 1
        else Instrument.MIXED
        if instruments
        else Instrument.UNKNOWN
    )
    period = next((m.claim.period for m in members if m.claim.period.known), anchor.claim.period)
    pledge = Pledge(
        id=f"P-{anchor.id}",
        claims=tuple(m.id for m in members),
        donor=ALL_DONORS if anchor.all_donors else anchor.donor,
        recipient=anchor.recipient,
        purpose=next((m.claim.purpose for m in members if m.claim.purpose), ""),
        currency=currency,
        instrument=instrument,
        period=period,
        range=AmountRange(low, min(max(nominal, low), high), high),
        converted_from=converted,
    )
    compare = [m.compare_range for m in members]
    return PledgeView(
        pledge=pledge,
        members=members,
        role=anchor.role,
        all_donors=anchor.all_donors,
        compare_currency=anchor.compare_currency,
        compare_range=AmountRange(
            min(r.low for r in compare),
            _clamp(_lower_median([r.nominal for r in compare]), compare),
            max(r.high for r in compare),
        ),
    )


def _clamp(value: Decimal, ranges: list[AmountRange]) -> Decimal:
    return min(max(value, min(r.low for r in ranges)), max(r.high for r in ranges))


def group_duplicates(
    normal: Normalised, decisions: Mapping[str, Decision]
) -> tuple[tuple[PledgeView, ...], tuple[Finding, ...]]:
    """Pledges (each claim in exactly one) and a duplicate finding for each pledge of several claims.

    A rejected duplicate finding leaves its claims as pledges of their own.
    """
    apart = normal.relations.apart
    blocks: dict[tuple[str, str, str, str], list[NormalClaim]] = defaultdict(list)
    for n in normal.claims:
        blocks[_block_key(n)].append(n)
    groups: list[list[NormalClaim]] = []
    for key in sorted(blocks):
        groups.extend(_sweep(blocks[key], apart))
    groups = _force_same_as(groups, normal)

    pledges: list[PledgeView] = []
    findings: list[Finding] = []
    for group in groups:
        ids = [m.id for m in group]
        if len(group) == 1:
            pledges.append(make_pledge(tuple(group), normal.rates))
            continue
        together = make_pledge(tuple(group), normal.rates)
        findings.append(_duplicate_finding(together, normal.sources, decisions))
        if is_rejected(FindingKind.DUPLICATE, ids, decisions):
            pledges.extend(make_pledge((m,), normal.rates) for m in group)
        else:
            pledges.append(together)
    pledges.sort(key=lambda v: v.id)
    findings.sort(key=lambda f: f.id)
    return tuple(pledges), tuple(findings)


def _duplicate_finding(
    view: PledgeView, sources: Mapping[str, Source], decisions: Mapping[str, Decision]
) -> Finding:
    members = view.members
    forced = any(m.claim.targets(QualifierKind.SAME_AS) for m in members)
    publishers = sorted(
        {
            (sources[m.claim.source].publisher or m.claim.source)
            if m.claim.source in sources
            else m.claim.source
            for m in members
        }
    )
    told = f"{len(members)} times" if len(members) > 2 else "twice"
    where = publishers[0] if len(publishers) == 1 else ", ".join(publishers[:-1]) + " and " + publishers[-1]
    rule = (
        'the analyst marked them "same as" each other'
        if forced
        else "same donor and recipient, overlapping periods and amount ranges, compatible instruments"
    )
    message = f"{where} report one pledge {told} ({describe_pledge(view)}); count it once. " + "; ".join(
        describe_claim(m, sources) for m in members
    )
    # what a naive sum counts too much
    overcount = sum((m.compare_range.nominal for m in members), Decimal(0)) - view.compare_range.nominal
    return Duplicate(
        **evidence(
            FindingKind.DUPLICATE,
            [m.id for m in members],
            [m.id for m in members],
            rule,
            message,
            at_stake(view, overcount),
            decisions,
        ),
        pledge=view.id,
    )
