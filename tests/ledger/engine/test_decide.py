"""Decisions: stable finding ids, the latest decision in force, decisions that name no finding."""

from __future__ import annotations

from ledger import Decision, Duplicate, FindingKind, Severity, Verdict
from ledger.engine.decide import decisions_by_finding, finding_id

from .small import claim, reconciled


def test_a_finding_id_does_not_depend_on_the_order_of_what_it_is_about() -> None:
    assert finding_id(FindingKind.DUPLICATE, ["B", "A"]) == finding_id(FindingKind.DUPLICATE, ["A", "B"])
    assert finding_id(FindingKind.DUPLICATE, ["A"]) != finding_id(FindingKind.CONTAINED, ["A"])
    assert finding_id(FindingKind.DUPLICATE, ["A", "B"]).startswith("duplicate-")


def test_the_latest_decision_on_a_finding_is_in_force() -> None:
    decisions = decisions_by_finding(
        [Decision("f", Verdict.ACCEPT), Decision("g", Verdict.ACCEPT), Decision("f", Verdict.REJECT, "no")]
    )
    assert decisions["f"].verdict is Verdict.REJECT and decisions["f"].note == "no"


def test_a_decision_reaches_its_finding_and_one_for_no_finding_is_a_kept_warning() -> None:
    claims = (claim("A1"), claim("B1", source="B"))
    (duplicate,) = reconciled(*claims).findings_of(Duplicate)
    result = reconciled(
        *claims,
        decisions=[
            {"finding": duplicate.id, "decision": "accept", "note": "the same US money"},
            {"finding": "contained-0000000000", "decision": "reject"},
        ],
    )
    (decided,) = result.findings_of(Duplicate)
    assert (decided.decision, decided.note) == (Verdict.ACCEPT, "the same US money")
    (warning,) = [w for w in result.warnings if "contained-0000000000" in w.message]
    assert warning.severity is Severity.WARNING and "kept" in warning.message
