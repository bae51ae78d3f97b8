"""Group duplicates: claims that report one pledge become one pledge.

Claims are blocked by role, donor, recipient and the currency they are compared in, then swept in
order of their low amount. A claim joins an open group when its range overlaps the range every
member allows (the intersection, so a ladder of near figures does not chain into one pledge), its
period overlaps theirs and its instrument fits. Work grows as n log n, never all pairs.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from operator import attrgetter, is_
from types import MappingProxyType

from ledger.core.findings import Duplicate, Finding, FindingKind, PossibleDuplicate, Verdict, Words
from ledger.core.model import Claim, Decision, Instrument, Pledge, QualifierKind, Source
from ledger.core.money import AmountRange, Rate
from ledger.engine.decide import evidence, evidence_in_words
from ledger.engine.evidence import NEAR, NEAR_TOTALS, Matcher, Outcome
from ledger.engine.normalise import NormalClaim, Normalised
from ledger.engine.views import PledgeView, at_stake, from_rate
from ledger.engine.wording import describe_claim, describe_pledge


@dataclass(slots=True, eq=False)
class _Open:
    """A group being built during the sweep (mutable, local to one sweep)."""

    members: list[NormalClaim]
    place: str  # where its first claim says the money goes ("" when it names no place)
    # the low figure no later claim may pass to join it: beyond it some member is apart on figures (see add)
    reach: Decimal
    forbidden: frozenset[str] = frozenset()  # claims some member is "in addition to"
    closed: bool = False
    # what its members' periods and instruments allow, so a claim that is apart from one of them (the
    # evidence never joins different periods, or a loan and a grant) is known apart without weighing
    latest_start: date | None = None  # the latest start of a member's period
    earliest_end: date | None = None  # the earliest end of a member's period
    instrument: Instrument | None = None  # its members' one stated instrument (not mixed), if any
    instruments: bool = False  # whether its members state more than one

    def add(self, claim: NormalClaim, apart: Mapping[str, frozenset[str]], keep: Decimal) -> None:
        """Add `claim`; `keep` is 1 - the widest near band a claim of the sweep may have."""
        self.members.append(claim)
        compare = claim.compare_range
        if compare.nominal > 0:
            # complete linkage: a later claim (its low no lower) starting above this member's range and
            # its figure beyond this one's near band is apart from it, so from the group; the bound is
            # widened a hair, so Decimal's rounding never closes a group a claim could still join
            bound = max(compare.high, compare.nominal / keep) * _HAIR
            if bound < self.reach:
                self.reach = bound
        if apart:
            kept_apart = apart.get(claim.id)
            if kept_apart:
                self.forbidden = self.forbidden | kept_apart
        told = claim.claim
        period = told.period
        start, end = period.start, period.end
        if start is not None and (self.latest_start is None or start > self.latest_start):
            self.latest_start = start
        if end is not None and (self.earliest_end is None or end < self.earliest_end):
            self.earliest_end = end
        instrument = told.instrument
        if instrument not in _UNSTATED:
            if self.instrument is None:
                self.instrument = instrument
            elif instrument is not self.instrument:
                self.instruments = True

    def apart_from(self, claim: NormalClaim) -> bool:
        """Whether `claim` is apart from some member for certain: a period that ends before that member's
        starts (or starts after it ends), or another stated instrument. The evidence would say the same."""
        told = claim.claim
        period = told.period
        end = period.end
        if end is not None and self.latest_start is not None and end < self.latest_start:
            return True
        start = period.start
        if start is not None and self.earliest_end is not None and self.earliest_end < start:
            return True
        stated = self.instrument
        if stated is None:
            return False
        instrument = told.instrument
        # apart from a member that states another one
        return instrument not in _UNSTATED and (self.instruments or instrument is not stated)


_HAIR = 1 + Decimal("1e-20")
_NO_BOUND = Decimal("Infinity")

# Instruments that fit any other (the evidence's rule): none stated, or several.
_UNSTATED = frozenset({Instrument.UNKNOWN, Instrument.MIXED})


def _distance(group: _Open, nominal: Decimal) -> Decimal:
    return min(abs(m.compare_range.nominal - nominal) for m in group.members)


def _fit(claim: NormalClaim, members: list[NormalClaim], matcher: Matcher) -> Outcome:
    """The weakest outcome of `claim` against each member (complete linkage): apart as soon as one is."""
    fit = Outcome.SAME
    for member in members:
        outcome = matcher.outcome(claim, member)
        if outcome is Outcome.APART:
            return outcome
        if outcome is Outcome.POSSIBLE:
            fit = outcome
    return fit


def _block_key(claim: NormalClaim) -> tuple[str, str, str]:
    # blocked by the donor's family, so its spellings, agencies and parts meet; the evidence decides
    return (claim.role.value, claim.family, claim.compare_currency)


ANYWHERE = ""  # the place of a claim that names none, or only describes it
# The reports a duplicate's rule compares its first report with, at most (what matched is the same words).
EXPLAINED = 4


def _place(claim: NormalClaim) -> tuple[str, tuple[str, ...]]:
    """The named place a claim's money goes to (its entity key) and the places around it (its regions and
    groups, for pledges said of them); ANYWHERE and none for a blank or a description."""
    entity = claim.recipient_entity
    if not claim.claim.recipient or not entity.named:
        return ANYWHERE, ()
    return entity.key, entity.parents


# The open groups' lists are cleared of closed groups each time this many more groups have opened or moved.
PRUNE_EVERY = 256


class _OpenGroups:
    """The open groups of one sweep, found by place: a claim meets only the groups that can be its pledge
    (its own place, places around or inside it, and groups that name no place), and groups close in
    order of their reach, so the sweep stays near n log n however many places a donor gives to."""

    def __init__(self) -> None:
        # every list of groups by the place they are filed under, made once and kept (pruned in place), so
        # the lists a place meets are found once per place, not looked up for each claim
        self.filed: dict[str, list[_Open]] = {}  # under their own place
        self.filed_within: dict[str, list[_Open]] = {}  # under each place around them
        self.places: list[
            list[_Open]
        ] = []  # the lists of `filed` in the order their places first had a group
        self.listed: set[str] = set()  # the places in `places`
        self.reaches: list[tuple[Decimal, int, _Open]] = []
        self.opened = 0
        self.next_prune = PRUNE_EVERY

    def _list(self, table: dict[str, list[_Open]], place: str) -> list[_Open]:
        found = table.get(place)
        if found is None:
            found = table[place] = []
        return found

    def filing(self, place: str, around: tuple[str, ...]) -> tuple[list[_Open], ...]:
        """The lists a group of `place` (with `around` it) is filed in: its place's, then each around it."""
        return (self._list(self.filed, place), *(self._list(self.filed_within, p) for p in around))

    def open(self, group: _Open, filing: tuple[list[_Open], ...]) -> None:
        """Open `group`, filed in the lists `filing` gives for its place."""
        if group.place not in self.listed:
            self.listed.add(group.place)
            self.places.append(filing[0])
        for groups in filing:
            groups.append(group)
        heapq.heappush(self.reaches, (group.reach, self.opened, group))
        self.opened += 1

    def moved(self, group: _Open) -> None:
        heapq.heappush(self.reaches, (group.reach, self.opened, group))
        self.opened += 1

    def close_below(self, figure: Decimal, closed: list[list[NormalClaim]]) -> None:
        """Close the groups whose reach lies below `figure` (they can take no later claim), adding their
        members to `closed`."""
        reaches = self.reaches
        while reaches and reaches[0][0] < figure:
            reach, _, group = heapq.heappop(reaches)
            if group.closed or group.reach != reach:
                continue  # closed before, or its reach fell and an earlier entry stood for it
            group.closed = True
            closed.append(group.members)

    def candidates(self, lists: Sequence[list[_Open]]) -> list[_Open]:
        """The open groups of `lists` (what `meets` gives for a claim's place)."""
        found = [g for groups in lists for g in groups if not g.closed]
        if self.opened >= self.next_prune:
            self._prune()
        # a group filed under two of these places is met once
        return found if len(found) < 2 else list(dict.fromkeys(found))

    def meets(self, place: str, around: tuple[str, ...]) -> Sequence[list[_Open]]:
        """The lists of groups a claim of `place` (with `around` it) meets: every place for a claim that
        names none; else, in this order, its own place, places unnamed, places inside it, places around it."""
        if place == ANYWHERE:
            return self.places
        return (
            self._list(self.filed, place),
            self._list(self.filed, ANYWHERE),
            self._list(self.filed_within, place),
            *(self._list(self.filed, p) for p in around),
        )

    def remaining(self) -> list[list[NormalClaim]]:
        return [g.members for groups in self.places for g in groups if not g.closed]

    def _prune(self) -> None:
        # drop closed groups from the lists now and then, so long sweeps do not rescan them (in place: the
        # lists a place meets are kept)
        self.next_prune = self.opened + PRUNE_EVERY
        for table in (self.filed, self.filed_within):
            for groups in table.values():
                if groups:
                    groups[:] = [g for g in groups if not g.closed]


# claims are swept in order of their low figure, then high figure, then id
_sweep_order = attrgetter("compare_range.low", "compare_range.high", "id")


def _sweep(
    block: list[NormalClaim], apart: Mapping[str, frozenset[str]], matcher: Matcher
) -> tuple[list[list[NormalClaim]], list[tuple[NormalClaim, list[NormalClaim]]]]:
    """The groups of one block, and the claims possibly the same as a group they did not join.

    A claim joins the open group (of those every member of which it is the same pledge as: complete
    linkage, so near figures do not chain into one pledge) whose figures lie nearest its own. Claims
    are swept in order of their low figure; a group closes once the figures pass its near band, and a
    claim meets only the open groups of its place, the places around it and places unnamed: each claim
    meets only the groups its figure and place can reach, never all pairs.
    """
    block.sort(key=_sweep_order)
    closed: list[list[NormalClaim]] = []
    possible: list[tuple[NormalClaim, list[NormalClaim]]] = []
    groups = _OpenGroups()
    reaches = groups.reaches
    # the near band of the claims weighed (a total's is wider), for the bounds groups close at
    keep = 1 - (NEAR_TOTALS if any(claim.all_donors for claim in block) else NEAR)
    outcome = matcher.outcome
    same, maybe_same = Outcome.SAME, Outcome.POSSIBLE
    # the place, places around and lists of groups met, by recipient entity (and whether the claim names one)
    places: dict[tuple[int, bool], tuple[str, Sequence[list[_Open]], tuple[list[_Open], ...]]] = {}
    for claim in block:
        compare = claim.compare_range
        # a group some member of which is apart on figures from this claim can take no later claim
        if reaches and reaches[0][0] < compare.low:
            groups.close_below(compare.low, closed)
        home: _Open | None = None
        maybe: _Open | None = None
        nominal = compare.nominal
        entity = claim.recipient_entity
        place_key = (id(entity), not claim.claim.recipient)
        found = places.get(place_key)
        if found is None:
            place, around = _place(claim)
            found = places[place_key] = (place, groups.meets(place, around), groups.filing(place, around))
        place, lists, filing = found
        home_distance = Decimal(0)
        for group in groups.candidates(lists):
            if claim.id in group.forbidden or group.apart_from(claim):
                continue
            members = group.members
            fit = outcome(claim, members[0]) if len(members) == 1 else _fit(claim, members, matcher)
            if fit is same:
                # of the groups it could join, the one whose figures lie nearest its own
                distance = _distance(group, nominal)
                if home is None or distance < home_distance:
                    home, home_distance = group, distance
            elif maybe is None and fit is maybe_same:
                maybe = group
        if home is None:
            if maybe is not None:
                possible.append((claim, maybe.members))
            home = _Open([], place, _NO_BOUND)
            home.add(claim, apart, keep)
            groups.open(home, filing)
        else:
            reach = home.reach
            home.add(claim, apart, keep)
            if home.reach != reach:
                groups.moved(home)
    return closed + groups.remaining(), possible


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


def _latest(members: tuple[NormalClaim, ...], ranges: list[AmountRange]) -> Decimal:
    """A collective total told again, or updated through the day, counts at its latest (then largest) figure."""
    undated = date.min
    return max(
        zip(members, ranges, strict=True), key=lambda mr: (mr[0].source_date or undated, mr[1].nominal)
    )[1].nominal


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
        donor=member.donor,
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
    members = tuple(sorted(members, key=_claim_id))
    anchor = members[0]
    told = [m.claim for m in members]
    currencies = [c.currency for c in told]
    currency = currencies[0]
    ranges, converted = _in_currency(members, currencies, rates)
    pledge_range = _hull(ranges, _figure(members, ranges))
    compare = [m.compare_range for m in members]
    # most groups are compared in their own figures: the same hull, made once
    same_figures = all(map(is_, compare, ranges))
    compare_range = pledge_range if same_figures else _hull(compare, _figure(members, compare))
    pledge = Pledge(
        id=f"P-{anchor.id}",
        claims=tuple([m.id for m in members]),
        donor=anchor.donor,
        recipient=anchor.recipient,
        purpose=next((c.purpose for c in told if c.purpose), ""),
        currency=currency,
        instrument=_instrument(told),
        period=next((c.period for c in told if c.period.known), told[0].period),
        range=pledge_range,
        converted_from=converted,
    )
    return PledgeView(
        pledge=pledge,
        members=members,
        role=anchor.role,
        all_donors=anchor.all_donors,
        compare_currency=anchor.compare_currency,
        compare_range=compare_range,
    )


def _claim_id(member: NormalClaim) -> str:
    return member.id


def _in_currency(
    members: tuple[NormalClaim, ...], currencies: list[str], rates: Mapping[str, Rate]
) -> tuple[list[AmountRange], tuple[str, ...]]:
    """The members' ranges in the anchor's currency (`currencies` are the members' own, the anchor's
    first), and the other currencies converted into it."""
    currency = currencies[0]
    if currencies.count(currency) == len(currencies):
        return [m.range for m in members], ()
    # told in several currencies (compared through the analyst's rates): the pledge keeps the
    # anchor's currency, the other figures converted into it, so no currency's total holds another's
    anchor = members[0]
    ranges = [
        m.range
        if own == currency
        else m.compare_range
        if currency == anchor.compare_currency
        else from_rate(m.compare_range, rates[currency])
        for m, own in zip(members, currencies, strict=True)
    ]
    return ranges, tuple(sorted(c for c in set(currencies) if c != currency))


def _figure(members: tuple[NormalClaim, ...], ranges: list[AmountRange]) -> Decimal:
    """The group's nominal figure: a total's latest, else the lower median of the distinct figures."""
    if members[0].all_donors:
        return _latest(members, ranges)
    return _lower_median([r.nominal for r in ranges])


def _hull(ranges: list[AmountRange], nominal: Decimal) -> AmountRange:
    """The range covering every range, its nominal `nominal` held inside it."""
    low = min([r.low for r in ranges])
    high = max([r.high for r in ranges])
    return AmountRange(low, min(max(nominal, low), high), high)


def _instrument(told: list[Claim]) -> Instrument:
    """The claims' one stated instrument, MIXED for several, UNKNOWN for none."""
    instruments = {c.instrument for c in told} - {Instrument.UNKNOWN}
    if len(instruments) == 1:
        return instruments.pop()
    return Instrument.MIXED if instruments else Instrument.UNKNOWN


def group_duplicates(
    normal: Normalised, decisions: Mapping[str, Decision]
) -> tuple[tuple[PledgeView, ...], tuple[Finding, ...]]:
    """Pledges (each claim in exactly one) and a duplicate finding for each pledge of several claims.

    A rejected duplicate finding leaves its claims as pledges of their own.
    """
    # never one pledge: "in addition to", and one inside the other ("part of", "includes")
    relations = normal.relations
    apart = {
        claim: relations.apart.get(claim, frozenset()) | relations.nested.get(claim, frozenset())
        for claim in relations.apart.keys() | relations.nested.keys()
    }
    matcher = Matcher()
    blocks: dict[tuple[str, str, str], list[NormalClaim]] = defaultdict(list)
    for n in normal.claims:
        blocks[_block_key(n)].append(n)
    groups: list[list[NormalClaim]] = []
    possible: list[tuple[NormalClaim, list[NormalClaim]]] = []
    for key in sorted(blocks):
        found, maybe = _sweep(blocks[key], apart, matcher)
        groups.extend(found)
        possible.extend(maybe)
    groups = _force_same_as(groups, normal)

    pledges: list[PledgeView] = []
    findings: list[Finding] = []
    for group in groups:
        if len(group) == 1:
            pledges.append(_single_pledge(group[0]))
            continue
        together = make_pledge(tuple(group), normal.rates)
        duplicate = _duplicate_finding(together, normal.sources, decisions, matcher)
        findings.append(duplicate)
        if duplicate.decision is Verdict.REJECT:  # its id is the one a decision names
            pledges.extend(make_pledge((m,), normal.rates) for m in group)
        else:
            pledges.append(together)
    findings.extend(_possible_duplicates(possible, pledges, normal, decisions, matcher))
    pledges.sort(key=lambda v: v.id)
    findings.sort(key=lambda f: f.id)
    return tuple(pledges), tuple(findings)


def _possible_duplicates(
    possible: list[tuple[NormalClaim, list[NormalClaim]]],
    pledges: list[PledgeView],
    normal: Normalised,
    decisions: Mapping[str, Decision],
    matcher: Matcher,
) -> list[Finding]:
    """A finding for each pair of pledges the evidence says may be one: the analyst decides."""
    if not possible:
        return []
    wanted = {claim.id for claim, _ in possible} | {members[0].id for _, members in possible}
    pledge_of = {claim: view for view in pledges for claim in view.pledge.claims if claim in wanted}
    seen: set[tuple[str, str]] = set()
    found: list[Finding] = []
    for claim, members in possible:
        mine, theirs = pledge_of[claim.id], pledge_of[members[0].id]
        if mine.id == theirs.id:
            continue
        # the smaller counts nothing if accepted (ties: the later id): the larger stands for both
        smaller, larger = sorted((mine, theirs), key=lambda v: (v.compare_range.nominal, _negated(v.id)))
        key = (smaller.id, larger.id)
        if key in seen:
            continue
        seen.add(key)
        judged = matcher.judge(claim, members[0])
        quotes = "; ".join(describe_claim(m, normal.sources) for m in (*smaller.members, *larger.members))
        found.append(
            PossibleDuplicate(
                **evidence(
                    FindingKind.POSSIBLE_DUPLICATE,
                    key,
                    [*smaller.pledge.claims, *larger.pledge.claims],
                    judged.said,
                    f"{describe_pledge(smaller)} and {describe_pledge(larger)} may be one pledge told twice "
                    f"({judged.said}); if so, count it once. {quotes}",
                    at_stake(smaller, smaller.compare_range.nominal),
                    decisions,
                ),
                pledge=smaller.id,
                other=larger.id,
            )
        )
    return found


def _negated(text: str) -> tuple[int, ...]:
    """A key that sorts strings backwards (for "the later id first" in an ascending sort)."""
    return tuple(-ord(ch) for ch in text)


def _publisher(source_id: str, sources: Mapping[str, Source]) -> str:
    """Who published a source, as findings name it: its publisher, else its id."""
    source = sources.get(source_id)
    return (source.publisher or source_id) if source is not None else source_id


class _DuplicateWords(Words):
    """A duplicate finding's rule and message, made when read from the pledge and its claims: a large
    ledger has tens of thousands of duplicates, whose words only the findings a person reads need."""

    __slots__ = ("_matcher", "_sources", "_view")

    def __init__(self, view: PledgeView, sources: Mapping[str, Source], matcher: Matcher) -> None:
        self._view = view
        self._sources = sources
        self._matcher = matcher

    @property
    def rule(self) -> str:
        members = self._view.members
        if any(m.claim.targets(QualifierKind.SAME_AS) for m in members):
            return 'the analyst marked them "same as" each other'
        # what matched, in words, between the first report and each other one, each said once
        judge = self._matcher.judge
        said = [reason for m in members[1:EXPLAINED] for reason in judge(members[0], m).reasons]
        return ", ".join(dict.fromkeys(said))

    @property
    def message(self) -> str:
        view, sources = self._view, self._sources
        members = view.members
        publishers = sorted({_publisher(m.claim.source, sources) for m in members})
        told = f"{len(members)} times" if len(members) > 2 else "twice"
        where = (
            publishers[0] if len(publishers) == 1 else ", ".join(publishers[:-1]) + " and " + publishers[-1]
        )
        return f"{where} report one pledge {told} ({describe_pledge(view)}); count it once. " + "; ".join(
            describe_claim(m, sources) for m in members
        )


def _duplicate_finding(
    view: PledgeView, sources: Mapping[str, Source], decisions: Mapping[str, Decision], matcher: Matcher
) -> Finding:
    members = view.members
    # what a naive sum counts too much
    overcount = sum((m.compare_range.nominal for m in members), Decimal(0)) - view.compare_range.nominal
    claims = view.pledge.claims  # its members' ids
    return Duplicate(
        **evidence_in_words(
            FindingKind.DUPLICATE,
            claims,
            claims,
            _DuplicateWords(view, sources, matcher),
            at_stake(view, overcount),
            decisions,
        ),
        pledge=view.id,
    )
