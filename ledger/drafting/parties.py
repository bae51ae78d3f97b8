"""Donors and recipients named in a sentence: countries, regions, institutions, collectives.

`resolve_party` is the one place a name as written becomes a donor or recipient: today through the
names module's `canonical` and `is_all_donors`, and the demonyms drafting knows ("British" is the
United Kingdom). Everything else here finds where names are; nothing else decides what they mean.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from ledger.drafting.tokens import Token
from ledger.names import ALL_DONORS, Names

__all__ = ["COUNTRY", "ORGANISATION", "Party", "collective_kind", "find_parties", "resolve_party"]

COUNTRY, REGION, ORGANISATION, COLLECTIVE = "country", "region", "organisation", "collective"

# Unknown names ending in one of these are institutions: "Arab Monetary Fund", "OPEC Fund".
_INSTITUTION_WORDS = frozenset(
    {
        *("bank", "fund", "union", "commission", "organization", "organisation", "agency", "programme"),
        *("program", "council", "foundation", "committee", "authority", "society", "cross", "crescent"),
        *("confederation", "coalition", "institute", "facility"),
    }
)
# Nouns that name many givers at once: "donors", "the international community", "40 countries".
_COLLECTIVE_HEADS = frozenset(
    {
        *("donors", "countries", "nations", "governments", "participants", "envoys", "conference"),
        *("meeting", "community", "states", "organisations", "organizations", "institutions", "lenders"),
        *("pledgers",),
    }
)
_COLLECTIVE_MODIFIERS = frozenset(
    {
        *("international", "world", "foreign", "other", "major", "donor", "all", "the", "several", "many"),
        *("some", "about", "more", "than", "and", "western", "arab", "gulf", "european", "asian", "rich"),
        *("state", "private", "public", "participating", "individual", "one-day", "two-day", "pledging"),
    }
)
_CONNECTORS = frozenset({"of", "for", "and", "the", "&", "de", "on"})
_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {"bank": "bank", "fund": "fund", "commission": "commission", "union": "union"}
)
_MAX_NAME_TOKENS = 7


@dataclass(frozen=True, slots=True)
class Party:
    """A donor or recipient named in a sentence, by token positions (`first` to `last`, inclusive)."""

    name: str  # canonical
    kind: str  # country, region, organisation, collective
    words: str  # as written
    first: int
    last: int
    possessive: bool = False
    how: str = "named"  # the rule that read it: "named", "the adjective British", ...
    adjective: bool = False  # a demonym before a noun: "British aid", "Afghan reconstruction"


@cache
def _names() -> Names:
    return Names.default()


@cache
def _demonyms() -> Mapping[str, str]:
    text = resources.files("ledger.drafting").joinpath("data/demonyms.csv").read_text(encoding="utf-8")
    return MappingProxyType({row["word"]: row["means"] for row in csv.DictReader(io.StringIO(text))})


@cache
def resolve_party(words: str) -> tuple[str, str] | None:
    """The canonical name and kind (country, region, organisation, collective) of a donor or recipient as
    written ("the US", "Washington", "British", "the World Bank"); None when the words name no party.

    Countries and regions are the names module's; an unknown name ending in Bank, Fund, Union, ... is
    an institution under its own name.
    """
    names = _names()
    tidied = " ".join(words.split())
    bare = tidied[4:] if tidied.lower().startswith("the ") else tidied
    demonym = _demonyms().get(bare)
    if demonym is not None:
        tidied = demonym
    lowered = tidied.lower()
    canonical = names.canonical(lowered)
    if canonical == lowered or canonical == lowered.removeprefix("the "):
        # unknown to the names module (a lower-case spelling of a known name comes back capitalised)
        last = bare.split()[-1].lower() if bare.split() else ""
        if (
            len(bare.split()) >= 2
            and last in _INSTITUTION_WORDS
            and bare[:1].isupper()
            and " and " not in bare
        ):
            return bare, ORGANISATION
        return None
    if canonical == ALL_DONORS:
        return canonical, COLLECTIVE
    if names.ancestors(canonical):
        return canonical, REGION if names.is_region(canonical) else COUNTRY
    return canonical, ORGANISATION


def collective_kind(name: str) -> bool:
    """True for "All donors" and the collectives drafting names ("European Union member states")."""
    return name == ALL_DONORS or name.endswith(" member states") or name == "Private sector"


def find_parties(tokens: Sequence[Token], earlier: Sequence[Party] = ()) -> tuple[Party, ...]:
    """Every party named in a sentence's tokens, left to right, longest name first.

    `earlier` are the parties of the sentences before, for "the bank" after "World Bank" was named.
    """
    found: list[Party] = []
    index = 0
    while index < len(tokens):
        party = _party_at(tokens, index, (*earlier, *found))
        if party is None:
            index += 1
            continue
        found.append(party)
        index = party.last + 1
    return tuple(found)


def _party_at(tokens: Sequence[Token], index: int, earlier: Sequence[Party]) -> Party | None:
    token = tokens[index]
    word = token.bare
    if word in _COLLECTIVE_HEADS or word in _COLLECTIVE_MODIFIERS or word.isdigit():
        collective = _collective(tokens, index)
        if collective is not None:
            return collective
    if word == "the" and index + 1 < len(tokens) and tokens[index + 1].bare in _DESCRIPTIONS:
        return _description(tokens, index, earlier)
    if not token.capitalized and word != "the":
        return None
    if word == "private" or (
        word == "the" and index + 1 < len(tokens) and tokens[index + 1].bare == "private"
    ):
        return None
    for last in range(min(len(tokens), index + _MAX_NAME_TOKENS) - 1, index - 1, -1):
        span = tokens[index : last + 1]
        if span[-1].bare in _CONNECTORS or not all(t.capitalized or t.bare in _CONNECTORS for t in span):
            continue
        if span[0].bare == "the" and len(span) == 1:
            continue
        words = " ".join(t.text for t in span)
        if span[-1].possessive:
            words = words[:-2]
        resolved = resolve_party(words)
        if resolved is None:
            continue
        name, kind = resolved
        bare_words = words[4:] if words.lower().startswith("the ") else words
        adjective = bare_words in _demonyms() and bare_words != name
        member_states = _member_states(tokens, last)
        if member_states is not None and kind == ORGANISATION:
            return Party(
                f"{name} member states",
                COLLECTIVE,
                " ".join(t.text for t in tokens[index : member_states + 1]),
                index,
                member_states,
                how=f'"{words} members": the member states together',
            )
        how = f"the adjective {bare_words}" if adjective else "named"
        return Party(name, kind, words, index, last, span[-1].possessive, how, adjective)
    return None


def _member_states(tokens: Sequence[Token], last: int) -> int | None:
    """The index of "members" / "states" in "EU members", "EU member states"; None otherwise."""
    following = [t.bare for t in tokens[last + 1 : last + 3]]
    if following[:1] == ["members"]:
        return last + 1
    if following == ["member", "states"]:
        return last + 2
    return None


def _collective(tokens: Sequence[Token], index: int) -> Party | None:
    """ "donors", "international donors", "the meeting of 68 countries", "Forty countries and organizations"."""
    last = index
    head = -1
    while last < len(tokens) and last - index < 8:
        word = tokens[last].bare
        if word in _COLLECTIVE_HEADS:
            head = last
        elif not (word in _COLLECTIVE_MODIFIERS or word.isdigit() or _is_number_word(word)):
            break
        last += 1
    if head < 0:
        return None
    words = " ".join(t.text for t in tokens[index : head + 1])
    if tokens[head].bare in ("states", "community", "conference", "meeting") and not _is_collective_phrase(
        tokens, index, head
    ):
        return None
    if any(t.bare == "private" for t in tokens[index:head]):
        return Party("Private sector", COLLECTIVE, words, index, head, how="private donors together")
    return Party(
        ALL_DONORS,
        COLLECTIVE,
        words,
        index,
        head,
        tokens[head].possessive,
        f'"{words}": many donors together',
    )


def _is_collective_phrase(tokens: Sequence[Token], index: int, head: int) -> bool:
    words = [t.bare for t in tokens[index : head + 1]]
    if words[-1] == "community":
        return "international" in words
    if words[-1] in ("conference", "meeting"):
        # "the donor conference", "the meeting of 68 countries": a gathering of givers, not a venue
        following = [t.bare for t in tokens[head + 1 : head + 3]]
        return bool({"donor", "donors", "pledging"} & set(words)) or (
            following[:1] == ["of"]
            and (
                following[1:2] == ["countries"]
                or any(w.isdigit() or _is_number_word(w) for w in following[1:2])
            )
        )
    return any(w.isdigit() or _is_number_word(w) for w in words) or "donor" in words


_NUMBER_WORDS = frozenset(
    [
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
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "dozens",
    ]
)


def _is_number_word(word: str) -> bool:
    return word in _NUMBER_WORDS or all(part in _NUMBER_WORDS for part in word.split("-"))


def _description(tokens: Sequence[Token], index: int, earlier: Sequence[Party]) -> Party | None:
    """ "the bank" after "World Bank" was named: the last party named whose name has that word."""
    noun = tokens[index + 1].bare
    for party in reversed(earlier):
        if noun in party.name.lower().split() and party.kind == ORGANISATION:
            words = f"{tokens[index].text} {tokens[index + 1].text}"
            return Party(
                party.name,
                party.kind,
                words,
                index,
                index + 1,
                tokens[index + 1].possessive,
                f'"{words}" after {party.name} was named',
            )
    return None
