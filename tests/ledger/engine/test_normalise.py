"""Normalise: canonical names, ranges from approximation words and the tolerance, roles, references."""

from __future__ import annotations

from decimal import Decimal

import ledger
from ledger.engine.normalise import Role, normalise

from .small import book, claim


def test_names_ranges_and_roles() -> None:
    normal = normalise(
        book(
            claim("A1", donor="USAID", approximation="nearly"),
            claim("A2", donor="all donors", qualifiers="aggregate"),
            claim("A3", qualifiers="already provided"),
            claim("A4", amount="100000000", qualifiers="per year", period="2011-2013"),
        )
    )
    a1, a2, a3, a4 = normal.claims
    assert a1.donor == "United States"
    assert (a1.range.low, a1.range.high) == (Decimal("270000000.0"), Decimal("300000000"))
    assert (a2.role, a2.all_donors) == (Role.AGGREGATE, True)
    assert a3.role is Role.PAST
    assert a4.range.nominal == Decimal("300000000")  # "a year" over three years


def test_reference_problems_are_errors_at_their_cells_and_nothing_is_reconciled() -> None:
    result = ledger.reconcile(
        book(claim("A1", source="NOPE"), claim("A1"), claim("A2", qualifiers="same as ZZ"))
    )
    messages = [p.message for p in result.errors]
    assert any('names source "NOPE"' in m for m in messages)
    assert any('"A1" is used more than once' in m for m in messages)
    assert any("names claim ZZ, which is not in Claims" in m for m in messages)
    assert result.pledges == () and result.totals == ()
