"""What the sources say of how claims relate, read once from the qualifiers for every pass.

"in addition to X" keeps two claims apart (never one pledge, never one inside the other, never a part of
the other's total); "same as X" joins them; "part of X" and "includes X" put one inside the other;
"increase from X" measures one from the other's old level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ledger.core.model import Claim, QualifierKind

__all__ = ["Relations", "read_relations"]


@dataclass(frozen=True, slots=True)
class Relations:
    """The explicit relations between claims, by claim id."""

    apart: Mapping[str, frozenset[str]]  # "in addition to", in both directions
    same_as: tuple[tuple[str, str], ...] = ()  # (claim, the claim it is the same as)
    part_of: tuple[tuple[str, str, str], ...] = ()  # (part, whole, the claim that said so)
    increase_from: tuple[tuple[str, str], ...] = ()  # (the increased claim, the claim of the old level)

    def kept_apart(self, these: Iterable[str], those: Iterable[str]) -> bool:
        """Whether any claim of `these` is "in addition to" any claim of `those` (either way round)."""
        others = set(those)
        return any(self.apart.get(claim, frozenset()) & others for claim in these)


def read_relations(claims: Iterable[Claim], known: frozenset[str]) -> Relations:
    """The relations the claims' qualifiers state, among the claims in `known` (others are reference errors)."""
    apart: dict[str, set[str]] = defaultdict(set)
    same_as: list[tuple[str, str]] = []
    part_of: list[tuple[str, str, str]] = []
    increase_from: list[tuple[str, str]] = []
    for claim in claims:
        if not claim.qualifiers:
            continue
        for target in claim.targets(QualifierKind.IN_ADDITION_TO):
            apart[claim.id].add(target)
            apart[target].add(claim.id)
        for target in claim.targets(QualifierKind.SAME_AS):
            if target in known:
                same_as.append((claim.id, target))
        for target in claim.targets(QualifierKind.PART_OF):
            if target in known:
                part_of.append((claim.id, target, claim.id))
        for target in claim.targets(QualifierKind.INCLUDES):
            if target in known:
                part_of.append((target, claim.id, claim.id))
        for target in claim.targets(QualifierKind.INCREASE_FROM):
            if target in known:
                increase_from.append((claim.id, target))
    return Relations(
        apart=MappingProxyType({k: frozenset(v) for k, v in apart.items()}),
        same_as=tuple(same_as),
        part_of=tuple(part_of),
        increase_from=tuple(increase_from),
    )
