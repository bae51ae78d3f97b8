"""How figures look on the page: amounts in words, server-side SVG bar charts, sorted and filtered tables.

Presentation only: every figure comes from the reconciliation as ledger/ computed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup, escape

from ledger import Finding, Period
from ledger.core.money import AmountRange, describe_amount


def amount(value: Decimal | str, currency: str) -> str:
    """`USD 300m`, `USD 1.27bn`."""
    return describe_amount(Decimal(value), currency)


def exact(value: Decimal | str) -> str:
    """`300,000,000` (cents shown only when there are any)."""
    number = Decimal(value)
    return f"{number:,.2f}" if number != number.to_integral_value() else f"{number:,.0f}"


def when(moment: datetime | None) -> str:
    """`2024-06-01 14:03 UTC`."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def period_label(period: Period) -> str:
    """`2011`, `2011-2013`, `until 2011-06-22`; what the analyst typed when the span is unknown."""
    return period.label if period.known else (period.text or "unknown")


def explanation(finding: Finding) -> str:
    """The finding's message without the quoted claims appended to it (the page shows those side by side)."""
    cut = len(finding.message)
    for claim in finding.claims:
        at = finding.message.find(f" {claim} (")
        if 0 < at < cut:
            cut = at
    return finding.message[:cut].strip()


# ---- charts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    nominal: Decimal
    low: Decimal
    high: Decimal


def bars_from_ranges(items: Iterable[tuple[str, AmountRange]]) -> list[Bar]:
    """Bars for a by-donor (or by-recipient) breakdown, largest first."""
    bars = [Bar(label, r.nominal, r.low, r.high) for label, r in items]
    return sorted(bars, key=lambda b: (-b.nominal, b.label))


def bars_from_amounts(items: Iterable[tuple[str, Decimal]]) -> list[Bar]:
    """Bars for a by-year breakdown, in year order."""
    return [Bar(label, value, value, value) for label, value in items]


def bar_chart(title: str, bars: Sequence[Bar], currency: str) -> Markup:
    """A horizontal bar chart as inline SVG: the nominal figure as a bar, low to high as a line across it."""
    if not bars:
        return Markup("")
    row, label_width, chart_width, value_width = 30, 130, 250, 200
    width = label_width + chart_width + value_width
    height = row * len(bars) + 8
    top = max((b.high for b in bars), default=Decimal(0)) or Decimal(1)

    def x(value: Decimal) -> float:
        return label_width + float(value / top) * chart_width

    chart_id = "chart-" + "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{chart_id}">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * row
        label = bar.label if len(bar.label) <= 24 else bar.label[:23] + "…"
        figure = amount(bar.nominal, currency)
        if bar.low != bar.high:
            figure += f" ({amount(bar.low, currency)}–{amount(bar.high, currency)})"
        parts += [
            f'<text x="{label_width - 8}" y="{y + 20}" text-anchor="end" class="chart-label">{escape(label)}'
            f"<title>{escape(bar.label)}</title></text>",
            f'<rect x="{label_width}" y="{y + 6}" width="{max(x(bar.nominal) - label_width, 1):.1f}" height="20" '
            'rx="2" class="chart-bar"/>',
        ]
        if bar.low != bar.high:
            low, high = x(bar.low), x(bar.high)
            parts += [
                f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{y + 16}" y2="{y + 16}" class="chart-range"/>',
                f'<line x1="{low:.1f}" x2="{low:.1f}" y1="{y + 10}" y2="{y + 22}" class="chart-range"/>',
                f'<line x1="{high:.1f}" x2="{high:.1f}" y1="{y + 10}" y2="{y + 22}" class="chart-range"/>',
            ]
        parts.append(
            f'<text x="{label_width + chart_width + 8}" y="{y + 20}" class="chart-value">{escape(figure)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---- tables -------------------------------------------------------------------------------------------------


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, int | float | Decimal):
        return (0, Decimal(value))
    text = "" if value is None else str(value)
    try:
        return (0, Decimal(text))
    except (InvalidOperation, ValueError):
        return (1, text.casefold())


def sorted_filtered(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, sort: str, descending: bool, query: str
) -> list[Mapping[str, Any]]:
    """The rows whose text contains `query` (any column, ignoring case), sorted by column `sort`."""
    wanted = query.strip().casefold()
    kept = [r for r in rows if not wanted or any(wanted in str(r.get(c, "")).casefold() for c in columns)]
    if sort in columns:
        kept.sort(key=lambda r: _sort_key(r.get(sort)), reverse=descending)
    return kept


def approximation(word: str) -> str:
    """An approximation as written before a figure: "nearly", "more than"; nothing for an exact figure."""
    return "" if word == "exact" else word.replace("_", " ")


FILTERS = {
    "amount": amount,
    "exact": exact,
    "when": when,
    "explanation": explanation,
    "approximation": approximation,
}
