from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.model import Period
from ledger.core.problems import ParseError
from ledger.parsing.periods import fiscal_year_label, parse_period, period_years, year_shares

SOURCE_DATE = date(2011, 6, 22)


def span(text: str, fiscal_year_start: int = 1, source_date: date | None = SOURCE_DATE) -> str:
    """The parsed period as an ISO interval, for compact expectations."""
    return parse_period(text, source_date=source_date, fiscal_year_start=fiscal_year_start).iso()


@pytest.mark.parametrize(
    "text",
    ["", "  ", "unknown", "Unknown", "N/A", "not stated", "unknown (pledged at the conference)", "../.."],
)
def test_unknown_periods_keep_their_text(text: str) -> None:
    period = parse_period(text)
    assert not period.known
    assert period.text == text.strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2011", "2011-01-01/2011-12-31"),
        (" 2011 ", "2011-01-01/2011-12-31"),
        ("in 2010", "2010-01-01/2010-12-31"),
        ("2011-2013", "2011-01-01/2013-12-31"),
        ("2011 – 2013", "2011-01-01/2013-12-31"),
        ("2011—2013", "2011-01-01/2013-12-31"),
        ("2011 to 2013", "2011-01-01/2013-12-31"),
        ("from 2011 to 2013", "2011-01-01/2013-12-31"),
        ("between 2011 and 2013", "2011-01-01/2013-12-31"),
        ("2011/12", "2011-01-01/2012-12-31"),
        ("2011/2012", "2011-01-01/2012-12-31"),
        ("2011/2013", "2011-01-01/2013-12-31"),
        ("2011-06", "2011-06-01/2011-06-30"),
        ("2012-02", "2012-02-01/2012-02-29"),
        ("June 2011", "2011-06-01/2011-06-30"),
        ("22 June 2011", "2011-06-22/2011-06-22"),
        ("June 22, 2011", "2011-06-22/2011-06-22"),
        ("2011-06/2013-06", "2011-06-01/2013-06-30"),
        ("2011-06-22/2013-06-21", "2011-06-22/2013-06-21"),
        ("2011-06-22/P2Y", "2011-06-22/2013-06-21"),
        ("2011-06-22/P6M", "2011-06-22/2011-12-21"),
        ("2011-06-22/P10D", "2011-06-22/2011-07-01"),
        ("P2Y/2013-06-21", "2011-06-22/2013-06-21"),
        ("../2011-06-22", "../2011-06-22"),
        ("2011-06-22/..", "2011-06-22/.."),
        ("2011-06-22", "2011-06-22/2011-06-22"),
        ("up to 2011-06-22", "../2011-06-22"),
        ("Up to  2011-06-22", "../2011-06-22"),
        ("until 2011", "../2011-12-31"),
        ("before 2011-06-22", "../2011-06-21"),
        ("before 2011", "../2010-12-31"),
        ("from 2011", "2011-01-01/.."),
        ("since 2011-06", "2011-06-01/.."),
        ("FY2011", "2011-01-01/2011-12-31"),
        ("2012-02-29/P1Y", "2012-02-29/2013-02-28"),
    ],
)
def test_absolute_periods(text: str, expected: str) -> None:
    assert span(text, source_date=None) == expected


def test_text_is_the_stripped_original() -> None:
    assert parse_period("  FY 2011 ", fiscal_year_start=10).text == "FY 2011"


@pytest.mark.parametrize(
    ("text", "fiscal_year_start", "expected"),
    [
        ("2011/12", 10, "2011-10-01/2012-09-30"),
        ("2011/2012", 4, "2011-04-01/2012-03-31"),
        ("FY2011", 10, "2010-10-01/2011-09-30"),
        ("FY 2011", 10, "2010-10-01/2011-09-30"),
        ("fy11", 10, "2010-10-01/2011-09-30"),
        ("fiscal year 2011", 10, "2010-10-01/2011-09-30"),
        ("FY2011/12", 4, "2011-04-01/2012-03-31"),
        ("FY2011/12", 1, "2011-01-01/2011-12-31"),
        ("FY2011-FY2013", 10, "2010-10-01/2013-09-30"),
        ("FY2011-2013", 10, "2010-10-01/2013-09-30"),
        ("FY2011 to FY2012", 7, "2010-07-01/2012-06-30"),
    ],
)
def test_fiscal_years(text: str, fiscal_year_start: int, expected: str) -> None:
    assert span(text, fiscal_year_start, source_date=None) == expected


@pytest.mark.parametrize(
    ("text", "fiscal_year_start", "expected"),
    [
        ("this year", 1, "2011-01-01/2011-12-31"),
        ("This Year", 1, "2011-01-01/2011-12-31"),
        ("next year", 1, "2012-01-01/2012-12-31"),
        ("last year", 1, "2010-01-01/2010-12-31"),
        ("in the next two years", 1, "2011-06-22/2013-06-21"),
        ("for the next two years", 1, "2011-06-22/2013-06-21"),
        ("over the next 2 years", 1, "2011-06-22/2013-06-21"),
        ("over five years", 1, "2011-06-22/2016-06-21"),
        ("over 5 years", 1, "2011-06-22/2016-06-21"),
        ("over the next twenty years", 1, "2011-06-22/2031-06-21"),
        ("over the next 18 months", 1, "2011-06-22/2012-12-21"),
        ("over the next year", 1, "2011-06-22/2012-06-21"),
        ("by 2015", 1, "2011-06-22/2015-12-31"),
        ("by the end of 2015", 1, "2011-06-22/2015-12-31"),
        ("to date", 1, "../2011-06-22"),
        ("this fiscal year", 10, "2010-10-01/2011-09-30"),
        ("next fiscal year", 10, "2011-10-01/2012-09-30"),
        ("this fiscal year", 1, "2011-01-01/2011-12-31"),
        ("next fiscal year", 4, "2012-04-01/2013-03-31"),
    ],
)
def test_relative_periods(text: str, fiscal_year_start: int, expected: str) -> None:
    assert span(text, fiscal_year_start) == expected


@pytest.mark.parametrize("text", ["this year", "next year", "over the next two years", "by 2015", "to date"])
def test_relative_periods_need_the_source_date(text: str) -> None:
    with pytest.raises(ParseError, match="needs the source's date") as raised:
        parse_period(text)
    assert f'"{text}"' in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("next decade", "is not understood; expected e.g."),
        ("sometime soon", "is not understood; expected e.g."),
        ("2011-02-30", "2011-02-30, which is not a date (February 2011 has 28 days)"),
        ("2011-06-31", "June 2011 has 30 days"),
        ("2011-13", "month 13, which does not exist"),
        ("2013-2011", "starts after it ends (2013-01-01 is after 2011-12-31)"),
        ("2013-06-21/2011-06-22", "starts after it ends"),
        ("by 2009", "starts after it ends"),
        ("2011/13", 'should name two years in a row, e.g. "2011/12"'),
        ("FY2011-12", "could be one fiscal year or two"),
        ("3011", "year 3011, which looks like a typo"),
        ("P2Y/P3Y", "has two durations"),
        ("2011-06-22/P0Y", "a duration of zero"),
        ("P2Y/..", "a duration with an open end"),
        ("12/13/2011", "is not understood"),
        ("over 0 years", "spans zero years"),
    ],
)
def test_bad_periods_say_what_was_found(text: str, message: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_period(text, source_date=SOURCE_DATE)
    assert f'period "{text}"' in str(raised.value)
    assert message in str(raised.value)


def test_the_not_understood_message_lists_examples() -> None:
    with pytest.raises(ParseError, match=r'"2011-2013".*"FY2011".*"up to 2011-06-22"'):
        parse_period("whenever")


def test_a_bad_fiscal_year_start_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="from 1 to 12, got 13"):
        parse_period("2011", fiscal_year_start=13)


@pytest.mark.parametrize(
    ("period", "years"),
    [
        (Period(date(2011, 1, 1), date(2020, 12, 31)), 10),
        (Period(date(2011, 6, 22), date(2013, 6, 21)), 2),
        (Period(date(2011, 1, 1), date(2011, 12, 31)), 1),
        (Period(date(2011, 6, 22), date(2011, 6, 22)), 1),
        (Period(date(2011, 1, 1), date(2012, 6, 30)), 2),  # 18 months rounds up
        (Period(date(2011, 1, 1), date(2012, 3, 31)), 1),
        (Period(None, date(2011, 6, 22)), None),
        (Period(date(2011, 6, 22), None), None),
        (Period(), None),
    ],
)
def test_period_years(period: Period, years: int | None) -> None:
    assert period_years(period) == years


def test_year_shares_over_calendar_years() -> None:
    period = parse_period("2011-06-22/2013-06-21")
    assert year_shares(period) == (("2011", 193), ("2012", 366), ("2013", 172))


def test_year_shares_over_fiscal_years() -> None:
    period = parse_period("2011-06-22/2013-06-21")
    assert year_shares(period, 10) == (("FY2011", 101), ("FY2012", 366), ("FY2013", 264))


def test_year_shares_of_an_open_period_are_empty() -> None:
    assert year_shares(parse_period("up to 2011-06-22")) == ()
    assert year_shares(Period()) == ()


@pytest.mark.parametrize(
    ("day", "fiscal_year_start", "label"),
    [
        (date(2011, 6, 22), 1, "2011"),
        (date(2011, 9, 30), 10, "FY2011"),
        (date(2011, 10, 1), 10, "FY2012"),
        (date(2011, 3, 31), 4, "FY2011"),
        (date(2011, 4, 1), 4, "FY2012"),
    ],
)
def test_fiscal_year_label(day: date, fiscal_year_start: int, label: str) -> None:
    assert fiscal_year_label(day, fiscal_year_start) == label


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    length=st.integers(min_value=1, max_value=4000),
    fiscal_year_start=st.integers(min_value=1, max_value=12),
)
def test_year_shares_add_up_and_are_ordered(start: date, length: int, fiscal_year_start: int) -> None:
    period = Period(start, start + timedelta(days=length - 1))
    shares = year_shares(period, fiscal_year_start)
    assert sum(days for _, days in shares) == length
    labels = [label for label, _ in shares]
    assert all(a < b for a, b in itertools.pairwise(labels))
    assert all(days > 0 for _, days in shares)
    assert labels[0] == fiscal_year_label(period.start or start, fiscal_year_start)


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    years=st.integers(min_value=1, max_value=20),
)
def test_an_n_year_interval_spans_n_years(start: date, years: int) -> None:
    period = parse_period(f"{start.isoformat()}/P{years}Y")
    assert period.start == start
    assert period_years(period) == years
    back = parse_period(f"P{years}Y/{period.end.isoformat() if period.end else ''}")
    assert back.end == period.end
    assert period_years(back) == years
