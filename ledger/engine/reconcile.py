"""The engine: a pipeline of small pure passes from a Ledger to a Reconciliation.

normalise -> group duplicates -> containment -> aggregates -> money that is not new (already
provided, baselines, repackaged) -> odd figures (unit errors, other currencies) -> decide -> total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ledger.core.collector import cycle_collection_paused
from ledger.core.model import Decision, Finding, FindingKind, Ledger, Reconciliation, Settings
from ledger.core.problems import Problem, Severity
from ledger.engine.aggregate import find_aggregates
from ledger.engine.contain import find_containment
from ledger.engine.decide import check_decisions, decisions_by_finding
from ledger.engine.group import group_duplicates
from ledger.engine.normalise import normalise
from ledger.engine.oddities import find_other_currency, find_unit_errors
from ledger.engine.qualify import find_already_provided, find_baselines, find_repackaged
from ledger.engine.total import total

# The rules that read pledges as they stand once duplicates are grouped, in the order they run.
QUALIFYING_RULES = (
    ("already provided", find_already_provided),
    ("baselines", find_baselines),
    ("repackaged", find_repackaged),
    ("unit errors", find_unit_errors),
    ("other currencies", find_other_currency),
)

KIND_ORDER = {kind: i for i, kind in enumerate(FindingKind)}

StageHook = Callable[[str], None]


def _nothing(_: str) -> None:
    return None


def reconcile(
    ledger: Ledger, settings: Settings | None = None, *, on_stage: StageHook = _nothing
) -> Reconciliation:
    """Reconcile a ledger: its pledges, the findings with their evidence, and the totals.

    `settings` replaces the ledger's own settings when given. `on_stage` is called with each stage's
    name as it finishes (the benchmark times stages with it). Problems never raise: they come back
    in `errors` and `warnings`; a ledger with errors is not reconciled.
    """
    if settings is not None:
        ledger = replace(ledger, settings=settings)
    with cycle_collection_paused():
        return _reconcile(ledger, on_stage)


def _reconcile(ledger: Ledger, on_stage: StageHook) -> Reconciliation:
    normal = normalise(ledger)
    on_stage("normalise")
    errors = tuple(p for p in normal.problems if p.severity is Severity.ERROR)
    warnings = tuple(p for p in normal.problems if p.severity is Severity.WARNING)
    if errors:
        return Reconciliation(ledger=ledger, errors=errors, warnings=warnings)

    decisions = decisions_by_finding(ledger.decisions)
    views, findings = group_duplicates(normal, decisions)
    on_stage("group duplicates")
    contained = find_containment(normal, views, decisions)
    on_stage("containment")
    parts = frozenset(f.part for f in contained if f.applies and f.part)
    aggregates = find_aggregates(normal, views, parts, decisions)
    on_stage("aggregates")
    found: list[Finding] = [*findings, *contained, *aggregates]
    for name, rule in QUALIFYING_RULES:
        found.extend(rule(normal, views, decisions))
        on_stage(name)
    all_findings = tuple(sorted(found, key=lambda f: (KIND_ORDER[f.kind], f.id)))
    decision_problems = check_decisions(ledger.decisions, all_findings)
    on_stage("decide")
    totals, base_totals, total_problems = total(normal, views, all_findings)
    on_stage("total")
    return Reconciliation(
        ledger=ledger,
        pledges=tuple(v.pledge for v in views),
        findings=all_findings,
        totals=totals,
        base_totals=base_totals,
        warnings=(*warnings, *decision_problems, *total_problems),
    )


__all__ = ["Decision", "Problem", "reconcile"]
