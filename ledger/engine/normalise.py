"""First pass: check the ledger's references and turn each claim into comparable figures.

A normal claim carries the canonical donor and recipient, its amount range in its own currency
and in the currency it is compared in (the base currency when the analyst gave a rate), and its
role: an ordinary pledge, an aggregate, or past money (already provided or a baseline).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import NamedTuple

from ledger.core.model import Claim, Ledger, QualifierKind, Rate, Settings, Source
from ledger.core.money import AmountRange, Approximation, amount_range
from ledger.core.problems import Problem, Severity
from ledger.engine.relations import Relations, read_relations
from ledger.names import Names
from ledger.names.entities import Entity, EntityKind
from ledger.parsing.build import reference_problems
from ledger.parsing.periods import period_years


class Role(StrEnum):
    PLEDGE = "pledge"
    AGGREGATE = "aggregate"
    PAST = "past"  # already provided, or the old level an increase is measured from


# a claim's range, the currency it is compared in and its range in that currency
Figures = tuple[AmountRange, str, AmountRange]


class NormalClaim(NamedTuple):
    """A claim as the passes compare it: who and where as entities, its role and comparable figures.

    An immutable record the engine makes for every claim (a named tuple: ten times cheaper to make than
    a frozen dataclass, for a million claims).
    """

    claim: Claim
    id: str  # the claim's ID
    donor: str  # as the pledges show it: the canonical name, the country for an agency
    recipient: str
    all_donors: bool  # a collective donor ("all donors", "the international community")
    donor_entity: Entity
    recipient_entity: Entity
    family: str  # the donor's family, the key claims are blocked by: World Bank Group for IDA
    role: Role
    range: AmountRange  # in the claim's own currency, "per year" rates totalled over the period
    compare_currency: str  # the claim's currency, or the base currency when a rate converts it
    compare_range: AmountRange
    source_date: date | None

    @property
    def converted(self) -> bool:
        return self.compare_currency != self.claim.currency


@dataclass(frozen=True, slots=True)
class Normalised:
    claims: tuple[NormalClaim, ...]
    by_id: Mapping[str, NormalClaim]
    sources: Mapping[str, Source]
    rates: Mapping[str, Rate]  # currency -> the rate used to reach the base currency
    names: Names
    settings: Settings
    relations: Relations
    problems: tuple[Problem, ...] = ()
    # currency -> the claims' nominal figures summed, in the order of the claims: what a naive sum counts
    naive: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))


def role_of(claim: Claim, donor: Entity) -> Role:
    """A total over donors (said so, or given by a collective donor), past money, or an ordinary pledge."""
    if not claim.qualifiers:  # most claims: nothing more to ask
        return Role.AGGREGATE if donor.kind is EntityKind.COLLECTIVE else Role.PLEDGE
    if donor.kind is EntityKind.COLLECTIVE or claim.has(QualifierKind.AGGREGATE):
        return Role.AGGREGATE
    if claim.has(QualifierKind.ALREADY_PROVIDED) or claim.has(QualifierKind.BASELINE):
        return Role.PAST
    return Role.PLEDGE


def _shown_donor(names: Names, text: str, entity: Entity) -> str:
    """The donor as pledges and totals show it: "All donors", the country for its agency, the canonical name."""
    if entity.kind is EntityKind.COLLECTIVE:
        return entity.key
    if entity.kind is EntityKind.AGENCY:
        return entity.family
    return _shown(names, text, entity)


def _shown(names: Names, text: str, entity: Entity) -> str:
    canonical = names.canonical(text)
    if canonical != " ".join(text.split()) or not entity.named:
        return canonical  # the alias tables know the spelling, or nothing is known of it
    return entity.key  # a name with a remark, "United Kingdom (via DFID)": the entity it names


def choose_rates(rates: tuple[Rate, ...], base: str) -> dict[str, Rate]:
    """One rate per currency into the base currency: the most recent the analyst gave."""
    chosen: dict[str, Rate] = {}
    for rate in sorted(rates, key=lambda r: (r.currency, r.as_of or date.min)):
        if rate.base == base and rate.currency != base:
            chosen[rate.currency] = rate
    return chosen


def _incomparable_same_as(
    normal: list[NormalClaim], by_id: Mapping[str, NormalClaim], base: str
) -> list[Problem]:
    problems = []
    for n in normal:
        if not n.claim.qualifiers:
            continue
        for target in n.claim.targets(QualifierKind.SAME_AS):
            other = by_id.get(target)
            if other is not None and other.compare_currency != n.compare_currency:
                problems.append(
                    Problem(
                        f'claim {n.id} is "same as" {target}, but one is in {n.claim.currency} and the other in '
                        f"{other.claim.currency} with no rate to {base}; add a rate to merge them",
                        n.claim.origin.field("qualifiers"),
                        Severity.WARNING,
                    )
                )
    return problems


def _compared(stated: AmountRange, currency: str, rates: Mapping[str, Rate]) -> Figures:
    """A claim's range with the currency it is compared in and its range there (the base currency's,
    when the analyst gave a rate)."""
    rate = rates.get(currency)
    if rate is None:
        return stated, currency, stated
    return stated, rate.base, stated.scaled(rate.rate)


def normalise(ledger: Ledger) -> Normalised:
    """Canonical names, amount ranges and roles for every claim, with the ledger's reference errors."""
    settings = ledger.settings
    names = Names.default().with_aliases(ledger.aliases)
    sources = {s.id: s for s in ledger.sources}
    source_dates = {key: source.date for key, source in sources.items()}
    rates = choose_rates(ledger.rates, settings.base_currency)
    problems = reference_problems(ledger)
    normal: list[NormalClaim] = []
    # ledgers repeat a few hundred names over many thousand claims: each is resolved and shown once
    donors: dict[str, tuple[Entity, str, bool, str]] = {}
    recipients: dict[str, tuple[Entity, str]] = {}
    # a donor as it stood in an era (its EU membership), and the era of each day told
    dated_donors: dict[tuple[str, frozenset[str]], Entity] = {}
    eras: dict[date, frozenset[str]] = {}
    # and a few thousand figures: each figure's ranges are made once and shared by the claims stating it
    # (keyed by the figure as written, as its ranges keep its decimal places)
    figures: dict[tuple[str, Approximation, str], Figures] = {}
    naive: dict[str, Decimal] = defaultdict(Decimal)
    tolerance = settings.tolerance
    for claim in ledger.claims:
        currency = claim.currency
        if claim.qualifiers and claim.has(QualifierKind.PER_YEAR):
            stated = amount_range(claim.value, claim.approximation, tolerance)
            years = period_years(claim.period)
            if years is None:
                problems.append(
                    Problem(
                        f'claim {claim.id} is "per year" but its period "{claim.period}" has no start and end; '
                        "counted as one year",
                        claim.origin.field("period"),
                        Severity.WARNING,
                    )
                )
            else:
                stated = stated.scaled(Decimal(years))
            stated, compare_currency, compare_range = _compared(stated, currency, rates)
        else:
            value = claim.value
            key = (str(value), claim.approximation, currency)
            figure = figures.get(key)
            if figure is None:
                figure = figures[key] = _compared(
                    amount_range(value, claim.approximation, tolerance), currency, rates
                )
            stated, compare_currency, compare_range = figure
        naive[currency] += stated.nominal
        known_donor = donors.get(claim.donor)
        if known_donor is None:
            entity = names.resolve(claim.donor)
            known_donor = donors[claim.donor] = (
                entity,
                _shown_donor(names, claim.donor, entity),
                entity.kind is EntityKind.COLLECTIVE,
                entity.family,
            )
        known_recipient = recipients.get(claim.recipient)
        if known_recipient is None:
            entity = names.resolve(claim.recipient)
            known_recipient = recipients[claim.recipient] = (entity, _shown(names, claim.recipient, entity))
        donor, shown_donor, collective, family = known_donor
        # a country's groups as they stood when the source told it (the EU's members change over time)
        day = source_dates.get(claim.source) or claim.period.start
        if day is not None and donor.kind is EntityKind.COUNTRY:
            era = eras.get(day)
            if era is None:
                era = eras[day] = names.era(day)
            dated = dated_donors.get((claim.donor, era))
            if dated is None:
                dated = dated_donors[(claim.donor, era)] = names.on(donor, day)
            donor = dated
        recipient, shown_recipient = known_recipient
        normal.append(
            NormalClaim(
                claim,
                claim.id,
                shown_donor,
                shown_recipient,
                collective,
                donor,
                recipient,
                family,
                role_of(claim, donor),
                stated,
                compare_currency,
                compare_range,
                source_dates.get(claim.source),
            )
        )
    by_id = MappingProxyType({n.id: n for n in normal})
    problems.extend(_incomparable_same_as(normal, by_id, settings.base_currency))
    return Normalised(
        claims=tuple(normal),
        by_id=by_id,
        sources=MappingProxyType(sources),
        rates=MappingProxyType(rates),
        names=names,
        settings=settings,
        relations=read_relations(ledger.claims, frozenset(by_id)),
        problems=tuple(problems),
        naive=MappingProxyType(naive),
    )
