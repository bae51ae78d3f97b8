"""Find containment: a smaller pledge of the same donor that sits inside a larger one.

Wholes are indexed by donor, currency and recipient; a part looks up its own recipient and the
regions around it, then takes the smallest larger pledge whose period holds its own. Explicit
"part of" / "includes" force the relation; "in addition to" forbids it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from ledger.core.findings import Contained, Finding, FindingKind
from ledger.core.model import Decision, Period
from ledger.engine.decide import evidence_in_words
from ledger.engine.evidence import instruments_fit
from ledger.engine.normalise import Normalised, Role
from ledger.engine.views import SLACK, PledgeView, Stage, at_stake, by_size
from ledger.engine.wording import describe_claim, describe_pledge
from ledger.engine.words_later import WordsLater

# How many larger pledges one part is checked against, at most: keeps the work linear when one
# donor and recipient hold thousands of pledges.
CANDIDATES_PER_PART = 64

Key = tuple[str, str, str, int | None]
# A whole spanning more years than this is filed as open-ended rather than under every year.
MAX_FILED_YEARS = 12


def _years_covered(view: PledgeView) -> Iterable[int | None]:
    start, end = view.period.start, view.period.end
    if start is None or end is None or end.year - start.year >= MAX_FILED_YEARS:
        return (None,)
    years = range(start.year, end.year + 1)
    # told without a period by some report too: found by the parts told without one
    return (*years, None) if _told_without_period(view) else years


def _told_without_period(view: PledgeView) -> bool:
    """Whether some report of the pledge (of several) tells no period."""
    members = view.members
    if len(members) > 1:
        for member in members:
            if not member.claim.period.known:
                return True
    return False


def _first_year(period: Period) -> tuple[int | None, ...]:
    start = period.start
    return (None,) if start is None else (start.year, None)


def _told_period(part: PledgeView) -> Period:
    """The span every report of the pledge allows (the latest start and the earliest end told: "$3.5bn in
    loans for 2005-2007" and "up to 2007" are 2005-2007); its own period when fewer than two reports tell
    one, or they contradict each other."""
    members = part.members
    period = part.period
    if len(members) == 1:
        return period  # most pledges
    for member in members:
        if member.claim.period is not period:
            break
    else:
        return period  # reports of one period
    told = [m.claim.period for m in members if m.claim.period.known]
    if len(told) < 2:
        return period
    starts = [p.start for p in told if p.start is not None]
    ends = [p.end for p in told if p.end is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start is not None and end is not None and start > end:
        return period
    return Period(start, end)


def _explicit_pairs(normal: Normalised, views: tuple[PledgeView, ...]) -> dict[str, dict[str, str]]:
    """part pledge id -> {whole pledge id: the claim that said so}, from "part of" and "includes". One
    pledge can be said to sit in several wholes (a fund's grant reported as the fund's and as its donor's)."""
    said = normal.relations.part_of
    if not said:
        return {}
    named = {claim for part, whole, _ in said for claim in (part, whole)}
    pledge_of = {claim: v.id for v in views for claim in v.pledge.claims if claim in named}
    pairs: dict[str, dict[str, str]] = {}
    # sorted, so that which claim is quoted as saying so never depends on the order of the claims
    for part_claim, whole_claim, said_by in sorted(said):
        part, whole = pledge_of.get(part_claim), pledge_of.get(whole_claim)
        # "A part of B" and "B part of A" both said: the first (in sorted order) stands, one finding
        if part and whole and part != whole and part not in pairs.get(whole, {}):
            pairs.setdefault(part, {}).setdefault(whole, said_by)
    return pairs


def find_containment(stage: Stage) -> tuple[Finding, ...]:
    """A `contained` finding for each pledge that sits inside a larger pledge of the same donor (the tightest
    such whole), and for each whole a source says a pledge sits in."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    by_id = {v.id: v for v in views}
    explicit = _explicit_pairs(normal, views)
    candidates = [v for v in views if v.role is Role.PLEDGE and not v.all_donors]
    # Wholes are filed under each year they cover (open periods under None), so a part only meets
    # the wholes that cover its first year.
    wholes: dict[Key, list[PledgeView]] = defaultdict(list)
    for view in candidates:
        for year in _years_covered(view):
            wholes[(view.donor, view.compare_currency, view.recipient, year)].append(view)
    for bucket in wholes.values():
        if len(bucket) > 1:
            bucket.sort(key=by_size)
    # most buckets hold one pledge: only the others are searched by figure
    nominals = {
        key: [v.compare_range.nominal for v in bucket] for key, bucket in wholes.items() if len(bucket) > 1
    }
    filed = {key[:3] for key in wholes}  # (donor, currency, recipient) of some whole

    # a pair a source relates explicitly is that finding only, never also the other way round
    said = {frozenset((part, whole)) for part, wholes_said in explicit.items() for whole in wholes_said}
    findings: list[Finding] = []
    for part in candidates:
        if part.id in explicit:
            continue
        whole = _tightest_whole(normal, part, wholes, nominals, filed)
        if whole is not None and frozenset((part.id, whole.id)) not in said:
            findings.append(_finding(normal, part, whole, None, decisions))
    for part_id, wholes_said in explicit.items():
        for whole_id, said_by in wholes_said.items():
            findings.append(_finding(normal, by_id[part_id], by_id[whole_id], said_by, decisions))
    findings.sort(key=lambda f: f.id)
    return tuple(findings)


def _tightest_whole(
    normal: Normalised,
    part: PledgeView,
    wholes: Mapping[Key, list[PledgeView]],
    nominals: Mapping[Key, list[Decimal]],
    filed: set[tuple[str, str, str]],
) -> PledgeView | None:
    best: PledgeView | None = None
    best_nominal = Decimal(0)
    period = _told_period(part)
    donor, currency, years = part.donor, part.compare_currency, _first_year(period)
    nominal, low = part.compare_range.nominal, part.compare_range.low
    for recipient in (part.recipient, *normal.names.ancestors(part.recipient)):
        if (donor, currency, recipient) not in filed:
            continue
        for year in years:
            key = (donor, currency, recipient, year)
            bucket = wholes.get(key)
            if not bucket:
                continue
            if len(bucket) == 1:
                # larger pledges only, as the search by figure below finds them
                larger = bucket if bucket[0].compare_range.nominal > nominal else ()
            else:
                start = bisect_right(nominals[key], nominal)
                larger = bucket[start : start + CANDIDATES_PER_PART]
            for whole in larger:
                if best is not None and whole.compare_range.nominal >= best_nominal:
                    break
                if _holds(normal, whole, part, low, period):
                    best, best_nominal = whole, whole.compare_range.nominal
                    break
    return best


def _holds(normal: Normalised, whole: PledgeView, part: PledgeView, low: Decimal, period: Period) -> bool:
    """Whether `whole` (larger) can hold `part`: figures that meet, a period that holds its own (a part told
    with no period, in a whole some report of which tells none either), instruments that fit (grants never
    sit inside a loan), not kept apart."""
    return (
        whole.id != part.id
        and low <= whole.compare_range.high
        and (period.known == whole.period.known or (not period.known and _told_without_period(whole)))
        and whole.period.contains(period, SLACK)
        and instruments_fit(part.pledge.instrument, whole.pledge.instrument)
        and not normal.relations.kept_apart(part.pledge.claims, whole.pledge.claims)
    )


def _message(normal: Normalised, part: PledgeView, whole: PledgeView) -> str:
    quotes = "; ".join(describe_claim(m, normal.sources) for m in (*part.members, *whole.members))
    return (
        f"{describe_pledge(part)} probably sits inside {describe_pledge(whole)}; count the larger pledge only. "
        f"{quotes}"
    )


def _finding(
    normal: Normalised,
    part: PledgeView,
    whole: PledgeView,
    said_by: str | None,
    decisions: Mapping[str, Decision],
) -> Finding:
    rule = (
        f'claim {said_by} says so ("part of" / "includes")'
        if said_by
        else "same donor; smaller amount; recipient and period inside the larger pledge's"
    )
    return Contained(
        **evidence_in_words(
            FindingKind.CONTAINED,
            [part.id, whole.id],
            [*part.pledge.claims, *whole.pledge.claims],
            WordsLater(rule, _message, normal, part, whole),
            at_stake(part, part.compare_range.nominal),
            decisions,
        ),
        part=part.id,
        whole=whole.id,
    )
