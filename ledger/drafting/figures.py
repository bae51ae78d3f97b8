"""Money figures in a sentence: "$300m", "US$1.2 bn", "500 million euros", "Rs 66.30 billion", "£1.5 billion",
"three billion dollars", "20 (billion dollars)", with their approximation words, read to exact amounts.

The figure's own spelling is read by the shared amount parser (`ledger.parsing.amounts`); this module
finds figures in running text and settles what only the text around a figure can settle: whose
"francs" or "pesos" (the country the text names with them), a figure with no currency in a sentence
whose figures share one, number words, a range ("between $3 and $5 billion"), exchange rates and
percentages (never claims).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ledger.core.money import Approximation, is_currency
from ledger.core.problems import ParseError
from ledger.drafting.values import Figure, Span
from ledger.parsing.amounts import parse_amount
from ledger.parsing.vocabulary import APPROXIMATION_WORDS

__all__ = ["FoundFigure", "find_figures"]

_UNIT = r"(?:thousand|million|billion|trillion|mn|mln|mil\.?|bn|bln|tn|crores?|lakhs?|m|b|k)"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_SMALL_NUMBERS: Mapping[str, int] = MappingProxyType(
    {
        word: value
        for value, word in enumerate(
            [
                "zero",
                "one",
                "two",
                "three",
                "four",
                "five",
                "six",
                "seven",
                "eight",
                "nine",
                "ten",
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
                "twenty",
            ]
        )
    }
    | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
    | {"a": 1, "one hundred": 100, "a hundred": 100}
)
_NUMBER_WORD = (
    r"(?:(?:" + "|".join(sorted(_SMALL_NUMBERS, key=len, reverse=True)) + r")(?:[\s-]and[\s-]a[\s-]half)?"
    r"|half\s+a)"
)
_PREFIX = r"""
    (?:U\.?S\.?\$|\$\s?US(?![A-Za-z])|AU?\$|CA?\$|NZ\$|HK\$|S\$|R\$|CN¥|[$€£¥₹¤]\s?
     |Rs\.?\s?|(?-i:NIS|RMB|[A-Z]{3})\s?)
"""
_NATIONS = r"(?:US|U\.S\.|American|Australian|Canadian|Singapore|Hong\s Kong|New\s Zealand)"
_SUFFIX = rf"""
    (?:[\s-]?(?:{_NATIONS}\s)?dollars?|[\s-]?euros?|\s?pounds?(?:\s?sterling)?|\s?sterling|\s?yen|\s?yuan
     |\s?renminbi|\s?rupees?|\s?(?:Swiss\s)?francs?|\s?(?:[A-Z][a-z]+\s)?pesos?|\s?shekels?|\s?riyals?
     |\s?dinars?|\s?dirhams?|\s?kron(?:a|or|e|er)|\s(?-i:[A-Z]{{3}})(?![A-Za-z]))
"""
_FIGURE = re.compile(
    rf"""
    (?<![\w$€£¥₹¤.,])
    (?P<prefix>{_PREFIX})?
    (?:(?P<digits>{_DIGITS})|(?P<words>{_NUMBER_WORD}))
    (?:
        (?:\s?-?\s?(?P<unit>{_UNIT})(?![a-z]))
        | \s\((?P<bracket_unit>million|billion)\s(?P<bracket_currency>dollars|euros|pounds)\)
    )?
    (?P<suffix>{_SUFFIX})?
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
_RANGE = re.compile(
    rf"\bbetween\s(?P<prefix>{_PREFIX})?(?P<low>{_DIGITS})\s?(?P<low_unit>{_UNIT})?\sand\s$",
    re.VERBOSE | re.IGNORECASE,
)
_PERCENT = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|per\s?cent\b)", re.IGNORECASE)

# Approximation phrases as they stand before a figure in text, longest first; "let's say around" ends
# in "around". The shared vocabulary's words and the few that only running text has.
_TEXT_APPROXIMATIONS: Mapping[str, Approximation] = MappingProxyType(
    {
        **{
            w: a
            for w, a in APPROXIMATION_WORDS.items()
            if w and w[-1].isalpha() and w not in ("exact", "exactly")
        },
        "a little more than": Approximation.MORE_THAN,
        "slightly more than": Approximation.MORE_THAN,
        "just over": Approximation.MORE_THAN,
        "well over": Approximation.MORE_THAN,
        "a maximum of": Approximation.UP_TO,
        "a maximum amount of": Approximation.UP_TO,
        "a total of up to": Approximation.UP_TO,
        "an estimated": Approximation.ABOUT,
    }
)
_APPROXIMATION_BEFORE = re.compile(
    r"\b(?P<words>"
    + "|".join(re.escape(w) for w in sorted(_TEXT_APPROXIMATIONS, key=len, reverse=True))
    + r")\s(?:the\s|a\s)?$",
    re.IGNORECASE,
)
_APPROXIMATION_AFTER = re.compile(r"^\s(?P<words>or so|or more|or thereabouts)\b", re.IGNORECASE)
_AFTER_WORDS: Mapping[str, Approximation] = MappingProxyType(
    {"or so": Approximation.ABOUT, "or thereabouts": Approximation.ABOUT, "or more": Approximation.MORE_THAN}
)

# Currency words that more than one country uses: settled by the country the text names with them.
_SHARED_CURRENCY_WORDS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "franc": {"swiss": "CHF", "switzerland": "CHF"},
        "peso": {
            **{"philippine": "PHP", "philippines": "PHP", "mexican": "MXN", "mexico": "MXN"},
            **{"argentine": "ARS", "argentina": "ARS", "colombian": "COP", "colombia": "COP"},
            **{"chilean": "CLP", "chile": "CLP", "cuban": "CUP", "dominican": "DOP"},
        },
        "krona": {"swedish": "SEK", "sweden": "SEK", "icelandic": "ISK", "iceland": "ISK"},
        "krone": {"norwegian": "NOK", "norway": "NOK", "danish": "DKK", "denmark": "DKK"},
        "riyal": {"saudi": "SAR", "qatari": "QAR", "qatar": "QAR", "omani": "OMR", "yemeni": "YER"},
        "dinar": {"kuwaiti": "KWD", "kuwait": "KWD", "iraqi": "IQD", "jordanian": "JOD", "bahraini": "BHD"},
        "dirham": {"emirati": "AED", "uae": "AED", "emirates": "AED", "moroccan": "MAD", "morocco": "MAD"},
    }
)
_SHARED_STEMS = {
    "francs": "franc",
    "franc": "franc",
    "pesos": "peso",
    "peso": "peso",
    "krona": "krona",
    "kronor": "krona",
    "krone": "krone",
    "kroner": "krone",
    "riyal": "riyal",
    "riyals": "riyal",
    "dinar": "dinar",
    "dinars": "dinar",
    "dirham": "dirham",
    "dirhams": "dirham",
}

# After a figure with no currency, words that say it counts something else ("1 million houses").
_COUNTED_NOUN = re.compile(
    r"^\s(?!(?:in|of|for|to|and|or|from|worth|was|is|were|are|has|had|will|would|by|"
    r"that|which|this|the|a|an|as|on|at|with|over|each|apiece|more|already|"
    r"earmarked|pledged|promised|committed|offered|given|provided)\b)[a-z]{3,}",
)


@dataclass(frozen=True, slots=True)
class FoundFigure:
    """A figure in a sentence: a money figure read to an amount, or one that cannot be (with why)."""

    span: Span
    text: str
    figure: Figure | None  # None for percentages, exchange rates and figures that cannot be read
    kind: str  # "money", "percent", "rate", "unreadable"
    reason: str = ""  # for all but "money": why it is not a money figure to draft from
    inherited: bool = False  # its currency comes from the sentence's other figures


def find_figures(
    text: str, sentence: Span, document: str = "", list_currency: str = ""
) -> tuple[FoundFigure, ...]:
    """The money figures and percentages of one sentence of `text`, in order.

    `document` (the whole text, lower case) settles shared currency words ("pesos") when the sentence
    does not. `list_currency` is the currency of the text's figures before: a list line ("Canada: 4.8
    million") with no currency of its own continues in it.
    """
    found: list[FoundFigure] = []
    body = sentence.of(text)
    base = sentence.start
    for match in _FIGURE.finditer(body):
        item = _read_match(match, body, base, document)
        if item is not None:
            found.append(item)
    if list_currency and (line := _LIST_LINE.match(body)) is not None:
        found = [f for f in found if f.figure is None or f.figure.currency] or found
        if not any(f.kind == "money" and f.figure is not None and f.figure.currency for f in found):
            found = [_list_figure(line, base, list_currency)]
    found = _without_range_starts(found, body, base)
    found.extend(_percentages(body, base, found))
    found.sort(key=lambda f: f.span.start)
    return _inherit_currency(tuple(found), body, base)


_LIST_LINE = re.compile(
    rf"^(?P<name>[A-Z][\w .'’&-]{{1,50}}):\s(?P<number>{_DIGITS})(?:\s?(?P<unit>{_UNIT})(?![a-z]))?\s*$",
    re.IGNORECASE,
)


def _list_figure(line: re.Match[str], base: int, currency: str) -> FoundFigure:
    """ "Canada: 4.8 million" in a list of donors under figures in one currency."""
    written = line.group()[line.start("number") :].strip()
    parsed = parse_amount(f"{line['number']} {line['unit'] or ''}".strip())
    span = Span(base + line.start("number"), base + line.start("number") + len(written))
    figure = Figure(
        span=span,
        text=written,
        value=parsed.value,
        currency=currency,
        approximation=Approximation.EXACT,
        currency_words=f"(no currency written; {currency} as the figures the list follows)",
    )
    return FoundFigure(span, written, figure, "money", inherited=True)


def _without_range_starts(found: list[FoundFigure], body: str, base: int) -> list[FoundFigure]:
    """Drop the "$3" of "between $3 and $5 billion": the range is read as one figure, up to its top."""
    starts = []
    for item in found:
        if (match := _RANGE.search(body[: item.span.start - base])) is not None:
            starts.append(Span(base + match.start(), base + match.end()))
    return [f for f in found if not any(s.start <= f.span.start and f.span.end <= s.end for s in starts)]


def _percentages(body: str, base: int, money: list[FoundFigure]) -> list[FoundFigure]:
    taken = [f.span for f in money]
    out = []
    for match in _PERCENT.finditer(body):
        span = Span(base + match.start(), base + match.end())
        if any(span.overlaps(t) for t in taken):
            continue
        out.append(FoundFigure(span, match.group(), None, "percent", "a percentage, not money"))
    return out


def _read_match(match: re.Match[str], body: str, base: int, document: str) -> FoundFigure | None:
    """A figure the pattern matched, read: money, an exchange rate, one that cannot be read (and why),
    or None when it is no money figure at all."""
    written = _money_words(match)
    if written is None:
        return None
    prefix, suffix, unit = written
    start, end = match.start(), match.end()
    if match["suffix"] and not suffix:
        end = match.start("suffix")  # "5 THE": capitals after the figure that name no currency
    span_text = body[start:end]
    span = Span(base + start, base + end)
    if _is_rate(body[:start], body[end:]):
        return FoundFigure(span, span_text, None, "rate", "an exchange rate, not money")
    written_currency = (prefix + " " + suffix).strip() or (match["bracket_currency"] or "")
    number = match["digits"] or _number_words(match["words"] or "")
    if number is None:
        return None
    settled = _settled_currency(prefix, written_currency, body, document)
    if settled is None:
        reason = (
            f'"{written_currency}" could be the money of several countries and the text does not say whose'
        )
        return FoundFigure(span, span_text, None, "unreadable", reason)
    currency_override, currency_words = settled
    amount_text = _amount_text(
        prefix, number, unit, suffix, match["bracket_currency"] or "", currency_override
    )
    try:
        parsed = parse_amount(amount_text)
    except ParseError as error:
        return FoundFigure(span, span_text, None, "unreadable", str(error))
    currency = currency_override or parsed.currency or ("USD" if parsed.bare_dollar else "")
    if parsed.bare_dollar and not currency_override:
        currency_words = f"{currency_words.strip() or '$'} (a bare dollar, read as US dollars)"
    if not currency and _COUNTED_NOUN.match(body[end:]):
        return None  # "1 million houses": a count, not money
    approximation, approximation_words = _approximation_or_range(body, start, end)
    figure = Figure(
        span=span,
        text=span_text,
        value=parsed.value,
        currency=currency,
        approximation=approximation or Approximation.EXACT,
        approximation_words=approximation_words,
        currency_words=currency_words,
    )
    return FoundFigure(span, span_text, figure, "money")


def _money_words(match: re.Match[str]) -> tuple[str, str, str] | None:
    """The figure's prefix, suffix and unit, or None when nothing by it can say money: a number word
    alone ("one", "a": only with a multiplier is it money), capitals before it that are no currency
    code ("THE 5"), or no currency and no unit at all. Capitals after it that are no currency ("5 THE")
    are dropped, not the figure."""
    prefix = match["prefix"] or ""
    suffix = match["suffix"] or ""
    unit = match["unit"] or match["bracket_unit"] or ""
    if match["words"] and not unit:
        return None
    if _capitals(prefix) and prefix.strip() not in ("NIS", "RMB") and not is_currency(prefix.strip()):
        return None
    if _capitals(suffix) and not is_currency(suffix.strip()):
        suffix = ""
    if not (prefix or suffix or unit or match["bracket_currency"]):
        return None
    return prefix, suffix, unit


def _capitals(word: str) -> bool:
    """A word in capital letters only ("USD", "THE"): a currency code, or a word that only looks like one."""
    bare = word.strip()
    return bool(bare) and bare.isalpha() and bare.isupper()


def _is_rate(before: str, after: str) -> bool:
    """ "$1 = 0.7 EUR": a figure beside an equals sign is an exchange rate."""
    return bool(re.match(r"\s?=", after) or re.search(r"=\s?$", before))


def _settled_currency(prefix: str, currency_words: str, body: str, document: str) -> tuple[str, str] | None:
    """The currency code the written words settle beyond what the amount parser reads, with the words
    that say how ("" and the words as written when the parser reads them itself), or None when a word
    several countries share ("pesos") is not settled by the text: that figure cannot be read."""
    if "¤" in prefix:
        # the euro sign of Latin-9 read as Latin-1 shows as ¤ in old pages
        return "EUR", "¤ (read as €)"
    lowered = currency_words.lower().replace(".", "")
    stem = next((_SHARED_STEMS[w] for w in lowered.split() if w in _SHARED_STEMS), "")
    if not stem or "swiss" in lowered:
        return "", currency_words
    code, named_by = _shared_currency(stem, body.lower(), document, currency_words)
    if not code:
        return None
    return code, f"{currency_words} ({named_by})"


def _approximation_or_range(body: str, start: int, end: int) -> tuple[Approximation | None, str]:
    """ "between $3 and $5 billion" reads as up to the upper figure; otherwise the approximation words
    by the figure."""
    if range_match := _RANGE.search(body[:start]):
        return Approximation.UP_TO, range_match.group().strip()
    return _approximation(body, start, end)


def _approximation(body: str, start: int, end: int) -> tuple[Approximation | None, str]:
    """The approximation word just before the figure ("nearly"), or just after it ("or so")."""
    if found := _APPROXIMATION_BEFORE.search(body[max(0, start - 40) : start]):
        return _TEXT_APPROXIMATIONS[found["words"].lower()], found["words"]
    if found := _APPROXIMATION_AFTER.match(body[end:]):
        return _AFTER_WORDS[found["words"].lower()], found["words"]
    return None, ""


def _number_words(words: str) -> str | None:
    key = " ".join(words.lower().replace("-", " ").split())
    half = key.endswith(" and a half")
    if half:
        key = key[: -len(" and a half")]
    if key == "half a":
        return "0.5"
    value = _SMALL_NUMBERS.get(key)
    if value is None:
        return None
    return f"{value}.5" if half else str(value)


def _shared_currency(stem: str, sentence: str, document: str, shown: str) -> tuple[str, str]:
    """The currency a shared word ("pesos") is, by the nationality written with it or a country named."""
    nations = _SHARED_CURRENCY_WORDS[stem]
    words = shown.lower().split()
    for word in words:
        if word in nations:
            return nations[word], f"{word} {stem}"
    for where, text in (("the sentence", sentence), ("the text", document)):
        named = {code for nation, code in nations.items() if re.search(rf"\b{re.escape(nation)}\b", text)}
        if len(named) == 1:
            code = named.pop()
            nation = next(n for n, c in nations.items() if c == code and re.search(rf"\b{n}\b", text))
            return code, f"{nation.title()} named in {where}"
    return "", ""


def _amount_text(prefix: str, number: str, unit: str, suffix: str, bracket_currency: str, code: str) -> str:
    """The figure spelled for the shared parser: "€ 450 million", "3 billion dollars", "13 million CHF"."""
    if code:
        return f"{number} {unit} {code}".replace("  ", " ")
    unit_text = unit.rstrip(".") if unit.lower().startswith("mil") else unit
    suffix = " " + suffix.lstrip(" -") if suffix.strip() else ""  # "500-million-euro"
    currency = suffix if suffix.strip() else (f" {bracket_currency}" if bracket_currency else "")
    return f"{prefix.strip()}{number} {unit_text}{currency}".strip()


def _inherit_currency(found: tuple[FoundFigure, ...], body: str, base: int) -> tuple[FoundFigure, ...]:
    """A figure with no currency takes the one currency of the sentence's other figures ("the 20.3 million"
    beside "$33 billion"); with none or several, it is not a money figure."""
    currencies = {
        f.figure.currency for f in found if f.kind == "money" and f.figure is not None and f.figure.currency
    }
    out: list[FoundFigure] = []
    for item in found:
        figure = item.figure
        if item.kind != "money" or figure is None or figure.currency:
            out.append(item)
            continue
        if len(currencies) != 1:
            continue
        currency = next(iter(currencies))
        source = next(f for f in found if f.figure is not None and f.figure.currency == currency)
        inherited = Figure(
            span=figure.span,
            text=figure.text,
            value=figure.value,
            currency=currency,
            approximation=figure.approximation,
            approximation_words=figure.approximation_words,
            currency_words=f"(no currency written; {currency} as {source.text} in the same sentence)",
        )
        out.append(FoundFigure(item.span, item.text, inherited, "money", inherited=True))
    return tuple(out)
