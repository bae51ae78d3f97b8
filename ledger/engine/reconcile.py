"""The engine: a pipeline of small pure passes from a Ledger to a Reconciliation.

normalise -> group duplicates -> the rules in RULES, in order (containment, aggregates, money that is not
new, odd figures), each given what the ones before it found -> decide -> total.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ledger.core.collector import cycle_collection_paused
from ledger.core.findings import Finding, FindingKind
from ledger.core.model import Ledger, Reconciliation, Settings
from ledger.core.problems import Severity
from ledger.engine.aggregate import find_aggregates
from ledger.engine.contain import find_containment
from ledger.engine.decide import check_decisions, decisions_by_finding
from ledger.engine.group import group_duplicates
from ledger.engine.normalise import normalise
from ledger.engine.oddities import find_other_currency, find_unit_errors
from ledger.engine.qualify import (
    find_already_provided,
    find_baselines,
    find_converted,
    find_misreported,
    find_previously_announced,
    find_proposed,
    find_repackaged,
)
from ledger.engine.total import total
from ledger.engine.views import Stage, qualified

Rule = Callable[[Stage], tuple[Finding, ...]]

# The rules that read pledges as they stand once duplicates are grouped, in the order they run; each is
# given the findings of the rules before it (aggregates leave out the pledges found to be contained).
RULES: tuple[tuple[str, Rule], ...] = (
    ("containment", find_containment),
    ("aggregates", find_aggregates),
    ("baselines", find_baselines),
    ("already provided", find_already_provided),
    ("repackaged", find_repackaged),
    ("previously announced", find_previously_announced),
    ("conversions", find_converted),
    ("proposed", find_proposed),
    ("misreports", find_misreported),
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
    views, duplicates = group_duplicates(normal, decisions)
    on_stage("group duplicates")
    found: tuple[Finding, ...] = duplicates
    said = qualified(views)
    for name, rule in RULES:
        found += rule(Stage(normal, views, found, decisions, said))
        on_stage(name)
    findings = tuple(sorted(found, key=lambda f: (KIND_ORDER[f.kind], f.id)))
    decision_problems = check_decisions(ledger.decisions, findings)
    on_stage("decide")
    contributions, totals, base_totals, total_problems = total(normal, views, findings)
    on_stage("total")
    return Reconciliation(
        ledger=ledger,
        pledges=tuple(v.pledge for v in views),
        findings=findings,
        totals=totals,
        base_totals=base_totals,
        contributions=contributions,
        rates=tuple(normal.rates[currency] for currency in sorted(normal.rates)),
        warnings=(*warnings, *decision_problems, *total_problems),
    )


__all__ = ["RULES", "reconcile"]
