"""Amounts as analysts type them: "nearly $300m", "US$ 1.2 bn", "7.2 million euros", "1,000,000,000".

Values are exact Decimals: no float is involved anywhere, and a float given to us is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from types import MappingProxyType

from ledger.core.money import Approximation, is_currency
from ledger.core.problems import ParseError
from ledger.parsing.vocabulary import split_approximation

__all__ = ["MULTIPLIERS", "ParsedAmount", "parse_amount"]

# Marks a bare "$" (or "dollars"): the caller decides which dollar it is.
_BARE_DOLLAR = "$"


@dataclass(frozen=True, slots=True)
class ParsedAmount:
    """A figure read from text: its value, its currency if stated, and its approximation word if any.

    `approximation` is None when the text had no approximation word; `bare_dollar` is True when the
    text said "$" or "dollars" without saying whose dollars (then `currency` is None).
    """

    value: Decimal
    currency: str | None
    approximation: Approximation | None
    bare_dollar: bool = False


# Powers of ten, so that multiplying is exact: "1.2bn" is 1.2 scaled by 10**9.
MULTIPLIERS: Mapping[str, int] = MappingProxyType(
    {
        "k": 3,
        "thousand": 3,
        "thousands": 3,
        "lakh": 5,
        "lakhs": 5,
        "crore": 7,
        "crores": 7,
        "m": 6,
        "mn": 6,
        "mil": 6,  # "$550 mil." in agency copy
        "mln": 6,
        "million": 6,
        "millions": 6,
        "b": 9,
        "bn": 9,
        "bln": 9,
        "billion": 9,
        "billions": 9,
        "tn": 12,
        "trillion": 12,
        "trillions": 12,
    }
)

# Currency symbols and words; "$" and "dollars" are a bare dollar.
_CURRENCY_MARKS: Mapping[str, str] = MappingProxyType(
    {
        "$": _BARE_DOLLAR,
        "dollar": _BARE_DOLLAR,
        "dollars": _BARE_DOLLAR,
        "us$": "USD",
        "us $": "USD",
        "$us": "USD",  # "$US4.5b", as Australian outlets write it
        "a$": "AUD",
        "au$": "AUD",
        "c$": "CAD",
        "ca$": "CAD",
        "nz$": "NZD",
        "hk$": "HKD",
        "s$": "SGD",
        "r$": "BRL",
        "€": "EUR",
        "euro": "EUR",
        "euros": "EUR",
        "£": "GBP",
        "pound": "GBP",
        "pounds": "GBP",
        "sterling": "GBP",
        "¥": "JPY",
        "yen": "JPY",
        "cn¥": "CNY",
        "rmb": "CNY",
        "yuan": "CNY",
        "renminbi": "CNY",
        "₹": "INR",
        "rs": "INR",
        "rupee": "INR",
        "rupees": "INR",
        "swiss francs": "CHF",
        "nis": "ILS",  # new Israeli shekel
        "shekel": "ILS",
        "shekels": "ILS",
    }
)

# Words that say whose dollar a following "$" or "dollars" is: "US dollars", "Canadian dollars".
_DOLLAR_NATIONS: Mapping[str, str] = MappingProxyType(
    {
        "us": "USD",
        "american": "USD",
        "australian": "AUD",
        "canadian": "CAD",
        "singapore": "SGD",
    }
)

# Currencies written with a "$" sign, so that "$300m USD" or "$1bn MXN" agree with themselves.
_DOLLAR_SIGN_CURRENCIES = frozenset(
    {"USD", "AUD", "CAD", "NZD", "HKD", "SGD", "TWD", "BRL", "MXN", "ARS", "CLP", "COP", "JMD", "XCD", "FJD"}
)
_MINUS_SIGNS = frozenset("-−–—(")

# Words that could be more than one currency: refused rather than guessed.
_AMBIGUOUS_MARKS: Mapping[str, str] = MappingProxyType(
    {
        "kr": "Swedish, Norwegian, Danish or Icelandic krona (write SEK, NOK, DKK or ISK)",
        "kr.": "Swedish, Norwegian, Danish or Icelandic krona (write SEK, NOK, DKK or ISK)",
        "krona": "Swedish or Icelandic krona (write SEK or ISK)",
        "krone": "Norwegian or Danish krone (write NOK or DKK)",
        "kroner": "Norwegian or Danish krone (write NOK or DKK)",
        "francs": "Swiss, CFA or another franc (write CHF, XOF, XAF, ...)",
        "peso": "one of many pesos (write MXN, ARS, COP, PHP, ...)",
        "pesos": "one of many pesos (write MXN, ARS, COP, PHP, ...)",
    }
)

_TOKEN = re.compile(
    r"""
    (?P<mark>us\s?\$|\$\s?us(?![a-z])|au\$|a\$|ca\$|c\$|nz\$|hk\$|s\$|r\$|cn¥|\$|¥|€|£|₹)
    | (?P<number>\d(?:\d|[.,'’](?=\d)|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))*)
    | (?P<word>[^\W\d_]+\.?)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE,
)

# "770-million", "1,1-billion": a hyphen joining a figure to its multiplier, as in "a $770-million loan".
_HYPHENATED_MULTIPLIER = re.compile(r"(?<=\d)[-\u2011](?=(?:" + "|".join(MULTIPLIERS) + r")\b)")

# Letters that look like digits, among digits: "3OOm", "1O0", "2l5".
_LOOKALIKE_DIGITS = re.compile(r"\d[.,]?[OoIl]|[OoIl][.,]?\d")
_THOUSANDS_SEPARATORS = frozenset(" ,.'’\u00a0\u202f\u2009")

_EXPECTED = 'a figure such as "300000000", "1,000,000", "$300m", "US$ 1.2 bn", "nearly €7.2bn" or "20m EUR"'
_EXPECTED_WORDS = (
    "a multiplier (k, thousand, m, mn, mln, million, bn, b, billion, tn, trillion, lakh, crore) "
    "or a currency (an ISO code such as USD, EUR, GBP, JPY, CHF; $, US$, A$, C$, €, £, ¥, ₹; "
    "dollars, euros, pounds, yen, yuan, rupees, shekels)"
)


def parse_amount(value: str | int | Decimal) -> ParsedAmount:
    """Read an amount: a number (int, Decimal) or text such as "nearly $300m" or "7.2 million euros".

    Floats are refused (TypeError): they have already lost cents. Bad text raises ParseError with a
    message quoting it.
    """
    if isinstance(value, bool | float):
        raise TypeError(
            f"amount {value!r} is a {type(value).__name__}; give a Decimal, int or the text typed "
            "(a float has already lost cents)"
        )
    if isinstance(value, int | Decimal):
        return ParsedAmount(_checked_number(Decimal(value), value), None, None)
    if not isinstance(value, str):
        raise TypeError(f"amount must be text, int or Decimal, not {type(value).__name__}: {value!r}")
    return _parse_text(value)


# No pledge in any currency comes near a quintillion units; beyond it Decimal arithmetic on totals
# would run out of its 28 digits, so such a figure is a typo to report, not money to add.
MAX_AMOUNT = Decimal(10) ** 18


def _checked_number(number: Decimal, typed: object) -> Decimal:
    """`number` when it can be a pledge; ParseError quoting what was typed otherwise."""
    if number.is_finite() and 0 <= number < MAX_AMOUNT:
        return number
    shown = str(typed)
    if not number.is_finite():
        raise ParseError(f'amount "{shown}" is not a number; expected {_EXPECTED}')
    if number < 0:
        raise ParseError(f'amount "{shown}" is negative; amounts pledged are never below zero')
    if number >= MAX_AMOUNT:
        raise ParseError(
            f'amount "{shown}" is too large to be a pledge (a quintillion or more); check the digits'
        )
    return number


def _parse_text(text: str) -> ParsedAmount:
    shown = text.strip()
    if not shown:
        raise ParseError(f"amount is empty; expected {_EXPECTED}")
    approximation, rest = split_approximation(shown)
    lowered = re.sub(r"\bu\.\s?s\.\s?", "us", rest.lower())  # "U.S.$" and "U.S. dollars"
    lowered = _HYPHENATED_MULTIPLIER.sub(" ", lowered)  # "a $770-million package"
    lowered = lowered.replace("swiss francs", "chf")

    numbers: list[str] = []
    words: list[str] = []  # in order, with "#" standing for the number
    marks: list[str] = []
    symbols: list[tuple[str, bool]] = []  # stray symbols, and whether a number came before them
    for match in _TOKEN.finditer(lowered):
        kind, token = match.lastgroup, match.group()
        if kind == "number":
            numbers.append(token)
            words.append("#")
        elif kind == "mark":
            marks.append(_CURRENCY_MARKS["us$" if "us" in token else token])
        elif kind == "word":
            words.append(token)
        elif kind == "other":
            symbols.append((token, bool(numbers)))

    if _LOOKALIKE_DIGITS.search(rest):
        raise ParseError(f'amount "{shown}" is not a number: it has letters among its digits')
    if any(symbol in _MINUS_SIGNS and not after for symbol, after in symbols):
        raise ParseError(f'amount "{shown}" is negative; amounts pledged are never below zero')
    if not numbers:
        raise ParseError(f'amount "{shown}" has no number; expected {_EXPECTED}')
    if len(numbers) > 1:
        found = ", ".join(f'"{n}"' for n in numbers)
        raise ParseError(f'amount "{shown}" has more than one number ({found}); expected one figure')
    for symbol, after in symbols:
        if not (symbol == "." and after):  # a full stop after the figure is harmless
            raise ParseError(
                f'amount "{shown}" has "{symbol}", which is not part of a figure; expected {_EXPECTED}'
            )

    exponent, word_marks = _read_words(shown, words)
    marks.extend(word_marks)
    currency, bare_dollar = _one_currency(shown, marks)
    number = _read_number(shown, numbers[0], scaled=exponent != 0)
    with localcontext() as context:
        context.prec = 60  # room for a trillion times a long figure, so scaling stays exact
        scaled = number.scaleb(exponent)
        if scaled == scaled.to_integral_value():
            scaled = scaled.quantize(Decimal(1))  # 1.2E+9 reads as 1200000000
    return ParsedAmount(_checked_number(scaled, shown), currency, approximation, bare_dollar)


def _read_words(shown: str, words: list[str]) -> tuple[int, list[str]]:
    """The power of ten and the currency marks the words around the number stand for."""
    exponent: int | None = None
    marks: list[str] = []
    seen_number = False
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        bare = word.rstrip(".")
        if word == "#":
            seen_number = True
        elif word in _AMBIGUOUS_MARKS or bare in _AMBIGUOUS_MARKS:
            meaning = _AMBIGUOUS_MARKS.get(word) or _AMBIGUOUS_MARKS[bare]
            raise ParseError(f'amount "{shown}": "{bare}" is ambiguous, it could be {meaning}')
        elif bare in MULTIPLIERS and seen_number:
            if exponent is not None:
                raise ParseError(f'amount "{shown}" has two multipliers; expected one, e.g. "300m"')
            exponent = MULTIPLIERS[bare]
        elif bare in _DOLLAR_NATIONS and following in ("dollar", "dollars"):
            marks.append(_DOLLAR_NATIONS[bare])
        elif bare in _CURRENCY_MARKS:
            marks.append(_CURRENCY_MARKS[bare])
        elif len(bare) == 3 and is_currency(bare):
            marks.append(bare.upper())
        elif bare in MULTIPLIERS:
            raise ParseError(f'amount "{shown}": the multiplier "{bare}" must follow the number, e.g. "300m"')
        else:
            raise _not_understood(shown, word)
    return exponent or 0, marks


def _not_understood(shown: str, word: str) -> ParseError:
    return ParseError(f'amount "{shown}" has "{word}", which is not understood; expected {_EXPECTED_WORDS}')


def _one_currency(shown: str, marks: list[str]) -> tuple[str | None, bool]:
    """The one currency the marks name; "US dollars" and "$ ... USD" agree, "$300m EUR" does not."""
    codes = {m for m in marks if m != _BARE_DOLLAR}
    bare_dollar = _BARE_DOLLAR in marks
    if bare_dollar and codes and not all(_is_dollar(c) for c in codes):
        codes.add(_BARE_DOLLAR)
    if len(codes) > 1:
        found = " and ".join(sorted("$" if c == _BARE_DOLLAR else c for c in codes))
        raise ParseError(f'amount "{shown}" names two currencies ({found}); expected one')
    if codes:
        return codes.pop(), False
    return None, bare_dollar


def _is_dollar(code: str) -> bool:
    return code in _DOLLAR_SIGN_CURRENCIES


def _read_number(shown: str, digits: str, scaled: bool = False) -> Decimal:
    """A figure with thousands separators and a decimal point, refusing what could be read two ways.

    `scaled` says a multiplier follows ("7,6bn"), which settles a comma before one or two digits.
    """
    separators = [c for c in digits if c in _THOUSANDS_SEPARATORS]
    groups = re.split(r"[ ,.'’\u00a0\u202f\u2009]", digits)
    whole, fraction = groups, groups[:0]
    decimal_mark = ""
    if separators:
        last = separators[-1]
        others = set(separators[:-1])
        if last in ".," and last not in others and others:
            decimal_mark = last  # "1,000,000.50", "1.000.000,50", "1 000,5": the odd one out
        elif last == "." and not others:
            decimal_mark = "."  # "1.2"
        elif last == "," and not others and scaled and len(groups[-1]) == 1:
            decimal_mark = ","  # "7,6bn": one digit after a comma can only be a decimal before a multiplier
        elif last == "," and not others and len(groups[-1]) != 3:
            raise ParseError(
                f'amount "{shown}": is the comma in "{digits}" a decimal comma or a thousands separator? '
                'write a decimal point ("1.5") or whole thousands ("1,500")'
            )
        if decimal_mark:
            whole, fraction = groups[:-1], groups[-1:]
        if len(set(separators) - {decimal_mark}) > 1:
            raise ParseError(f'amount "{shown}": "{digits}" mixes thousands separators; expected "1,000,000"')
        if len(whole) > 1 and (not 1 <= len(whole[0]) <= 3 or any(len(g) != 3 for g in whole[1:])):
            raise ParseError(
                f'amount "{shown}": "{digits}" is not grouped in thousands; '
                'expected e.g. "1,000,000" or "1.5"'
            )
    plain = "".join(whole) + ("." + fraction[0] if fraction else "")
    try:
        return Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the token pattern only lets digits through
        raise ParseError(f'amount "{shown}" is not a number; expected {_EXPECTED}') from None
