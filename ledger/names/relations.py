"""How two entities relate, for the matcher: each relation says what it is and why, in plain words.

    donor_relation(a, b)      same, contains / inside (parent and child), same family, collective, different, unknown
    recipient_relation(a, b)  same, contains / inside, overlap, fits (a description), different, unknown
    family(entity)            the blocking key: the root of the entity's family

The reason is written to be quoted in a finding: "World Bank (IDA) is part of World Bank", "Guatemala
lies in Central America", "Guatemala and Honduras are different countries". Relations are evidence,
not verdicts: the matcher weighs them with amounts, periods and the rest. Two different named countries
are never the same and never inside one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from ledger.names.entities import PLACE_KINDS, Entity, EntityKind, joined

__all__ = [
    "DonorRelation",
    "RecipientRelation",
    "Relation",
    "donor_relation",
    "family",
    "recipient_relation",
]


class DonorRelation(StrEnum):
    SAME = "same"  # one entity, however spelled
    CONTAINS = "contains"  # the first holds the second: its parent, its group, a collective over it
    INSIDE = "inside"  # the first is part or a member of the second
    SAME_FAMILY = "same_family"  # two parts of one family, neither holding the other (IDA / IFC)
    COLLECTIVE = "collective"  # both are collective totals ("all donors" / "the international community")
    DIFFERENT = "different"
    UNKNOWN = "unknown"  # a name the ledger does not know, or a description


class RecipientRelation(StrEnum):
    SAME = "same"
    CONTAINS = "contains"  # the first holds the second: Central America holds Guatemala
    INSIDE = "inside"  # the first lies in the second, or is one of its list
    OVERLAP = "overlap"  # two lists sharing some places
    FITS = "fits"  # a description that fits the other ("the poorest countries" / Yemen)
    DIFFERENT = "different"  # two named places apart: never one pledge
    UNKNOWN = "unknown"


K = TypeVar("K", DonorRelation, RecipientRelation)


@dataclass(frozen=True, slots=True)
class Relation(Generic[K]):
    """How two entities relate, and why, in words a finding can quote."""

    kind: K
    reason: str


def family(entity: Entity) -> str:
    """The root of the entity's family, for blocking: World Bank Group for IDA, "European Union and member
    states" for the Commission, a country for its agencies, the entity itself otherwise."""
    return entity.family


def _how_inside(part: Entity, whole: Entity) -> str | None:
    """Why `part` sits inside `whole`, in words; None when it does not."""
    if whole.key in part.part_of:
        return f"{part.label} is part of {whole.label}"
    if whole.key in part.member_of:
        if part.kind in PLACE_KINDS and whole.kind is EntityKind.REGION:
            return f"{part.label} lies in {whole.label}"
        if part.kind is EntityKind.GROUP and part.members:
            return f"{part.label} all lie in {whole.label}"
        return f"{part.label} is a member of {whole.label}"
    if part.key in whole.members:
        return f"{part.label} is one of {whole.label}"
    if part.members and whole.members and part.members < whole.members:
        return f"{part.label} are among {whole.label}"
    return None


def _same_reason(role: str, a: Entity, b: Entity) -> str:
    if a.label == b.label:
        return f"same {role} ({a.label})"
    return f"same {role} ({a.label} / {b.label})"


def donor_relation(a: Entity, b: Entity) -> Relation[DonorRelation]:
    """How donor `a` relates to donor `b`, with the reason in plain words."""
    if a.key == b.key and a.kind is b.kind:
        return Relation(DonorRelation.SAME, _same_reason("donor", a, b))
    for first, second in ((a, b), (b, a)):
        if first.kind is EntityKind.UNKNOWN:
            return Relation(DonorRelation.UNKNOWN, f"{first.label} is not a donor the ledger knows")
        if first.kind is EntityKind.DESCRIPTION:
            named = f" (it names {joined(first.members)})" if first.members else ""
            return Relation(
                DonorRelation.UNKNOWN,
                f"{first.label} describes donors{named}; it may or may not be {second.label}",
            )
    if a.kind is EntityKind.COLLECTIVE and b.kind is EntityKind.COLLECTIVE:
        return Relation(DonorRelation.COLLECTIVE, f"both are collective totals ({a.label} / {b.label})")
    for first, second, holds in ((a, b, DonorRelation.CONTAINS), (b, a, DonorRelation.INSIDE)):
        if first.kind is not EntityKind.COLLECTIVE:
            continue
        left_out = first.excludes & {second.key, second.family}
        if left_out:
            return Relation(DonorRelation.DIFFERENT, f"{first.label} leaves out {joined(left_out)}")
        return Relation(holds, f"{first.label} is a total over donors, {second.label} among them")
    why = _how_inside(b, a)
    if why is not None:
        return Relation(DonorRelation.CONTAINS, why)
    why = _how_inside(a, b)
    if why is not None:
        return Relation(DonorRelation.INSIDE, why)
    if a.family == b.family:
        return Relation(DonorRelation.SAME_FAMILY, f"{a.label} and {b.label} are both part of {a.family}")
    return Relation(DonorRelation.DIFFERENT, f"different donors ({a.label} / {b.label})")


def _places(entity: Entity) -> frozenset[str]:
    if entity.members:
        return entity.members
    return frozenset({entity.key})


def _fits(description: Entity, other: Entity) -> Relation[RecipientRelation]:
    """How a description relates to another recipient: it fits what it names, or may fit anything."""
    if not description.members:
        return Relation(
            RecipientRelation.FITS, f"{description.label} is a description that may fit {other.label}"
        )
    named = joined(description.members)
    if other.key in description.members or (other.members and other.members <= description.members):
        return Relation(RecipientRelation.FITS, f"{description.label} is about {other.label}")
    holding = [m for m in description.members if m in other.parents]
    if holding:
        return Relation(
            RecipientRelation.FITS,
            f"{description.label} is about {joined(holding)}, which holds {other.label}",
        )
    around = [r for r in description.member_of if r in other.parents or r == other.key]
    if around:
        return Relation(
            RecipientRelation.FITS,
            f"{description.label} is about {named} and its region ({joined(around)}), which holds {other.label}",
        )
    inside = [m for m in description.members if m in other.members]
    if inside:
        return Relation(
            RecipientRelation.FITS, f"{description.label} is about {joined(inside)}, one of {other.label}"
        )
    return Relation(
        RecipientRelation.UNKNOWN,
        f"{description.label} is about {named}; it may or may not include {other.label}",
    )


def recipient_relation(a: Entity, b: Entity) -> Relation[RecipientRelation]:
    """How recipient `a` relates to recipient `b`, with the reason in plain words."""
    if a.key == b.key and a.kind is b.kind:
        return Relation(RecipientRelation.SAME, _same_reason("recipient", a, b))
    for first in (a, b):
        if first.kind is EntityKind.UNKNOWN:
            return Relation(RecipientRelation.UNKNOWN, f"{first.label} is not a recipient the ledger knows")
    if a.kind is EntityKind.DESCRIPTION and b.kind is EntityKind.DESCRIPTION:
        shared = a.members & b.members
        if shared:
            return Relation(RecipientRelation.FITS, f"both descriptions are about {joined(shared)}")
        return Relation(
            RecipientRelation.UNKNOWN,
            f"two descriptions ({a.label} / {b.label}) may or may not be the same places",
        )
    if a.kind is EntityKind.DESCRIPTION:
        return _fits(a, b)
    if b.kind is EntityKind.DESCRIPTION:
        return _fits(b, a)
    if a.members and a.members == b.members:
        return Relation(RecipientRelation.SAME, f"the same places ({a.label} / {b.label})")
    why = _how_inside(b, a)
    if why is not None:
        return Relation(RecipientRelation.CONTAINS, why)
    why = _how_inside(a, b)
    if why is not None:
        return Relation(RecipientRelation.INSIDE, why)
    shared = _places(a) & _places(b)
    if shared:
        return Relation(RecipientRelation.OVERLAP, f"{a.label} and {b.label} share {joined(shared)}")
    if a.kind is EntityKind.COUNTRY and b.kind is EntityKind.COUNTRY:
        return Relation(RecipientRelation.DIFFERENT, f"{a.label} and {b.label} are different countries")
    return Relation(RecipientRelation.DIFFERENT, f"different recipients ({a.label} / {b.label})")
