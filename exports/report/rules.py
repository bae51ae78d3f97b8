"""The How findings count sheet: the effects table, one row per kind of finding and decision.

It is what the Findings sheet's formulas read (SUMIFS by kind and decision): the cut a finding makes on
the pledge it falls on, its cut of new money, whether a total then counts only beyond its pledges,
whether an old level is subtracted, and the words for what it does.
"""

from __future__ import annotations

from .book import Book, Sheet, lines, row_height
from .cells import Kind, Spec
from .formulas import RULES_TABLE, rules
from .look import RULE_COLUMNS, RULES

__all__ = ["write_rules"]


def write_rules(book: Book) -> None:
    """Write How findings count: for each kind of finding and decision, what it does to the pledge."""
    sheet = Sheet(book, RULES)
    table = rules()
    sheet.columns(RULE_COLUMNS)
    sheet.table(RULES_TABLE, 0, len(table), RULE_COLUMNS)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0))
    text = Spec(Kind.TEXT, book.wrapped())
    number = Spec(Kind.NUMBER, book.centred())
    rows = sheet.rows([text, text, text, number, number, number, number, number, text], len(table))
    width = sheet.look.width("What it does", RULE_COLUMNS[-1][1])
    for index, rule in enumerate(table, start=1):
        rows.write(
            index,
            [
                rule.label,
                rule.kind.value,
                rule.state.value,
                rule.cut,
                rule.new_money_cut,
                rule.total_applies,
                rule.old_level_applies,
                rule.regroups,
                rule.words,
            ],
            height=row_height(lines(rule.words, width)),
        )
