"""The fields of a claim from its sentence: donor, announced by, recipient, purpose, period, instrument.

Each reader returns the value with the words that decided it and the rule, so a draft can say why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from ledger.core.model import Instrument, Period
from ledger.core.problems import ParseError
from ledger.drafting.parties import COLLECTIVE, COUNTRY, ORGANISATION, REGION, Party
from ledger.drafting.people import Mention, Person
from ledger.drafting.tokens import Token
from ledger.drafting.values import Span
from ledger.drafting.view import SentenceView
from ledger.names import ALL_DONORS
from ledger.parsing.periods import parse_period

__all__ = [
    "Found",
    "donor_group",
    "find_instrument",
    "find_period",
    "find_purpose",
    "find_recipient",
    "find_subject",
    "zone_after",
]

# A party after one of these is a recipient, a place or a comparison, not the giver.
_NOT_SUBJECT_AFTER = frozenset(
    {
        *("to", "for", "in", "into", "at", "on", "with", "toward", "towards", "across", "than", "like"),
        *("including", "between", "among", "within", "of", "about", "against", "over", "through", "via"),
        *("after", "before", "during", "visited", "from", "since", "beside", "besides", "throughout", "by"),
    }
)
# Words after a demonym that show it is the subject ("the Saudis pledged"), not an adjective ("Afghan aid").
_VERBS_AFTER = frozenset(
    {
        *(
            "would",
            "will",
            "has",
            "have",
            "had",
            "is",
            "was",
            "are",
            "were",
            "said",
            "says",
            "also",
            "pledged",
        ),
        *("promised", "committed", "offered", "gave", "donated", "announced", "provided", "pledge", "give"),
    }
)
# Words between a subject and its verb of giving: "40 countries pledged to provide", "Japan has agreed to give".
_VERB_CHAIN = frozenset(
    {
        *("pledged", "promised", "committed", "agreed", "vowed", "offered", "decided", "undertook", "to"),
        *("would", "will", "has", "have", "had", "also", "jointly", "together", "then", "now", "is", "are"),
    }
)
# Approximation words between a listed donor's colon and its figure.
_LIST_APPROXIMATIONS = frozenset(
    {"up", "to", "over", "about", "around", "some", "nearly", "almost", "more", "than"}
)
_AID_NOUNS = frozenset({"aid", "assistance", "funding", "money", "support", "grants", "loans"})
_RAISING = frozenset({"raises", "raised", "raise", "collects", "collected", "mobilised", "mobilized"})
_BE = frozenset({"is", "was", "are", "were", "been", "be", "being"})
# Nouns after a demonym that make it the giver: "the British government", "the Japanese foreign ministry".
_GIVER_NOUNS = frozenset({"government", "administration", "ministry", "embassy", "authorities", "taxpayers"})
# Words that may stand between a donor and its figure in a list: "the EU and the US a combined $780m".
_BETWEEN_DONOR_AND_FIGURE = frozenset(
    {"a", "an", "combined", "total", "of", "additional", "further", "extra", "another"}
)
_PRONOUNS = frozenset({"it", "they", "we", "its", "their", "our", "he", "she", "his", "her", "i", "my"})
_RECEIVING = frozenset({"won", "get", "gets", "got", "receives", "received", "wins"})
_PASSIVE = frozenset(
    {
        *("pledged", "promised", "committed", "offered", "given", "provided", "announced", "forward"),
        *("earmarked", "allocated", "contributed", "donated", "lent", "extended", "earlier", "already"),
    }
)
# A fiscal year said by these donors is theirs: the US federal year starts in October, the UK's and
# Japan's in April.
_FISCAL_YEAR_START: Mapping[str, int] = MappingProxyType(
    {
        "United States": 10,
        "United Kingdom": 4,
        "Japan": 4,
        "Canada": 4,
        "India": 4,
        "Australia": 7,
        "New Zealand": 7,
    }
)


@dataclass(frozen=True, slots=True)
class Found:
    """A field's value, the words that decided it (with their place) and the rule that read them."""

    value: str
    words: str = ""
    rule: str = ""
    span: Span | None = None
    person: Person | None = None  # for a donor read from a person: who


def zone_after(view: SentenceView, number: int) -> tuple[int, int]:
    """The tokens after figure `number` that speak of it: up to the next figure (past a conversion in
    brackets, and past figures listed with it: "$560 million and $100 million, respectively, over ...")."""
    placed = view.figures[number]
    _, end = view.clause_bounds(placed.last)
    first = placed.last + 1
    index = number + 1
    while index < len(view.figures):
        later = view.figures[index]
        if later.converts is not None:
            first = later.last + 1
            if first < len(view.tokens) and view.tokens[first].text == ")":
                first += 1
            index += 1
            continue
        between = {t.bare for t in view.tokens[first : later.first]}
        if between <= {"and", ",", "or"} and later.first - first <= 2:
            first = later.last + 1  # a list of figures: what follows the last speaks of all
            index += 1
            continue
        return first, min(end, later.first - 1)
    return first, end


def zone_before(view: SentenceView, number: int) -> tuple[int, int]:
    placed = view.figures[number]
    start, _ = view.clause_bounds(placed.first)
    if number > 0:
        start = max(start, view.figures[number - 1].last + 1)
    return start, placed.first - 1


# ---- donor -----------------------------------------------------------------------------------------


_Subject = tuple[Party | None, Mention | None, Found]


@dataclass(frozen=True, slots=True)
class _Giving:
    """What the rules for who gives read: the sentence, the figure and its verb, and the zone after it."""

    view: SentenceView
    number: int
    cue: int  # the verb of giving's token, or -1
    previous_person: Person | None
    receiver: str  # the recipient already known: never the giver
    first: int  # the first token of the zone after the figure
    window: range  # the zone's first few tokens, where "from ..." and "by ..." name the giver


def find_subject(
    view: SentenceView, number: int, cue: int, previous_person: Person | None, receiver: str = ""
) -> tuple[Party | None, Mention | None, Found]:
    """Who gives: "$1.3 billion from the ADB", "$20bn promised by Washington", "Germany US$360 million",
    or the subject of the verb of giving. Returns the party, the person, and the evidence."""
    first, last = zone_after(view, number)
    giving = _Giving(
        view, number, cue, previous_person, receiver, first, range(first, min(last, first + 5) + 1)
    )
    for rule in _SUBJECT_RULES:
        if (found := rule(giving)) is not None:
            return found
    placed = view.figures[number]
    start, _ = view.clause_bounds(placed.first)
    anchor = cue if 0 <= cue < placed.first else placed.first
    found = _subject_before(view, anchor, start, previous_person, number, receiver)
    opening = _aside_before(view, start)
    if found[0] is None and found[1] is None and opening is not None:
        # "Kuwait, which was invaded by Iraq - leading to the Gulf war - offered $0.5bn": past the aside
        outer, _ = view.clause_bounds(opening - 1)
        return _subject_before(view, opening, outer, previous_person, number, receiver)
    return found


_DASHES = frozenset({"-", "—", "–"})


def _aside_before(view: SentenceView, start: int) -> int | None:
    """The opening dash of an aside that closes just before the clause at `start`: "A - an aside - gave"."""
    if start < 2 or view.tokens[start - 1].text not in _DASHES:
        return None
    opening = start - 2
    while opening > 0 and view.tokens[opening].text not in _DASHES and start - opening < 25:
        opening -= 1
    return opening if opening > 0 and view.tokens[opening].text in _DASHES else None


def _received_from_many(giving: _Giving) -> _Subject | None:
    """ "Haiti won $100 million": a verb of receiving means what many donors gave, none of them named."""
    view, cue = giving.view, giving.cue
    if not (0 <= cue < len(view.tokens) and (view.tokens[cue].bare in _RECEIVING or _raises(giving))):
        return None
    word = view.tokens[cue].text
    return (
        Party(ALL_DONORS, COLLECTIVE, word, cue, cue),
        None,
        Found(ALL_DONORS, word, f'"{word}": what a recipient got from many donors'),
    )


def _raises(giving: _Giving) -> bool:
    """ "UN raises $2 billion in Yemen appeal", "conference raises $4.55 billion": money raised straight
    from others (not "raised its aid to ..."), the gift of many donors."""
    view, cue = giving.view, giving.cue
    between = {t.bare for t in view.tokens[cue + 1 : view.figures[giving.number].first]}
    if "to" in between and "up" not in between:
        return False  # "raised to almost $1 billion": an increase, not money raised from others
    return view.tokens[cue].bare in _RAISING and between <= _LIST_APPROXIMATIONS


def _named_after(giving: _Giving) -> _Subject | None:
    """ "$1.3 billion from the ADB", "$20bn promised by Washington": the first "from" or "by" that names
    a giver just after the figure."""
    for index in giving.window:
        if (found := _giver_named_at(giving, index)) is not None:
            return found
    return None


def _giver_named_at(giving: _Giving, index: int) -> _Subject | None:
    """The giver that "from" or (after a verb like "pledged") "by" at `index` names; a region after
    "from" is where the money goes or comes from, not who gives it."""
    view, first = giving.view, giving.first
    word = view.tokens[index].bare
    if (
        word == "from"
        and (party := view.party_at(_skip_determiners(view, index + 1))) is not None
        and party.kind != REGION
    ):
        return party, None, _party_found(view, party, f'"from {party.words}": the giver')
    if word == "by" and index > first and any(view.tokens[i].bare in _PASSIVE for i in range(first, index)):
        target = _skip_determiners(view, index + 1)
        mention = _mention_at(view, target)
        if mention is not None:
            return None, mention, Found(mention.person.name, mention.how, "the person it was given by")
        if (party := view.party_at(target)) is not None:
            return party, None, _party_found(view, party, f'"by {party.words}": the giver')
    return None


def _giver_after(giving: _Giving) -> _Subject | None:
    """ "$200 million the bank already has provided", "$20 million they had announced": the subject of
    a clause just after the figure."""
    view, first = giving.view, giving.first
    if first not in giving.window:
        return None
    party = view.party_at(first)
    following = {t.bare for t in view.tokens[first : first + 5]}
    if party is not None and following & {
        "has",
        "had",
        "have",
        "already",
        "pledged",
        "promised",
        "committed",
    }:
        return party, None, _party_found(view, party, "the giver in the clause after the figure")
    if view.tokens[first].bare in _PRONOUNS and following & {"has", "had", "have", "already", "pledged"}:
        return _pronoun(view, first, giving.previous_person)
    return None


def _named_just_before(giving: _Giving) -> _Subject | None:
    """ "Germany US$360 million", "Kuwait: $250m", "Kuwait ($250 million)", "its $1 billion pledge":
    the donor (or a possessive) right before the figure, past "a combined" and the like."""
    view = giving.view
    placed = view.figures[giving.number]
    before = placed.first - 1
    while (
        before >= 0 and view.tokens[before].bare in _BETWEEN_DONOR_AND_FIGURE and placed.first - before <= 3
    ):
        before -= 1
    listed = before
    while listed >= 0 and view.tokens[listed].bare in _LIST_APPROXIMATIONS and placed.first - listed <= 3:
        listed -= 1
    if listed >= 0 and view.tokens[listed].text == ":":
        before = listed  # "Japan: Up to $500m", "Canada: over $150 million": a list of donors
    if before >= 0 and view.tokens[before].text in (":", "("):
        before -= 1
    if before < 0 or view.figure_at(before) is not None:
        return None
    if (
        (party := view.party_at(before)) is not None
        and party.kind != REGION
        and party.name != giving.receiver
    ):
        return party, None, _party_found(view, party, "the donor named just before the figure")
    if view.tokens[before].bare in ("its", "their", "his", "her", "our"):
        return _pronoun(view, before, giving.previous_person)
    return None


def _aid_of_a_country(giving: _Giving) -> _Subject | None:
    """ "£5 million of British aid", "$1 billion in U.S. aid": the country whose aid the figure is (not
    the place the text is about, whose aid it would be: "Afghan aid")."""
    view, first = giving.view, giving.first
    if first + 2 >= len(view.tokens) or view.tokens[first].bare not in ("of", "in"):
        return None
    party = view.party_at(first + 1)
    if party is None or party.first != first + 1 or party.kind != COUNTRY or party.name == giving.receiver:
        return None
    noun = view.tokens[party.last + 1].bare if party.last + 1 < len(view.tokens) else ""
    if noun not in _AID_NOUNS:
        return None
    return party, None, _party_found(view, party, f'"{view.words(first, party.last + 1)}": whose aid it is')


# Who gives, the first rule that finds someone; failing all, the subject of the verb of giving.
_SUBJECT_RULES: tuple[Callable[[_Giving], _Subject | None], ...] = (
    _received_from_many,
    _named_after,
    _aid_of_a_country,
    _giver_after,
    _named_just_before,
)


def _subject_before(
    view: SentenceView, anchor: int, start: int, previous_person: Person | None, number: int, receiver: str
) -> tuple[Party | None, Mention | None, Found]:
    index = anchor - 1
    while index >= start:
        mention = _mention_ending(view, index)
        if mention is not None:
            return None, mention, Found(mention.person.name, mention.how, "the person who gives")
        party = view.party_at(index)
        if party is not None:
            following = view.tokens[party.last + 1] if party.last + 1 < len(view.tokens) else None
            right_before_verb = (
                anchor - party.last <= 2
                or {t.bare for t in view.tokens[party.last + 1 : anchor]} <= _VERB_CHAIN
            ) and anchor < view.figures[number].first
            if (
                party.name == receiver
                or (not right_before_verb and _after_preposition(view, party))
                or _led_by(view, party)
                or (following is not None and _names_an_event(view, following, party.last + 1))
            ):
                index = party.first - 1
                continue
            if (
                party.adjective
                and following is not None
                and not following.capitalized
                and following.bare not in _VERBS_AFTER | _GIVER_NOUNS
                and not _giving_ministry(view, party.last + 1)
            ):
                index = party.first - 1  # "Afghan aid", "Central American security": what, not who
                continue
            return party, None, _party_found(view, party, "the subject of the verb of giving")
        word = view.tokens[index].bare
        if word in _PRONOUNS or (
            word == "country" and index > 0 and view.tokens[index - 1].bare in ("his", "her", "my", "our")
        ):
            resolved = _pronoun(view, index, previous_person)
            if resolved is not None:
                return resolved
        if word in _RECEIVING:
            return (
                Party(ALL_DONORS, COLLECTIVE, view.tokens[index].text, index, index),
                None,
                Found(
                    ALL_DONORS,
                    view.tokens[index].text,
                    f'"{view.tokens[index].text}": the money of many donors',
                ),
            )
        index -= 1
    placed = view.figures[number]
    after_first, after_last = zone_after(view, number)
    right = {t.bare for t in view.tokens[after_first : min(after_last, after_first + 2) + 1]}
    if right & {"pledged", "promised", "committed", "raised"}:
        words = view.words(after_first, min(after_last, after_first + 1))
        return (
            Party(ALL_DONORS, COLLECTIVE, words, placed.first, placed.first),
            None,
            Found(ALL_DONORS, words, "pledged, by no one named: donors together"),
        )
    return None, None, Found("")


def _giving_ministry(view: SentenceView, index: int) -> bool:
    """ "the Japanese foreign ministry": a demonym, a word, then a giver noun."""
    return index + 1 < len(view.tokens) and view.tokens[index + 1].bare in _GIVER_NOUNS


def _names_an_event(view: SentenceView, following: Token, index: int) -> bool:
    """ "the Japan donors conference", "the UK appeal", "a donors pledging session": the party names an
    event, not a giver; "donors pledging $5 billion" is donors giving."""
    if following.bare == "pledging":
        after = view.tokens[index + 1].bare if index + 1 < len(view.tokens) else ""
        return after in _EVENT_NOUNS | {"session", "drive", "round"}
    return following.bare in _EVENT_NOUNS | {"appeal", "response"}


def _led_by(view: SentenceView, party: Party) -> bool:
    """ "Donors led by the United States pledged": the leader is not the subject, the donors are."""
    return party.first >= 2 and view.words(party.first - 2, party.first - 1).lower() in (
        "led by",
        "headed by",
    )


def _skip_determiners(view: SentenceView, index: int) -> int:
    """The first token from `index` that is not "the", "its" or a number: "by the 15 EU members"."""
    while index < len(view.tokens) and (
        view.tokens[index].bare in ("the", "its", "their") or view.tokens[index].text.isdigit()
    ):
        index += 1
    return index


def _after_preposition(view: SentenceView, party: Party) -> bool:
    """ "for Gaza", "between Hamas and Israel", "led by the United States": a party that is not the subject."""
    index = party.first - 1
    if (
        index >= 0
        and view.tokens[index].text == ","
        and party.last + 1 < len(view.tokens)
        and view.tokens[party.last + 1].bare in _VERBS_AFTER | _BE
    ):
        return False  # "After the US, Japan was the biggest donor": the phrase ended at the comma
    steps = 0
    while index >= 0 and steps < 8:
        token = view.tokens[index]
        if token.bare in _NOT_SUBJECT_AFTER:
            return True
        if view.words(max(0, index - 1), index).lower() == "led by":
            return True
        if not (
            token.capitalized or token.bare in ("and", ",", "the", "its", "their") or view.party_at(index)
        ):
            return False
        index -= 1
        steps += 1
    return False


def _a_giving_body(view: SentenceView, party: Party) -> bool:
    """ "The British government has pledged": a country's government as a subject gives; "to the
    Lebanese government" after a preposition receives."""
    noun = view.tokens[party.last + 1].bare if party.last + 1 < len(view.tokens) else ""
    if noun not in _GIVER_NOUNS:
        return False
    index = party.first - 1
    if index >= 0 and view.tokens[index].bare == "the":
        index -= 1
    # "to the Lebanese government" receives; "financed by the Japanese government" gives
    return not (index >= 0 and view.tokens[index].bare in _TO_WORDS | {"of", "into", "with", "at", "in"})


def _object_of_preposition(view: SentenceView, party: Party) -> bool:
    """ "of the Philippines", "to Gaza": the party right after a preposition (past "the")."""
    index = party.first - 1
    if index >= 0 and view.tokens[index].bare == "the":
        index -= 1
    return index >= 0 and view.tokens[index].bare in _NOT_SUBJECT_AFTER


def _mention_at(view: SentenceView, index: int) -> Mention | None:
    return next((m for m in view.mentions if m.first <= index <= m.last), None)


def _mention_ending(view: SentenceView, index: int) -> Mention | None:
    return next((m for m in view.mentions if m.last == index), None)


def _pronoun(
    view: SentenceView, index: int, previous_person: Person | None
) -> tuple[Party | None, Mention | None, Found] | None:
    """ "it", "they", "its": the party named before in the sentence; "we", "his country": the speaker's."""
    word = view.tokens[index].bare
    if word in ("we", "our", "i", "my", "country", "he", "she", "his", "her"):
        speaker = next((m for m in view.mentions if m.speaks), None)
        person = speaker.person if speaker else previous_person
        if word in ("he", "she", "his", "her"):
            before = next((m for m in reversed(view.mentions) if m.last < index), None)
            person = before.person if before else previous_person
        if person is not None:
            mention = Mention(person, index, index, False, f'"{view.tokens[index].text}": {person.name}')
            return None, mention, Found(person.name, view.tokens[index].text, f"{person.name} speaking")
        return None
    for party in sorted((p for p in view.parties if p.last < index), key=lambda p: p.last, reverse=True):
        if party.kind in (COUNTRY, ORGANISATION, COLLECTIVE) and not (
            party.first > 0 and view.tokens[party.first - 1].bare in ("to", "for", "in", "by", "from", "of")
        ):
            found = _party_found(view, party, f'"{view.tokens[index].text}": {party.name}, named before')
            return party, None, found
    return None


def _party_found(view: SentenceView, party: Party, rule: str) -> Found:
    return Found(party.name, party.words, rule, view.words_span(party.first, party.last))


def donor_group(view: SentenceView, party: Party) -> tuple[Party, ...]:
    """The parties given together with `party`: "Turkey, the United Arab Emirates and Kuwait promised"."""
    group = [party]
    ordered = sorted(view.parties, key=lambda p: p.first)
    position = ordered.index(party) if party in ordered else -1
    index = position - 1
    while index >= 0:
        candidate = ordered[index]
        between = [t.bare for t in view.tokens[candidate.last + 1 : group[0].first]]
        if (
            between in ([","], ["and"], [",", "and"])
            and candidate.kind in (COUNTRY, ORGANISATION)
            and not (between == [","] and _object_of_preposition(view, candidate))
        ):
            group.insert(0, candidate)
            index -= 1
            continue
        break
    index = position + 1
    while 0 < index < len(ordered):
        candidate = ordered[index]
        between = [t.bare for t in view.tokens[group[-1].last + 1 : candidate.first]]
        if between in ([","], ["and"], [",", "and"]) and candidate.kind in (COUNTRY, ORGANISATION):
            group.append(candidate)
            index += 1
            continue
        break
    return tuple(group)


# ---- recipient -------------------------------------------------------------------------------------

_TO_WORDS = frozenset({"to", "for", "toward", "towards"})
# "Afghan aid", "Gaza's reconstruction": a country before one of these is what the money is for.
_FOR_NOUNS = frozenset(
    {
        *("aid", "reconstruction", "rebuilding", "recovery", "people", "government", "needs", "economy"),
        *("security", "relief", "refugees", "victims", "survivors", "development", "authorities", "budget"),
    }
)
_EVENT_NOUNS = frozenset({"meeting", "conference", "summit", "talks", "event", "donors", "meetings"})
_TITLE_WORDS = frozenset(
    {"president", "minister", "secretary", "director", "commissioner", "envoy", "coordinator"}
)
# "the Japan Fund for Poverty Reduction", "the Arab Fund for Economic and Social Development": "for" inside
# an institution's name, not the place the money is for.
_NAME_ENDS = frozenset(
    {"fund", "bank", "facility", "programme", "program", "agency", "organization", "council"}
)
_PLACE_STOP = frozenset({"the", "a", "an", "help", "rebuild", "support", "fight", "fund", "be", "its"})


def _inside_a_name(view: SentenceView, index: int) -> bool:
    """ "Fund for Poverty Reduction": the "for" at `index` is part of an institution's name."""
    return index > 0 and view.tokens[index - 1].capitalized and view.tokens[index - 1].bare in _NAME_ENDS


def find_recipient(view: SentenceView, number: int, donor: str) -> Found:
    """The recipient named for a figure: "to Afghanistan", "for Gaza's reconstruction", "Afghan aid"."""
    placed = view.figures[number]
    start, end = view.clause_bounds(placed.first)
    candidates: list[tuple[int, Found]] = []
    for index in range(start, end + 1):
        word = view.tokens[index].bare
        if index > 0 and view.tokens[index - 1].bare in _TITLE_WORDS:
            continue  # "vice president for Latin America": an office, not who receives
        if _inside_a_name(view, index):
            continue
        if word in _TO_WORDS or (word == "of" and view.tokens[index - 1].bare == "people"):
            target = index + 1
            if (
                target < len(view.tokens)
                and view.tokens[target].bare in ("the", "people")
                and target + 1 <= end
            ):
                target += 1
                if (
                    view.tokens[target].bare == "people"
                    and target + 2 <= end
                    and view.tokens[target + 1].bare == "of"
                ):
                    target += 2
            party = view.party_at(target)
            if party is not None and party.name != donor and party.kind in (COUNTRY, REGION, ORGANISATION):
                candidates.append(
                    (
                        abs(index - placed.first),
                        Found(
                            party.name,
                            view.words(index, party.last),
                            f'"{word} {party.words}": who receives',
                            view.words_span(index, party.last),
                        ),
                    )
                )
            elif (
                party is None
                and target <= end
                and view.tokens[target].capitalized
                and view.tokens[target].bare not in _PLACE_STOP
            ):
                place_end = target
                while (
                    place_end + 1 <= end
                    and view.tokens[place_end + 1].capitalized
                    and view.party_at(place_end + 1) is None
                ):
                    place_end += 1
                words = view.words(target, place_end)
                following = view.tokens[place_end + 1].bare if place_end + 1 < len(view.tokens) else ""
                if (
                    not any(m.first <= target <= m.last for m in view.mentions)
                    and len(words) > 2
                    and following not in _EVENT_NOUNS
                ):
                    candidates.append(
                        (
                            abs(index - placed.first) + 1,
                            Found(
                                words.removesuffix("'s").removesuffix("’s"),
                                view.words(index, place_end),
                                f'"{word} {words}": who receives',
                                view.words_span(index, place_end),
                            ),
                        )
                    )
        party = view.party_at(index)
        if (
            party is not None
            and party.first == index
            and party.name != donor
            and party.kind in (COUNTRY, REGION)
        ):
            noun = view.tokens[party.last + 1].bare if party.last + 1 < len(view.tokens) else ""
            if (
                (party.possessive or party.adjective)
                and noun in _FOR_NOUNS
                and not _a_giving_body(view, party)
            ):
                candidates.append(
                    (
                        abs(index - placed.first) + 2,
                        Found(
                            party.name,
                            party.words,
                            f'"{party.words}" {"(possessive)" if party.possessive else "(adjective)"}: what it is for',
                            view.words_span(party.first, party.last),
                        ),
                    )
                )
    if not candidates:
        return Found("")
    return min(candidates, key=lambda c: c[0])[1]


def recipients_named(view: SentenceView) -> list[str]:
    """The places a sentence says money is for: "to Haiti", "for Gaza", "Afghan aid", "Lebanon's needs"."""
    names: list[str] = []
    for index, token in enumerate(view.tokens):
        if (token.bare in _TO_WORDS and not _inside_a_name(view, index)) or (
            token.bare in ("rebuild", "reconstruct") and index > 0 and view.tokens[index - 1].bare == "to"
        ):
            target = index + 1
            while target < len(view.tokens) and view.tokens[target].bare in (
                "the",
                "help",
                "rebuild",
                "reconstruct",
            ):
                target += 1
            if target >= len(view.tokens):
                continue
            party = view.party_at(target)
            if party is not None:
                if party.kind in (COUNTRY, REGION) and party.first <= target:  # "to the Philippines"
                    names.append(party.name)
                continue
            if (
                view.tokens[target].capitalized
                and view.tokens[target].bare not in _PLACE_STOP
                and view.tokens[target].text.isalpha()
            ):
                end = target
                while (
                    end + 1 < len(view.tokens)
                    and view.tokens[end + 1].capitalized
                    and view.party_at(end + 1) is None
                ):
                    end += 1
                following = view.tokens[end + 1].bare if end + 1 < len(view.tokens) else ""
                if following not in _EVENT_NOUNS and not any(
                    m.first <= target <= m.last for m in view.mentions
                ):
                    names.append(view.words(target, end).removesuffix("'s").removesuffix("’s"))
        party = view.party_at(index)
        if (
            party is not None
            and party.first == index
            and party.kind in (COUNTRY, REGION)
            and (party.possessive or party.adjective)
        ):
            noun = view.tokens[party.last + 1].bare if party.last + 1 < len(view.tokens) else ""
            if noun in _FOR_NOUNS and not _a_giving_body(view, party):
                names.append(party.name)
    return names


# ---- purpose ---------------------------------------------------------------------------------------

_PURPOSE_AFTER = re.compile(
    r"\b(?P<aim>(?:to\s(?:help|rebuild|support|fund|finance|fight|combat|assist|build|repair|restore|meet|tackle|cope|recover)"
    r"|for\s(?:the\s)?(?:reconstruction|rebuilding|recovery|relief|development|fight|humanitarian|security|emergency|early|flood|victims)"
    r"|toward(?:s)?\s(?:the\s)?(?:reconstruction|rebuilding|recovery|relief|humanitarian))[^,;.()]*)",
    re.IGNORECASE,
)
_AID_KIND = re.compile(
    r"\b(?:in|of)\s(?P<kind>(?:(?!in\b|of\b|to\b)[a-z-]+\s){0,3}?(?:aid|assistance|support|funding|relief|help))\b",
    re.IGNORECASE,
)
_AID_BEFORE = re.compile(
    r"\b(?P<kind>(?:[a-z-]+\s){0,2}(?:aid|assistance|funding|support)\s(?:for|to)\s(?:the\s)?[^,;.()$€£¥]*?)\s(?:would|will|has|to|of|by|with|is|was)\b",
    re.IGNORECASE,
)


def find_purpose(view: SentenceView, number: int) -> Found:
    """What the money is for: "in reconstruction aid", "to help rebuild Gaza", "for the fight against crime"."""
    first, last = zone_after(view, number)
    start, end = view.clause_bounds(view.figures[number].first)
    after = view.words(first, end) if first <= end else ""
    before = view.words(start, view.figures[number].first - 1)
    near_after = view.words(first, min(last, first + 5)) if first <= last else ""
    if (kind := _AID_KIND.match(near_after)) is not None:
        return Found(_trim(kind["kind"]), kind.group(), "the kind of aid named after the figure")
    if (aim := _PURPOSE_AFTER.search(after)) is not None:
        return Found(_trim(aim["aim"]), aim["aim"], "what the sentence says the money is for")
    if (aim := _PURPOSE_AFTER.search(before)) is not None:
        return Found(_trim(aim["aim"]), aim["aim"], "what the sentence says the money is for")
    if (kind := _AID_BEFORE.search(before)) is not None:
        return Found(_trim(kind["kind"]), kind["kind"], "the aid named before the figure")
    return Found("")


def _trim(words: str) -> str:
    cut = words.split()
    return " ".join(cut[:10]).strip(" ,.")


# ---- period ----------------------------------------------------------------------------------------

_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)"
_HALF = r"(?:[\s-]and[\s-]a[\s-]half|[\s-]and[\s-]half)"
_APPROX = r"(?:(?:about|around|roughly|some|nearly|almost|approximately)\s)?"
_YEAR = r"(?:19|20|21)\d\d"
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_PERIODS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("years_listed", rf"\((?P<first>{_YEAR})(?:,\s{_YEAR})*,?\s(?:and\s)?(?P<last>{_YEAR})\)"),
        (
            "next_span",
            rf"\b(?:over|for|in|within|during)\s(?:the\s)?(?:next|coming|following)\s{_APPROX}(?P<count>{_NUMBER})(?P<half>{_HALF})?[\s-](?P<unit>years?|months?)\b",
        ),
        (
            "over_span",
            rf"\b(?:over|for|within|during|in)\s{_APPROX}(?:a\s)?(?P<count>{_NUMBER})(?P<half>{_HALF})?[\s-](?P<unit>years?|months?)(?:\speriod)?\b",
        ),
        (
            "next_one",
            r"\b(?:over|for|in|within|during)\s(?:the\s)?(?:next|coming|following|first)\s(?:coming\s)?(?P<unit>year|month)\b",
        ),
        (
            "between",
            rf"\b(?:between|from)\s(?P<first>{_YEAR})\s(?:and|to|until|through)\s(?P<last>{_YEAR})\b",
        ),
        ("year_range", rf"\b(?:for\s|in\s)?(?P<first>{_YEAR})\s?[-–/]\s?(?P<last>{_YEAR}|\d\d)\b"),
        ("through_pair", rf"\b(?:through|to|until)\s(?:{_YEAR})\sand\s(?P<last>{_YEAR})\b"),
        (
            "by",
            rf"\b(?:by|until|till|through(?:out)?|up\sto|to)\s(?:the\send\sof\s|end\s)?(?P<last>{_YEAR})\b",
        ),
        ("since", rf"\bsince\s(?:(?P<month>{_MONTHS})\s)?(?P<first>{_YEAR})\b"),
        ("fiscal", r"\b(?P<which>this|next|last|the\scurrent|current)\sfiscal\syear\b"),
        ("relative_year", r"\b(?:earlier\s|later\s)?(?P<which>this|next|last)\syear\b(?!['’]s)"),
        ("over_the_year", r"\bover\sthe\syear\b"),
        ("in_year", rf"\b(?:in|for|during)\s(?:fiscal\s)?(?P<first>{_YEAR})\b"),
    )
)
_COUNT_WORDS = {
    w: i
    for i, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], 1)
} | {
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}


def find_period(
    view: SentenceView, number: int, source_date: date | None, donor: str, past: bool
) -> tuple[Period, Found]:
    """The span the money covers, from the words after the figure (or before it in its clause).

    Relative spans resolve against `source_date`; without it the period stays unknown and says why.
    A pledge said to run "until 2007" runs from the source's date; past money "since 2016" runs to it.
    """
    first, last = zone_after(view, number)
    start, _ = zone_before(view, number)
    zones = []
    if first <= last:
        zones.append((view.tokens[first].start, view.tokens[last].end))
    if start < view.figures[number].first:
        zones.append((view.tokens[start].start, view.tokens[view.figures[number].first - 1].end))
    for order, (zone_start, zone_end) in enumerate(zones):
        text = view.text[zone_start:zone_end]
        best: tuple[int, str, re.Match[str]] | None = None
        for name, pattern in _PERIODS:
            matches = list(pattern.finditer(text))
            if not matches:
                continue
            # after the figure the first span said; before it, the one nearest the figure
            match = matches[0] if order == 0 and first <= last else matches[-1]
            position = match.start() if order == 0 and first <= last else -match.end()
            if best is None or position < best[0]:
                best = (position, name, match)
        if best is None:
            continue
        _, name, match = best
        # explicit years in brackets beat a relative span before them: "the coming three years (2008, 2009, and 2010)"
        listed = _PERIODS[0][1].search(text)
        if listed is not None and name != "years_listed":
            name, match = "years_listed", listed
        words = match.group()
        span = Span(zone_start + match.start(), zone_start + match.end())
        period = _period(name, match, source_date, donor, past)
        if period is None:
            return Period(text=f"unknown ({words}: the source has no date)"), Found(
                words, words, "a span said relative to the source's date, which is not given", span
            )
        return period, Found(period.label, words, f'"{words}"', span)
    return Period(), Found("")


@dataclass(frozen=True, slots=True)
class _Said:
    """A period's words as matched, with what reading some of them needs: whose fiscal year it is, and
    whether the money is past ("by 2010" of money spent runs up to it, of a pledge from the source's date)."""

    match: re.Match[str]
    donor: str
    past: bool

    def group(self, name: str) -> str:
        """A named group of the pattern, "" when it did not take part (or the pattern has none)."""
        return self.match.groupdict().get(name) or ""


def _years_listed(said: _Said, source_date: date | None) -> Period | None:
    """ "(2008, 2009, and 2010)": the first year to the last."""
    return parse_period(f"{said.group('first')}-{said.group('last')}", source_date=source_date)


def _year_range(said: _Said, source_date: date | None) -> Period | None:
    """ "between 2008 and 2010", "2009-12": a two-digit end year is in the first year's century."""
    first, last = said.group("first"), said.group("last")
    if len(last) == 2:
        last = first[:2] + last
    return parse_period(f"{first}-{last}", source_date=source_date)


def _in_year(said: _Said, source_date: date | None) -> Period | None:
    """ "in 2011": that year."""
    return parse_period(said.group("first"), source_date=source_date)


def _months_ahead(said: _Said, source_date: date) -> Period | None:
    """ "over the next three years", "for two and a half years": that many months from the source's
    date (a half counts only for years); a count we cannot read gives no period."""
    count = said.group("count")
    number = int(count) if count.isdigit() else _COUNT_WORDS.get(count.lower(), 0)
    in_years = said.group("unit").lower().startswith("year")
    months = number * (12 if in_years else 1)
    if said.group("half") and in_years:
        months += 6
    if months == 0:
        return None
    return parse_period(f"{source_date.isoformat()}/P{months}M", source_date=source_date)


def _next_one(said: _Said, source_date: date) -> Period | None:
    """ "in the coming year", "over the next month": one year or month from the source's date."""
    unit = "P1Y" if said.group("unit").lower() == "year" else "P1M"
    return parse_period(f"{source_date.isoformat()}/{unit}", source_date=source_date)


def _up_to_year(said: _Said, source_date: date) -> Period | None:
    """ "by 2015", "through 2012 and 2013": past money runs up to the year; a pledge runs from the
    source's date to it, so a year before the source cannot be a pledge's end."""
    last_year = said.group("last")
    if said.past:
        return parse_period(f"up to {last_year}", source_date=source_date)
    if int(last_year) < source_date.year:
        return None
    return parse_period(f"by {last_year}", source_date=source_date)


def _since(said: _Said, source_date: date) -> Period | None:
    """ "since March 2016": from then to the source's date, when then is not after it."""
    month = said.group("month")
    begin = parse_period(f"{month} {said.group('first')}" if month else said.group("first")).start
    if begin is None or begin > source_date:
        return None
    return Period(begin, source_date, text=said.match.group())


def _fiscal(said: _Said, source_date: date) -> Period | None:
    """ "this fiscal year": the donor's own fiscal year (the US's starts in October), January otherwise."""
    which = said.group("which").lower().replace("the ", "")
    start_month = _FISCAL_YEAR_START.get(said.donor, 1)
    return parse_period(f"{which} fiscal year", source_date=source_date, fiscal_year_start=start_month)


def _relative_year(said: _Said, source_date: date) -> Period | None:
    """ "next year", "over the year" (this one): a calendar year counted from the source's date."""
    which = (said.group("which") or "this").lower()
    return parse_period(f"{which} year", source_date=source_date)


# How each of _PERIODS' spans is read: those naming years need no date, the rest count from the source's.
_UNDATED_PERIODS: Mapping[str, Callable[[_Said, date | None], Period | None]] = MappingProxyType(
    {
        "years_listed": _years_listed,
        "between": _year_range,
        "year_range": _year_range,
        "in_year": _in_year,
    }
)
_DATED_PERIODS: Mapping[str, Callable[[_Said, date], Period | None]] = MappingProxyType(
    {
        "next_span": _months_ahead,
        "over_span": _months_ahead,
        "next_one": _next_one,
        "through_pair": _up_to_year,
        "by": _up_to_year,
        "since": _since,
        "fiscal": _fiscal,
        "relative_year": _relative_year,
        "over_the_year": _relative_year,
    }
)


def _period(
    name: str, match: re.Match[str], source_date: date | None, donor: str, past: bool
) -> Period | None:
    """The period a matched span says; None when it counts from the source's date and there is none, or
    it cannot be read as a period."""
    said = _Said(match, donor, past)
    try:
        if (undated := _UNDATED_PERIODS.get(name)) is not None:
            return undated(said, source_date)
        dated = _DATED_PERIODS.get(name)
        if source_date is None or dated is None:
            return None
        return dated(said, source_date)
    except ParseError:
        return None


# ---- instrument ------------------------------------------------------------------------------------

_INSTRUMENT_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"\bexport\scredits?\b", "export credit"),
        (r"\b(?:loans?|lending|lent|lend|credits?|concessional)\b", "loan"),
        (r"\b(?:grants?|donat\w*|grant\said)\b", "grant"),
        (r"\bguarantees?\b", "guarantee"),
        (r"\bdebt\s(?:relief|cancellation|forgiveness|write-offs?|swaps?)\b", "debt relief"),
        (r"\b(?:in-kind|in\skind)\b", "in kind"),
        (r"\baid\b", "aid"),
    )
)
_INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {
        "loan": Instrument.LOAN,
        "export credit": Instrument.LOAN,
        "grant": Instrument.GRANT,
        "guarantee": Instrument.GUARANTEE,
        "debt relief": Instrument.DEBT_RELIEF,
        "in kind": Instrument.IN_KIND,
    }
)


def find_instrument(view: SentenceView, number: int, cue: int) -> tuple[Instrument, Found]:
    """Grant, loan, guarantee, debt relief or in kind, from the words by the figure ("$1 billion in loans",
    "a $100 million grant", "donating") or the verb ("lend"); two different ones make it mixed."""
    first, last = zone_after(view, number)
    start, _ = zone_before(view, number)
    placed = view.figures[number]
    pieces: list[tuple[int, int]] = []
    if first <= last:
        pieces.append((first, min(last, first + 7)))
    pieces.append((max(start, placed.first - 3), placed.first - 1))
    if 0 <= cue < len(view.tokens):
        pieces.append((cue, cue))
    kinds: dict[str, tuple[str, Span]] = {}
    for piece_start, piece_end in pieces:
        if piece_start > piece_end or piece_start < 0:
            continue
        text_start, text_end = view.tokens[piece_start].start, view.tokens[piece_end].end
        text = view.text[text_start:text_end]
        for pattern, kind in _INSTRUMENT_WORDS:
            for match in pattern.finditer(text):
                kinds.setdefault(
                    kind, (match.group(), Span(text_start + match.start(), text_start + match.end()))
                )
    named = {k for k in kinds if k in _INSTRUMENTS}
    if not named:
        return Instrument.UNKNOWN, Found("")
    words = " and ".join(kinds[k][0] for k in kinds if k in _INSTRUMENTS or (k == "aid" and named))
    instruments = {_INSTRUMENTS[k] for k in named}
    if len(named) > 1 or ("aid" in kinds and named == {"loan"} and _aid_and_loans(view, first, last)):
        return Instrument.MIXED, Found(Instrument.MIXED.value, words, "two kinds of money named together")
    kind = next(iter(named))
    instrument = next(iter(instruments))
    return instrument, Found(instrument.value, kinds[kind][0], f'"{kinds[kind][0]}"', kinds[kind][1])


def _aid_and_loans(view: SentenceView, first: int, last: int) -> bool:
    """ "in aid and loans", "loans or aid": aid named beside loans is more than loans."""
    if first > last:
        return False
    text = view.words(first, min(last, first + 7)).lower()
    return bool(re.search(r"\baid\s(?:and|or)\sloans?\b|\bloans?\s(?:and|or)\said\b", text))
