"""Arithmetic invariants of the engine, for any ledger Hypothesis can think of."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import ROUND_UP, Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ledger
from ledger import Claim, Ledger, Source
from ledger.core.money import amount_range
from ledger.parsing.periods import period_years
from tests.schema import schema_validator
from tests.strategies import ledgers

PROPERTY = settings()


def ranges_in_order(result: ledger.Reconciliation) -> None:
    for p in result.pledges:
        assert p.range.low <= p.range.nominal <= p.range.high
    for t in result.totals:
        for r in (t.distinct, t.new_money, *(r for _, r in t.by_donor), *(r for _, r in t.by_instrument)):
            assert Decimal(0) <= r.low <= r.nominal <= r.high


@PROPERTY
@given(ledgers())
def test_every_range_is_ordered_and_every_claim_in_one_pledge(book: Ledger) -> None:
    result = ledger.reconcile(book)
    assert result.errors == ()
    ranges_in_order(result)
    claimed = sorted(c for p in result.pledges for c in p.claims)
    assert claimed == sorted(c.id for c in book.claims)
    # a decision names a finding by its id: no two findings share one
    ids = [f.id for f in result.findings]
    assert len(ids) == len(set(ids))


@PROPERTY
@given(ledgers())
def test_distinct_never_exceeds_the_naive_sum(book: Ledger) -> None:
    result = ledger.reconcile(book)
    highs: dict[str, Decimal] = defaultdict(Decimal)
    for c in book.claims:
        stated = amount_range(c.value, c.approximation, book.settings.tolerance)
        years = period_years(c.period) if c.has(ledger.QualifierKind.PER_YEAR) else None
        # "a year" counts for every year it spans; each pledge is rounded to the cent before it is added
        highs[c.currency] += (stated.high * (years or 1)).quantize(Decimal("0.01"), ROUND_UP)
    for t in result.totals:
        assert t.distinct.nominal <= t.naive
        assert t.distinct.high <= highs[t.currency]
        assert t.new_money.high <= t.distinct.high


@PROPERTY
@given(ledgers(), st.randoms(use_true_random=False))
def test_order_of_claims_and_sources_does_not_matter(book: Ledger, rnd: object) -> None:
    claims, sources = list(book.claims), list(book.sources)
    rnd.shuffle(claims)  # type: ignore[attr-defined]
    rnd.shuffle(sources)  # type: ignore[attr-defined]
    shuffled = replace(book, claims=tuple(claims), sources=tuple(sources))
    a, b = (
        ledger.reconciliation_json(ledger.reconcile(book)),
        ledger.reconciliation_json(ledger.reconcile(shuffled)),
    )
    for key in ("pledges", "findings"):
        assert sorted(map(repr, a[key])) == sorted(map(repr, b[key]))
    assert a["totals"] == b["totals"]


@PROPERTY
@given(ledgers(relations=False), st.data())
def test_a_claim_repeated_by_another_source_changes_no_total(book: Ledger, data: st.DataObject) -> None:
    original = data.draw(st.sampled_from(book.claims))
    echo = replace(original, id="ECHO", source="ECHO-SOURCE")
    repeated = book.with_source(Source("ECHO-SOURCE", "Another outlet")).with_claim(echo)
    before, after = ledger.reconcile(book), ledger.reconcile(repeated)
    assert [(t.currency, t.distinct, t.new_money) for t in before.totals] == [
        (t.currency, t.distinct, t.new_money) for t in after.totals
    ]
    assert any(
        f.kind is ledger.FindingKind.DUPLICATE and {"ECHO", original.id} <= set(f.claims)
        for f in after.findings
    )


@PROPERTY
@given(ledgers(), st.sampled_from(list(ledger.Approximation)), st.integers(min_value=1, max_value=10**6))
def test_a_claim_by_a_new_donor_adds_exactly_its_range(
    book: Ledger, approx: ledger.Approximation, n: int
) -> None:
    newcomer = Claim(
        id="NEW",
        source=book.sources[0].id,
        donor="Kingdom of Nowhere",
        recipient="Mongolia",
        amount=ledger.make_money(Decimal(n) * 1000, "USD"),
        approximation=approx,
    )
    before, after = ledger.reconcile(book), ledger.reconcile(book.with_claim(newcomer))
    usd_before = next((t.distinct for t in before.totals if t.currency == "USD"), ledger.AmountRange.zero())
    usd_after = next(t.distinct for t in after.totals if t.currency == "USD")
    added = amount_range(newcomer.value, approx, book.settings.tolerance).quantized("USD")
    assert usd_after == usd_before + added


@PROPERTY
@given(ledgers(currencies=("USD",)), st.data())
def test_currencies_never_mix(book: Ledger, data: st.DataObject) -> None:
    euro = Claim(
        id="EURO",
        source=book.sources[0].id,
        donor=data.draw(st.sampled_from([c.donor for c in book.claims])),
        recipient="Guatemala",
        amount=ledger.make_money(Decimal(data.draw(st.integers(min_value=1, max_value=10**9))), "EUR"),
    )
    before, after = ledger.reconcile(book), ledger.reconcile(book.with_claim(euro))
    usd = [t for t in after.totals if t.currency == "USD"]
    assert [t for t in before.totals if t.currency == "USD"] == usd
    (eur,) = [t for t in after.totals if t.currency == "EUR"]
    assert eur.naive == euro.value
    assert eur.distinct.nominal == euro.value


@PROPERTY
@given(ledgers(), st.data(), st.sampled_from(["accept", "reject"]))
def test_deciding_then_undeciding_restores_the_result(
    book: Ledger, data: st.DataObject, verdict: str
) -> None:
    result = ledger.reconcile(book)
    assume(result.findings)
    finding = data.draw(st.sampled_from(result.findings))
    decided = ledger.reconcile(book.decide(finding.id, verdict))
    assert next(f for f in decided.findings if f.id == finding.id).decision == ledger.Verdict(verdict)
    undone = ledger.reconcile(book.decide(finding.id, verdict).without_decision(finding.id))
    assert ledger.reconciliation_json(undone) == ledger.reconciliation_json(result)


@PROPERTY
@given(ledgers())
def test_json_always_matches_the_schema(book: Ledger) -> None:
    schema_validator().validate(ledger.reconciliation_json(ledger.reconcile(book)))


@PROPERTY
@given(ledgers())
def test_years_add_back_to_the_distinct_total(book: Ledger) -> None:
    for t in ledger.reconcile(book).totals:
        assert sum((v for _, v in t.by_year), Decimal(0)) == t.distinct.nominal
        assert sum((v for _, v in t.by_year_whole), Decimal(0)) == t.distinct.nominal


@PROPERTY
@given(ledgers(), st.decimals(min_value=Decimal("0.5"), max_value=Decimal("2"), places=3))
def test_with_a_rate_each_currency_keeps_its_own_money_and_the_base_total_adds_them(
    book: Ledger, rate: Decimal
) -> None:
    priced = replace(book, rates=(ledger.Rate("EUR", rate, "USD"),))
    result = ledger.reconcile(priced)
    assert result.errors == ()
    ranges_in_order(result)
    assert result.base_totals is not None
    expected = sum(
        (t.distinct.nominal * (rate if t.currency == "EUR" else 1) for t in result.totals), Decimal(0)
    )
    # each pledge is rounded to the cent before and after conversion: at most a cent or two apart each
    slack = Decimal("0.03") * (len(result.pledges) + 1)
    assert abs(result.base_totals.distinct.nominal - expected) <= slack
    claimed = sorted(c for p in result.pledges for c in p.claims)
    assert claimed == sorted(c.id for c in book.claims)
