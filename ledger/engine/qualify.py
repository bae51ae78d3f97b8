"""Money that is not new: already provided, the baseline of an increase, repackaged money.

These come from what the sources themselves say (the claims' qualifiers), so each rule reads the
qualifiers of a pledge's claims and says what the pledge means for new money.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from ledger.core.findings import AlreadyProvided, Baseline, Finding, FindingKind, Repackaged
from ledger.core.model import Decision, QualifierKind
from ledger.core.money import describe_amount
from ledger.engine.decide import evidence
from ledger.engine.normalise import Normalised, Role
from ledger.engine.views import PledgeView, Stage, at_stake, in_pledge_currency
from ledger.engine.wording import describe_claim, describe_pledge


def _said_of_pledges(
    normal: Normalised,
    views: tuple[PledgeView, ...],
    decisions: Mapping[str, Decision],
    qualifier: QualifierKind,
    kind: type[Repackaged] | type[AlreadyProvided],
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
        quotes = "; ".join(describe_claim(m, normal.sources) for m in saying)
        findings.append(
            kind(
                **evidence(
                    kind.kind,
                    [view.id],
                    view.pledge.claims,
                    rule,
                    f"{describe_pledge(view)} {meaning} {quotes}",
                    at_stake(view, view.compare_range.nominal),
                    decisions,
                ),
                pledge=view.id,
            )
        )
    return tuple(findings)


def find_already_provided(stage: Stage) -> tuple[Finding, ...]:
    """Past money: reported as already provided (disbursed, spent), so not a pledge of this moment."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    return _said_of_pledges(
        normal,
        views,
        decisions,
        QualifierKind.ALREADY_PROVIDED,
        AlreadyProvided,
        'a source says this money was "already provided"',
        "was already provided: past money, not a new pledge.",
        frozenset(Role),
    )


def find_repackaged(stage: Stage) -> tuple[Finding, ...]:
    """Money re-announced as new: still a pledge, but not new money."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    return _said_of_pledges(
        normal,
        views,
        decisions,
        QualifierKind.REPACKAGED,
        Repackaged,
        'a source says this money is (or may be) "repackaged" existing money',
        "may be existing money announced again; accepted, it leaves new money.",
        frozenset({Role.PLEDGE, Role.AGGREGATE}),
    )


def _baseline_pairs(views: tuple[PledgeView, ...]) -> dict[tuple[str, str], str]:
    """(baseline pledge, new pledge) -> the claim that said "increase from"."""
    pledge_of = {claim: v for v in views for claim in v.pledge.claims}
    by_id = {v.id: v for v in views}
    pairs: dict[tuple[str, str], str] = {}
    # Baselines a pledge may be measured from when its claims just say "increase": same donor,
    # recipient and currency, ending before the pledge starts.
    baselines: dict[tuple[str, str, str], list[tuple[date, str]]] = defaultdict(list)
    for view in views:
        if any(m.claim.has(QualifierKind.BASELINE) for m in view.members) and view.period.end:
            baselines[(view.donor, view.recipient, view.compare_currency)].append((view.period.end, view.id))
    for bucket in baselines.values():
        bucket.sort()
    for view in views:
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
    return pairs


def find_baselines(stage: Stage) -> tuple[Finding, ...]:
    """An increase "from X to Y": only Y - X is new money; X is the old level."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    by_id = {v.id: v for v in views}
    findings = []
    for (old_id, new_id), said_by in sorted(_baseline_pairs(views).items()):
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
