"""Aggregates: a total over donors or pledges, and which pledges (and smaller totals) it can hold.

A total holds the pledges of the donors it covers (every donor for "all donors", less those it leaves
out; the members of a group such as "Saudi Arabia and the UAE"; one donor's family for a donor's own
package), for its recipient and the places inside it, in its period and currency. Totals nest: a
smaller total it covers is one of its parts (a day-one tally inside the conference total, a group's
total inside the all-donor total), so parts are looked for at every level and each total counts only
what it holds beyond them.

Pledges are indexed under what can hold them (their donor's family, entity and groups; their recipient
and every place around it; "no recipient"), and by start year, so a total meets only its candidates. A
total smaller than the pledges it would have to hold is its own finding: it cannot hold them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

from ledger.core.findings import AggregateFinding, AggregateTooSmall, Contained, Finding, FindingKind
from ledger.core.model import Decision
from ledger.core.money import AmountRange, describe_amount
from ledger.engine.decide import evidence_in_words, is_rejected
from ledger.engine.normalise import NormalClaim, Normalised, Role
from ledger.engine.views import SLACK, PledgeView, Stage, at_stake, by_size, misreported
from ledger.engine.wording import describe_claim, describe_pledge
from ledger.engine.words_later import WordsLater
from ledger.names.entities import Entity, EntityKind

# Parts named in a finding's message, at most (the finding's `parts` and `claims` hold them all).
NAMED_PARTS = 12
ANY = ""  # the index key of "any donor" and of "any recipient"

Key = tuple[str, str, int | None]  # (held by, place, start year)


def _donor_keys(claim: NormalClaim) -> Iterator[str]:
    """What can hold a pledge's donor: any donor; its family, itself, what it is part of (the Commission's
    pledge is the EU's, in a total of "the US, France and the EU"), and the groups it is a member of."""
    entity = claim.donor_entity
    yield ANY
    yield entity.family
    if entity.key != entity.family:
        yield entity.key
    yield from entity.part_of
    yield from entity.member_of


def _place_keys(claim: NormalClaim) -> Iterator[str]:
    """What can hold a pledge's recipient: any recipient; its place, the places around it, what it names."""
    yield ANY
    if not claim.claim.recipient:
        return
    entity = claim.recipient_entity
    yield entity.key
    yield from entity.parents
    yield from entity.members


def _holders(claim: NormalClaim) -> Iterator[str]:
    """The index keys under which a total looks for its parts' donors."""
    entity = claim.donor_entity
    if entity.kind is EntityKind.COLLECTIVE:
        yield ANY
        return
    yield entity.family
    if entity.key != entity.family:
        yield entity.key
    yield from entity.members


def _places(claim: NormalClaim) -> Iterator[str]:
    """The index keys under which a total looks for its parts' recipients."""
    entity = claim.recipient_entity
    if not claim.claim.recipient or entity.kind is EntityKind.UNKNOWN:
        yield ANY
    elif entity.kind is EntityKind.DESCRIPTION:
        yield from entity.members or (ANY,)
    else:
        yield entity.key


def _covers(total: Entity, donor: Entity) -> bool:
    """Whether a total over `total`'s donors covers `donor`: a collective covers every donor but those it
    leaves out, or only the places it names ("all European donors"); the index already asked for the
    donors of any other total."""
    if total.kind is not EntityKind.COLLECTIVE:
        return True
    if total.excludes & {donor.key, donor.family}:
        return False
    if not total.members:
        return True
    return bool(total.members & {donor.key, donor.family, *donor.member_of})


def _years_held(aggregate: PledgeView, every_year: Iterable[int]) -> Iterable[int | None]:
    """The start years of the pledges an aggregate can hold (None: pledges with no start)."""
    yield None
    period = aggregate.period
    if period.start and period.end:
        yield from range(period.start.year, period.end.year + 1)
    else:  # open or unknown: every year there is
        yield from every_year


def find_aggregates(stage: Stage) -> tuple[Finding, ...]:
    """An `aggregate` finding per total that can hold pledges, and `aggregate_too_small` where it cannot hold them all.

    Pledges that sit inside another pledge (as the containment rule found, unless rejected) are left out:
    their whole stands for them.
    """
    normal, views = stage.normal, stage.views
    contained_parts = frozenset(f.part for f in stage.found if isinstance(f, Contained) and f.applies)
    aggregates = [v for v in views if v.role is Role.AGGREGATE]
    if not aggregates:
        return ()
    # a pledge is filed only under the keys some total looks up, so the index stays near one entry a pledge
    wanted_donors = {key for a in aggregates for key in _holders(a.members[0])}
    wanted_places = {key for a in aggregates for key in _places(a.members[0])}
    index: dict[Key, list[PledgeView]] = defaultdict(list)
    # the keys depend only on the donor and recipient, which many pledges share: worked out once for each
    keys_of: dict[tuple[Entity, Entity, bool], tuple[list[str], list[str]]] = {}
    for view in views:
        if view.role is Role.PAST or view.id in contained_parts:
            continue
        year = view.period.start.year if view.period.start else None
        first = view.members[0]
        told = (first.donor_entity, first.recipient_entity, not first.claim.recipient)
        found = keys_of.get(told)
        if found is None:
            found = keys_of[told] = (
                [key for key in dict.fromkeys(_donor_keys(first)) if key in wanted_donors],
                [key for key in dict.fromkeys(_place_keys(first)) if key in wanted_places],
            )
        donors, places = found
        for donor in donors:
            for place in places:
                index[(donor, place, year)].append(view)

    every_year = sorted({key[2] for key in index if key[2] is not None})
    findings: list[Finding] = []
    for aggregate in aggregates:
        first = aggregate.members[0]
        size = by_size(aggregate)
        pool: dict[str, PledgeView] = {}
        for year in _years_held(aggregate, every_year):
            for donor in dict.fromkeys(_holders(first)):
                for place in dict.fromkeys(_places(first)):
                    for p in index.get((donor, place, year), ()):
                        pool.setdefault(p.id, p)
        fitting = sorted(
            (
                p
                for p in pool.values()
                if p.id != aggregate.id
                and (
                    p.role is Role.PLEDGE
                    or p.compare_currency != aggregate.compare_currency
                    or by_size(p) < size
                )
                and _covers(first.donor_entity, p.members[0].donor_entity)
                and aggregate.period.contains(p.period, SLACK)
                and not normal.relations.kept_apart(aggregate.pledge.claims, p.pledge.claims)
            ),
            key=lambda p: p.id,
        )
        parts = tuple(p for p in fitting if p.compare_currency == aggregate.compare_currency)
        # told in another currency, with no rate to compare them: linked for the analyst, never subtracted;
        # pledges, and the totals of named donors inside this total's (the EU's and its members' inside all
        # donors'); never a collective total, which may be this one converted or a larger one (the figures
        # cannot tell without a rate)
        elsewhere = tuple(
            p
            for p in fitting
            if p.compare_currency != aggregate.compare_currency
            and (p.role is Role.PLEDGE or (not p.all_donors and p.members[0].family != first.family))
        )
        if parts or elsewhere:
            findings.extend(_findings(stage, aggregate, parts, elsewhere))
    findings.sort(key=lambda f: f.id)
    return tuple(findings)


def _misreported(view: PledgeView, decisions: Mapping[str, Decision]) -> bool:
    """Marked misreported, and the mark not rejected."""
    return misreported(view) and not (decisions and is_rejected(FindingKind.MISREPORT, [view.id], decisions))


def _named(parts: tuple[PledgeView, ...]) -> str:
    shown = ", ".join(f"{p.id} ({describe_pledge(p)})" for p in parts[:NAMED_PARTS])
    more = len(parts) - NAMED_PARTS
    return f"{shown} and {more} more" if more > 0 else shown


def _holding_message(
    normal: Normalised,
    aggregate: PledgeView,
    parts: tuple[PledgeView, ...],
    elsewhere: tuple[PledgeView, ...],
) -> str:
    held = _named(parts) if parts else "no pledge in its currency"
    if elsewhere:
        currencies = ", ".join(sorted({p.compare_currency for p in elsewhere}))
        held += f"; and in {currencies}: {_named(elsewhere)}"
    said = "; ".join(describe_claim(m, normal.sources) for m in aggregate.members)
    return f"{said} is a total that can hold {held}; count the pledges, not the total again."


def _too_small_message(aggregate: PledgeView, pledges: tuple[PledgeView, ...], total: AmountRange) -> str:
    currency = aggregate.compare_currency
    return (
        f"The total {aggregate.id} (at most {describe_amount(aggregate.compare_range.high, currency)}) "
        f"cannot hold all of {_named(pledges)}, which add up to at least "
        f"{describe_amount(total.low, currency)}: some of them were not in it, or the total was "
        "rounded down. The distinct total keeps the larger figure, never both."
    )


def _findings(
    stage: Stage, aggregate: PledgeView, parts: tuple[PledgeView, ...], elsewhere: tuple[PledgeView, ...]
) -> list[Finding]:
    normal, decisions = stage.normal, stage.decisions
    # whether the total can hold its pledges is judged on the pledges: a nested total's parts are among them
    # a figure the analyst marked misreported (and did not take back) is no measure of what the total can hold
    pledges = [p for p in parts if p.role is Role.PLEDGE and not _misreported(p, decisions)]
    total = sum((p.compare_range for p in pledges), AmountRange.zero())
    currency = aggregate.compare_currency
    part_claims = [c for p in (*parts, *elsewhere) for c in p.pledge.claims]
    part_ids = tuple(p.id for p in parts)
    nested = sum(1 for p in parts if p.role is Role.AGGREGATE)
    within = f", {nested} of them smaller totals" if nested else ""
    if elsewhere:
        currencies = ", ".join(sorted({p.compare_currency for p in elsewhere}))
        within += (
            f"; {len(elsewhere)} more in {currencies} fit it too, which are not subtracted: there is no rate "
            f"to {currency} (add one to the Rates sheet)"
        )
    found: list[Finding] = [
        AggregateFinding(
            **evidence_in_words(
                FindingKind.AGGREGATE,
                [aggregate.id],
                [*aggregate.pledge.claims, *part_claims],
                WordsLater(
                    f"a total over donors or pledges; {len(parts)} pledges fit its donors, recipient and period{within}",
                    _holding_message,
                    normal,
                    aggregate,
                    parts,
                    elsewhere,
                ),
                at_stake(aggregate, min(aggregate.compare_range.nominal, total.nominal)),
                decisions,
            ),
            aggregate=aggregate.id,
            parts=part_ids,
            elsewhere=tuple(p.id for p in elsewhere),
        )
    ]
    if pledges and total.low > aggregate.compare_range.high:
        shortfall = total.nominal - aggregate.compare_range.nominal
        found.append(
            AggregateTooSmall(
                **evidence_in_words(
                    FindingKind.AGGREGATE_TOO_SMALL,
                    [aggregate.id],
                    [*aggregate.pledge.claims, *part_claims],
                    WordsLater(
                        "the pledges it would have to hold add up to more than the total allows",
                        _too_small_message,
                        aggregate,
                        tuple(pledges),
                        total,
                    ),
                    at_stake(aggregate, shortfall),
                    decisions,
                ),
                aggregate=aggregate.id,
                parts=part_ids,
            )
        )
    return found
