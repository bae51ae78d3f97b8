"""Decisions: the analyst's verdicts, keyed by finding id, checked against the findings found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from .model import Decision, Finding, Problem, Severity


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
