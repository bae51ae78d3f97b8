"""People quoted or reported in a text: "U.S. Secretary of State Hillary Clinton", "Mrs Clinton", "Clinton said".

A person is introduced with a title or next to a verb of saying; later a surname alone, or a title and
the surname, stands for the full name given earlier. The country in a person's title ("U.S.",
"Qatari", "Norway's") is the donor they speak for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger.drafting.parties import COUNTRY, ORGANISATION, Party
from ledger.drafting.tokens import Token

__all__ = ["SPEECH_VERBS", "Mention", "People", "Person", "find_people"]

_TITLE_WORDS = frozenset(
    {
        *("president", "minister", "secretary", "secretary-general", "chancellor", "king", "queen", "prince"),
        *("princess", "sheikh", "emir", "ambassador", "envoy", "commissioner", "director", "chairman"),
        *("chairwoman", "governor", "senator", "mr", "mrs", "ms", "dr", "sir", "lady", "spokesman"),
        *("spokeswoman", "premier", "mayor", "administrator", "coordinator", "chief", "pope", "deputy"),
        *("general", "undersecretary", "under-secretary", "vice-president", "representative", "head"),
        *("mr.", "mrs.", "ms.", "dr."),
    }
)
SPEECH_VERBS = frozenset(
    {
        *("said", "says", "told", "announced", "announces", "added", "stressed", "noted", "explained"),
        *("declared", "urged", "pledged", "promised", "committed", "tells", "say", "insisted", "confirmed"),
    }
)
_NOT_NAMES = frozenset(
    {
        *(
            "the",
            "a",
            "an",
            "in",
            "on",
            "at",
            "but",
            "and",
            "for",
            "with",
            "as",
            "by",
            "from",
            "this",
            "that",
        ),
        *("these", "it", "he", "she", "they", "we", "i", "today", "yesterday", "tomorrow", "if", "when"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january"),
        *("february", "march", "april", "may", "june", "july", "august", "september", "october"),
        *("november", "december", "state", "foreign", "international", "development", "affairs", "finance"),
        *("first", "assistant", "vice", "principal", "prime", "secretary", "of", "minister", "president"),
        *(
            "our",
            "their",
            "his",
            "her",
            "its",
            "after",
            "before",
            "since",
            "speaking",
            "according",
            "earlier",
        ),
        *("security", "economic", "trade", "defence", "defense", "humanitarian", "aid", "relief", "under"),
        *("there", "then", "also", "both", "each", "all", "only", "more", "some", "however", "meanwhile"),
    }
)
# Lower-case words of a title between a country and its title word: "the British foreign secretary".
_TITLE_QUALIFIERS = frozenset(
    {"foreign", "prime", "deputy", "finance", "state", "development", "vice", "top", "chief", "defence"}
)
_PARTICLES = frozenset({"al", "bin", "ibn", "de", "van", "von", "da", "le", "la", "del", "der", "el"})
_PRONOUNS = frozenset({"he", "she"})


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    country: str = ""  # the donor their title names ("U.S. Secretary of State"), "" when it names none
    title: str = ""

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


@dataclass(frozen=True, slots=True)
class Mention:
    """A person in a sentence, by token positions, and whether a verb of saying is next to them."""

    person: Person
    first: int
    last: int
    speaks: bool = False
    how: str = ""


@dataclass(slots=True)
class People:
    """The people met so far in one text: a working table the drafter fills sentence by sentence."""

    by_surname: dict[str, Person] = field(default_factory=dict)
    last_mentioned: Person | None = None

    def known(self, surname: str) -> Person | None:
        return self.by_surname.get(surname.lower())

    def meet(self, person: Person) -> Person:
        """Record `person`; a fuller name or a country learnt later completes the earlier entry."""
        key = person.surname.lower()
        earlier = self.by_surname.get(key)
        if earlier is not None:
            person = Person(
                person.name if len(person.name) > len(earlier.name) else earlier.name,
                person.country or earlier.country,
                person.title or earlier.title,
            )
        self.by_surname[key] = person
        self.last_mentioned = person
        return person


def find_people(tokens: Sequence[Token], parties: Sequence[Party], people: People) -> tuple[Mention, ...]:
    """The people named in one sentence, recorded in `people` as they are met."""
    party_at = {i: p for p in parties for i in range(p.first, p.last + 1)}
    mentions: list[Mention] = []
    index = 0
    while index < len(tokens):
        mention = _titled(tokens, index, party_at, people) or _speaking(tokens, index, party_at, people)
        if mention is None:
            index += 1
            continue
        mentions.append(mention)
        index = mention.last + 1
    return tuple(mentions)


def _is_name_token(token: Token, party_at: dict[int, Party], index: int) -> bool:
    word = token.bare
    return (
        token.capitalized
        and index not in party_at
        and word not in _NOT_NAMES
        and word not in _TITLE_WORDS
        and token.text[:1].isalpha()
        and not token.text.isupper()
    ) or (word in _PARTICLES and not token.capitalized)


# Words that may stand between a speaker and the verb of saying: "Chirac has said", "Kharrazi also said".
_BEFORE_SPEECH = frozenset(
    {"has", "have", "had", "also", "initially", "later", "then", "earlier", "further", "reportedly", "again"}
)


def _speech_at(tokens: Sequence[Token], index: int) -> bool:
    """A verb of saying at `index`, or one word such as "has" or "also" before it."""
    if index >= len(tokens):
        return False
    if tokens[index].lower in SPEECH_VERBS:
        return True
    return (
        tokens[index].lower in _BEFORE_SPEECH
        and index + 1 < len(tokens)
        and tokens[index + 1].lower in SPEECH_VERBS
    )


def _appositive_then_speaks(tokens: Sequence[Token], last: int) -> bool:
    """ "Margaret Beckett, the British foreign secretary, said": a title between commas, then the verb."""
    if last + 1 >= len(tokens) or tokens[last + 1].text != ",":
        return False
    for close in range(last + 2, min(len(tokens), last + 10)):
        if tokens[close].text == ",":
            titled = any(t.bare in _TITLE_WORDS for t in tokens[last + 2 : close])
            return titled and _speech_at(tokens, close + 1)
    return False


def _speaks_near(tokens: Sequence[Token], first: int, last: int) -> bool:
    after = tokens[last + 1].lower if last + 1 < len(tokens) else ""
    before = first - 1
    while (
        before >= 0 and first - before <= 3 and (tokens[before].bare == "the" or tokens[before].capitalized)
    ):
        before -= 1  # "said the Italian Foreign Minister"
    said_before = before >= 0 and tokens[before].lower in SPEECH_VERBS
    before_two = " ".join(t.lower for t in tokens[max(0, first - 2) : first])
    return _speech_at(tokens, last + 1) or said_before or before_two == "according to" or after == ","


def _titled(
    tokens: Sequence[Token], index: int, party_at: dict[int, Party], people: People
) -> Mention | None:
    """A title (and the words before it) followed by a name: "U.S. Secretary of State Hillary Clinton"."""
    if tokens[index].bare not in _TITLE_WORDS:
        return None
    title_end = index
    while title_end + 1 < len(tokens) and (
        tokens[title_end + 1].bare in _TITLE_WORDS
        or (
            tokens[title_end + 1].bare in ("of", "state", "foreign", "affairs")
            and tokens[title_end + 1].bare != ""
        )
        or (tokens[title_end + 1].capitalized and tokens[title_end + 1].bare in _NOT_NAMES)
    ):
        title_end += 1
    first = title_end + 1
    if _named_after_comma(tokens, first, party_at):
        first += 1  # "the Italian Foreign Minister, Franco Frattini": the name in apposition
    last = first
    while last < len(tokens) and _is_name_token(tokens[last], party_at, last) and last - first < 4:
        last += 1
    last -= 1
    if last < first or tokens[last].bare in _PARTICLES:
        return None
    name = " ".join(t.text for t in tokens[first : last + 1])
    if tokens[last].possessive:
        name = name[:-2]
    title_start = index
    while title_start > 0 and tokens[title_start - 1].capitalized and (title_start - 1) not in party_at:
        if tokens[title_start - 1].bare in ("the", "a", "an"):
            break
        title_start -= 1
    title = " ".join(t.text for t in tokens[title_start:first])
    country = _title_country(tokens, title_start, last, party_at)
    single = last == first
    if single:
        known = people.known(name)
        if known is not None:
            person = people.meet(Person(known.name, country or known.country, title))
            return Mention(
                person, title_start, last, _speaks_near(tokens, title_start, last), f"{title} {name}"
            )
    person = people.meet(Person(name, country, title))
    return Mention(person, title_start, last, _speaks_near(tokens, title_start, last), f"{title} {name}")


def _named_after_comma(tokens: Sequence[Token], comma: int, party_at: dict[int, Party]) -> bool:
    """A comma after a title followed by two or more name words and a comma or the sentence's end."""
    if comma >= len(tokens) or tokens[comma].text != ",":
        return False
    end = comma + 1
    while end < len(tokens) and _is_name_token(tokens[end], party_at, end) and end - comma <= 4:
        end += 1
    closing = tokens[end].text if end < len(tokens) else "."
    return end - comma >= 3 and closing in (",", ".", ";")


def _title_country(tokens: Sequence[Token], title_start: int, last: int, party_at: dict[int, Party]) -> str:
    """The country (or institution) a title names: "U.S. Secretary", "Norway's minister", "Sarkozy of France"."""
    while title_start > 0 and tokens[title_start - 1].bare in _TITLE_QUALIFIERS:
        title_start -= 1  # "the Japanese foreign minister": the country before the whole title
    before = party_at.get(title_start - 1)
    if before is not None and before.kind in (COUNTRY, ORGANISATION):
        return before.name
    if last + 2 < len(tokens) and tokens[last + 1].bare == "of":
        after = party_at.get(last + 2)
        if after is not None and after.kind == COUNTRY:
            return after.name
    return ""


def _speaking(
    tokens: Sequence[Token], index: int, party_at: dict[int, Party], people: People
) -> Mention | None:
    """A name next to a verb of saying ("Clinton said", "said Boerge Brende"), or a pronoun that speaks."""
    token = tokens[index]
    if token.lower in _PRONOUNS:
        following = tokens[index + 1].lower if index + 1 < len(tokens) else ""
        if following in SPEECH_VERBS and people.last_mentioned is not None:
            return Mention(people.last_mentioned, index, index, True, f'"{token.text} {following}"')
        return None
    if not _is_name_token(token, party_at, index) or token.bare in _PARTICLES:
        return None
    if index > 0 and tokens[index - 1].bare in ("in", "at", "from", "of"):
        return None  # "diplomats in Brussels said": a place
    last = index
    while (
        last + 1 < len(tokens) and _is_name_token(tokens[last + 1], party_at, last + 1) and last - index < 3
    ):
        last += 1
    if not _speaks_near(tokens, index, last) or tokens[last].lower == ",":
        return None
    before_verb = index > 0 and tokens[index - 1].lower in SPEECH_VERBS
    after_name = tokens[last + 1].text if last + 1 < len(tokens) else "."
    if (
        before_verb
        and after_name not in (",", ".", ";", ":")
        and tokens[last + 1].lower not in SPEECH_VERBS | {"on", "in", "at"}
    ):
        return None  # "said Kabul must do more": the start of what was said, not who said it
    after = tokens[last + 1].lower if last + 1 < len(tokens) else ""
    if after == "," and last == index:
        return None  # "Guatemala," is not "Clinton said"
    name = " ".join(t.text for t in tokens[index : last + 1])
    if tokens[last].possessive:
        return None
    if last == index:
        known = people.known(name)
        if known is None:
            return None  # a lone capitalised word is a person only once the text has named them in full
        person = people.meet(known)
        return Mention(person, index, last, True, f"{name} (named before)" if known.name != name else name)
    if after == "," and not _appositive_then_speaks(tokens, last):
        return None
    person = people.meet(Person(name))
    return Mention(person, index, last, True, name)
