"""Bar charts as plain HTML (no JavaScript, no inline style): distinct pledges by donor, pledges by year.

Each bar is a row of text a phone can read at its own size: the name, the bar (its width a class from
style.css, `w0` to `w100`, so the page's Content-Security-Policy needs no inline style), the low-to-high
range as a line over it, and the figure. The donors beyond the largest twelve are one "others" bar; a
bar of nothing (a total over donors that counts only what it holds beyond its pledges, say) is not drawn.
Each bar links to the pledges and claims behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ledger.core.money import AmountRange

from .figures import amount

TOP_DONORS = 12


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, figures, widths in percent of the chart, and where it leads."""

    label: str
    nominal: Decimal
    low: Decimal
    high: Decimal
    figure: str  # "USD 300m"
    range: str  # "270m–330m" (nothing when the figure is exact)
    width: int  # the nominal bar, 0-100
    range_start: int  # the low-to-high line, 0-100
    range_width: int
    href: str | None = None
    others: int = 0  # how many donors an "others" bar stands for


@dataclass(frozen=True, slots=True)
class Chart:
    """A titled list of bars."""

    title: str
    bars: tuple[Bar, ...]
    note: str = ""  # what was left out, in words

    def __bool__(self) -> bool:
        return bool(self.bars)


def _percent(value: Decimal, top: Decimal) -> int:
    if top <= 0 or value <= 0:
        return 0
    return max(1, min(100, int((value / top * 100).to_integral_value())))


def _short(value: Decimal, currency: str) -> str:
    return amount(value, currency).removeprefix(currency).strip()


def _bars(
    items: list[tuple[str, Decimal, Decimal, Decimal, int]], currency: str, link: Callable[[str], str | None]
) -> tuple[Bar, ...]:
    # the scale is the largest bar but the "others" one (which is drawn as a figure only)
    top = max((high for _, _, _, high, others in items if not others), default=Decimal(0))
    bars = []
    for label, low, nominal, high, others in items:
        figure = amount(nominal, currency)
        spread = f"{_short(low, currency)}\u2013{_short(high, currency)}" if low != high else ""
        start = _percent(low, top) if low > 0 else 0
        bars.append(
            Bar(
                label=label,
                nominal=nominal,
                low=low,
                high=high,
                figure=figure,
                range=spread,
                width=0 if others else _percent(nominal, top),
                range_start=start,
                range_width=max(_percent(high, top) - start, 0) if low != high and not others else 0,
                href=None if others else link(label),
                others=others,
            )
        )
    return tuple(bars)


def donor_chart(
    title: str,
    by_donor: Iterable[tuple[str, AmountRange]],
    currency: str,
    link: Callable[[str], str | None],
    top: int = TOP_DONORS,
) -> Chart:
    """The `top` donors by distinct nominal, the rest as one "others" bar; nothing-bars left out."""
    shown = sorted(
        ((d, r) for d, r in by_donor if r.nominal or r.high), key=lambda item: (-item[1].nominal, item[0])
    )
    items = [(d, r.low, r.nominal, r.high, 0) for d, r in shown[:top]]
    rest = shown[top:]
    if rest:
        total = sum((r for _, r in rest), AmountRange.zero())
        label = f"{len(rest)} other donor{'s' if len(rest) != 1 else ''}"
        items.append((label, total.low, total.nominal, total.high, len(rest)))
    return Chart(title, _bars(items, currency, link))


def year_chart(
    title: str, by_year: Iterable[tuple[str, Decimal]], currency: str, link: Callable[[str], str | None]
) -> Chart:
    """Each year's share of the distinct pledges, in year order ("unspecified" last); empty years left out."""
    years = [(y, v) for y, v in by_year if v]
    years.sort(key=lambda item: (item[0] == "unspecified", item[0]))
    return Chart(title, _bars([(y, v, v, v, 0) for y, v in years], currency, link))
