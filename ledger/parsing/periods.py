"""Periods as analysts type them: "2011", "2011-2013", "FY2011", "2011-06-22/P2Y", "over the next two years".

A period is the span the money covers (not the date it was announced). Relative periods ("this year")
are read against the source's date. Fiscal years are named by the year they end in (US convention).
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from ledger.core.model import Period
from ledger.core.problems import ParseError

__all__ = ["fiscal_year_label", "parse_period", "period_years", "year_shares"]

ONE_DAY = timedelta(days=1)
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 2199  # outside this, a year is a typo ("3011", "0211")

_EXAMPLES = (
    '"2011", "2011-2013", "2011/12", "FY2011", "2011-06", "2011-06-22/2013-06-21", "2011-06-22/P2Y", '
    '"up to 2011-06-22", "from 2011", "this year", "over the next two years", "by 2015", "unknown"'
)

_UNKNOWN_WORDS = frozenset({"", "unknown", "n/a", "na", "not stated", "not known", "none stated", "?"})

_NUMBER_WORDS: Mapping[str, int] = MappingProxyType(
    {
        word: number
        for number, word in enumerate(
            (
                *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
                *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
                *("eighteen", "nineteen", "twenty"),
            ),
            start=1,
        )
    }
)

_MONTH_NAMES: Mapping[str, int] = MappingProxyType(
    {
        **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
        **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
        "sept": 9,
    }
)


class _Unclear(Exception):
    """What is wrong with a period, said without the period's text (parse_period adds it)."""


def _check_fiscal_start(fiscal_year_start: int) -> None:
    if not 1 <= fiscal_year_start <= 12:
        raise ValueError(f"fiscal year start must be a month from 1 to 12, got {fiscal_year_start}")


# ---- dates -------------------------------------------------------------------------------------------


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one after "FY" ("FY11" is 2011, "FY99" is 1999)."""
    number = int(text)
    if len(text) == 2:
        number += 2000 if number < 70 else 1900
    if not _EARLIEST_YEAR <= number <= _LATEST_YEAR:
        expected = f"{_EARLIEST_YEAR} to {_LATEST_YEAR}"
        raise _Unclear(f"has the year {text}, which looks like a typo (expected {expected})")
    return number


def _day(year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise _Unclear(f"has month {month:02d}, which does not exist (months are 01 to 12)")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise _Unclear(
            f"has {year}-{month:02d}-{day:02d}, which is not a date ({name} {year} has {last} days)"
        )
    return date(year, month, day)


def _month_span(year: int, month: int) -> tuple[date, date]:
    start = _day(year, month, 1)
    return start, date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> tuple[date, bool]:
    """`day` moved by whole months, clamped to the month's end; True when it was clamped."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last)), day.day > last


def _span_end(start: date, months: int = 0, days: int = 0) -> date:
    """The last day of a span of `months` and `days` from `start`: 2011-06-22 + 2 years -> 2013-06-21."""
    moved, clamped = _add_months(start, months)
    end = moved if clamped else moved - ONE_DAY  # from Feb 29, one year runs to Feb 28
    return end + timedelta(days=days)


def _span_start(end: date, months: int = 0, days: int = 0) -> date:
    """The first day of a span of `months` and `days` ending on `end`: P2Y/2013-06-21 -> 2011-06-22."""
    after = end + ONE_DAY - timedelta(days=days)
    return _add_months(after, -months)[0]


def _calendar_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _fiscal_year_starting(year: int, fiscal_year_start: int) -> tuple[date, date]:
    start = date(year, fiscal_year_start, 1)
    return start, _span_end(start, months=12)


def _fiscal_year_ending(year: int, fiscal_year_start: int) -> tuple[date, date]:
    """FY2011: the fiscal year that ends in 2011 (with an October start, 2010-10-01..2011-09-30)."""
    if fiscal_year_start == 1:
        return _calendar_year(year)
    return _fiscal_year_starting(year - 1, fiscal_year_start)


def _fiscal_year_containing(day: date, fiscal_year_start: int) -> tuple[date, date]:
    year = day.year if day.month >= fiscal_year_start else day.year - 1
    return _fiscal_year_starting(year, fiscal_year_start)


# ---- one point in time: "2011", "2011-06", "2011-06-22", "FY2011", "June 2011" -----------------------

_FY = r"fy\s?(\d{4}|\d{2})"


def _split_year(first: str, second: str) -> int:
    """The first year of a "2011/12" pair, checking that the second is the year after."""
    year = _year(first)
    expected = str(year + 1)[-len(second) :]
    if second != expected:
        raise _Unclear(f'should name two years in a row, e.g. "{first}/{expected}"')
    return year


def _point(text: str, fiscal_year_start: int) -> tuple[date, date]:
    """The first and last day of a point in time."""
    if match := re.fullmatch(r"(\d{4})", text):
        return _calendar_year(_year(match[1]))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return _month_span(_year(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        day = _day(_year(match[1]), int(match[2]), int(match[3]))
        return day, day
    if match := re.fullmatch(_FY, text):
        return _fiscal_year_ending(_year(match[1]), fiscal_year_start)
    if match := re.fullmatch(_FY + r"\s?[/-]\s?(\d{4}|\d{2})", text):
        if "-" in text:
            raise _Unclear(
                'could be one fiscal year or two: write "FY2011/12" for the fiscal year starting in 2011, '
                'or "FY2011 to FY2012" for two fiscal years'
            )
        return _fiscal_year_starting(_split_year(match[1], match[2]), fiscal_year_start)
    if match := re.fullmatch(r"(\d{4})/(\d{2}|\d{4})", text):
        year = _split_year(match[1], match[2])
        if fiscal_year_start == 1:
            return date(year, 1, 1), date(year + 1, 12, 31)
        return _fiscal_year_starting(year, fiscal_year_start)
    if (match := re.fullmatch(r"([a-z]+)\.?,? (\d{4})", text)) and match[1] in _MONTH_NAMES:
        return _month_span(_year(match[2]), _MONTH_NAMES[match[1]])
    if (match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?,? (\d{4})", text)) and (
        match[2] in _MONTH_NAMES
    ):
        day = _day(_year(match[3]), _MONTH_NAMES[match[2]], int(match[1]))
        return day, day
    if (match := re.fullmatch(r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", text)) and (
        match[1] in _MONTH_NAMES
    ):
        day = _day(_year(match[3]), _MONTH_NAMES[match[1]], int(match[2]))
        return day, day
    raise _Unclear(f"is not understood; expected e.g. {_EXAMPLES}")


# ---- ISO 8601 intervals: "2011-06-22/2013-06-21", "2011-06-22/P2Y", "../2011-06-22" ---------------------

_DURATION = re.compile(r"p(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?")


def _duration(text: str) -> tuple[int, int] | None:
    """An ISO 8601 duration as (months, days), or None when `text` is not one."""
    match = _DURATION.fullmatch(text)
    if not match or text == "p":
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    if years == months == weeks == days == 0:
        raise _Unclear("has a duration of zero")
    return years * 12 + months, weeks * 7 + days


def _interval(first: str, second: str, fiscal_year_start: int) -> tuple[date | None, date | None]:
    first_duration, second_duration = _duration(first), _duration(second)
    if first_duration and second_duration:
        raise _Unclear('has two durations; an interval needs at least one date, e.g. "2011-06-22/P2Y"')
    if first_duration:
        if second == "..":
            raise _Unclear('has a duration with an open end; give a date, e.g. "P2Y/2013-06-21"')
        last = _point(second, fiscal_year_start)[1]
        return _span_start(last, *first_duration), last
    start = None if first == ".." else _point(first, fiscal_year_start)[0]
    if second_duration:
        if start is None:
            raise _Unclear('has a duration with an open start; give a date, e.g. "2011-06-22/P2Y"')
        return start, _span_end(start, *second_duration)
    end = None if second == ".." else _point(second, fiscal_year_start)[1]
    return start, end


# ---- relative to the source's date --------------------------------------------------------------------

_COUNT = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"
_NEXT_ONE = re.compile(r"(?:in|for|over|within|during) the (?:next|coming|following) (year|month)")
_NEXT_SPAN = re.compile(
    r"(?:(?:in|for|over|within|during) )?(?:the )?(?:next|coming|following) " + _COUNT + r" (years?|months?)"
)
_OVER_SPAN = re.compile(r"(?:over|for|within|during) " + _COUNT + r" (years?|months?)")
_RELATIVE_YEAR = re.compile(
    r"(?:(?:in|for|during) )?(this|the current|current|next|the next|the coming|last|the last|previous|"
    r"the previous) (fiscal year|fy|year)"
)
_BY = re.compile(r"by (?:the end of |end of |end-)?(.+)")
_TO_DATE = frozenset({"to date", "so far", "until now", "up to now"})
_YEAR_OFFSETS: Mapping[str, int] = MappingProxyType(
    {"this": 0, "current": 0, "next": 1, "coming": 1, "last": -1, "previous": -1}
)


def _count(word: str) -> int:
    number = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    if number == 0:
        raise _Unclear("spans zero years")
    return number


def _relative(
    text: str, source_date: date | None, fiscal_year_start: int
) -> tuple[date | None, date | None] | None:
    """A period said relative to the source's date, or None when `text` is not one."""
    one = _NEXT_ONE.fullmatch(text)
    span = _NEXT_SPAN.fullmatch(text) or _OVER_SPAN.fullmatch(text)
    relative_year = _RELATIVE_YEAR.fullmatch(text)
    by = _BY.fullmatch(text)
    if not (one or span or relative_year or by or text in _TO_DATE):
        return None
    if source_date is None:
        raise _Unclear(
            "needs the source's date, because it is said relative to when it was said; "
            'give the source a date or type the years, e.g. "2011"'
        )
    if one or span:
        count, unit = (1, one[1]) if one else (_count(span[1]), span[2]) if span else (0, "")
        months = count * 12 if unit.startswith("year") else count
        return source_date, _span_end(source_date, months)
    if relative_year:
        offset = _YEAR_OFFSETS[relative_year[1].split()[-1]]
        if relative_year[2] == "year":
            return _calendar_year(source_date.year + offset)
        start = _fiscal_year_containing(source_date, fiscal_year_start)[0]
        return _fiscal_year_starting(start.year + offset, fiscal_year_start)
    if by:
        return source_date, _point(by[1], fiscal_year_start)[1]
    return None, source_date


# ---- the whole text ------------------------------------------------------------------------------------

_OPEN_START = re.compile(r"(up to|until|till|through|to|before|no later than|ending) (.+)")
_OPEN_END = re.compile(r"(from|since|starting|starting in|starting from|beginning|beginning in|after) (.+)")
_RANGE_WORDS = r"(?:to|until|till|through|thru|and)"
_FROM_TO = re.compile(r"(?:from|between) (.+?) " + _RANGE_WORDS + r" (.+)")
_TO = re.compile(r"(.+?) " + _RANGE_WORDS + r" (.+)")
_YEAR_RANGE = re.compile(r"(\d{4})-(\d{4})")
_FY_RANGE = re.compile(_FY + r"-(fy\s?)?(\d{4}|\d{2})")
_IN = re.compile(r"(?:in|during|for|in the year|for the year|calendar year|cy) (.+)")


def _range(first: str, second: str, fiscal_year_start: int) -> tuple[date, date]:
    start = _point(first, fiscal_year_start)[0]
    end = _point(second, fiscal_year_start)[1]
    return start, end


def _normalize(text: str) -> str:
    text = text.lower().replace("\u2013", "-").replace("\u2014", "-").replace("\u2011", "-")
    text = text.replace("\u2212", "-").replace("\u00a0", " ")
    text = " ".join(text.split())
    text = re.sub(r"(?<!\.)\.$", "", text)  # a full stop, but not the ".." of an open end
    text = re.sub(r"\s*([-/])\s*", r"\1", text)
    text = re.sub(r"\bfiscal(?: year)? ?(\d)", r"fy\1", text)  # "fiscal year 2011", "fiscal 2011"
    return text


def _span(text: str, source_date: date | None, fiscal_year_start: int) -> tuple[date | None, date | None]:
    relative = _relative(text, source_date, fiscal_year_start)
    if relative is not None:
        return relative
    if match := _IN.fullmatch(text):
        return _span(match[1], source_date, fiscal_year_start)
    if match := _FROM_TO.fullmatch(text):
        return _range(match[1], match[2], fiscal_year_start)
    if match := _OPEN_START.fullmatch(text):
        bounds = _point(match[2], fiscal_year_start)
        return None, bounds[0] - ONE_DAY if match[1] == "before" else bounds[1]
    if match := _OPEN_END.fullmatch(text):
        bounds = _point(match[2], fiscal_year_start)
        return bounds[1] + ONE_DAY if match[1] == "after" else bounds[0], None
    if match := _TO.fullmatch(text):
        return _range(match[1], match[2], fiscal_year_start)
    if match := _YEAR_RANGE.fullmatch(text):
        return _range(match[1], match[2], fiscal_year_start)
    if (match := _FY_RANGE.fullmatch(text)) and (match[2] or not _is_next_year(match[1], match[3])):
        return _range(f"fy{match[1]}", f"fy{match[3]}", fiscal_year_start)
    if text.count("/") == 1 and not re.fullmatch(r"(?:fy)?\d{4}/\d{2}|(?:fy)?\d{4}/\d{4}", text):
        first, second = text.split("/")
        return _interval(first, second, fiscal_year_start)
    if (match := re.fullmatch(r"(\d{4})/(\d{4})", text)) and int(match[2]) != int(match[1]) + 1:
        return _range(match[1], match[2], fiscal_year_start)  # an ISO interval of whole years
    return _point(text, fiscal_year_start)


def _is_next_year(first: str, second: str) -> bool:
    return len(second) <= len(first) and str(_year(first) + 1).endswith(second)


def parse_period(text: str, *, source_date: date | None = None, fiscal_year_start: int = 1) -> Period:
    """Read the span the money covers from what an analyst typed; ParseError when it is not understood.

    Relative periods ("this year", "over the next two years", "by 2015") need `source_date`.
    `fiscal_year_start` is the month fiscal years start in (1: calendar years).
    """
    _check_fiscal_start(fiscal_year_start)
    original = text.strip()
    key = _normalize(original)
    if key in _UNKNOWN_WORDS or key.startswith("unknown"):
        return Period(text=original)
    try:
        start, end = _span(key, source_date, fiscal_year_start)
    except _Unclear as unclear:
        raise ParseError(f'period "{original}" {unclear}') from None
    if start is None and end is None:
        return Period(text=original)  # "../..": open at both ends says nothing
    if start is not None and end is not None and start > end:
        raise ParseError(
            f'period "{original}" starts after it ends ({start.isoformat()} is after {end.isoformat()})'
        )
    return Period(start, end, text=original)


def period_years(period: Period) -> int | None:
    """How many years a bounded period spans, to the nearest whole year and at least 1; None if not bounded.

    2011-01-01..2020-12-31 is 10, 2011-06-22..2013-06-21 is 2, 18 months is 2, a year or less is 1.
    """
    if period.start is None or period.end is None:
        return None
    after = period.end + ONE_DAY
    months = (after.year - period.start.year) * 12 + after.month - period.start.month
    if _add_months(period.start, months)[0] > after:
        months -= 1
    leftover_days = (after - _add_months(period.start, months)[0]).days
    # Whole months plus the days left over (a month is 487/16 = 30.4375 days), in years, half up.
    total_months = Fraction(months) + Fraction(leftover_days * 16, 487)
    return max(1, math.floor(total_months / 12 + Fraction(1, 2)))


def fiscal_year_label(day: date, fiscal_year_start: int) -> str:
    """The year `day` falls in: "2011" for calendar years, else "FY2012" (named by the year it ends in)."""
    _check_fiscal_start(fiscal_year_start)
    if fiscal_year_start == 1:
        return str(day.year)
    return f"FY{day.year + 1 if day.month >= fiscal_year_start else day.year}"


def year_shares(period: Period, fiscal_year_start: int = 1) -> tuple[tuple[str, int], ...]:
    """The calendar or fiscal years a bounded period touches, each with the period's days in it, in order.

    The days add up to the period's length; () when the period is not bounded.
    """
    _check_fiscal_start(fiscal_year_start)
    if period.start is None or period.end is None:
        return ()
    shares: list[tuple[str, int]] = []
    cursor = period.start
    while cursor <= period.end:
        last = min(_fiscal_year_containing(cursor, fiscal_year_start)[1], period.end)
        shares.append((fiscal_year_label(cursor, fiscal_year_start), (last - cursor).days + 1))
        cursor = last + ONE_DAY
    return tuple(shares)


def year_weights(period: Period, fiscal_year_start: int = 1) -> tuple[tuple[str, Decimal], ...]:
    """The years a bounded period touches, each with the share of that year it covers (a full year is 1).

    Spreading money by these weights gives every full year the same amount ("$200m a year" is 200m
    in 2012, a leap year, too) and part-years their share. () when the period is not bounded.
    """
    _check_fiscal_start(fiscal_year_start)
    if period.start is None or period.end is None:
        return ()
    weights: list[tuple[str, Decimal]] = []
    cursor = period.start
    while cursor <= period.end:
        year_start, year_end = _fiscal_year_containing(cursor, fiscal_year_start)
        last = min(year_end, period.end)
        covered = Decimal((last - cursor).days + 1) / Decimal((year_end - year_start).days + 1)
        weights.append((fiscal_year_label(cursor, fiscal_year_start), covered))
        cursor = last + ONE_DAY
    return tuple(weights)
