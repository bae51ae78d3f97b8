"""Server-side SVG bar charts (no JavaScript): distinct pledges by donor, pledges by year."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from ledger.core.money import AmountRange

from .figures import amount


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
