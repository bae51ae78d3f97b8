"""Words made when read: the same text as words given, made only when someone reads them."""

from __future__ import annotations

from ledger import Contained, reconcile
from ledger.core.findings import Said
from ledger.engine.words_later import WordsLater

from .small import book, claim


def test_words_made_later_read_and_compare_as_the_text_they_make() -> None:
    made: list[str] = []

    def message(who: str) -> str:
        made.append(who)
        return f"{who} pledged twice"

    later = WordsLater("same donor", message, "Japan")
    assert made == []  # nothing is written until it is read
    assert later.message == "Japan pledged twice" and later.rule == "same donor"
    assert later == Said("same donor", "Japan pledged twice")
    assert hash(later) == hash(Said("same donor", "Japan pledged twice"))
    assert later != Said("same donor", "Japan pledged once")


def test_a_contained_finding_quotes_both_pledges_when_read() -> None:
    result = reconcile(
        book(
            claim("A1", amount="1000000000"),
            claim("B1", source="B", amount="200000000", quote="a part of it"),
        )
    )
    (contained,) = result.findings_of(Contained)
    assert "probably sits inside" in contained.message and '"a part of it"' in contained.message
    assert contained.rule.startswith("same donor; smaller amount")
