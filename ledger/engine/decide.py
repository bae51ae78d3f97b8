"""Decisions: the analyst's verdicts, keyed by stable finding ids, attached to findings and checked.

A finding's id is derived from its kind and the claims or pledges it is about, never their order, so
a decision survives re-uploads, re-orderings and edits elsewhere in the ledger.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TypedDict

from ledger.core.findings import Finding, FindingKind, Said, Verdict, Words
from ledger.core.model import Decision
from ledger.core.problems import Problem, Severity


def decisions_by_finding(decisions: Iterable[Decision]) -> Mapping[str, Decision]:
    """The latest decision for each finding id (later rows win, as an analyst re-deciding expects)."""
    latest: dict[str, Decision] = {}
    for decision in decisions:
        latest[decision.finding] = decision
    return MappingProxyType(latest)


def check_decisions(decisions: Iterable[Decision], findings: Iterable[Finding]) -> tuple[Problem, ...]:
    """Warnings for decisions that name no current finding (kept, in case the finding comes back)."""
    known = {f.id for f in findings}
    return tuple(
        Problem(
            f'decision "{d.verdict.value}" names finding "{d.finding}", which this version of the ledger '
            "does not produce; it is kept and applies again if the finding returns",
            d.origin,
            Severity.WARNING,
        )
        for d in decisions
        if d.finding not in known
    )


def finding_id(kind: FindingKind, keys: Iterable[str]) -> str:
    """Stable id from the kind and the claim or pledge ids it is about (not their order)."""
    digest = hashlib.sha1("\x1f".join([kind.value, *sorted(keys)]).encode()).hexdigest()[:10]
    return f"{kind.value}-{digest}"


class Evidence(TypedDict):
    """What every finding carries, whatever its kind: unpacked into a finding type's constructor."""

    id: str
    claims: tuple[str, ...]
    words: Words
    amount_at_stake: Decimal
    currency: str
    decision: Verdict | None
    note: str


def evidence(
    kind: FindingKind,
    keys: Iterable[str],
    claims: Iterable[str],
    rule: str,
    message: str,
    at_stake: tuple[Decimal, str],
    decisions: Mapping[str, Decision],
) -> Evidence:
    """A finding's stable id, its claims, rule, message and amount at stake, and the analyst's decision on it.

    `at_stake` is (amount, currency) as `views.at_stake` states it.
    """
    return evidence_in_words(kind, keys, claims, Said(rule, message), at_stake, decisions)


def evidence_in_words(
    kind: FindingKind,
    keys: Iterable[str],
    claims: Iterable[str],
    words: Words,
    at_stake: tuple[Decimal, str],
    decisions: Mapping[str, Decision],
) -> Evidence:
    """As `evidence`, the rule and message given as `words` (made when read, for the many findings whose
    words few read)."""
    fid = finding_id(kind, keys)
    decision = decisions.get(fid)
    amount, currency = at_stake
    return Evidence(
        id=fid,
        claims=tuple(sorted(set(claims))),
        words=words,
        amount_at_stake=max(amount, Decimal(0)),
        currency=currency,
        decision=decision.verdict if decision else None,
        note=decision.note if decision else "",
    )


def is_rejected(kind: FindingKind, keys: Iterable[str], decisions: Mapping[str, Decision]) -> bool:
    """Whether the analyst rejected the finding of `kind` about `keys`."""
    decision = decisions.get(finding_id(kind, keys))
    return decision is not None and decision.verdict is Verdict.REJECT
