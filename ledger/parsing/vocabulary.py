"""Words analysts type for approximations, instruments and qualifiers.

Every parser says which word it did not understand; none guesses silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ledger.core.model import Instrument, Qualifier, QualifierKind
from ledger.core.money import Approximation
from ledger.core.problems import ParseError

__all__ = [
    "APPROXIMATION_WORDS",
    "INSTRUMENT_WORDS",
    "QualifierParse",
    "format_qualifiers",
    "parse_approximation",
    "parse_instrument",
    "parse_qualifiers",
    "split_approximation",
]


def _key(text: str) -> str:
    """Lower case, single spaces, underscores as spaces: how every word table is keyed."""
    return " ".join(text.replace("_", " ").split()).lower()


APPROXIMATION_WORDS: Mapping[str, Approximation] = MappingProxyType(
    {
        "": Approximation.EXACT,
        "exact": Approximation.EXACT,
        "exactly": Approximation.EXACT,
        "about": Approximation.ABOUT,
        "around": Approximation.ABOUT,
        "close to": Approximation.ABOUT,
        "approximately": Approximation.ABOUT,
        "approx.": Approximation.ABOUT,
        "approx": Approximation.ABOUT,
        "roughly": Approximation.ABOUT,
        "some": Approximation.ABOUT,
        "circa": Approximation.ABOUT,
        "c.": Approximation.ABOUT,
        "ca.": Approximation.ABOUT,
        "~": Approximation.ABOUT,
        "nearly": Approximation.NEARLY,
        "almost": Approximation.NEARLY,
        "just under": Approximation.NEARLY,
        "just below": Approximation.NEARLY,
        "more than": Approximation.MORE_THAN,
        "over": Approximation.MORE_THAN,
        "at least": Approximation.MORE_THAN,
        "upwards of": Approximation.MORE_THAN,
        "in excess of": Approximation.MORE_THAN,
        "up to": Approximation.UP_TO,
        "as much as": Approximation.UP_TO,
        "at most": Approximation.UP_TO,
        "no more than": Approximation.UP_TO,
        # The enum values themselves ("more_than" is keyed "more than" above).
        **{_key(a.value): a for a in Approximation},
    }
)

# Longest first, so that "no more than" wins over "more than" when stripping a prefix.
_APPROXIMATION_PREFIXES: tuple[str, ...] = tuple(
    sorted((w for w in APPROXIMATION_WORDS if w), key=len, reverse=True)
)


def _expected(words: tuple[str, ...]) -> str:
    return ", ".join(words)


def parse_approximation(text: str) -> Approximation:
    """The approximation a word stands for: "nearly" -> NEARLY, "" -> EXACT; ParseError when unknown."""
    key = _key(text)
    try:
        return APPROXIMATION_WORDS[key]
    except KeyError:
        words = _expected(tuple(w for w in APPROXIMATION_WORDS if w))
        found = text.strip()
        raise ParseError(f'approximation "{found}" is not understood; expected one of: {words}') from None


def split_approximation(text: str) -> tuple[Approximation | None, str]:
    """Strip a leading approximation phrase: "nearly $300m" -> (NEARLY, "$300m"); (None, text) if none.

    A phrase made of letters must be followed by a space ("over 5" but not "overdue"); one ending in a
    symbol ("~", "c.") may touch the figure ("~300m", "c.300m").
    """
    stripped = text.strip()
    lowered = stripped.lower()
    for phrase in _APPROXIMATION_PREFIXES:
        if not lowered.startswith(phrase):
            continue
        rest = stripped[len(phrase) :]
        if phrase[-1].isalpha() and rest[:1] and not rest[:1].isspace():
            continue
        if not rest.strip():
            continue
        return APPROXIMATION_WORDS[phrase], rest.strip()
    return None, stripped


INSTRUMENT_WORDS: Mapping[str, Instrument] = MappingProxyType(
    {
        "": Instrument.UNKNOWN,
        "unknown": Instrument.UNKNOWN,
        "grant": Instrument.GRANT,
        "grants": Instrument.GRANT,
        "loan": Instrument.LOAN,
        "loans": Instrument.LOAN,
        "concessional loan": Instrument.LOAN,
        "concessional loans": Instrument.LOAN,
        "credit": Instrument.LOAN,
        "credits": Instrument.LOAN,
        "guarantee": Instrument.GUARANTEE,
        "guarantees": Instrument.GUARANTEE,
        "debt relief": Instrument.DEBT_RELIEF,
        "debt cancellation": Instrument.DEBT_RELIEF,
        "debt swap": Instrument.DEBT_RELIEF,
        "debt swaps": Instrument.DEBT_RELIEF,
        "in-kind": Instrument.IN_KIND,
        "in kind": Instrument.IN_KIND,
        "mixed": Instrument.MIXED,
        **{_key(i.value): i for i in Instrument},
    }
)

# "grants and loans", "grant/loan", "grants, loans": several instruments at once.
_INSTRUMENT_LIST = re.compile(r"\s*(?:,|/|\band\b|&|\+)\s*")


def parse_instrument(text: str) -> Instrument:
    """The instrument a word stands for: "loans" -> LOAN, "" -> UNKNOWN, "grants and loans" -> MIXED."""
    key = _key(text)
    if key in INSTRUMENT_WORDS:
        return INSTRUMENT_WORDS[key]
    parts = tuple(p for p in _INSTRUMENT_LIST.split(key) if p)
    if len(parts) > 1 and all(p in INSTRUMENT_WORDS for p in parts):
        found = {INSTRUMENT_WORDS[p] for p in parts} - {Instrument.UNKNOWN}
        if len(found) == 1:
            return found.pop()
        if found:
            return Instrument.MIXED
    words = _expected(tuple(w for w in INSTRUMENT_WORDS if w))
    raise ParseError(f'instrument "{text.strip()}" is not understood; expected one of: {words}')


# Qualifiers that stand alone, by what analysts type.
_PLAIN_QUALIFIERS: Mapping[str, Qualifier] = MappingProxyType(
    {
        "repackaged": Qualifier(QualifierKind.REPACKAGED),
        "recycled": Qualifier(QualifierKind.REPACKAGED),
        "reallocated": Qualifier(QualifierKind.REPACKAGED),
        "previously announced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "already announced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "announced before": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "announced earlier": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "re-announced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "reannounced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "already pledged": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "previously pledged": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "running total": Qualifier(QualifierKind.TALLY),
        "interim tally": Qualifier(QualifierKind.TALLY),
        "tally": Qualifier(QualifierKind.TALLY),
        "interim total": Qualifier(QualifierKind.TALLY),
        "converted": Qualifier(QualifierKind.CONVERTED),
        "proposed": Qualifier(QualifierKind.PROPOSED),
        "planned": Qualifier(QualifierKind.PROPOSED),
        "intended": Qualifier(QualifierKind.PROPOSED),
        "aimed at": Qualifier(QualifierKind.PROPOSED),
        "sought": Qualifier(QualifierKind.PROPOSED),
        "to be sought": Qualifier(QualifierKind.PROPOSED),
        "subject to approval": Qualifier(QualifierKind.PROPOSED),
        "misreport": Qualifier(QualifierKind.MISREPORT),
        "misreported": Qualifier(QualifierKind.MISREPORT),
        "misprint": Qualifier(QualifierKind.MISREPORT),
        "reporting error": Qualifier(QualifierKind.MISREPORT),
        "conversion": Qualifier(QualifierKind.CONVERTED),
        "outlet's conversion": Qualifier(QualifierKind.CONVERTED),
        "so far": Qualifier(QualifierKind.TALLY),
        "may be repackaged": Qualifier(QualifierKind.REPACKAGED),
        "possibly repackaged": Qualifier(QualifierKind.REPACKAGED),
        "repackaged (possible)": Qualifier(QualifierKind.REPACKAGED),
        "aggregate": Qualifier(QualifierKind.AGGREGATE),
        "total": Qualifier(QualifierKind.AGGREGATE),
        "in total": Qualifier(QualifierKind.AGGREGATE),
        "already provided": Qualifier(QualifierKind.ALREADY_PROVIDED),
        "disbursed": Qualifier(QualifierKind.ALREADY_PROVIDED),
        "already disbursed": Qualifier(QualifierKind.ALREADY_PROVIDED),
        "spent": Qualifier(QualifierKind.ALREADY_PROVIDED),
        "already spent": Qualifier(QualifierKind.ALREADY_PROVIDED),
        "already given": Qualifier(QualifierKind.ALREADY_PROVIDED),
        "baseline": Qualifier(QualifierKind.BASELINE),
        "per year": Qualifier(QualifierKind.PER_YEAR),
        "a year": Qualifier(QualifierKind.PER_YEAR),
        "annual": Qualifier(QualifierKind.PER_YEAR),
        "annually": Qualifier(QualifierKind.PER_YEAR),
        "per annum": Qualifier(QualifierKind.PER_YEAR),
        "each year": Qualifier(QualifierKind.PER_YEAR),
        "yearly": Qualifier(QualifierKind.PER_YEAR),
        # A statement that the money is new, with nothing named that it is on top of.
        "new and additional": Qualifier(QualifierKind.NEW_MONEY),
        "new money": Qualifier(QualifierKind.NEW_MONEY),
        "fresh money": Qualifier(QualifierKind.NEW_MONEY),
        "increase": Qualifier(QualifierKind.INCREASE_FROM),
    }
)

# Qualifiers that name another claim: the phrase, then the claim id.
_TARGETED_QUALIFIERS: Mapping[str, QualifierKind] = MappingProxyType(
    {
        "in addition to": QualifierKind.IN_ADDITION_TO,
        "on top of": QualifierKind.IN_ADDITION_TO,
        "additional to": QualifierKind.IN_ADDITION_TO,
        "part of": QualifierKind.PART_OF,
        "within": QualifierKind.PART_OF,
        "out of": QualifierKind.PART_OF,
        "includes": QualifierKind.INCLUDES,
        "including": QualifierKind.INCLUDES,
        "same as": QualifierKind.SAME_AS,
        "duplicate of": QualifierKind.SAME_AS,
        "increase from": QualifierKind.INCREASE_FROM,
        "increase over": QualifierKind.INCREASE_FROM,
        "increased from": QualifierKind.INCREASE_FROM,
        "up from": QualifierKind.INCREASE_FROM,
        "converted from": QualifierKind.CONVERTED,
        "conversion of": QualifierKind.CONVERTED,
    }
)
_TARGETABLE_KINDS = frozenset(_TARGETED_QUALIFIERS.values())
_TARGETED_PREFIXES: tuple[str, ...] = tuple(sorted(_TARGETED_QUALIFIERS, key=len, reverse=True))

_QUALIFIER_SEPARATOR = re.compile(r"[;\n\r]")
# Plain qualifiers often typed with a remark after them: "first announced in March", "tally at noon".
_REMARKED_QUALIFIERS: Mapping[str, Qualifier] = MappingProxyType(
    {
        "first announced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "previously announced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "already announced": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "announced in": Qualifier(QualifierKind.PREVIOUSLY_ANNOUNCED),
        "running total": Qualifier(QualifierKind.TALLY),
        "interim tally": Qualifier(QualifierKind.TALLY),
        "tally": Qualifier(QualifierKind.TALLY),
    }
)

_EXPECTED_QUALIFIERS = (
    "repackaged, previously announced, aggregate, running total, already provided, baseline, per year, "
    "new and additional, converted, proposed, misreport, increase, "
    "in addition to <claim id>, part of <claim id>, includes <claim id>, same as <claim id>, "
    "increase from <claim id>, or an instrument (grant, loan, guarantee, debt relief, in kind, mixed)"
)


@dataclass(frozen=True, slots=True)
class QualifierParse:
    """A qualifiers cell: its qualifiers, an instrument word if any, and what was not understood."""

    qualifiers: tuple[Qualifier, ...] = ()
    instrument: Instrument | None = None
    problems: tuple[str, ...] = ()


def _parse_qualifier(item: str) -> Qualifier | Instrument | str:
    """One item: a Qualifier, an Instrument, or a problem message."""
    key = _key(item)
    if key in _PLAIN_QUALIFIERS:
        return _PLAIN_QUALIFIERS[key]
    if key in INSTRUMENT_WORDS:
        return INSTRUMENT_WORDS[key]
    for phrase, qualifier in _REMARKED_QUALIFIERS.items():
        if key.startswith(phrase + " "):
            return qualifier
    # _key keeps the length of a single-spaced item, so the id can be cut from the item as typed.
    spaced = " ".join(item.split())
    for phrase in _TARGETED_PREFIXES:
        if key == phrase:
            return f'"{spaced}" needs a claim id, e.g. "{spaced} CNN-2"'
        if key.startswith(phrase + " "):
            return Qualifier(_TARGETED_QUALIFIERS[phrase], spaced[len(phrase) :].strip())
    return f'qualifier "{spaced}" is not understood; expected one of: {_EXPECTED_QUALIFIERS}'


def parse_qualifiers(text: str) -> QualifierParse:
    """Read a qualifiers cell: items separated by semicolons or new lines, `loan; in addition to CNN-2`.

    Every item that is not understood gives a problem; duplicates are kept once; order is kept.
    Several different instrument words make the instrument MIXED.
    """
    qualifiers: list[Qualifier] = []
    instruments: list[Instrument] = []
    problems: list[str] = []
    for item in _QUALIFIER_SEPARATOR.split(text):
        if not item.strip():
            continue
        parsed = _parse_qualifier(item)
        if isinstance(parsed, Qualifier):
            if parsed not in qualifiers:
                qualifiers.append(parsed)
        elif isinstance(parsed, Instrument):
            if parsed not in instruments:
                instruments.append(parsed)
        else:
            problems.append(parsed)
    known = [i for i in instruments if i is not Instrument.UNKNOWN]
    instrument: Instrument | None
    if len(known) > 1:
        instrument = Instrument.MIXED
    elif known:
        instrument = known[0]
    else:
        instrument = instruments[0] if instruments else None
    return QualifierParse(tuple(qualifiers), instrument, tuple(problems))


def _qualifier_words(qualifier: Qualifier) -> str:
    words = qualifier.kind.value.replace("_", " ")
    if qualifier.target:
        if qualifier.kind is QualifierKind.CONVERTED:
            return f"converted from {qualifier.target}"
        return f"{words} {qualifier.target}" if qualifier.kind in _TARGETABLE_KINDS else words
    if qualifier.kind is QualifierKind.NEW_MONEY:
        return "new and additional"
    if qualifier.kind is QualifierKind.TALLY:
        return "running total"
    if qualifier.kind is QualifierKind.CONVERTED:
        return "converted"
    if qualifier.kind is QualifierKind.INCREASE_FROM:
        return "increase"
    # A relational qualifier without its id is written as is; parsing it back reports the missing id.
    return words


def format_qualifiers(qualifiers: tuple[Qualifier, ...], instrument_word: str | None = None) -> str:
    """Write qualifiers in canonical words, `loan; in addition to CNN-2`: the inverse of parse_qualifiers.

    A target on a qualifier that takes none (`repackaged X`) is not written: it has no words.
    """
    items = [instrument_word] if instrument_word else []
    items.extend(_qualifier_words(q) for q in qualifiers)
    return "; ".join(items)
