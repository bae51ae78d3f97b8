"""The Read me: what each sheet holds, and each kind of finding in the effects table's own words.

The words come from `ledger.engine.effects`, so that what the Read me says a decision does is what the
totals do.
"""

from __future__ import annotations

from datetime import datetime

from ledger.engine.effects import EFFECTS

from .book import Book, Sheet, lines, row_height
from .formulas import SAID_BY
from .look import (
    APART,
    BY_YEAR,
    EVIDENCE,
    FINDINGS,
    PLEDGES,
    READ_ME,
    READ_ME_COLUMNS,
    RULES,
    SUMMARY,
    CellLook,
)
from .plan import Plan

__all__ = ["write_read_me"]


def _topics() -> tuple[tuple[str, str], ...]:
    said = ", ".join(f'"{words}"' for words in SAID_BY.values())
    return (
        (
            "What this is",
            "The reconciliation of a pledge ledger: every announcement of aid money, the distinct pledges behind "
            "them, what the engine found (the same money announced more than once, smaller pledges inside larger "
            "ones, repackaged money, baselines, money already provided, totals over donors), and honest totals as "
            "ranges. Every sheet prints one page wide, with its header on every page and a footer naming the "
            "ledger, the day the report was written and the page.",
        ),
        (
            SUMMARY,
            "One page: the sentence to quote per currency, a line counting the findings by decision, the totals "
            "per currency (every report added up; the distinct pledges low, nominal and high; new money; the "
            "distinct nominal by instrument, which adds up to it), in the base currency too when the ledger "
            "gives exchange rates, the top donors (totals over donors apart: they count only what they hold "
            "beyond the pledges they contain), and charts by donor and by year. Amounts show in a readable scale "
            "(USD 1.27bn); the cell holds the exact figure. Named cells hold the headline figures (Naive_USD, "
            "Distinct_low_USD, ...; Base_... in the base currency).",
        ),
        (
            FINDINGS,
            "One row per finding, the most at stake first: what was found, in words (the quotes are on Evidence), "
            "the amount at stake, what each decision does (What it does), and the figure the pledge it falls on "
            "would then count, at its nominal (If accepted, If rejected; its new money for repackaged money and "
            "baselines; the other findings as decided when the report was made). Decide each one in the "
            "Decision column (the highlighted cells): accept, reject, or leave it blank (undecided). Add a Note "
            "to say why. Findings are coloured by kind.",
        ),
        (
            EVIDENCE,
            "One row per claim a finding quotes: the source, its date, the figure and the quote in full, "
            "with a link to the claim's row on Claims. Rows follow the order of the Findings sheet.",
        ),
        *(
            (
                effect.label,
                f"{effect.meaning[0].upper()}{effect.meaning[1:]}. Accepted: {effect.if_accepted}. "
                f"Undecided: {effect.if_undecided}. Rejected: {effect.if_rejected}.",
            )
            for effect in EFFECTS.values()
        ),
        (
            PLEDGES,
            "One row per distinct pledge: its range as reported (Low, Nominal, High), what it counts now (Counted "
            "...) and its new money, and whether it is a pledge or a total over donors. The helper columns after "
            "Findings (click the + above them to unfold) are how decisions reach it: Moved by (the findings whose "
            "decisions move it), Cut (the strongest cut of those findings: 0 counts in full, 1 not in the low "
            "bound, 2 only in the high bound, 3 nothing), New money cut (the same scale, for new money only), "
            "Old level (what an increase is measured from), Total applies (1: a total counted only for what it "
            "holds beyond its pledges, the Rest), Duplicate and Apart (1 while the duplicate whose claims make "
            "the pledge is rejected: the pledge then counts what its claims count on Claims apart).",
        ),
        (
            "Claims",
            "Every claim as the analyst gave it: the ledger's own columns, so that this workbook reads back as a "
            "ledger, with the pledge it belongs to, the figure it adds to the naive sum, and the findings that "
            "touch it.",
        ),
        (
            APART,
            "Each claim of a duplicate, ready to count as a pledge of its own: nothing while the duplicate is "
            "accepted or undecided; its own range once the duplicate is rejected. A claim apart keeps the "
            "findings that fall on every claim of its pledge; of those that come from what a claim says "
            f"({said}, an increase), only the ones its own claim says. Upload the report to have the findings "
            "worked out again for the claims apart.",
        ),
        (
            BY_YEAR,
            "Each pledge's nominal spread over the years it covers, to the cent (the years add back to the "
            "pledge), and the totals per year. Amount is what the pledge counts now in that year. Pledges with "
            "no known period count as unspecified.",
        ),
        (
            RULES,
            "The rules the formulas read: for each kind of finding and each decision, the cut it makes on the "
            "pledge it falls on, its cut of new money, whether a total then counts only beyond its pledges, "
            "whether an old level is subtracted, and the words for what it does.",
        ),
        (
            "Deciding in Excel",
            "The figures on Summary, Pledges, Claims apart and By year are formulas: change a Decision and they "
            "follow (in Excel, LibreOffice and other spreadsheets with MAXIFS). The Summary's second line says "
            "when a decision changed since the report was made, and when the figures need a re-upload. Upload "
            "the workbook back (to the command line or the web service) and the decisions you typed are read "
            "and kept, and a new report is written from them.",
        ),
        (
            "What stays a value",
            "The sentences to quote; what a total holds beyond its pledges (the Rest, which depends on the "
            "decisions about those pledges); the findings themselves (rejecting a duplicate may bring others "
            "about its claims); the If accepted and If rejected figures. The Summary says when a decision "
            "changed any of these: figures need a re-upload.",
        ),
        (
            "Numbers",
            "Money cells hold the exact figure; on the data sheets to the currency's minor unit, with the "
            "currency in its own column. Amounts are rounded to the minor unit per pledge, so that every "
            "breakdown adds back to the cent. Figures in the base currency are converted per pledge with your "
            "rates.",
        ),
        (
            "Text",
            "Everything from the ledger (donors, quotes, notes, URLs) is text, never a formula, whatever it "
            "begins with.",
        ),
    )


def write_read_me(book: Book, plan: Plan, written: datetime) -> None:
    """Write the Read me."""
    sheet = Sheet(book, READ_ME)
    sheet.columns(READ_ME_COLUMNS)
    sheet.page(landscape=False)
    look = book.style
    sheet.text(0, 0, "Read me", book.look_of("title", look.title))
    wrapped = book.wrapped()
    bold = book.look_of("topic", CellLook(bold=True), {"valign": "top", "text_wrap": True})
    width = sheet.look.width(READ_ME_COLUMNS[1][0], READ_ME_COLUMNS[1][1])
    row = 2
    for topic, text in _topics():
        sheet.text(row, 0, topic, bold)
        sheet.text(row, 1, text, wrapped)
        height = row_height(lines(text, width))
        if height and not book.plain:
            sheet.ws.set_row(row, height)
        row += 1
    row += 1
    if plan.result.warnings:
        sheet.text(row, 0, "Warnings", bold)
        for warning in plan.result.warnings:
            sheet.text(row, 1, str(warning), wrapped)
            row += 1
    sheet.text(row + 1, 0, "Written", bold)
    sheet.text(row + 1, 1, f"{written:%Y-%m-%d %H:%M} UTC")
