"""The test ledgers reach every rule: over a fixed seed, every finding kind and qualifier turns up."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings

import ledger
from ledger import FindingKind, Ledger, QualifierKind
from tests.strategies import ledgers


def test_the_strategies_draw_every_finding_kind_and_qualifier() -> None:
    kinds: Counter[FindingKind] = Counter()
    qualifiers: Counter[tuple[QualifierKind, bool]] = Counter()

    @settings(max_examples=400, derandomize=True, database=None)
    @given(ledgers())
    def draw(book: Ledger) -> None:
        kinds.update(f.kind for f in ledger.reconcile(book).findings)
        qualifiers.update((q.kind, q.target is not None) for c in book.claims for q in c.qualifiers)

    draw()
    missing = set(FindingKind) - set(kinds)
    assert not missing, f"no ledger drew a {', '.join(sorted(missing))} finding: {dict(kinds)}"
    every_word = {
        (kind, False)
        for kind in QualifierKind
        if kind.value not in {"in_addition_to", "part_of", "includes", "same_as"}
    }  # these always name a claim
    every_word |= {(kind, True) for kind in (
        QualifierKind.IN_ADDITION_TO, QualifierKind.PART_OF, QualifierKind.INCLUDES,
        QualifierKind.SAME_AS, QualifierKind.INCREASE_FROM)}  # fmt: skip
    assert every_word <= set(qualifiers), sorted(every_word - set(qualifiers))
    # and not once each: a rule met in a handful of 400 ledgers is barely exercised
    assert min(kinds.values()) >= 10, dict(kinds)
