"""The figure an outlet's conversion converts: the claim the analyst names ("converted from C14"), else the
figure in another currency the same sentence of the same source gives for the same donor ("pledged around
$37.5bn (£23bn)"). The conversion rule records it on its finding; the other-currency rule reads it there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ledger.core.model import QualifierKind
from ledger.engine.normalise import NormalClaim
from ledger.engine.views import PledgeView, converted

__all__ = ["originals"]


def originals(
    views: Iterable[PledgeView], conversions: Iterable[PledgeView], claims: Iterable[NormalClaim]
) -> Mapping[str, tuple[str, ...]]:
    """For each conversion (a pledge id): the pledges it converts, in id order. The ones its claims name,
    else the one pledge (not itself a conversion) that the same sentence tells for the same donor family
    in another currency; none when the sentence tells several, or none."""
    conversions = tuple(conversions)
    if not conversions:
        return {}
    sentences = {_sentence(m) for v in conversions for m in v.members if m.claim.quote}
    told: dict[tuple[str, str], list[NormalClaim]] = defaultdict(list)
    for claim in claims:
        if claim.claim.quote and _sentence(claim) in sentences:
            told[_sentence(claim)].append(claim)
    # the pledge of each claim named or told beside a conversion (a few, in a ledger of thousands)
    wanted = {t for v in conversions for m in v.members for t in m.claim.targets(QualifierKind.CONVERTED)}
    wanted.update(c.id for beside in told.values() for c in beside)
    pledge_of = {claim: v for v in views for claim in v.pledge.claims if claim in wanted}
    found: dict[str, tuple[str, ...]] = {}
    for view in conversions:
        named = {
            pledge_of[target].id
            for m in view.members
            for target in m.claim.targets(QualifierKind.CONVERTED)
            if target in pledge_of and pledge_of[target].id != view.id
        }
        if not named:
            beside = {
                pledge_of[other.id]
                for m in view.members
                for other in told.get(_sentence(m), ())
                if other.claim.currency != m.claim.currency and other.family == m.family
            }
            candidates = {v.id for v in beside if v.id != view.id and not converted(v)}
            named = candidates if len(candidates) == 1 else set()
        found[view.id] = tuple(sorted(named))
    return found


def _sentence(claim: NormalClaim) -> tuple[str, str]:
    return (claim.claim.source, claim.claim.quote)
