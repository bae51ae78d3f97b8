"""Names as entities: what a donor or recipient name stands for, with its kind, parents and members.

Sources write one donor many ways ("World Bank (IDA)", "the World Bank Group", "the Bank"; "Britain",
"the British government", "UK (via DFID)") and describe recipients instead of naming them ("the three
worst-affected countries", "Yemeni refugees"). `resolve` reads a name as typed into an `Entity`:

- its `key` (the canonical name) and `kind` (country, region, multilateral, part of a multilateral,
  fund, agency, group, collective, description, unknown);
- `part_of`, the institutions it belongs to, nearest first (IDA -> World Bank -> World Bank Group; the
  European Commission -> European Union -> European Union and member states; DFID -> United Kingdom),
  and `member_of`, the regions and groups it is a member of (a country's UN M49 regions, then G7, G8,
  G20, EU27, OECD, OECD DAC); `parents` is both;
- `members`, when the name is a list ("Niger, Mali and Chad" is the set {Chad, Mali, Niger}) or a
  description naming places ("Yemen and the region" names Yemen), and `excludes` ("all donors except
  the United States");
- `note`, the remark that does not change who it is ("via World Bank", "Finnish presidency",
  "leaders' statement", "government"), and `text`, the name as typed. Neither counts in equality: two
  entities are equal when they are the same entity.

Nothing here guesses a spelling: a name the tables do not know is UNKNOWN, never the nearest known one
(`Names.suggest` offers a hint for a warning, no more).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from types import MappingProxyType

from ledger.core.problems import ParseError
from ledger.names.countries import COCO_GROUPS, adjectives, group_members
from ledger.names.spelling import match_key, tidy

__all__ = [
    "KIND_CHOICES",
    "NAMED_KINDS",
    "PLACE_KINDS",
    "Entity",
    "EntityIndex",
    "EntityKind",
    "EntityTables",
    "Override",
    "build_tables",
    "kind_word",
    "parse_kind",
]


class EntityKind(StrEnum):
    COUNTRY = "country"
    REGION = "region"  # an M49 region, or a territory inside a country (the Gaza Strip)
    MULTILATERAL = "multilateral"
    MULTILATERAL_PART = "multilateral_part"  # IDA inside the World Bank, UNICEF inside the UN
    FUND = "fund"
    AGENCY = "agency"  # a government's department or agency: it belongs to its country
    GROUP = "group"  # a group of countries or donors, named (G7, EU27) or listed ("Niger, Mali and Chad")
    COLLECTIVE = "collective"  # every donor, or a class of them: "all donors", "the international community"
    DESCRIPTION = "description"  # places described, not named: "the poorest countries", "Yemeni refugees"
    UNKNOWN = "unknown"


NAMED_KINDS = frozenset(EntityKind) - {EntityKind.DESCRIPTION, EntityKind.UNKNOWN}
PLACE_KINDS = frozenset({EntityKind.COUNTRY, EntityKind.REGION})

# What analysts may type in the Aliases sheet's Kind column.
_KIND_WORDS: Mapping[str, EntityKind] = MappingProxyType(
    {
        **{kind.value.replace("_", " "): kind for kind in EntityKind},
        "part of a multilateral": EntityKind.MULTILATERAL_PART,
        "multilateral part": EntityKind.MULTILATERAL_PART,
        "government agency": EntityKind.AGENCY,
        "department": EntityKind.AGENCY,
        "ministry": EntityKind.AGENCY,
        "group of donors": EntityKind.GROUP,
        "donor group": EntityKind.GROUP,
        "group of countries": EntityKind.GROUP,
        "territory": EntityKind.REGION,
    }
)


# The word the Aliases sheet shows for each kind an analyst may give (its drop-down), in this order.
KIND_CHOICES: Mapping[EntityKind, str] = MappingProxyType(
    {
        EntityKind.COUNTRY: "country",
        EntityKind.REGION: "region",
        EntityKind.MULTILATERAL: "multilateral",
        EntityKind.MULTILATERAL_PART: "part of a multilateral",
        EntityKind.FUND: "fund",
        EntityKind.AGENCY: "agency",
        EntityKind.GROUP: "group",
        EntityKind.COLLECTIVE: "collective",
        EntityKind.DESCRIPTION: "description",
    }
)


def kind_word(kind: EntityKind | str) -> str:
    """The word the Aliases sheet writes for a kind: MULTILATERAL_PART -> "part of a multilateral"."""
    if not kind:
        return ""
    return KIND_CHOICES.get(EntityKind(kind), str(kind))


def parse_kind(text: str) -> EntityKind | None:
    """The entity kind a word stands for ("fund", "part of a multilateral"); None when blank; ParseError else."""
    key = " ".join(text.replace("_", " ").split()).casefold()
    if not key:
        return None
    kind = _KIND_WORDS.get(key)
    if kind is None:
        words = ", ".join(KIND_CHOICES.values())
        raise ParseError(f'kind "{text.strip()}" is not understood; expected one of: {words}')
    return kind


@dataclass(frozen=True, slots=True)
class Entity:
    """What a name stands for. Equal entities are the same entity; `note` and `text` do not count."""

    key: str
    kind: EntityKind
    part_of: tuple[str, ...] = ()  # institutions it belongs to, nearest first; the last is its family
    # regions and groups it is a member of, nearest region first (for "Yemen and the region": Western Asia)
    member_of: tuple[str, ...] = ()
    members: frozenset[str] = frozenset()  # entity keys, for lists and for descriptions naming places
    excludes: frozenset[str] = frozenset()  # "all donors except the United States"
    note: str = field(default="", compare=False)
    text: str = field(default="", compare=False)

    @property
    def parents(self) -> tuple[str, ...]:
        """Every entity this one belongs to or is a member of: institutions first, then regions and groups."""
        return self.part_of + self.member_of

    @property
    def family(self) -> str:
        """The root of its family: World Bank Group for IDA, a country for its agencies, itself otherwise."""
        return self.part_of[-1] if self.part_of else self.key

    @property
    def label(self) -> str:
        """The name as typed, or its key when it was not typed (for reasons a person reads)."""
        return self.text or self.key

    @property
    def named(self) -> bool:
        """True when it names who or where (not a description, not unknown)."""
        return self.kind in NAMED_KINDS


def _with_note(entity: Entity, note: str) -> Entity:
    note = tidy(note)
    if not note:
        return entity
    return replace(entity, note=f"{entity.note}; {note}" if entity.note else note)


def joined(keys: Iterable[str]) -> str:
    """Keys as one name, in alphabetical order: "Chad, Mali and Niger"."""
    ordered = sorted(keys)
    if len(ordered) < 2:
        return "".join(ordered)
    return ", ".join(ordered[:-1]) + " and " + ordered[-1]


# ---- the shipped tables ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityTables:
    """Every entity the shipped data names, by key, with the spellings and adjectives that point at them."""

    by_key: Mapping[str, Entity]
    by_spelling: Mapping[str, str]  # match key -> entity key (institutions, collectives, groups)
    adjectives: Mapping[str, str]  # casefolded adjective ("british", "central american") -> key


def _read_entities_csv() -> list[dict[str, str]]:
    text = (
        resources.files("ledger.names").joinpath("data").joinpath("entities.csv").read_text(encoding="utf-8")
    )
    return list(csv.DictReader(io.StringIO(text)))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(tidy(part) for part in cell.split("|") if tidy(part))


def build_tables(
    ancestry: Mapping[str, tuple[str, ...]],
    regions: frozenset[str],
    codes: Mapping[str, str],
    canonical: Callable[[str], str],
) -> EntityTables:
    """The shipped entities: M49 countries and regions (from `ancestry`), coco's and our own groups, and
    entities.csv's institutions, parts, funds, agencies and collectives.

    `codes` maps ISO alpha-3 codes to canonical country names; `canonical` reads a name in entities.csv's
    members and parents (so "Russia" there is whatever the country tables call it).
    """
    rows = _read_entities_csv()
    alpha3 = {code: name for code, name in codes.items() if len(code) == 3}
    named = _row_namer(rows, canonical)
    members = _memberships(rows, alpha3, named)
    lineage = _Lineage(
        parent={row["key"]: named(row["part_of"]) for row in rows if row["part_of"]},
        groups=_groups_by_member(members),
        group_order=tuple(row["key"] for row in rows if row["kind"] == "group"),
    )
    places = _place_entities(ancestry, regions, lineage)
    return EntityTables(
        by_key=MappingProxyType(_with_row_entities(places, rows, members, lineage)),
        by_spelling=MappingProxyType(_row_spellings(rows)),
        adjectives=MappingProxyType(_adjective_words(alpha3, regions)),
    )


def _row_namer(rows: Sequence[Mapping[str, str]], canonical: Callable[[str], str]) -> Callable[[str], str]:
    """How entities.csv's members and parents are read: its own keys first ("World Bank Group" is not the
    World Bank here), then its spellings, then whatever the country tables call the name."""
    keys = {row["key"] for row in rows}
    spellings = {match_key(s): row["key"] for row in rows for s in (row["key"], *_split(row["spellings"]))}

    def named(text: str) -> str:
        if text in keys:
            return text
        return spellings.get(match_key(text)) or canonical(text)

    return named


def _memberships(
    rows: Sequence[Mapping[str, str]], alpha3: Mapping[str, str], named: Callable[[str], str]
) -> dict[str, frozenset[str]]:
    """Each group's members: coco's groups by ISO code, then our own rows' members, where a group named
    as a member stands for its own members (so a row may build on coco's groups or earlier rows)."""
    coco = group_members()
    members = {key: frozenset(alpha3[code] for code in coco[key] if code in alpha3) for key in COCO_GROUPS}
    for row in rows:
        listed = _split(row["members"])
        if listed:
            found: set[str] = set()
            for name in listed:
                found |= members.get(named(name), frozenset({named(name)}))
            members[row["key"]] = frozenset(found)
    return members


def _groups_by_member(members: Mapping[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    """The groups each member is in, the other way round from `members` (a lookup per entity, not a scan)."""
    group_of: dict[str, list[str]] = {}
    for group, keys in members.items():
        for key in keys:
            group_of.setdefault(key, []).append(group)
    return {key: tuple(groups) for key, groups in group_of.items()}


@dataclass(frozen=True, slots=True)
class _Lineage:
    """Who is part of whom (entities.csv's part_of) and who is in which group: what an entity's
    `part_of` and `member_of` are read from."""

    parent: Mapping[str, str]  # key -> the entity it is directly part of
    groups: Mapping[str, tuple[str, ...]]  # key -> the groups it is a member of
    group_order: tuple[str, ...]  # entities.csv's groups in its order: the order `member_of` lists them

    def chain(self, key: str) -> tuple[str, ...]:
        """The parents of `key`, nearest first; a loop in the data stops the chain rather than hanging."""
        found: list[str] = []
        parent = self.parent.get(key)
        while parent and parent not in found and parent != key:
            found.append(parent)
            parent = self.parent.get(parent)
        return tuple(found)

    def groups_of(self, key: str) -> tuple[str, ...]:
        """The groups `key` is in, each followed by the groups it is part of (EU27 -> the EU and members),
        in entities.csv's order and once each."""
        mine = set(self.groups.get(key, ()))
        found: list[str] = []
        for group in self.group_order:
            if group in mine:
                found += [group, *(p for p in self.chain(group) if p not in found)]
        return tuple(dict.fromkeys(found))


def _place_entities(
    ancestry: Mapping[str, tuple[str, ...]], regions: frozenset[str], lineage: _Lineage
) -> dict[str, Entity]:
    """The M49 countries (in their regions, then their groups) and regions (in the regions above them)."""
    by_key: dict[str, Entity] = {}
    for name in (name for name in ancestry if name not in regions):
        by_key[name] = Entity(name, EntityKind.COUNTRY, member_of=(*ancestry[name], *lineage.groups_of(name)))
    for name in regions:
        by_key[name] = Entity(name, EntityKind.REGION, member_of=ancestry.get(name, ()))
    return by_key


def _with_row_entities(
    places: Mapping[str, Entity],
    rows: Sequence[Mapping[str, str]],
    members: Mapping[str, frozenset[str]],
    lineage: _Lineage,
) -> dict[str, Entity]:
    """`places` and entities.csv's own entities, in its order: a row's root is looked up among the
    entities before it (so a part's root row comes first in the file)."""
    by_key = dict(places)
    for row in rows:
        key, kind = row["key"], EntityKind(row["kind"])
        if kind is EntityKind.COUNTRY:
            continue  # extra spellings of a country the M49 table already has
        part_of = lineage.chain(key)
        root = by_key.get(part_of[-1]) if part_of else None
        # A part inherits its root's regions and groups (DFID is in Europe and the G7 with the UK).
        inherited = root.member_of if root is not None else ()
        by_key[key] = Entity(
            key,
            kind,
            part_of=part_of,
            member_of=tuple(dict.fromkeys((*lineage.groups_of(key), *inherited))),
            members=members.get(key, frozenset()),
        )
    return by_key


def _row_spellings(rows: Sequence[Mapping[str, str]]) -> dict[str, str]:
    """Match key -> entity key for every row's key and spellings; the first row to claim one keeps it."""
    by_spelling: dict[str, str] = {}
    for row in rows:
        for spelling in (row["key"], *_split(row["spellings"])):
            by_spelling.setdefault(match_key(spelling), row["key"])
    return by_spelling


# Regions' adjectives follow from their names: "Central American", "African", "European".
_REGION_ADJECTIVE_ENDINGS = (("a", "n"), ("e", "an"))


def _adjective_words(alpha3: Mapping[str, str], regions: Iterable[str]) -> dict[str, str]:
    """Casefolded adjective -> key: countryinfo's demonyms for the countries we know, then the regions'
    (a country's adjective wins when both give the same word)."""
    words = {word: alpha3[code] for word, code in adjectives().items() if code in alpha3}
    for name in regions:
        ending = next((add for last, add in _REGION_ADJECTIVE_ENDINGS if name.endswith(last)), None)
        if ending is not None:
            words.setdefault(f"{name}{ending}".casefold(), name)
    return words


# ---- reading a name ------------------------------------------------------------------------------------

_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_BRACKETED = re.compile(r"(.*\S)\s*\(([^()]*)\)")
_CHANNEL_WORDS = (
    r"(?:via|through|channell?ed (?:through|via)|by way of|administered by|managed by|implemented by)"
)
_CHANNEL = re.compile(rf"{_CHANNEL_WORDS}\b.*", re.IGNORECASE)
_CHANNELLED = re.compile(rf"(.+?)\s*,?\s+({_CHANNEL_WORDS}\s+.+)", re.IGNORECASE)
_EXCEPT = re.compile(
    r"(.+?)\s*,?\s+((?:except(?: for)?|excluding|other than|apart from|but not|not including|without)\s+(.+))",
    re.IGNORECASE,
)
_REMARK = re.compile(r"(.+?)\s*(?::|\s[-–—]|,)\s+(.+)")
_LIST_SEPARATOR = re.compile(r"\s*(,|;|/|&|\+|\band\b|\bplus\b|\bas well as\b)\s*", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(.+?)['’]s\s+(.+)")
_OFFICE_OF = re.compile(
    r"(government|administration|authorities|people|presidency|president|parliament|cabinet|"
    r"(?:\w+\s+)?ministry(?: of [\w ]+)?|embassy|state)\s+of\s+(.+)",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"\b(?:\d[\d,.]*|a dozen|dozens of|scores of)\s+(?:other\s+)?"
    r"(?:donors?|donor (?:countries|nations|governments)|governments|participants|delegations|contributors)\b",
    re.IGNORECASE,
)
_NO_QUOTES = str.maketrans({'"': None, "“": None, "”": None})
_TOKEN = re.compile(r"[^\s,;/()&+:\"“”]+")

# Words for the office that speaks for a donor: "the British government", "the US administration".
_OFFICE_WORDS = frozenset(
    [
        "government",
        "administration",
        "authorities",
        "cabinet",
        "ministry",
        "minister",
        "ministers",
        "office",
        "department",
        "treasury",
        "president",
        "presidency",
        "parliament",
        "congress",
        "embassy",
        "aid",
        "delegation",
        "officials",
        "leaders",
        "leader",
        "king",
        "emir",
        "state",
        "budget",
        "agency",
    ]
)
# Words for people and places that make a name a description: "Yemeni refugees", "flood-affected countries".
_PEOPLE_WORDS = frozenset(
    [
        "refugees",
        "refugee",
        "people",
        "population",
        "populations",
        "survivors",
        "victims",
        "children",
        "families",
        "displaced",
        "idps",
        "communities",
        "community",
        "civilians",
        "citizens",
        "nationals",
        "returnees",
        "migrants",
    ]
)
_DESCRIPTION_WORDS = _PEOPLE_WORDS | frozenset(
    [
        "countries",
        "country",
        "nations",
        "states",
        "region",
        "regions",
        "areas",
        "area",
        "provinces",
        "districts",
        "neighbours",
        "neighbors",
        "neighbouring",
        "neighboring",
        "affected",
        "hit",
        "poorest",
        "poor",
        "poorer",
        "developing",
        "vulnerable",
        "host",
        "worst",
        "least-developed",
        "ldcs",
    ]
)
_DONOR_WORDS = frozenset({"donor", "donors", "contributors"})
# Words that widen a description to the region around the places it names.
_AROUND_WORDS = frozenset({"region", "neighbours", "neighbors", "neighbouring", "neighboring", "surrounding"})
_SCAN_SKIPPED = frozenset({"World"})  # "World" inside a phrase is rarely the M49 region


# Words that may qualify an office word: "foreign ministry", "development agency", "head of state".
_OFFICE_QUALIFIERS = frozenset(
    ["of", "the", "for", "and", "foreign", "finance", "development", "humanitarian", "aid", "head", "heads"]
)


def _is_office(words: list[str]) -> bool:
    """True for words naming the office that speaks for a donor: "government", "foreign ministry"."""
    return (
        bool(words)
        and any(w in _OFFICE_WORDS for w in words)
        and all(w in _OFFICE_WORDS or w in _OFFICE_QUALIFIERS for w in words)
    )


def _words(text: str) -> list[str]:
    return [w.casefold().strip("'’.") for w in re.split(r"[\s\-]+", text) if w.strip("'’.")]


def _strip_article(text: str) -> str:
    return _ARTICLE.sub("", text, count=1)


@dataclass(frozen=True, slots=True)
class Override:
    """An analyst's word on an entity, from the Aliases sheet: its parent and kind (blank: unchanged)."""

    parent: str = ""
    kind: EntityKind | None = None


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """Reads names into entities: the shipped tables, the canonical spellings, a ledger's own word.

    `canonical` is `Names.canonical` (the alias tables, a ledger's aliases included); `ledger_keys` are the
    match keys of the ledger's alias names, which the analyst's word decides; `overrides` the parents and
    kinds the analyst gave, by the match key of the entity they are about. Pure: no caching here.
    """

    tables: EntityTables
    canonical: Callable[[str], str]
    ledger_keys: frozenset[str] = frozenset()
    overrides: Mapping[str, Override] = field(default_factory=lambda: MappingProxyType({}))

    def resolve(self, text: str) -> Entity:
        """The entity `text` stands for, with the text as typed kept in `text`."""
        return replace(self._resolve(text, lists=True), text=text)

    # ---- exact names ----

    def keyed(self, key: str) -> Entity:
        """The entity with this key (or spelling of it), with the analyst's parent and kind applied."""
        entity = self.tables.by_key.get(key)
        if entity is None:
            spelled = self.tables.by_spelling.get(match_key(key))
            entity = self.tables.by_key.get(spelled) if spelled else None
        if entity is None:
            entity = Entity(key, EntityKind.UNKNOWN)
        override = self.overrides.get(match_key(entity.key)) or self.overrides.get(match_key(key))
        return entity if override is None else self._overridden(entity, override)

    def _overridden(self, entity: Entity, override: Override) -> Entity:
        kind = override.kind
        part_of, member_of = entity.part_of, entity.member_of
        if override.parent:
            parent = self._lookup(override.parent, overrides=False)
            if parent is None:
                parent = Entity(tidy(override.parent), EntityKind.UNKNOWN)
            if parent.key != entity.key:
                part_of = (parent.key, *(p for p in parent.part_of if p != entity.key))
                member_of = parent.member_of
            if kind is None and entity.kind is EntityKind.UNKNOWN:
                kind = {
                    EntityKind.COUNTRY: EntityKind.AGENCY,
                    EntityKind.MULTILATERAL: EntityKind.MULTILATERAL_PART,
                    EntityKind.MULTILATERAL_PART: EntityKind.MULTILATERAL_PART,
                    EntityKind.REGION: EntityKind.REGION,
                }.get(parent.kind)
        return replace(entity, kind=kind or entity.kind, part_of=part_of, member_of=member_of)

    def _lookup(self, text: str, overrides: bool = True) -> Entity | None:
        """The named entity `text` spells exactly (through the alias tables), or None."""
        key = match_key(text)
        if not key:
            return None
        if key in self.ledger_keys:
            found = self.keyed(self.canonical(text))
            return found if overrides else self.tables.by_key.get(found.key, found)
        spelled = self.tables.by_spelling.get(key)
        if spelled is not None:
            return self.keyed(spelled) if overrides else self.tables.by_key[spelled]
        canonical = self.canonical(text)
        entity = self.tables.by_key.get(canonical)
        if entity is None:
            spelled = self.tables.by_spelling.get(match_key(canonical))
            entity = self.tables.by_key.get(spelled) if spelled else None
        if entity is None:
            if match_key(canonical) in self.overrides:
                return self.keyed(canonical)
            return None
        return self.keyed(entity.key) if overrides else entity

    def _adjective(self, text: str) -> Entity | None:
        word = " ".join(text.split()).casefold()
        key = self.tables.adjectives.get(word)
        if key is None and word.endswith("s"):  # "Palestinians", "Afghans"
            key = self.tables.adjectives.get(word[:-1])
        return self.keyed(key) if key is not None else None

    # ---- the patterns ----

    def _resolve(self, text: str, lists: bool) -> Entity:
        # double quotes carry nothing in a name ("US humanitarian efforts" in Yemen)
        text = tidy(text.translate(_NO_QUOTES)).strip(" ,;:'")
        if not text:
            return Entity("", EntityKind.UNKNOWN)
        found = self._lookup(text)
        if found is not None:
            return found
        bare = _strip_article(text)
        steps: list[Callable[[str], Entity | None]] = [
            self._bracketed,
            self._channelled,
            self._excepted,
            self._counted,
        ]
        if lists:
            steps.append(self._listed)
        steps += [self._remarked, self._possessive, self._office_of, self._qualified]
        for step in steps:
            entity = step(text)
            if entity is not None:
                return entity
        adjective = self._adjective(bare)
        if adjective is not None:
            return adjective
        return self._described(bare)

    def _bracketed(self, text: str) -> Entity | None:
        matched = _BRACKETED.fullmatch(text)
        if matched is None:
            return None
        outer = self._resolve(matched.group(1), lists=True)
        inner = tidy(matched.group(2))
        if not inner:
            return outer
        if _CHANNEL.fullmatch(inner):
            return _with_note(outer, inner)
        if outer.named:
            within = self._strict(inner)
            if within is not None:
                if within.key == outer.key:
                    return outer  # another spelling in brackets: "Holy See (Vatican)"
                if outer.key in within.part_of:
                    return replace(within, note=outer.note)  # a part named: "World Bank (IDA)"
                if within.key in outer.part_of and within.kind is not EntityKind.COUNTRY:
                    # its wider family spelled out: "European Union (Commission and member states)"
                    return replace(within, note=outer.note)
            return _with_note(outer, inner)
        # A description or an unknown name, with the place it is about in brackets.
        where = self._resolve(inner, lists=True)
        places = _places(where)
        if places:
            return Entity(_strip_article(tidy(text)), EntityKind.DESCRIPTION, members=outer.members | places)
        return _with_note(outer, inner)

    def _strict(self, text: str) -> Entity | None:
        """An exact name, or a list of exact names: what brackets may name instead of a remark."""
        found = self._lookup(text)
        if found is not None:
            return found
        listed = self._listed(text, strict=True)
        return listed

    def _channelled(self, text: str) -> Entity | None:
        matched = _CHANNELLED.fullmatch(text)
        if matched is None:
            return None
        head = self._resolve(matched.group(1), lists=True)
        return _with_note(head, matched.group(2)) if head.named else None

    def _excepted(self, text: str) -> Entity | None:
        matched = _EXCEPT.fullmatch(text)
        if matched is None:
            return None
        head = self._resolve(matched.group(1), lists=True)
        if head.kind not in (EntityKind.COLLECTIVE, EntityKind.GROUP):
            return None
        left_out = self._resolve(matched.group(3), lists=True)
        if not left_out.named:
            return _with_note(head, matched.group(2))
        keys = left_out.members or frozenset({left_out.key})
        return replace(
            head,
            key=f"{head.key} except {joined(keys)}",
            excludes=head.excludes | keys,
        )

    def _listed(self, text: str, strict: bool = False) -> Entity | None:
        """A list of names ("Niger, Mali and Chad", "the EU and its member states"), each item a named entity."""
        items: list[str] = []
        separators: list[str] = []  # separators[k] stands between items[k] and items[k + 1]
        pending = ","
        for index, piece in enumerate(_LIST_SEPARATOR.split(text)):
            if index % 2:
                pending = piece  # the last separator before the next item: ", and" is "and"
            elif piece.strip():
                if items:
                    separators.append(pending)
                items.append(piece.strip())
        if len(items) < 2:
            return None
        found: list[Entity] = []
        start = 0
        while start < len(items):
            for end in range(len(items), start, -1):
                if start == 0 and end == len(items):
                    continue  # the whole text: not a list
                piece = items[start]
                for k in range(start, end - 1):
                    sep = separators[k]
                    piece += (", " if sep in ",;" else f" {sep} ") + items[k + 1]
                # a piece of several items must be one exact name ("Bosnia and Herzegovina"); one item
                # may be any name but a list ("the British government", "UK (via DFID)")
                exact = strict or end - start > 1
                entity = self._lookup(piece) if exact else self._resolve(piece, lists=False)
                if entity is not None and entity.named:
                    found.append(entity)
                    start = end
                    break
            else:
                return None
        return _combined(found, self)

    def _remarked(self, text: str) -> Entity | None:
        matched = _REMARK.fullmatch(text)
        if matched is None:
            return None
        head = self._resolve(matched.group(1), lists=True)
        return _with_note(head, matched.group(2)) if head.named else None

    def _possessive(self, text: str) -> Entity | None:
        matched = _POSSESSIVE.fullmatch(_strip_article(text))
        if matched is None:
            return None
        owner = self._resolve(matched.group(1), lists=False)
        if not owner.named:
            return None
        office = self._lookup(matched.group(2))
        if office is not None and owner.key in office.part_of:
            return office  # "Britain's Department for International Development"
        if office is not None and office.key == owner.key:
            return owner
        return _with_note(owner, matched.group(2))

    def _office_of(self, text: str) -> Entity | None:
        matched = _OFFICE_OF.fullmatch(_strip_article(text))
        if matched is None:
            return None
        place = self._resolve(matched.group(2), lists=True)
        return _with_note(place, matched.group(1)) if place.named else None

    def _qualified(self, text: str) -> Entity | None:
        """A name or adjective, then words: an office ("British government"), people ("Yemeni refugees")."""
        words = _strip_article(text).split()
        for size in range(len(words) - 1, 0, -1):  # the longest name first: "United States government"
            head, rest = " ".join(words[:size]), " ".join(words[size:])
            entity = self._lookup(head) or self._adjective(head)
            if entity is None or not entity.named:
                continue
            rest_words = _words(rest)
            if _is_office(rest_words):
                return _with_note(entity, rest)
            if rest_words and any(w in _PEOPLE_WORDS for w in rest_words):
                return Entity(_strip_article(text), EntityKind.DESCRIPTION, members=_places(entity))
            if rest_words and rest_words[-1] in _DONOR_WORDS:
                return Entity(_strip_article(text), EntityKind.COLLECTIVE, members=frozenset({entity.key}))
            return None
        return None

    def _counted(self, text: str) -> Entity | None:
        """Donors counted: "a tally of 60 donors", "nearly 60 donors" are all donors, the count a note."""
        if _COUNTED.search(text):
            return _with_note(self.keyed("All donors"), _strip_article(text))
        return None

    def _described(self, text: str) -> Entity:
        """The last reading: a collective phrase, a description (with the places it names), or unknown."""
        words = _words(text)
        places = self._places_in(text)
        if any(w in _DONOR_WORDS for w in words):
            return Entity(text, EntityKind.COLLECTIVE, members=places)
        if places or any(w in _DESCRIPTION_WORDS for w in words):
            around: tuple[str, ...] = ()
            if places and any(w in _AROUND_WORDS for w in words):
                # "Yemen and the region", "Syria and its neighbours": the places' nearest M49 regions too
                around = tuple(
                    dict.fromkeys(
                        region
                        for place in sorted(places)
                        for region in self.keyed(place).member_of[:1]
                        if region not in _SCAN_SKIPPED
                    )
                )
            return Entity(text, EntityKind.DESCRIPTION, member_of=around, members=places)
        return Entity(text, EntityKind.UNKNOWN)

    def _places_in(self, text: str) -> frozenset[str]:
        """The countries and regions a phrase names, longest spelling first: "Yemen and the region" -> Yemen."""
        tokens = [t.strip("'’.") for t in _TOKEN.findall(text)]
        tokens = [t for t in tokens if t]
        found: set[str] = set()
        start = 0
        while start < len(tokens):
            for size in range(min(5, len(tokens) - start), 0, -1):
                phrase = " ".join(tokens[start : start + size])
                # short words count only in capitals ("US", not "us")
                if size == 1 and len(phrase) <= 3 and not phrase.isupper():
                    continue
                entity = self._lookup(phrase) or (self._adjective(phrase) if size <= 2 else None)
                if entity is not None and entity.kind in PLACE_KINDS and entity.key not in _SCAN_SKIPPED:
                    found.add(entity.key)
                    start += size
                    break
            else:
                start += 1
        return frozenset(found)


def _places(entity: Entity) -> frozenset[str]:
    """The places an entity names: itself when it is a place, its members when a list or description."""
    if entity.kind in PLACE_KINDS:
        return frozenset({entity.key})
    if entity.kind in (EntityKind.GROUP, EntityKind.DESCRIPTION):
        return entity.members
    return frozenset()


def _combined(found: list[Entity], index: EntityIndex) -> Entity:
    """A list of named entities as one: the same one, a family, a collective with named members, or a group."""
    keys = list(dict.fromkeys(e.key for e in found))
    if len(keys) == 1:
        return found[0]
    collectives = [e for e in found if e.kind is EntityKind.COLLECTIVE]
    if collectives:
        named = [e for e in found if e.kind is not EntityKind.COLLECTIVE]
        if not named:
            return collectives[0]
        names = joined({e.key for e in named})
        return Entity(
            f"{names} and other donors", EntityKind.COLLECTIVE, members=frozenset(e.key for e in named)
        )
    families = {e.family for e in found}
    if len(families) == 1:
        # parts of one family together are that family: "the EU and its member states", "USAID and the
        # State Department"
        return index.keyed(families.pop())
    first, *rest = found
    common = tuple(p for p in first.parents if all(p in e.parents for e in rest))
    return Entity(joined(keys), EntityKind.GROUP, member_of=common, members=frozenset(keys))
