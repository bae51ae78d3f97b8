"""The explicit relations read from the qualifiers, once, for every pass."""

from __future__ import annotations

from ledger.engine.relations import read_relations

from .small import book, claim


def test_relations_are_read_in_both_directions_where_they_are_symmetric() -> None:
    ledger = book(
        claim("A1", qualifiers="in addition to A2; same as A3"),
        claim("A2", qualifiers="part of A3"),
        claim("A3", qualifiers="includes A4; increase from A4"),
        claim("A4"),
    )
    relations = read_relations(ledger.claims, frozenset(c.id for c in ledger.claims))
    assert relations.apart["A1"] == {"A2"} and relations.apart["A2"] == {"A1"}
    assert relations.same_as == (("A1", "A3"),)
    assert set(relations.part_of) == {("A2", "A3", "A2"), ("A4", "A3", "A3")}
    assert relations.increase_from == (("A3", "A4"),)
    assert relations.kept_apart(["A2", "X"], ["A1"])
    assert not relations.kept_apart(["A3"], ["A4"])


def test_relations_to_unknown_claims_are_left_to_the_reference_check() -> None:
    ledger = book(claim("A1", qualifiers="same as ZZ; part of ZZ"))
    relations = read_relations(ledger.claims, frozenset({"A1"}))
    assert relations.same_as == () and relations.part_of == ()
