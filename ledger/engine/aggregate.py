"""Aggregates: a total over donors or pledges, and which pledges it can hold.

Pledges are indexed under their recipient and every region around it (and under "no recipient"),
so an aggregate for Central America finds the pledges to Guatemala in one look-up. An aggregate
smaller than the parts it would have to hold is its own finding: it cannot hold them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ledger.core.findings import AggregateFinding, AggregateTooSmall, Contained, Finding, FindingKind
from ledger.core.model import Decision
from ledger.core.money import AmountRange, describe_amount
from ledger.engine.decide import evidence
from ledger.engine.normalise import Normalised, Role
from ledger.engine.views import PledgeView, Stage, at_stake
from ledger.engine.wording import describe_claim, describe_pledge


def _held_keys(normal: Normalised, view: PledgeView) -> Iterable[str]:
    yield ""
    if view.recipient:
        yield view.recipient
        yield from normal.names.ancestors(view.recipient)


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
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    contained_parts = frozenset(f.part for f in stage.found if isinstance(f, Contained) and f.applies)
    aggregates = [v for v in views if v.role is Role.AGGREGATE]
    if not aggregates:
        return ()
    # Pledges are indexed by what can hold them (recipient or region, currency) and by start year,
    # so an aggregate only looks at the years it spans.
    any_donor: dict[tuple[str, str, int | None], list[PledgeView]] = defaultdict(list)
    one_donor: dict[tuple[str, str, str, int | None], list[PledgeView]] = defaultdict(list)
    for view in views:
        if view.role is not Role.PLEDGE or view.id in contained_parts:
            continue
        year = view.period.start.year if view.period.start else None
        for key in _held_keys(normal, view):
            any_donor[(key, view.compare_currency, year)].append(view)
            one_donor[(view.donor, key, view.compare_currency, year)].append(view)

    every_year = sorted({key[2] for key in any_donor if key[2] is not None})
    findings: list[Finding] = []
    for aggregate in aggregates:
        pool: list[PledgeView] = []
        for year in _years_held(aggregate, every_year):
            if aggregate.all_donors:
                pool += any_donor.get((aggregate.recipient, aggregate.compare_currency, year), ())
            else:
                pool += one_donor.get(
                    (aggregate.donor, aggregate.recipient, aggregate.compare_currency, year), ()
                )
        parts = sorted(
            (
                p
                for p in pool
                if aggregate.period.contains(p.period)
                and not normal.relations.kept_apart(aggregate.pledge.claims, p.pledge.claims)
            ),
            key=lambda p: p.id,
        )
        if parts:
            findings.extend(_findings(normal, aggregate, tuple(parts), decisions))
    findings.sort(key=lambda f: f.id)
    return tuple(findings)


def _findings(
    normal: Normalised,
    aggregate: PledgeView,
    parts: tuple[PledgeView, ...],
    decisions: Mapping[str, Decision],
) -> list[Finding]:
    total = sum((p.compare_range for p in parts), AmountRange.zero())
    currency = aggregate.compare_currency
    held = ", ".join(f"{p.id} ({describe_pledge(p)})" for p in parts)
    said = "; ".join(describe_claim(m, normal.sources) for m in aggregate.members)
    part_claims = [c for p in parts for c in p.pledge.claims]
    part_ids = tuple(p.id for p in parts)
    found: list[Finding] = [
        AggregateFinding(
            **evidence(
                FindingKind.AGGREGATE,
                [aggregate.id],
                [*aggregate.pledge.claims, *part_claims],
                "a total over donors or pledges; these pledges fit its recipient and period",
                f"{said} is a total that can hold {held}; count the pledges, not the total again.",
                at_stake(aggregate, min(aggregate.compare_range.nominal, total.nominal)),
                decisions,
            ),
            aggregate=aggregate.id,
            parts=part_ids,
        )
    ]
    if total.low > aggregate.compare_range.high:
        shortfall = total.nominal - aggregate.compare_range.nominal
        found.append(
            AggregateTooSmall(
                **evidence(
                    FindingKind.AGGREGATE_TOO_SMALL,
                    [aggregate.id],
                    [*aggregate.pledge.claims, *part_claims],
                    "the pledges it would have to hold add up to more than the total allows",
                    f"The total {aggregate.id} (at most {describe_amount(aggregate.compare_range.high, currency)}) "
                    f"cannot hold all of {held}, which add up to at least {describe_amount(total.low, currency)}: "
                    "some of them were not in it, or the total was rounded down. "
                    "The distinct total keeps the larger figure, never both.",
                    at_stake(aggregate, shortfall),
                    decisions,
                ),
                aggregate=aggregate.id,
                parts=part_ids,
            )
        )
    return found
