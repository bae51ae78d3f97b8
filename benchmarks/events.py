"""The evaluation corpus of real pledging events (`../shared/events/`), read as ledgers and expectations.

Each YAML file there is one event as many outlets told it, labelled by hand (its README describes the
fields); the worked example (`../shared/cases/central-america-2011.yaml`) is a case of the same shape.
`load_corpus` reads them all; each `Case` carries the ledger as the plain dict `ledger.ledger_from_dict`
takes (what an analyst would type into the template) and the analyst's `Expected` relations.

The analyst's qualifier words are translated to the template's words; a word the template has no word
for is left out, as it would be from an analyst's workbook, and listed in `Case.left_out`. The texts are
the publishers' own: they are read from `../shared/`, never copied into the project.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

__all__ = [
    "SHARED",
    "TEMPLATE_QUALIFIERS",
    "Case",
    "CurrencyRange",
    "Expected",
    "ExpectedPair",
    "LeftOut",
    "PairKind",
    "corpus_paths",
    "expected_pairs",
    "listed_pair_count",
    "load_case",
    "load_corpus",
    "template_qualifier",
]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# The analyst's qualifier words (as the corpus writes them, `word` or `word:claim id`) and the
# template's words for them. Every other word is left out and listed: private_included,
# debt_deferral (the template has no word for them: an analyst's workbook would not
# say them either).
TEMPLATE_QUALIFIERS: Mapping[str, str] = MappingProxyType(
    {
        "aggregate": "aggregate",
        "repackaged": "repackaged",
        "may be repackaged": "may be repackaged",
        "already provided": "already provided",
        "baseline": "baseline",
        "per year": "per year",
        "increase": "increase",
        "in addition to": "in addition to",
        "part of": "part of",
        "includes": "includes",
        "increase from": "increase from",
        "increase over": "increase from",
        "same as": "same as",
        "previously announced": "previously announced",
        "new money": "new and additional",
        "running total": "running total",
        "interim tally": "interim tally",
        "converted": "converted",
        "proposed": "proposed",
        "misreport": "misreport",
    }
)
# Words that take a claim id after them.
_TARGETED = frozenset({"in addition to", "part of", "includes", "increase from", "same as"})


def template_qualifier(word: str) -> str | None:
    """The template's text for one analyst qualifier ("in_addition_to:C15" -> "in addition to C15"), or None.

    The corpus writes `word:target`; the worked example writes `word target` ("increase over BBC-4").
    """
    key, _, target = word.partition(":")
    key = " ".join(key.replace("_", " ").split()).lower()
    target = target.strip()
    if not target:
        for phrase in sorted(_TARGETED | {"increase over"}, key=len, reverse=True):
            if key.startswith(phrase + " "):
                key, target = phrase, key[len(phrase) :].strip().upper()
                break
    words = TEMPLATE_QUALIFIERS.get(key)
    if words is None:
        return None
    if words in _TARGETED:
        return f"{words} {target}" if target else None
    return words


class PairKind(StrEnum):
    SAME_PLEDGE = "same_pledge"
    CONTAINED = "contained"
    AGGREGATE = "aggregate"


@dataclass(frozen=True, slots=True)
class ExpectedPair:
    """Two claims the analyst relates: one pledge told twice, a part inside its whole, a total and a part."""

    kind: PairKind
    first: str  # for contained the part, for aggregate the total
    second: str

    @property
    def claims(self) -> frozenset[str]:
        return frozenset((self.first, self.second))


@dataclass(frozen=True, slots=True)
class CurrencyRange:
    """The analyst's distinct total in one currency: [low, high], and the naive sum of every figure."""

    currency: str
    low: Decimal
    high: Decimal
    naive: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Expected:
    """What a careful analyst concludes about a case, as its YAML's `expected` says."""

    same_pledge: tuple[tuple[str, ...], ...] = ()
    contained: tuple[tuple[str, str], ...] = ()  # (part, whole)
    disjoint: tuple[tuple[str, str], ...] = ()  # explicitly separate ("in addition to")
    aggregates: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (total, its parts)
    loans: frozenset[str] = frozenset()
    repackaged: frozenset[str] = frozenset()
    baseline: tuple[tuple[str, str], ...] = ()  # (base, increased)
    not_new: frozenset[str] = frozenset()
    totals: tuple[CurrencyRange, ...] = ()


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An analyst's qualifier word that the template has no word for, left out of the ledger."""

    claim: str
    word: str


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled event: its ledger as plain values, the analyst's conclusions, the words left out."""

    name: str  # the file's stem
    path: Path
    event: str
    ledger: Mapping[str, Any]  # {"name", "sources", "claims"}, as ledger_from_dict takes it
    expected: Expected
    left_out: tuple[LeftOut, ...] = ()

    @property
    def claim_count(self) -> int:
        return len(self.ledger["claims"])


def corpus_paths(shared: Path = SHARED) -> tuple[Path, ...]:
    """The corpus files: every event under `shared/events/`, then the worked example, in a stable order."""
    events = sorted((shared / "events").glob("*/*.yaml"))
    worked = shared / "cases" / "central-america-2011.yaml"
    return (*events, *((worked,) if worked.is_file() else ()))


def load_corpus(shared: Path = SHARED) -> tuple[Case, ...]:
    """Every case of the corpus; FileNotFoundError when `shared/events/` is absent."""
    if not (shared / "events").is_dir():
        raise FileNotFoundError(f"{shared / 'events'} is absent (it lives in shared/, beside the repository)")
    return tuple(load_case(path) for path in corpus_paths(shared))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _ids(values: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _pairs(values: Iterable[Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in values or ())


def _totals(expected: Mapping[str, Any]) -> tuple[CurrencyRange, ...]:
    totals = expected.get("totals")
    if totals:
        return tuple(
            CurrencyRange(
                str(currency),
                Decimal(str(t["low"])),
                Decimal(str(t["high"])),
                Decimal(str(t["naive_sum"])) if t.get("naive_sum") is not None else None,
            )
            for currency, t in totals.items()
        )
    # The worked example gives one nominal figure per currency (`totals_usd`): low = high = it.
    found = []
    for key, t in expected.items():
        if key.startswith("totals_") and "distinct_new_pledges_nominal" in t:
            figure = Decimal(str(t["distinct_new_pledges_nominal"]))
            naive = t.get("naive_sum_of_all_figures")
            found.append(
                CurrencyRange(key.removeprefix("totals_").upper(), figure, figure, Decimal(str(naive)))
            )
    return tuple(found)


def _expected(expected: Mapping[str, Any]) -> Expected:
    return Expected(
        same_pledge=tuple(_ids(group) for group in expected.get("same_pledge") or ()),
        contained=_pairs(expected.get("contained")),
        disjoint=_pairs(expected.get("disjoint")),
        aggregates=tuple((str(total), _ids(parts)) for total, parts in expected.get("aggregates") or ()),
        loans=frozenset(_ids(expected.get("loans"))),
        repackaged=frozenset(_ids(expected.get("repackaged"))),
        baseline=_pairs(expected.get("baseline")),
        not_new=frozenset(_ids(expected.get("not_new_this_conference"))),
        totals=_totals(expected),
    )


def _claim(raw: Mapping[str, Any], left_out: list[LeftOut]) -> dict[str, str]:
    claim_id = _text(raw["id"])
    qualifiers = []
    for word in raw.get("qualifiers") or ():
        words = template_qualifier(str(word))
        if words is None:
            left_out.append(LeftOut(claim_id, str(word)))
        elif words not in qualifiers:
            qualifiers.append(words)
    return {
        "id": claim_id,
        "source": _text(raw["source"]),
        "donor": _text(raw.get("donor")),
        "announced_by": _text(raw.get("announced_by")),
        "recipient": _text(raw.get("recipient")),
        "purpose": _text(raw.get("purpose")),
        "amount": _text(raw["amount"]),
        "currency": _text(raw["currency"]),
        "approximation": _text(raw.get("approx")),
        "period": _text(raw.get("period")),
        "instrument": _text(raw.get("instrument")),
        "qualifiers": "; ".join(qualifiers),
        "quote": " ".join(_text(raw.get("quote")).split()),
    }


def load_case(path: Path) -> Case:
    """One corpus file as a Case: the ledger an analyst would type from it, and the analyst's conclusions."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = [
        {
            "id": _text(s["id"]),
            "publisher": _text(s.get("publisher")),
            "title": _text(s.get("title")),
            "date": _text(s.get("date")),
            "url": _text(s.get("url")),
        }
        for s in data.get("sources") or ()
    ]
    left_out: list[LeftOut] = []
    claims = [_claim(raw, left_out) for raw in data.get("claims") or ()]
    event = _text(data.get("event"))
    return Case(
        name=path.stem,
        path=path,
        event=event,
        ledger=MappingProxyType({"name": event, "sources": sources, "claims": claims}),
        expected=_expected(data.get("expected") or {}),
        left_out=tuple(left_out),
    )


def expected_pairs(expected: Expected) -> tuple[ExpectedPair, ...]:
    """The analyst's related pairs, each once: every pair inside a same-pledge group, every (part, whole),
    every (total, part) of an aggregate.

    A pair listed twice (as contained and as a part of an aggregate, say) is kept once, at its first
    kind in that order: it is one relation to catch. `listed_pair_count` counts the pairs as listed.
    """
    seen: set[frozenset[str]] = set()
    pairs: list[ExpectedPair] = []

    def add(kind: PairKind, first: str, second: str) -> None:
        key = frozenset((first, second))
        if len(key) == 2 and key not in seen:
            seen.add(key)
            pairs.append(ExpectedPair(kind, first, second))

    for group in expected.same_pledge:
        for first, second in itertools.combinations(group, 2):
            add(PairKind.SAME_PLEDGE, first, second)
    for part, whole in expected.contained:
        add(PairKind.CONTAINED, part, whole)
    for total, parts in expected.aggregates:
        for part in parts:
            add(PairKind.AGGREGATE, total, part)
    return tuple(pairs)


def listed_pair_count(expected: Expected) -> int:
    """The related pairs as the YAML lists them, a pair listed twice counted twice (how issue 10 counted)."""
    same = sum(len(group) * (len(group) - 1) // 2 for group in expected.same_pledge)
    return same + len(expected.contained) + sum(len(parts) for _, parts in expected.aggregates)
