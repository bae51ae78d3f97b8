"""Money: Decimal only, minor units, exact allocation, ranges from approximation words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.money import (
    Allocation,
    AmountRange,
    Approximation,
    Rate,
    allocate,
    amount_range,
    is_currency,
    make_money,
    minor_unit,
    quantize,
    to_decimal,
)


def test_a_float_never_enters() -> None:
    with pytest.raises(TypeError, match="never float"):
        to_decimal(0.1)
    with pytest.raises(TypeError, match="never float"):
        make_money(300.5, "USD")


def test_text_that_is_not_a_number_is_named() -> None:
    with pytest.raises(ValueError, match="'3OO' is not a number"):
        to_decimal("3OO")
    with pytest.raises(ValueError, match="not a finite number"):
        to_decimal("NaN")


def test_unknown_currency_is_refused() -> None:
    assert is_currency("USD") and is_currency("eur")
    assert not is_currency("XYZ")
    with pytest.raises(ValueError, match="not an ISO 4217"):
        make_money(1, "XYZ")


@pytest.mark.parametrize(("code", "places"), [("USD", 2), ("JPY", 0), ("BHD", 3), ("EUR", 2)])
def test_minor_units(code: str, places: int) -> None:
    assert minor_unit(code) == places
    assert quantize(Decimal("1.23456"), code) == Decimal("1.23456").quantize(Decimal(1).scaleb(-places))


def test_allocate_splits_by_largest_remainder() -> None:
    assert allocate(Decimal("100.00"), [1, 1, 1], "USD") == (
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    )
    assert allocate(Decimal("1000"), [193, 366, 172], "JPY") == (Decimal(264), Decimal(501), Decimal(235))


def test_allocate_refuses_nonsense_weights() -> None:
    with pytest.raises(ValueError, match="at least one"):
        allocate(Decimal(1), [], "USD")
    with pytest.raises(ValueError, match="not all be zero"):
        allocate(Decimal(1), [0, 0], "USD")


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=3, allow_nan=False, allow_infinity=False),
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=30).filter(any),
    st.sampled_from(["USD", "JPY", "BHD", "EUR", "CLF"]),
)
def test_allocation_adds_back_exactly(amount: Decimal, weights: list[int], code: str) -> None:
    whole = quantize(amount, code)
    parts = allocate(whole, weights, code)
    assert sum(parts, Decimal(0)) == whole
    assert all(quantize(p, code) == p for p in parts)
    # each part is within one minor unit of its exact share
    unit = Decimal(1).scaleb(-minor_unit(code))
    total = sum(weights)
    assert all(abs(p - whole * w / total) < unit for p, w in zip(parts, weights, strict=True))


@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=10,
    ),
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=6).filter(any),
)
def test_one_allocation_splits_many_amounts_as_allocate_splits_each(
    amounts: list[Decimal], weights: list[int]
) -> None:
    split = Allocation(weights, "USD")
    assert [split.split(a) for a in amounts] == [allocate(a, weights, "USD") for a in amounts]
    assert split.split(Decimal("100.00")) == allocate(Decimal("100.00"), weights, "USD")


@pytest.mark.parametrize(
    ("approximation", "expected"),
    [
        (Approximation.EXACT, ("300", "300", "300")),
        (Approximation.ABOUT, ("270.0", "300", "330.0")),
        (Approximation.NEARLY, ("270.0", "300", "300")),
        (Approximation.MORE_THAN, ("300", "300", "330.0")),
        (Approximation.UP_TO, ("270.0", "300", "300")),
    ],
)
def test_ranges_from_approximation_words(
    approximation: Approximation, expected: tuple[str, str, str]
) -> None:
    r = amount_range(Decimal(300), approximation)
    assert (r.low, r.nominal, r.high) == tuple(Decimal(e) for e in expected)


@given(
    st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(list(Approximation)),
    st.decimals(min_value=0, max_value=Decimal("0.99"), places=2),
)
def test_every_range_is_ordered(amount: Decimal, approximation: Approximation, tolerance: Decimal) -> None:
    r = amount_range(amount, approximation, tolerance)
    assert r.low <= r.nominal == amount <= r.high


def test_range_out_of_order_is_refused() -> None:
    with pytest.raises(ValueError, match="out of order"):
        AmountRange(Decimal(2), Decimal(1), Decimal(3))


def test_rates_are_positive_decimals_and_say_what_they_are() -> None:
    rate = Rate("AUD", Decimal("0.764"), "USD")
    assert rate.describe() == "1 AUD = 0.764 USD"
    with pytest.raises(ValueError, match="positive Decimal"):
        Rate("AUD", Decimal(0), "USD")
