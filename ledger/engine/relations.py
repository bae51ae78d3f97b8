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
    nested: Mapping[str, frozenset[str]]  # "part of" / "includes", in both directions
    same_as: tuple[tuple[str, str], ...] = ()  # (claim, the claim it is the same as)
    part_of: tuple[tuple[str, str, str], ...] = ()  # (part, whole, the claim that said so)
    increase_from: tuple[tuple[str, str], ...] = ()  # (the increased claim, the claim of the old level)

    def kept_apart(self, these: Iterable[str], those: Iterable[str]) -> bool:
        """Whether any claim of `these` is "in addition to" any claim of `those` (either way round)."""
        kept = [self.apart[claim] for claim in these if claim in self.apart]
        if not kept:  # most claims: no "in addition to" at all
            return False
        others = set(those)
        return any(apart & others for apart in kept)


def _targets(claims: Iterable[Claim], kind: QualifierKind, known: frozenset[str]) -> list[tuple[str, str]]:
    """(claim, the claim its qualifier of `kind` names), for the named claims in `known`."""
    return [(claim.id, target) for claim in claims for target in claim.targets(kind) if target in known]


def read_relations(claims: Iterable[Claim], known: frozenset[str]) -> Relations:
    """The relations the claims' qualifiers state, among the claims in `known` (others are reference errors)."""
    qualified = [claim for claim in claims if claim.qualifiers]
    apart: dict[str, set[str]] = defaultdict(set)
    for claim, other in _targets(qualified, QualifierKind.IN_ADDITION_TO, known):
        apart[claim].add(other)
        apart[other].add(claim)
    part_of = [(part, whole, part) for part, whole in _targets(qualified, QualifierKind.PART_OF, known)]
    part_of += [(part, whole, whole) for whole, part in _targets(qualified, QualifierKind.INCLUDES, known)]
    nested: dict[str, set[str]] = defaultdict(set)
    for part, whole, _ in part_of:
        nested[part].add(whole)
        nested[whole].add(part)
    return Relations(
        apart=MappingProxyType({k: frozenset(v) for k, v in apart.items()}),
        nested=MappingProxyType({k: frozenset(v) for k, v in nested.items()}),
        same_as=tuple(_targets(qualified, QualifierKind.SAME_AS, known)),
        part_of=tuple(part_of),
        increase_from=tuple(_targets(qualified, QualifierKind.INCREASE_FROM, known)),
    )
