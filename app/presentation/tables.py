"""Paged, filtered, sorted tables: only the rows of one page are ever made.

Filters read what analysts type: text is searched in every column the table shows and in the quotes;
an amount as analysts write it ("300m", "USD 1bn", "$1.2 bn", "more than 200m", "> 1bn", "about 300m")
finds the figures it names. Sorting is by real values: amounts by number, periods by their dates, ids in
their natural order (C2 before C10).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from ledger import Approximation, Period, parse_amount
from ledger.core.problems import ParseError

Row = TypeVar("Row")
PAGE_SIZE = 25
# an approximate figure ("about 300m") finds what lies within this share of it
NEAR = Decimal("0.10")
_COMPARISONS = ((">=", "ge"), ("<=", "le"), ("≥", "ge"), ("≤", "le"), (">", "gt"), ("<", "lt"))


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A key sorting text as people do: "C2" before "C10"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def period_key(period: Period) -> tuple[int, int, int]:
    """Periods by their dates: the start, then the end (an open start first, an open end last, an unknown
    period after every known one)."""
    if not period.known:
        return (1, 0, 0)
    return (
        0,
        period.start.toordinal() if period.start else 0,
        period.end.toordinal() if period.end else 10**7,
    )


@dataclass(frozen=True, slots=True)
class AmountQuery:
    """The figures an amount typed in a filter finds: from `low` to `high` (either open), in `currency`
    (any when None)."""

    low: Decimal | None
    high: Decimal | None
    currency: str | None
    strict_low: bool = False
    strict_high: bool = False

    def finds(self, low: Decimal, high: Decimal, currency: str) -> bool:
        """Whether a figure from `low` to `high` in `currency` is one this query names."""
        if self.currency is not None and currency != self.currency:
            return False
        if self.low is not None and (high <= self.low if self.strict_low else high < self.low):
            return False
        return not (self.high is not None and (low >= self.high if self.strict_high else low > self.high))


def amount_query(text: str) -> AmountQuery | None:
    """The amount a filter names, or None when it is not an amount ("world bank", or a bare "2011", which
    is a year as likely as a figure)."""
    typed = text.strip()
    comparison = ""
    for sign, name in _COMPARISONS:
        if typed.startswith(sign):
            comparison, typed = name, typed[len(sign) :].strip()
            break
    if not typed or not any(ch.isdigit() for ch in typed):
        return None
    try:
        parsed = parse_amount(typed)
    except (ParseError, ValueError, ArithmeticError):
        return None
    plain = parsed.currency is None and not parsed.bare_dollar and not re.search(r"[a-zA-Z]", typed)
    if plain and parsed.approximation is None and not comparison and parsed.value < 10_000:
        return None
    currency = parsed.currency or ("USD" if parsed.bare_dollar else None)
    value = parsed.value
    if comparison:
        return AmountQuery(
            value if comparison in {"ge", "gt"} else None,
            value if comparison in {"le", "lt"} else None,
            currency,
            strict_low=comparison == "gt",
            strict_high=comparison == "lt",
        )
    word = parsed.approximation
    if word is Approximation.MORE_THAN:
        return AmountQuery(value, None, currency)
    if word is Approximation.UP_TO:
        return AmountQuery(None, value, currency)
    if word in {Approximation.ABOUT, Approximation.NEARLY}:
        return AmountQuery(
            value * (1 - NEAR), value * (1 + NEAR) if word is Approximation.ABOUT else value, currency
        )
    return AmountQuery(value, value, currency)


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    """A sortable column: its key (the query parameter), heading, and the value it sorts by."""

    key: str
    heading: str
    sort_by: Callable[[Row], object]
    numeric: bool = False


@dataclass(frozen=True, slots=True)
class Paged(Generic[Row]):
    """One page of a table's rows, with how it was filtered and sorted."""

    prefix: str
    rows: tuple[Row, ...]
    matched: int  # rows the filter kept
    total: int  # rows in all
    page: int
    pages: int
    size: int
    sort: str
    descending: bool
    query: str
    amount: AmountQuery | None

    @property
    def first(self) -> int:
        """The number of the first row shown (1-based; 0 when none)."""
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """The number of the last row shown."""
        return self.first + len(self.rows) - 1 if self.rows else 0


def page_number(value: str | None) -> int:
    """A page number from a query parameter (1 when missing or not a positive number)."""
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return min(max(number, 1), 10**6)


def paged(
    prefix: str,
    rows: Sequence[Row],
    columns: Sequence[Column[Row]],
    *,
    text_of: Callable[[Row], str],
    figure_of: Callable[[Row], tuple[Decimal, Decimal, str]],
    query: str = "",
    sort: str = "",
    descending: bool = False,
    page: int = 1,
    size: int = PAGE_SIZE,
    total: int | None = None,
) -> Paged[Row]:
    """The page `page` of `rows` that match `query` (an amount, as `figure_of` gives each row's: low, high,
    currency; else text, in `text_of`), sorted by the column keyed `sort`."""
    wanted = query.strip()
    amount = amount_query(wanted) if wanted else None
    folded = wanted.casefold()
    kept: list[Row] = list(rows)
    if amount is not None:  # a figure finds figures (not the quotes that mention it)
        kept = [r for r in kept if amount.finds(*figure_of(r))]
    elif wanted:
        kept = [r for r in kept if folded in text_of(r).casefold()]
    column = next((c for c in columns if c.key == sort), None)
    if column is not None:
        key = column.sort_by
        kept.sort(key=key, reverse=descending)  # type: ignore[arg-type]
    pages = max(1, -(-len(kept) // size))
    page = min(page, pages)
    start = (page - 1) * size
    return Paged(
        prefix=prefix,
        rows=tuple(kept[start : start + size]),
        matched=len(kept),
        total=len(rows) if total is None else total,
        page=page,
        pages=pages,
        size=size,
        sort=column.key if column else "",
        descending=descending,
        query=wanted,
        amount=amount,
    )
