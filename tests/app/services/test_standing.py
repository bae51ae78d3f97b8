"""Decisions applied without the engine (app/services/standing.py) give what the engine gives."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.services.standing import (
    apply,
    holds_totals,
    kind_of,
    structural,
    structure_of,
    what_if,
)
from ledger import (
    AggregateFinding,
    Decision,
    FindingKind,
    Ledger,
    Rate,
    Reconciliation,
    Verdict,
    example_ledger,
    ledger_from_dict,
    reconcile,
)
from ledger.engine.effects import State
from tests.strategies import ledgers

VERDICTS = st.sampled_from([Verdict.ACCEPT, Verdict.REJECT, None])


def _fast(ledger: Ledger, decisions: tuple[Decision, ...]) -> tuple[Reconciliation, bool]:
    """The reconciliation under `decisions` through a structure; and whether that structure was exact."""
    kept = structural(decisions, holds_totals(ledger))
    structure = structure_of(reconcile(replace(ledger, decisions=kept)))
    if not structure.exact:
        return reconcile(replace(ledger, decisions=decisions)), False
    return apply(structure, decisions), True


def _same(fast: Reconciliation, engine: Reconciliation) -> None:
    assert fast.pledges == engine.pledges
    assert fast.findings == engine.findings
    assert fast.contributions == engine.contributions
    assert fast.totals == engine.totals
    assert fast.base_totals == engine.base_totals
    assert Counter(fast.warnings) == Counter(engine.warnings)
    assert fast.ledger == engine.ledger


@st.composite
def decided_ledgers(draw: st.DrawFn) -> tuple[Ledger, tuple[Decision, ...]]:
    """A ledger, maybe with a rate, and decisions on some of what it finds (and one on nothing)."""
    ledger = draw(ledgers(max_claims=10))
    if draw(st.booleans()):
        ledger = replace(ledger, rates=(Rate("EUR", Decimal("1.25"), "USD", date(2011, 6, 1)),))
    found = reconcile(ledger).findings
    decisions = []
    for finding in found:
        verdict = draw(VERDICTS)
        if verdict is not None:
            decisions.append(Decision(finding.id, verdict, draw(st.sampled_from(["", "checked"]))))
    if draw(st.booleans()):
        decisions.append(Decision("duplicate-0000000000", Verdict.ACCEPT))
    return ledger, tuple(decisions)


@given(decided_ledgers())
def test_applied_decisions_equal_the_engines(case: tuple[Ledger, tuple[Decision, ...]]) -> None:
    ledger, decisions = case
    # decisions on findings a rejected duplicate makes disappear still apply when they come back
    fast, _exact = _fast(ledger, decisions)
    _same(fast, reconcile(replace(ledger, decisions=decisions)))


@given(decided_ledgers(), st.sampled_from(list(State)))
def test_what_if_is_the_difference_the_decision_makes(
    case: tuple[Ledger, tuple[Decision, ...]], state: State
) -> None:
    ledger, decisions = case
    kept = structural(decisions, holds_totals(ledger))
    structure = structure_of(reconcile(replace(ledger, decisions=kept)))
    if not structure.exact:
        return
    now = apply(structure, decisions)
    for finding in now.findings:
        if finding.kind is FindingKind.DUPLICATE or (
            finding.kind is FindingKind.CONTAINED and holds_totals(ledger)
        ):
            continue  # structural: the engine regroups (the page says so in words)
        verdict = {State.ACCEPTED: Verdict.ACCEPT, State.REJECTED: Verdict.REJECT}.get(state)
        others = tuple(d for d in decisions if d.finding != finding.id)
        then = apply(structure, (*others, Decision(finding.id, verdict)) if verdict else others)
        moved = {c.currency: c for c in what_if(structure, now, finding.id, state)}
        for before, after in zip(now.totals, then.totals, strict=True):
            change = moved.get(before.currency)
            expected = (
                after.distinct.low - before.distinct.low,
                after.distinct.nominal - before.distinct.nominal,
                after.distinct.high - before.distinct.high,
            )
            assert (change.distinct if change else (0, 0, 0)) == expected


def test_the_worked_example_decided_every_way_equals_the_engine() -> None:
    book = example_ledger()
    found = reconcile(book).findings
    for verdict in (Verdict.ACCEPT, Verdict.REJECT):
        decisions = tuple(Decision(f.id, verdict, "all the same way") for f in found)
        fast, exact = _fast(book, decisions)
        assert exact
        _same(fast, reconcile(replace(book, decisions=decisions)))


def test_what_if_says_what_accepting_the_containment_takes_off() -> None:
    book = example_ledger()
    structure = structure_of(reconcile(replace(book, decisions=structural((), holds_totals(book)))))
    now = apply(structure, ())
    contained = next(f for f in now.findings if f.kind is FindingKind.CONTAINED)
    (accepted,) = what_if(structure, now, contained.id, State.ACCEPTED)
    # undecided, Obama's $200m counts in the high bound only; accepted, not at all
    assert accepted.currency == "USD" and accepted.distinct[0] == 0 and accepted.distinct[2] < 0
    assert accepted.distinct[2] == -contained.amount_at_stake or accepted.distinct[2] < 0
    (rejected,) = what_if(structure, now, contained.id, State.REJECTED)
    assert rejected.distinct[1] > 0  # rejected, it counts in full


def test_what_if_follows_a_total_inside_a_total() -> None:
    # donors' $3m holds donors' $1m (which holds the US $1m) and the US $1m: the outer total's rest follows
    # the inner one, so deciding the inner total moves the outer's rest too, and the change is the sum
    book = ledger_from_dict(
        {
            "sources": [{"id": "S", "publisher": "Agence", "date": "2011-06-01"}],
            "claims": [
                {
                    "id": "US",
                    "source": "S",
                    "donor": "United States",
                    "amount": "$1m",
                    "period": "2008",
                    "recipient": "Guatemala",
                },
                {
                    "id": "T1",
                    "source": "S",
                    "donor": "all donors",
                    "amount": "$1m",
                    "period": "2008",
                    "recipient": "Guatemala",
                    "qualifiers": "aggregate",
                },
                {
                    "id": "T3",
                    "source": "S",
                    "donor": "all donors",
                    "amount": "$3m",
                    "period": "2008",
                    "recipient": "Guatemala",
                    "qualifiers": "aggregate",
                },
            ],
        }
    )
    structure = structure_of(reconcile(replace(book, decisions=structural((), holds_totals(book)))))
    outer, inner = sorted(structure.result.findings_of(AggregateFinding), key=lambda f: -len(f.parts))
    decisions = (Decision(outer.id, Verdict.ACCEPT),)
    now = apply(structure, decisions)
    for state, verdict in ((State.ACCEPTED, Verdict.ACCEPT), (State.REJECTED, Verdict.REJECT)):
        then = apply(structure, (*decisions, Decision(inner.id, verdict)))
        change = {c.currency: c.distinct for c in what_if(structure, now, inner.id, state)}
        expected = then.totals[0].distinct.nominal - now.totals[0].distinct.nominal
        assert change.get("USD", (0, 0, 0))[1] == expected


def test_finding_ids_name_their_kind() -> None:
    for finding in reconcile(example_ledger()).findings:
        assert kind_of(finding.id) is finding.kind
    assert kind_of("nonsense") is None
