"""Money: our one wrapper around py-moneyed.

Money objects guard the boundaries (a claim's amount, a converted figure); inside the engine's
loops amounts are plain Decimals keyed by currency code, because summing Money objects is about
18 times slower than summing Decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from moneyed import Currency, CurrencyDoesNotExist, Money, get_currency

__all__ = [
    "Allocation",
    "AmountRange",
    "Approximation",
    "Currency",
    "CurrencyMismatch",
    "Money",
    "Rate",
    "allocate",
    "amount_range",
    "currency_code",
    "currency_of",
    "describe_amount",
    "is_currency",
    "make_money",
    "minor_unit",
    "money_in",
    "quantize",
    "to_decimal",
]

DEFAULT_TOLERANCE = Decimal("0.10")


class CurrencyMismatch(ValueError):
    """Two currencies met where only one may: they never mix without the analyst's rates."""


class Approximation(StrEnum):
    """The word in front of a figure, which turns it into a range."""

    EXACT = "exact"
    ABOUT = "about"  # about, around, close to, approximately, some, roughly
    NEARLY = "nearly"  # nearly, almost, just under
    MORE_THAN = "more_than"  # more than, over, at least
    UP_TO = "up_to"  # up to, as much as


def to_decimal(value: object) -> Decimal:
    """Return `value` as a Decimal; a float is refused because it has already lost cents."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money must be Decimal, int or str, never {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    else:
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def is_currency(code: str) -> bool:
    """True when `code` is an ISO 4217 currency code that py-moneyed knows."""
    try:
        get_currency(code.upper())
    except CurrencyDoesNotExist:
        return False
    return len(code) == 3


def _currency(code: str) -> Currency:
    try:
        return get_currency(code.upper())
    except CurrencyDoesNotExist:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code") from None


@cache
def minor_unit(code: str) -> int:
    """Number of decimal places of the currency's minor unit (USD 2, JPY 0, BHD 3)."""
    sub_unit = _currency(code).sub_unit or 1
    return len(str(sub_unit)) - 1


@cache
def _minor_exponent(code: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(code))


def quantize(amount: Decimal, code: str) -> Decimal:
    """Round `amount` to the currency's minor unit (banker's rounding)."""
    return amount.quantize(_minor_exponent(code), rounding=ROUND_HALF_EVEN)


def make_money(amount: object, code: str) -> Money:
    """A Money of `amount` (Decimal, int or str; never float) in currency `code`."""
    return Money(to_decimal(amount), _currency(code))


@cache
def currency_of(code: str) -> Currency | None:
    """The currency for an ISO 4217 code, None when `code` is not one (the caller says so, at its place)."""
    return _currency(code) if code and is_currency(code) else None


def money_in(amount: Decimal, currency: Currency) -> Money:
    """A Money of a Decimal already checked, in a currency already looked up (`currency_of`): the fast path."""
    return Money(amount, currency)


def currency_code(money: Money) -> str:
    """The ISO code of a Money's currency."""
    return str(money.currency.code)


def allocate(amount: Decimal, weights: Sequence[int | Decimal], code: str) -> tuple[Decimal, ...]:
    """Split `amount` in proportion to `weights`, in the currency's minor unit, adding back exactly.

    Largest remainder: every part is first rounded down to the minor unit, then the units left over
    go one each to the parts with the largest remainders (ties to the earlier part).
    """
    return Allocation(weights, code).split(amount)


class Allocation:
    """`allocate` with its weights and currency fixed: the weights checked and summed once, for splitting
    many amounts the same way (every pledge over the same years)."""

    __slots__ = ("_places", "_scale", "_total", "_weights")

    def __init__(self, weights: Sequence[int | Decimal], code: str) -> None:
        if not weights:
            raise ValueError("allocate needs at least one weight")
        if any(w < 0 for w in weights):
            raise ValueError("allocate weights must not be negative")
        self._weights = tuple(Decimal(w) for w in weights)
        self._total = sum(self._weights, Decimal(0))
        if self._total == 0:
            raise ValueError("allocate weights must not all be zero")
        self._places = minor_unit(code)
        self._scale = Decimal(10) ** self._places

    def split(self, amount: Decimal) -> tuple[Decimal, ...]:
        """`amount` in proportion to the weights, in the currency's minor unit, adding back exactly."""
        units = int((amount * self._scale).to_integral_value(rounding=ROUND_HALF_EVEN))
        sign = -1 if units < 0 else 1
        units = abs(units)
        total = self._total
        shares = [units * w / total for w in self._weights]
        floors = [int(share) for share in shares]
        left = units - sum(floors)
        if left:
            by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
            for i in by_remainder[:left]:
                floors[i] += 1
        # whole minor units, written with the currency's places: 12345 cents are 123.45
        places = -self._places
        return tuple(Decimal(sign * f).scaleb(places) for f in floors)


@dataclass(frozen=True, slots=True)
class AmountRange:
    """Possible values of a figure: low <= nominal <= high, all in one currency."""

    low: Decimal
    nominal: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if not self.low <= self.nominal <= self.high:
            raise ValueError(f"range out of order: {self.low} <= {self.nominal} <= {self.high}")

    @staticmethod
    def zero() -> AmountRange:
        return AmountRange(Decimal(0), Decimal(0), Decimal(0))

    @staticmethod
    def exact(value: Decimal) -> AmountRange:
        return AmountRange(value, value, value)

    def __add__(self, other: AmountRange) -> AmountRange:
        return AmountRange(self.low + other.low, self.nominal + other.nominal, self.high + other.high)

    def scaled(self, factor: Decimal) -> AmountRange:
        return AmountRange(self.low * factor, self.nominal * factor, self.high * factor)

    def overlaps(self, other: AmountRange) -> bool:
        return self.low <= other.high and other.low <= self.high

    def hull(self, other: AmountRange) -> AmountRange:
        """The smallest range covering both (nominal: the lower of the two)."""
        return AmountRange(
            min(self.low, other.low), min(self.nominal, other.nominal), max(self.high, other.high)
        )

    def quantized(self, code: str) -> AmountRange:
        return AmountRange(quantize(self.low, code), quantize(self.nominal, code), quantize(self.high, code))


def amount_range(
    amount: Decimal, approximation: Approximation, tolerance: Decimal = DEFAULT_TOLERANCE
) -> AmountRange:
    """The range a stated figure allows, given its approximation word and the tolerance.

    exact: the figure; about: figure +/- tolerance; nearly: up to tolerance below;
    more than: up to tolerance above; up to: anything from tolerance below to the figure.
    """
    match approximation:
        case Approximation.EXACT:
            return AmountRange(amount, amount, amount)
        case Approximation.ABOUT:
            return AmountRange(amount * (1 - tolerance), amount, amount * (1 + tolerance))
        case Approximation.NEARLY | Approximation.UP_TO:
            return AmountRange(amount * (1 - tolerance), amount, amount)
        case Approximation.MORE_THAN:
            return AmountRange(amount, amount, amount * (1 + tolerance))


@dataclass(frozen=True, slots=True)
class Rate:
    """The analyst's rate: one unit of `currency` is worth `rate` units of `base`, as of a date."""

    currency: str
    rate: Decimal
    base: str
    as_of: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.rate, Decimal) or self.rate <= 0:
            raise ValueError(f"rate for {self.currency} must be a positive Decimal, got {self.rate!r}")

    def describe(self) -> str:
        when = f" as of {self.as_of.isoformat()}" if self.as_of else ""
        return f"1 {self.currency} = {self.rate} {self.base}{when}"


_MILLION, _BILLION, _TRILLION = Decimal(10) ** 6, Decimal(10) ** 9, Decimal(10) ** 12
_CENT = Decimal("0.01")


def describe_amount(amount: Decimal, currency: str) -> str:
    """A figure as people say it: USD 300m, USD 1.27bn, EUR 12,500."""
    size = abs(amount)
    if size >= _MILLION:
        scale, word = (
            (_TRILLION, "tn")
            if size >= _TRILLION
            else (_BILLION, "bn")
            if size >= _BILLION
            else (_MILLION, "m")
        )
        return f"{currency} {_plain(str((amount / scale).quantize(_CENT)))}{word}"
    return f"{currency} {_plain(f'{amount.quantize(_CENT):,f}')}"


def _plain(figure: str) -> str:
    """A figure written with two decimals, without the zeros after its point: 1.50 -> 1.5, 300.00 -> 300."""
    return figure.rstrip("0").rstrip(".") if "." in figure else figure
