"""The report's formulas follow the effects table: their Python mirror gives effects.count, for any decisions."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

import ledger
from exports.report.formulas import EVERY_CLAIM, SAID_BY, apart_figures, pledge_figures, rules, said_by
from exports.report.plan import Plan
from ledger import AmountRange, FindingKind, Ledger
from ledger.engine.effects import EFFECTS, State, count
from tests.strategies import ledgers

STATES = st.sampled_from(list(State))


@given(ledgers(max_claims=10), st.data())
def test_the_pledges_formulas_count_as_the_engine_for_any_decisions(
    book: Ledger, data: st.DataObject
) -> None:
    result = ledger.reconcile(book)
    plan = Plan.of(result)
    kinds = {f.id: f.kind for f in result.findings}
    states = {f.id: data.draw(STATES) for f in result.findings}
    moves = [replace(row.move, state=states[row.id]) for row in plan.findings if row.move is not None]
    for row in plan.pledges:
        c = row.contribution
        figures = pledge_figures(
            c.full,
            [m for m in moves if m.target == c.pledge],
            [m for m in moves if m.increase == c.pledge],
            c.beyond_parts,
        )
        assert (figures.distinct, figures.new_money) == count(c, kinds, states), c.pledge


@given(ledgers(max_claims=10))
def test_the_values_written_are_the_engines(book: Ledger) -> None:
    result = ledger.reconcile(book)
    for row in Plan.of(result).pledges:
        assert (row.figures.distinct, row.figures.new_money) == (
            row.contribution.distinct,
            row.contribution.new_money,
        )


def test_the_rules_are_the_effects_table() -> None:
    table = {(r.kind, r.state): r for r in rules()}
    assert len(table) == len(FindingKind) * len(State)
    for (kind, state), rule in table.items():
        effect = EFFECTS[kind]
        assert rule.cut == effect.distinct(state) and rule.new_money_cut == effect.new_money(state)
        assert rule.words == effect.words(state) and rule.label == effect.label
        assert rule.total_applies == int(effect.holds_parts and state is not State.REJECTED)


def test_a_claim_apart_keeps_what_its_own_words_say() -> None:
    result = ledger.reconcile(ledger.example_ledger())
    plan = Plan.of(result)
    by_claim = {a.claim.id: a for a in plan.apart}
    assert set(by_claim) == {"BBC-1", "BBC-3", "CNN-3"}
    assert by_claim["CNN-3"].says == frozenset({"repackaged"})
    assert by_claim["BBC-1"].says == frozenset({"increase"})
    moves = [
        replace(r.move, state=State.UNDECIDED) for r in plan.findings if r.move and r.move.target == "P-BBC-1"
    ]
    old = AmountRange.exact(ledger.example_ledger().claims[3].value)  # the 2010 level, 260m
    repackaged = apart_figures(by_claim["CNN-3"].own, by_claim["CNN-3"].says, moves, old, True)
    increase = apart_figures(by_claim["BBC-1"].own, by_claim["BBC-1"].says, moves, old, True)
    assert repackaged.new_money_cut == 1 and repackaged.old_level == AmountRange.zero()
    assert increase.new_money_cut == 0 and increase.new_money.nominal == 40_000_000
    assert not apart_figures(by_claim["BBC-1"].own, frozenset(), moves, old, False).distinct.high


def test_every_kind_falls_on_every_claim_apart_unless_a_claim_says_it() -> None:
    assert {kind for kind in FindingKind if said_by(kind) != EVERY_CLAIM} == set(SAID_BY)
