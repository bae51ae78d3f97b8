"""The accuracy benchmark's scoring, on a hand-made case and on the real corpus (floors it must not slip below)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from benchmarks.accuracy import engine_view, score_case, total_of
from benchmarks.events import Case, CurrencyRange, Expected, PairKind
from ledger import ledger_from_dict, load_workbook, reconcile, reconciliation_json, save_workbook


def _case(expected: Expected, claims: tuple[str, ...]) -> Case:
    ledger = {"claims": [{"id": c} for c in claims]}
    return Case("hand-made", Path("hand-made.yaml"), "hand-made", MappingProxyType(ledger), expected)


def _result(
    pledges: dict[str, list[str]], findings: list[dict[str, Any]], totals: dict[str, str]
) -> dict[str, Any]:
    return {
        "pledges": [
            {"id": pid, "claims": claims, "instrument": "loan" if pid == "P-L" else "unknown"}
            for pid, claims in pledges.items()
        ],
        "findings": findings,
        "totals": {
            cur: {"currency": cur, "distinct": {"nominal": nominal}} for cur, nominal in totals.items()
        },
    }


EXPECTED = Expected(
    same_pledge=(("A1", "A2", "A3"),),
    contained=(("B", "A1"), ("C", "B")),
    disjoint=(("L", "M"),),
    aggregates=(("T", ("A1", "L")),),
    loans=frozenset({"L"}),
    repackaged=frozenset({"A2", "M"}),
    totals=(CurrencyRange("USD", Decimal(90), Decimal(110)), CurrencyRange("EUR", Decimal(5), Decimal(5))),
)
CLAIMS = ("A1", "A2", "A3", "B", "C", "L", "M", "T", "X", "Y")


def test_each_way_of_catching_a_pair() -> None:
    result = _result(
        {
            "P-A": ["A1", "A2"],
            "P-A3": ["A3"],
            "P-B": ["B"],
            "P-C": ["C"],
            "P-L": ["L"],
            "P-M": ["M"],
            "P-T": ["T"],
            "P-X": ["X"],
            "P-Y": ["Y"],
        },
        [
            # A3 is related to A1 and A2 by a finding with one on each side
            {"kind": "possible_duplicate", "claims": ["A1", "A2", "A3"], "pledge": "P-A3", "other": "P-A"},
            # C inside B inside A: a chain of containment
            {"kind": "contained", "claims": ["B", "A1", "A2"], "part": "P-B", "whole": "P-A"},
            {"kind": "contained", "claims": ["C", "B"], "part": "P-C", "whole": "P-B"},
            {"kind": "aggregate", "claims": ["T", "A1", "A2"], "aggregate": "P-T", "parts": ["P-A"]},
            {"kind": "repackaged", "claims": ["A1", "A2"], "pledge": "P-A"},
        ],
        {"USD": "100", "EUR": "7"},
    )
    score = score_case(_case(EXPECTED, CLAIMS), engine_view(result))
    assert score.expected == {PairKind.SAME_PLEDGE: 3, PairKind.CONTAINED: 2, PairKind.AGGREGATE: 2}
    # T holds L in the analyst's eyes, but no finding or chain says so
    assert score.caught == {PairKind.SAME_PLEDGE: 3, PairKind.CONTAINED: 2, PairKind.AGGREGATE: 1}
    assert [(p.first, p.second) for p in score.missed] == [("T", "L")]
    assert score.merged_pairs == 1 and score.false_merges == ()
    assert score.loans == (1, 1)
    assert score.repackaged == (1, 2)
    assert [(c.currency, c.inside) for c in score.currencies] == [("USD", True), ("EUR", False)]


def test_two_parts_of_one_total_are_not_related_by_it() -> None:
    # a total that can hold X and Y says nothing of whether X and Y are one pledge; Z inside Y, which the
    # total can hold in another currency, is inside the total along the chain
    expected = Expected(same_pledge=(("X", "Y"),), aggregates=(("T", ("X", "Z")),))
    result = _result(
        {"P-T": ["T"], "P-X": ["X"], "P-Y": ["Y"], "P-Z": ["Z"]},
        [
            {"kind": "aggregate", "claims": ["T", "X", "Y"], "aggregate": "P-T", "parts": ["P-X"],
             "elsewhere": ["P-Y"]},
            {"kind": "contained", "claims": ["Z", "Y"], "part": "P-Z", "whole": "P-Y"},
        ],
        {},
    )  # fmt: skip
    score = score_case(_case(expected, ("T", "X", "Y", "Z")), engine_view(result))
    assert score.caught == {PairKind.SAME_PLEDGE: 0, PairKind.CONTAINED: 0, PairKind.AGGREGATE: 2}


def test_a_conversion_stands_where_its_original_does() -> None:
    # G is an outlet's conversion of D's figure; D sits inside the total T: so does G
    expected = Expected(aggregates=(("T", ("G",)),))
    result = _result(
        {"P-T": ["T"], "P-D": ["D"], "P-G": ["G"]},
        [
            {"kind": "aggregate", "claims": ["T", "D"], "aggregate": "P-T", "parts": ["P-D"]},
            {"kind": "converted", "claims": ["G"], "pledge": "P-G", "original": ["P-D"]},
        ],
        {},
    )
    score = score_case(_case(expected, ("T", "D", "G")), engine_view(result))
    assert score.caught[PairKind.AGGREGATE] == 1
    unnamed = _result(
        {"P-T": ["T"], "P-D": ["D"], "P-G": ["G"]},
        [
            {"kind": "aggregate", "claims": ["T", "D"], "aggregate": "P-T", "parts": ["P-D"]},
            {"kind": "converted", "claims": ["G"], "pledge": "P-G", "original": []},
        ],
        {},
    )
    assert score_case(_case(expected, ("T", "D", "G")), engine_view(unnamed)).caught[PairKind.AGGREGATE] == 0


def test_false_merges_explicit_pairs_and_related_pairs() -> None:
    result = _result(
        # L and M are "in addition to" each other; X and Y are never related; C and A1 are related
        # through B (C inside B inside A1's pledge): grouped, but not a false merge
        {"P-A": ["A1", "A2", "A3", "C"], "P-B": ["B"], "P-L": ["L", "M"], "P-T": ["T"], "P-X": ["X", "Y"]},
        [],
        {},
    )
    score = score_case(_case(EXPECTED, CLAIMS), engine_view(result))
    assert score.merged_pairs == 6 + 1 + 1
    assert score.explicit_joined == (("L", "M"),)
    assert set(score.false_merges) == {("L", "M"), ("X", "Y")}
    assert set(score.grouped_related) == {("A1", "C"), ("A2", "C"), ("A3", "C")}
    assert [c.engine for c in score.currencies] == [None, None]
    totals = total_of([score, score])
    assert totals.false_merges == 4 and totals.merged_pairs == 16 and totals.explicit_joined == 2


def _reconciled(case: Case) -> dict[str, Any]:
    """The case through a workbook and back, reconciled in-process (the benchmark runs the CLI instead)."""
    book = io.BytesIO()
    save_workbook(ledger_from_dict(case.ledger), book)
    built = load_workbook(book.getvalue(), name=f"{case.name}.xlsx")
    assert built.errors == (), case.name
    return reconciliation_json(reconcile(built.ledger))


def test_the_engine_on_real_events_holds_its_floors(corpus: tuple[Case, ...]) -> None:
    scores = [score_case(case, engine_view(_reconciled(case))) for case in corpus]
    total = total_of(scores)
    assert total.failed == 0
    assert total.pairs_expected == 1182  # 1,176 distinct pairs in the 8 events, 6 in the worked example
    # Floors just below what the engine reaches today (raise them as the engine improves).
    assert total.pairs_caught >= 1144, total.pairs_caught  # today 1,149 of 1,182 (97%)
    assert total.false_merges <= total.merged_pairs // 100, total.false_merges  # today 0 of 512
    assert total.explicit_joined == 0
    assert total.loans[0] == total.loans[1]  # today 30 of 30
    assert total.repackaged[0] == total.repackaged[1], total.repackaged  # today 32 of 32
    assert total.currencies_inside >= 18, total.currencies_inside  # today 18 of 25
