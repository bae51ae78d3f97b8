"""What a new version changes: decisions carried to findings whose id changed, and what changed in words.

A finding's id comes from its kind and the claims or pledges it is about, so editing one of those claims
(its amount, say) gives the finding a new id and the decision on the old id no longer applies. When a
decided finding is gone and a new finding of the same kind shares claims with it, the decision is carried
to the new finding with the most claims in common, and says so; the analyst can undo it like any other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ledger import Claim, CurrencyTotals, Decision, Finding, Reconciliation
from ledger.render.jsonform import claim_json

# at most this many edited claims are described field by field (the rest are counted)
MAX_EDITS_DESCRIBED = 500
# the fields of a claim as "what changed" names them, in the order of the Claims sheet
FIELD_WORDS = {
    "source": "source",
    "donor": "donor",
    "announced_by": "announced by",
    "recipient": "recipient",
    "purpose": "purpose",
    "amount": "amount",
    "currency": "currency",
    "approximation": "approximation",
    "period": "period",
    "instrument": "instrument",
    "qualifiers": "qualifiers",
    "quote": "quote",
}


@dataclass(frozen=True, slots=True)
class Carried:
    """A decision carried from a finding that is gone to the new finding most like it."""

    decision: Decision  # on the new finding
    source: str  # the old finding's id
    common: int  # claims the two have in common
    of: int  # claims the old finding had

    @property
    def detail(self) -> str:
        """In words: "carried over from duplicate-3f2a9c01b2: 3 of 3 claims the same"."""
        return f"carried over from {self.source}: {self.common} of {self.of} claims the same"


def carried_decisions(
    previous: Iterable[Finding], current: Iterable[Finding], in_force: Iterable[Decision]
) -> tuple[Carried, ...]:
    """The decisions to carry: each decision in force on a finding of `previous` that `current` lacks goes to
    the finding of `current` that is new (not in `previous`), undecided, of the same kind, and has the most
    claims in common with it (ties: the lower id). Each new finding takes at most one decision, the one
    with the most claims in common first. Near-linear: findings are indexed by (kind, claim)."""
    before = {f.id: f for f in previous}
    now = {f.id: f for f in current}
    decided = {d.finding: d for d in in_force}
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in now.values():
        if f.id not in before and f.id not in decided:
            for claim in f.claims:
                index[(f.kind.value, claim)].append(f.id)
    offers: list[tuple[int, str, str]] = []  # (-common, old id, new id)
    for old_id in decided:
        old = before.get(old_id)
        if old is None or old_id in now:
            continue
        shared: Counter[str] = Counter()
        for claim in old.claims:
            shared.update(index.get((old.kind.value, claim), ()))
        offers.extend((-n, old_id, new_id) for new_id, n in shared.items())
    carried: list[Carried] = []
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for minus_common, old_id, new_id in sorted(offers):
        if old_id in taken_old or new_id in taken_new:
            continue
        taken_old.add(old_id)
        taken_new.add(new_id)
        decision = decided[old_id]
        carried.append(
            Carried(replace(decision, finding=new_id), old_id, -minus_common, len(before[old_id].claims))
        )
    return tuple(carried)


def _same_claim(a: Claim, b: Claim) -> bool:
    return a == replace(b, origin=a.origin)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _edits(before: Claim, after: Claim) -> list[dict[str, str]]:
    old, new = claim_json(before), claim_json(after)
    # amounts as an analyst reads them, exactly: "USD 1,000,000,000"
    old["amount"] = f"{before.currency} {before.value:,}"
    new["amount"] = f"{after.currency} {after.value:,}"
    return [
        {"field": words, "before": _shown(old[key]), "after": _shown(new[key])}
        for key, words in FIELD_WORDS.items()
        if old[key] != new[key]
    ]


def _totals_json(t: CurrencyTotals | None) -> dict[str, str] | None:
    if t is None:
        return None
    return {
        "naive": str(t.naive),
        "distinct_low": str(t.distinct.low),
        "distinct": str(t.distinct.nominal),
        "distinct_high": str(t.distinct.high),
        "new_money": str(t.new_money.nominal),
    }


def totals_change(previous: Reconciliation, current: Reconciliation) -> list[dict[str, Any]]:
    """Each currency's totals before and after (as decimal strings), for the currencies either version has."""
    old: Mapping[str, CurrencyTotals] = {t.currency: t for t in previous.totals}
    new: Mapping[str, CurrencyTotals] = {t.currency: t for t in current.totals}
    return [
        {"currency": cur, "before": _totals_json(old.get(cur)), "after": _totals_json(new.get(cur))}
        for cur in sorted(old.keys() | new.keys())
    ]


def version_changes(
    previous: Reconciliation | None, current: Reconciliation, carried: Iterable[Carried] = ()
) -> dict[str, Any]:
    """What changed from one version to the next: claims added, removed and edited (field by field, before
    and after), findings new and gone, decisions carried over, and the totals before and after."""
    if previous is None:
        return {}
    before = {c.id: c for c in previous.ledger.claims}
    after = {c.id: c for c in current.ledger.claims}
    edited = sorted(k for k in after.keys() & before.keys() if not _same_claim(before[k], after[k]))
    old_findings = {f.id for f in previous.findings}
    new_findings = {f.id for f in current.findings}
    return {
        "claims_added": sorted(after.keys() - before.keys()),
        "claims_removed": sorted(before.keys() - after.keys()),
        "claims_edited": edited,
        "claim_edits": [
            {"claim": k, "fields": _edits(before[k], after[k])} for k in edited[:MAX_EDITS_DESCRIBED]
        ],
        "findings_new": sorted(new_findings - old_findings),
        "findings_gone": sorted(old_findings - new_findings),
        "decisions_carried": [
            {
                "from": c.source,
                "to": c.decision.finding,
                "decision": c.decision.verdict.value,
                "common": c.common,
                "of": c.of,
            }
            for c in carried
        ],
        "totals": totals_change(previous, current),
    }
