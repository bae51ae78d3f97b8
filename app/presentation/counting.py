"""What counts, in words: whether each pledge counts in the totals (and why not, with the finding that
says so), and what deciding a finding would do to the totals, in numbers.

Both read the engine's results only: each pledge's `Contribution` and the effects table
(`ledger.engine.effects`); the numbers come from `effects.count` over the contributions a finding moves
(app/services/standing.py, `what_if`), never from running the engine per finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ledger import Contribution, Finding, FindingKind, Reconciliation
from ledger.engine.effects import EFFECTS, Cut, State, state_of

from ..services.standing import Change, Structure, what_if
from .figures import amount, signed


@dataclass(frozen=True, slots=True)
class Counts:
    """Whether a pledge counts: "counted", "high" (in the high bound only), "part" or "none"; why, and the
    finding that decides it."""

    status: str
    label: str  # "counted", "high bound only", "counted in part", "not counted"
    reason: str = ""  # the effect in words: "the smaller pledge counts only in the high bound"
    finding: str = ""  # the finding's id
    new_money: str = ""  # when it counts but not (all) as new money: why

    @property
    def counts(self) -> bool:
        """Whether it adds anything to the nominal distinct total."""
        return self.status in {"counted", "part"}


LABELS = {
    "counted": "counted",
    "part": "counted in part",
    "high": "high bound only",
    "none": "not counted",
}


def _strongest(
    finding_ids: tuple[str, ...], findings: Mapping[str, Finding], by: str
) -> tuple[Finding | None, State]:
    """The finding among `finding_ids` whose cut (on the distinct or new money, `by`) goes furthest."""
    best: tuple[int, Finding | None, State] = (-1, None, State.UNDECIDED)
    for fid in finding_ids:
        finding = findings.get(fid)
        if finding is None:
            continue
        state = state_of(finding.decision)
        effect = EFFECTS[finding.kind]
        cut = (effect.distinct if by == "distinct" else effect.new_money)(state)
        if cut > best[0]:
            best = (int(cut), finding, state)
    return best[1], best[2]


def counts(contribution: Contribution, findings: Mapping[str, Finding]) -> Counts:
    """Whether the pledge of `contribution` counts, and why (`findings` by id, as decided now)."""
    c = contribution
    distinct, full = c.distinct, c.full
    applying_total = next(
        (
            findings[f]
            for f in c.totals
            if f in findings and state_of(findings[f].decision) is not State.REJECTED
        ),
        None,
    )
    if distinct == full:
        status = "counted"
    elif distinct.nominal == 0 and distinct.high == 0:
        status = "none"
    elif distinct.nominal == 0:
        status = "high"
    else:
        status = "part"
    reason, finding_id = "", ""
    if applying_total is not None and status != "counted":
        state = state_of(applying_total.decision)
        reason = EFFECTS[applying_total.kind].words(state)
        if distinct.high:
            reason += f" ({amount(distinct.nominal, c.currency)} of {amount(full.nominal, c.currency)})"
        finding_id = applying_total.id
    elif status != "counted":
        finding, state = _strongest(c.cut_by, findings, "distinct")
        if finding is not None:
            reason, finding_id = EFFECTS[finding.kind].words(state), finding.id
    new_money = ""
    if status in {"counted", "part"} and c.new_money.nominal < distinct.nominal:
        finding, state = _strongest(c.new_money_cut_by, findings, "new")
        if finding is not None and EFFECTS[finding.kind].new_money(state) is not Cut.NONE:
            new_money = EFFECTS[finding.kind].words(state)
        elif c.old_levels:
            new_money = f"only {amount(c.new_money.nominal, c.currency)} is new money (an increase)"
    return Counts(status, LABELS[status], reason, finding_id, new_money)


# ---- what a decision would do --------------------------------------------------------------------------------


def _bound_words(change: tuple[Decimal, Decimal, Decimal], what: str, currency: str) -> str:
    low, nominal, high = change
    if nominal:
        return f"{what} {signed(nominal, currency)}"
    if high:
        return f"{what} high bound {signed(high, currency)}"
    if low:
        return f"{what} low bound {signed(low, currency)}"
    return ""


def change_words(changes: tuple[Change, ...]) -> str:
    """A decision's change to the totals: "distinct −USD 300m, new money −USD 300m"; "no change"."""
    parts = []
    for c in changes:
        distinct = _bound_words(c.distinct, "distinct", c.currency)
        if distinct:
            parts.append(distinct)
        if c.new_money != c.distinct:
            new = _bound_words(c.new_money, "new money", c.currency)
            if new:
                parts.append(new)
    return ", ".join(parts) or "no change"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one decision on a finding would do: "accept" or "reject", in numbers (or words), and whether
    it is the decision in force now."""

    verdict: str
    words: str
    now: bool


def outcomes(
    finding: Finding,
    structure: Structure | None,
    result_now: Reconciliation,
    states: Mapping[str, State] | None = None,
) -> tuple[Outcome, ...]:
    """What accepting and rejecting `finding` would do to the totals as they stand (`result_now`, whose
    decided findings' `states` may be given, to count them once for a whole page)."""
    current = state_of(finding.decision)
    made = []
    for verdict, state in (("accept", State.ACCEPTED), ("reject", State.REJECTED)):
        effect = EFFECTS[finding.kind]
        if state is current:
            made.append(Outcome(verdict, "as now", True))
            continue
        regroups = effect.regroups and state is State.REJECTED
        if structure is None or not structure.exact or regroups:
            words = effect.words(state)
            if regroups and finding.amount_at_stake:
                words += f": distinct up to {signed(finding.amount_at_stake, finding.currency)}"
            made.append(Outcome(verdict, words, False))
            continue
        changes = what_if(structure, result_now, finding.id, state, states)
        made.append(Outcome(verdict, change_words(changes), False))
    return tuple(made)


def is_structural(finding: Finding, with_totals: bool) -> bool:
    """Whether rejecting `finding` changes what the engine finds (and so runs it again)."""
    return finding.kind is FindingKind.DUPLICATE or (finding.kind is FindingKind.CONTAINED and with_totals)
