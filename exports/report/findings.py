"""The Findings sheet: one row per finding, the most at stake first, with its Decision to type.

What the engine found, in words apart from the evidence (the quotes are on the Evidence sheet); what each
decision does, in words and as the figure the pledge would then count; and the Decision cell,
highlighted, with a drop-down. The helper columns that follow (grouped, folded away) are how the decision
reaches the totals: Read as (the Decision's words as the totals read them), and what the How findings
count table says that decision does to the pledge the finding falls on.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name  # type: ignore[import-untyped]

from ledger.core.findings import FindingKind
from ledger.engine.effects import EFFECTS
from ledger.workbook.layout import DECISION_CHOICES

from .book import Book, Sheet, lines, row_height
from .cells import Kind, Link, Spec
from .formulas import FINDINGS_TABLE, finding_formulas
from .look import (
    EVIDENCE,
    FINDING_COLUMNS,
    FINDING_HELPERS,
    FINDING_PRINTED,
    FINDINGS,
    fit_width,
)
from .plan import STALE_KIND, FindingRow, Plan

__all__ = ["KIND_COLOURS", "STALE_KIND", "write_findings"]

KIND_COLOURS = {
    FindingKind.DUPLICATE: "#DDEBF7",
    FindingKind.CONTAINED: "#E2EFDA",
    FindingKind.AGGREGATE: "#FFF2CC",
    FindingKind.AGGREGATE_TOO_SMALL: "#FCE4D6",
    FindingKind.REPACKAGED: "#EDE1F5",
    FindingKind.BASELINE: "#D9E1F2",
    FindingKind.ALREADY_PROVIDED: "#EDEDED",
    FindingKind.UNIT_ERROR: "#F8CBAD",
    FindingKind.OTHER_CURRENCY: "#FFE699",
    FindingKind.POSSIBLE_DUPLICATE: "#EAF3FB",
    FindingKind.PREVIOUSLY_ANNOUNCED: "#F6EEFA",
    FindingKind.CONVERTED: "#FFF8DC",
    FindingKind.PROPOSED: "#DDF2EF",
    FindingKind.MISREPORT: "#F4CCCC",
}
DECISION_FILL = "#FFF9C4"
_WRAPPED = ("Note", "Explanation", "What it does", "Claims", "Pledges", "Rule", "Finding ID", "Kind")
_MONEY = {"Amount at stake", "If accepted", "If rejected"}
_OLD_LEVELS = {"Old level low", "Old level nominal", "Old level high"}
_NUMBERS = {"Re-upload if changed"}


def _height(row: FindingRow, explanation: str, widths: dict[str, float]) -> float | None:
    texts = (
        ("Explanation", explanation),
        ("What it does", row.words),
        ("Note", row.finding.note if row.finding else ""),
        ("Finding ID", row.id),
    )
    return row_height(max(lines(text, widths[header]) for header, text in texts))


def write_findings(book: Book, plan: Plan) -> None:
    """Write the Findings sheet."""
    sheet = Sheet(book, FINDINGS)
    columns = FINDING_COLUMNS + FINDING_HELPERS
    n = len(plan.findings)
    largest = float(max((r.finding.amount_at_stake for r in plan.findings if r.finding), default=0))
    widths = {h: sheet.look.width(h, w) for h, w in columns}
    for header in _OLD_LEVELS:
        widths[header] = fit_width(widths[header], largest)
    sheet.columns(FINDING_COLUMNS, widths=widths, helpers=FINDING_HELPERS)
    sheet.table(FINDINGS_TABLE, 0, n, columns)
    sheet.freeze(1)
    sheet.page(repeat=(0, 0), area=(0, 0, max(n, 1), FINDING_PRINTED - 1))
    col = {header: xl_col_to_name(index) for index, (header, _) in enumerate(columns)}
    formulas = finding_formulas(col)
    wrapped, quoted = book.wrapped(), book.quoted(wrap=True)
    decision = book.format(
        ("decision",), {"bg_color": DECISION_FILL, "pattern": 1, "border": 1, "bold": True, "valign": "top"}
    )
    specs = []
    for header, _ in columns:
        if header in formulas:
            text = header in ("Read as",)
            specs.append(Spec(Kind.FORMULA, book.top() if text else book.centred(), formulas[header]))
        elif header in _MONEY:
            specs.append(Spec(Kind.MONEY, styles=lambda cur: book.scaled(cur)))
        elif header in _OLD_LEVELS:
            specs.append(Spec(Kind.MONEY, styles=book.exact))
        elif header in _NUMBERS:
            specs.append(Spec(Kind.NUMBER, book.centred()))
        elif header == "Decision":
            specs.append(Spec(Kind.TEXT, decision, quoted=decision, blank=True))
        elif header == "Evidence":
            specs.append(Spec(Kind.LINK))
        elif header in _WRAPPED:
            specs.append(Spec(Kind.TEXT, wrapped, quoted=quoted))
        else:
            specs.append(Spec(Kind.TEXT, book.top(), quoted=book.quoted()))
    rows = sheet.rows(specs, n)
    for index, row in enumerate(plan.findings, start=1):
        explanation = plan.explanation(row)
        rows.write(
            index,
            _cells(row, explanation),
            currency=row.finding.currency if row.finding else "",
            height=_height(row, explanation, widths),
        )
    if book.plain:
        return
    decision_col = [h for h, _ in columns].index("Decision")
    sheet.ws.data_validation(
        1,
        decision_col,
        max(n, 1) + 500,
        decision_col,
        {
            "validate": "list",
            "source": list(DECISION_CHOICES),
            "ignore_blank": True,
            "error_type": "warning",
            "error_title": "Decision",
            "error_message": "Write accept or reject, or leave the cell blank (undecided).",
            "input_title": "Decision",
            "input_message": "accept or reject; blank means undecided. The totals follow.",
        },
    )
    headers = [h for h, _ in columns]
    kind_col = xl_col_to_name(headers.index("Kind"))
    last = max(n, 1) + 1
    # the kind's colour on the row, but not on the Decision cell: that stays highlighted
    ranges = f"A2:{xl_col_to_name(decision_col - 1)}{last} {xl_col_to_name(decision_col + 1)}2:{xl_col_to_name(FINDING_PRINTED - 1)}{last}"
    for kind, colour in KIND_COLOURS.items():
        fmt = book.format(("kind", kind), {"bg_color": colour})
        sheet.ws.conditional_format(
            1,
            0,
            max(n, 1),
            FINDING_PRINTED - 1,
            {
                "type": "formula",
                "criteria": f'=${kind_col}2="{EFFECTS[kind].label}"',
                "format": fmt,
                "multi_range": ranges,
            },
        )


def _cells(row: FindingRow, explanation: str) -> list[object]:
    f, d, move = row.finding, row.decision, row.move
    first, count = row.evidence
    evidence = (
        Link(f"internal:'{EVIDENCE}'!A{first + 2}", f"{count} claim{'s' if count != 1 else ''}")
        if count
        else None
    )
    verdict = f.decision.value if f is not None and f.decision else (d.verdict.value if d else "")
    old = move.old_level if move is not None else None
    state = row.state.value
    return [
        row.id,
        row.label,
        f.amount_at_stake if f is not None else None,
        verdict,
        f.note if f is not None else (d.note if d else ""),
        explanation,
        row.words,
        row.if_accepted,
        row.if_rejected,
        evidence,
        f.currency if f is not None else "",
        ", ".join(f.claims) if f is not None else "",
        ", ".join(f.pledges()) if f is not None else "",
        f.rule if f is not None else "",
        d.by if d else "",
        d.at if d else "",
        # helpers
        state,
        state,
        0,
        move.target if move is not None else "",
        row.said_by,
        move.rule.cut if move is not None else 0,
        move.rule.new_money_cut if move is not None else 0,
        move.rule.total_applies if move is not None else 0,
        move.increase if move is not None else "",
        move.rule.old_level_applies if move is not None else 0,
        old.low if old is not None else None,
        old.nominal if old is not None else None,
        old.high if old is not None else None,
        row.reupload_if_changed,
        0,
    ]
