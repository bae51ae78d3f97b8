"""THE table: how each finding kind shapes the totals, and `count`, the one statement of its rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledger import AmountRange, Contribution, FindingKind
from ledger.core.findings import FINDING_TYPES
from ledger.engine.effects import EFFECTS, Cut, State, count, cut_range, state_of

R = AmountRange(Decimal(90), Decimal(100), Decimal(110))


def test_every_kind_has_one_effect_and_one_type() -> None:
    assert set(EFFECTS) == set(FindingKind)
    assert [t.kind for t in FINDING_TYPES] == list(FindingKind)
    for effect in EFFECTS.values():
        assert effect.label and effect.meaning
        assert all(effect.words(state) for state in State)


def test_a_rejected_finding_cuts_nothing() -> None:
    for effect in EFFECTS.values():
        assert effect.distinct(State.REJECTED) is Cut.NONE
        assert effect.new_money(State.REJECTED) is Cut.NONE


@pytest.mark.parametrize(
    ("cut", "left"),
    [
        (Cut.NONE, (90, 100, 110)),
        (Cut.LOW, (0, 100, 110)),
        (Cut.HIGH_ONLY, (0, 0, 110)),
        (Cut.ALL, (0, 0, 0)),
    ],
)
def test_cuts_remove_the_bounds_in_order(cut: Cut, left: tuple[int, int, int]) -> None:
    assert cut_range(R, cut) == AmountRange(*map(Decimal, left))


def test_the_strongest_cut_wins_and_old_levels_come_off_new_money() -> None:
    c = Contribution(
        "P-1", "USD", R, R, R,
        cut_by=("contained-1", "unit-1"),
        new_money_cut_by=("repackaged-1",),
        old_levels=(("baseline-1", AmountRange(Decimal(40), Decimal(40), Decimal(40))),),
    )  # fmt: skip
    kinds = {
        "contained-1": FindingKind.CONTAINED,
        "unit-1": FindingKind.UNIT_ERROR,
        "repackaged-1": FindingKind.REPACKAGED,
        "baseline-1": FindingKind.BASELINE,
    }
    # all undecided: high only; the repackaged cut and the old level both come off new money
    distinct, new_money = count(c, kinds, {})
    assert distinct == AmountRange(Decimal(0), Decimal(0), Decimal(110))
    assert new_money == AmountRange(Decimal(0), Decimal(0), Decimal(70))
    # one of the two cuts accepted: nothing counts
    assert count(c, kinds, {"unit-1": State.ACCEPTED})[0] == AmountRange.zero()
    # both rejected, the increase rejected: all counts, new money only the repackaged low bound out
    states = {"contained-1": State.REJECTED, "unit-1": State.REJECTED, "baseline-1": State.REJECTED}
    distinct, new_money = count(c, kinds, states)
    assert distinct == R and new_money == AmountRange(Decimal(0), Decimal(100), Decimal(110))


def test_a_total_counts_what_it_holds_beyond_its_parts_until_rejected() -> None:
    rest = AmountRange(Decimal(5), Decimal(10), Decimal(15))
    c = Contribution("P-T", "USD", R, R, R, totals=("aggregate-1",), beyond_parts=rest)
    kinds = {"aggregate-1": FindingKind.AGGREGATE}
    assert count(c, kinds, {}) == (rest, rest)
    assert count(c, kinds, {"aggregate-1": State.REJECTED}) == (R, R)


def test_states_follow_verdicts() -> None:
    from ledger import Verdict

    assert [state_of(v) for v in (Verdict.ACCEPT, Verdict.REJECT, None)] == list(
        (State.ACCEPTED, State.REJECTED, State.UNDECIDED)
    )
