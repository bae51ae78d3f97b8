"""Money that is not new: already provided, the baseline of an increase, repackaged money, money
announced before, and an outlet's conversions of figures stated in another currency.

These come from what the sources themselves say (the claims' qualifiers), so each rule reads the
qualifiers of a pledge's claims and says what the pledge means for new money; past money is also read
from the claims' own periods and their sources' dates (a period over when it was told).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ledger.core.findings import (
    AlreadyProvided,
    Baseline,
    Converted,
    Finding,
    FindingKind,
    Misreport,
    PreviouslyAnnounced,
    Proposed,
    Repackaged,
)
from ledger.core.model import Decision, QualifierKind
from ledger.core.money import describe_amount
from ledger.engine.decide import evidence, evidence_in_words
from ledger.engine.evidence import NEAR, Matcher, Outcome, near
from ledger.engine.normalise import NormalClaim, Normalised, Role
from ledger.engine.originals import originals
from ledger.engine.views import (
    PledgeView,
    Stage,
    at_stake,
    by_size,
    converted,
    in_pledge_currency,
    misreported,
)
from ledger.engine.wording import describe_claim, describe_pledge
from ledger.engine.words_later import WordsLater


def _said(view: PledgeView) -> frozenset[QualifierKind]:
    """The qualifiers any claim of the pledge says (most say none)."""
    members = view.members
    if len(members) == 1:
        qualifiers = members[0].claim.qualifiers
        return frozenset(q.kind for q in qualifiers) if qualifiers else _NONE
    return frozenset(q.kind for m in members for q in m.claim.qualifiers)


_NONE: frozenset[QualifierKind] = frozenset()


def _said_message(normal: Normalised, view: PledgeView, meaning: str, saying: list[NormalClaim]) -> str:
    quotes = "; ".join(describe_claim(m, normal.sources) for m in saying)
    return f"{describe_pledge(view)} {meaning} {quotes}"


def _said_of_pledges(
    normal: Normalised,
    views: tuple[PledgeView, ...],
    decisions: Mapping[str, Decision],
    qualifier: QualifierKind,
    kind: type[Repackaged] | type[AlreadyProvided] | type[Proposed] | type[Misreport],
    rule: str,
    meaning: str,
    roles: frozenset[Role],
) -> tuple[Finding, ...]:
    """A finding for each pledge (of the given roles) that one of its claims qualifies so."""
    findings = []
    for view in views:
        saying = [m for m in view.members if m.claim.has(qualifier)]
        if not saying or view.role not in roles:
            continue
        findings.append(
            kind(
                **evidence_in_words(
                    kind.kind,
                    [view.id],
                    view.pledge.claims,
                    WordsLater(rule, _said_message, normal, view, meaning, saying),
                    at_stake(view, view.compare_range.nominal),
                    decisions,
                ),
                pledge=view.id,
            )
        )
    return tuple(findings)


def find_already_provided(stage: Stage) -> tuple[Finding, ...]:
    """Past money: reported as already provided (disbursed, spent), so not a pledge of this moment; an old
    level ("baseline") that no increase in the ledger is measured from; and money of a period that had
    ended when its sources told it. Each is past money."""
    normal, decisions = stage.normal, stage.decisions
    paired = {f.baseline for f in stage.found if isinstance(f, Baseline)}
    said = _said_of_pledges(
        normal,
        stage.qualified,
        decisions,
        QualifierKind.ALREADY_PROVIDED,
        AlreadyProvided,
        'a source says this money was "already provided"',
        "was already provided: past money, not a new pledge.",
        frozenset(Role),
    )
    told = {f.target for f in said}
    unpaired = tuple(
        v
        for v in stage.qualified
        if v.id not in paired
        and v.id not in told
        and any(m.claim.has(QualifierKind.BASELINE) for m in v.members)
    )
    old_levels = _said_of_pledges(
        normal,
        unpaired,
        decisions,
        QualifierKind.BASELINE,
        AlreadyProvided,
        'a source says this is the old level ("baseline") money is measured from',
        "is an old level no increase in the ledger is measured from: past money, not a new pledge.",
        frozenset(Role),
    )
    return said + old_levels + _past_periods(stage)


def _ended_when_told(member: NormalClaim) -> bool | None:
    """Whether the claim's period had ended by the day its source told it; None when the claim cannot say
    (its source is undated, or it states no period)."""
    period, told = member.claim.period, member.source_date
    if told is None or not period.known:
        return None
    return period.end is not None and period.end <= told


_PAST_WORDS = frozenset({QualifierKind.ALREADY_PROVIDED, QualifierKind.BASELINE})


def _past_periods(stage: Stage) -> tuple[Finding, ...]:
    """Pledges whose reports tell a period that had ended by the day each was told ("since 2001 donors have
    pledged $25bn", told in 2008 for 2001 to 2008): the money of a past period, not a pledge of this
    moment. A report that cannot say (undated, or with no period) says nothing either way; one told while
    the period ran keeps the pledge. Those a source already calls past money (already provided, a
    baseline) are left to their own findings."""
    findings: list[Finding] = []
    for view in stage.views:
        members = view.members
        if _ended_when_told(members[0]) is False:
            continue  # most pledges: told while their money ran
        said = [_ended_when_told(m) for m in members]
        if False in said or True not in said:
            continue
        if _said(view) & _PAST_WORDS:
            continue
        findings.append(
            AlreadyProvided(
                **evidence_in_words(
                    FindingKind.ALREADY_PROVIDED,
                    [view.id],
                    view.pledge.claims,
                    WordsLater(
                        "its period had ended by the day its source told it",
                        _said_message,
                        stage.normal,
                        view,
                        "is money of a period that had ended when its sources told it: past money, not a new "
                        "pledge.",
                        list(members),
                    ),
                    at_stake(view, view.compare_range.nominal),
                    stage.decisions,
                ),
                pledge=view.id,
            )
        )
    return tuple(findings)


def find_repackaged(stage: Stage) -> tuple[Finding, ...]:
    """Money re-announced as new: still a pledge, but not new money."""
    return _said_of_pledges(
        stage.normal,
        stage.qualified,
        stage.decisions,
        QualifierKind.REPACKAGED,
        Repackaged,
        'a source says this money is (or may be) "repackaged" existing money',
        "may be existing money announced again; accepted, it leaves new money.",
        frozenset({Role.PLEDGE, Role.AGGREGATE}),
    )


def find_proposed(stage: Stage) -> tuple[Finding, ...]:
    """Money proposed, sought or aimed at ("will ask Congress for", "aims to provide"): not yet pledged."""
    return _said_of_pledges(
        stage.normal,
        stage.qualified,
        stage.decisions,
        QualifierKind.PROPOSED,
        Proposed,
        "a source says this money is proposed, sought or aimed at, not pledged",
        "is proposed, not (yet) pledged: undecided, it counts only in the high bound.",
        frozenset(Role),
    )


def find_misreported(stage: Stage) -> tuple[Finding, ...]:
    """Figures the analyst marked misreported: a slip in one report (a unit, period or currency the other
    sources do not share). Only a pledge every report of which is so marked: a figure other reports
    confirm stands on them."""
    marked = tuple(v for v in stage.qualified if misreported(v))
    return _said_of_pledges(
        stage.normal,
        marked,
        stage.decisions,
        QualifierKind.MISREPORT,
        Misreport,
        'the analyst marked this figure "misreport": a slip the other sources do not share',
        "is marked misreported: it counts nothing unless the mark is rejected.",
        frozenset(Role),
    )


def _baseline_pairs(
    views: tuple[PledgeView, ...], qualified: tuple[PledgeView, ...]
) -> dict[tuple[str, str], str]:
    """(baseline pledge, new pledge) -> the claim that said "increase from" (`qualified`: the pledges of
    `views` whose claims say some qualifier)."""
    pairs: dict[tuple[str, str], str] = {}
    # Baselines a pledge may be measured from when its claims just say "increase": same donor,
    # recipient and currency, ending before the pledge starts.
    baselines: dict[tuple[str, str, str], list[tuple[date, str]]] = defaultdict(list)
    increases: list[PledgeView] = []
    for view in qualified:
        said = _said(view)
        if QualifierKind.BASELINE in said and view.period.end:
            baselines[(view.donor, view.recipient, view.compare_currency)].append((view.period.end, view.id))
        if QualifierKind.INCREASE_FROM in said:
            increases.append(view)
    if not increases:
        return pairs
    for bucket in baselines.values():
        bucket.sort()
    pledge_of = {claim: v for v in views for claim in v.pledge.claims}
    by_id = {v.id: v for v in views}
    for view in increases:
        for member in view.members:
            targets = member.claim.targets(QualifierKind.INCREASE_FROM)
            for target in targets:
                old = pledge_of.get(target)
                if old is not None and old.id != view.id:
                    pairs.setdefault((old.id, view.id), member.id)
            if member.claim.has(QualifierKind.INCREASE_FROM) and not targets and view.period.start:
                bucket = baselines.get((view.donor, view.recipient, view.compare_currency), [])
                i = bisect_right(bucket, (view.period.start, "")) - 1
                if i >= 0 and by_id[bucket[i][1]].id != view.id:
                    pairs.setdefault((bucket[i][1], view.id), member.id)
    # "A is an increase from B" and "B is an increase from A" both said: one baseline, the first in order
    return {pair: said for pair, said in pairs.items() if pair[::-1] not in pairs or pair < pair[::-1]}


def find_baselines(stage: Stage) -> tuple[Finding, ...]:
    """An increase "from X to Y": only Y - X is new money; X is the old level."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    by_id = {v.id: v for v in views}
    findings = []
    for (old_id, new_id), said_by in sorted(_baseline_pairs(views, stage.qualified).items()):
        old, new = by_id[old_id], by_id[new_id]
        quotes = "; ".join(describe_claim(m, normal.sources) for m in (*old.members, *new.members))
        if old.compare_currency == new.compare_currency:
            increase = max(new.compare_range.nominal - old.compare_range.nominal, Decimal(0))
            meaning = (
                f"only the increase, about {describe_amount(in_pledge_currency(new, increase), new.pledge.currency)}, "
                "is new money"
            )
            stake = at_stake(new, old.compare_range.nominal)
        else:  # no rate between the two currencies: say so rather than subtract one from the other
            meaning = (
                f"only the increase is new money, but {old.pledge.currency} and {new.pledge.currency} cannot be "
                "compared without a rate; add one to the Rates sheet"
            )
            stake = (Decimal(0), new.pledge.currency)
        findings.append(
            Baseline(
                **evidence(
                    FindingKind.BASELINE,
                    [old_id, new_id],
                    [*old.pledge.claims, *new.pledge.claims],
                    f"claim {said_by} describes an increase from an earlier level",
                    f"{describe_pledge(new)} is an increase from {describe_pledge(old)}: {meaning}. {quotes}",
                    stake,
                    decisions,
                ),
                pledge=new_id,
                baseline=old_id,
            )
        )
    return tuple(findings)


def find_converted(stage: Stage) -> tuple[Finding, ...]:
    """A pledge every claim of which is an outlet's conversion: it counts in the original's currency only.
    The original is the claim the analyst names, else the figure the same sentence gives in another
    currency (`ledger.engine.originals`)."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    conversions = [v for v in stage.qualified if converted(v)]
    if not conversions:
        return ()
    converts = originals(views, conversions, normal.claims)
    findings: list[Finding] = []
    for view in conversions:
        original = converts[view.id]
        quotes = "; ".join(describe_claim(m, normal.sources) for m in view.members)
        of = f" of {', '.join(original)}" if original else ""
        findings.append(
            Converted(
                **evidence(
                    FindingKind.CONVERTED,
                    [view.id],
                    view.pledge.claims,
                    'the analyst marked the figure "converted": an outlet\'s own conversion',
                    f"{describe_pledge(view)} is an outlet's conversion{of} of a figure stated in another "
                    f"currency: the same money, counted in that currency, not again in {view.pledge.currency} "
                    f"(reject this to count it). {quotes}",
                    at_stake(view, view.compare_range.nominal),
                    decisions,
                ),
                pledge=view.id,
                original=original,
            )
        )
    return tuple(findings)


def find_previously_announced(stage: Stage) -> tuple[Finding, ...]:
    """Money a source says was announced before: not new money; the earlier announcement is looked for.

    The earlier announcement is a pledge of the same donor family in the same currency, told in an
    earlier source, whose figure agrees (ranges overlap, or within NEAR) and whose recipient and period
    do not rule it out.
    """
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    saying = [
        v for v in stage.qualified if any(m.claim.has(QualifierKind.PREVIOUSLY_ANNOUNCED) for m in v.members)
    ]
    if not saying:
        return ()
    matcher = Matcher()
    wanted = {(v.members[0].family, v.compare_currency) for v in saying}
    by_family: dict[tuple[str, str], list[PledgeView]] = defaultdict(list)
    for view in views:
        key = (view.members[0].family, view.compare_currency)
        if key in wanted:
            by_family[key].append(view)
    for bucket in by_family.values():
        bucket.sort(key=by_size)
    nominals = {key: [v.compare_range.nominal for v in bucket] for key, bucket in by_family.items()}
    findings: list[Finding] = []
    for view in saying:
        first = min((m.source_date for m in view.members if m.source_date), default=None)
        key = (view.members[0].family, view.compare_currency)
        bucket, figures = by_family[key], nominals[key]
        nominal = view.compare_range.nominal
        start = bisect_left(figures, view.compare_range.low * (1 - NEAR))
        earlier = []
        for other in bucket[start : start + CANDIDATES]:
            if other.compare_range.low > view.compare_range.high and not near(
                other.compare_range.nominal, nominal
            ):
                break
            dated = [m.source_date for m in other.members if m.source_date]
            if other.id == view.id or first is None or not dated or min(dated) >= first:
                continue
            if matcher.outcome(view.members[0], other.members[0]) is not Outcome.APART:
                earlier.append(other)
        saying_claims = [m for m in view.members if m.claim.has(QualifierKind.PREVIOUSLY_ANNOUNCED)]
        quotes = "; ".join(describe_claim(m, normal.sources) for m in saying_claims)
        found = (
            "; the earlier announcement: " + ", ".join(describe_pledge(e) for e in earlier)
            if earlier
            else "; the ledger holds no earlier announcement of it"
        )
        findings.append(
            PreviouslyAnnounced(
                **evidence(
                    FindingKind.PREVIOUSLY_ANNOUNCED,
                    [view.id],
                    [*view.pledge.claims, *(c for e in earlier for c in e.pledge.claims)],
                    'a source says this money was "previously announced"',
                    f"{describe_pledge(view)} was announced before: a pledge, but not new money this time{found}. "
                    f"{quotes}",
                    at_stake(view, view.compare_range.nominal),
                    decisions,
                ),
                pledge=view.id,
                earlier=tuple(e.id for e in earlier),
            )
        )
    return tuple(findings)


# How many pledges of one donor family near a figure are looked at for its earlier announcement.
CANDIDATES = 32
