"""Donor and recipient names: one canonical spelling per donor, and which regions hold which countries.

Sources write the same donor many ways ("US", "U.S.", "Washington", "USAID") and the same recipient at
different levels ("Central America", "El Salvador"). `Names` maps each spelling to one canonical name
and knows the UN M49 regions, so the engine can tell that a pledge to El Salvador may sit inside a
pledge to Central America.

Build it once with `Names.default()` (the shipped tables) and `with_aliases` (a ledger's own Aliases
sheet); `canonical` is then a dictionary look-up, fast enough to call for every claim many times over.

`resolve` reads a name as an entity (`ledger.names.entities`: its kind, parents, members and note), and
`ledger.names.relations` compares two of them; both are cached per `Names` value, keyed by the text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType

import pycountry

from ledger.core.model import Alias
from ledger.core.problems import ParseError
from ledger.names.countries import eu_members_on
from ledger.names.entities import (
    Entity,
    EntityIndex,
    EntityKind,
    EntityTables,
    Override,
    build_tables,
    parse_kind,
)
from ledger.names.spelling import match_key, tidy

__all__ = [
    "ALL_DONORS",
    "ALL_DONOR_NAMES",
    "WORLD",
    "Alias",
    "Entity",
    "EntityKind",
    "Names",
    "match_key",
    "tidy",
]

ALL_DONORS = "All donors"
WORLD = "World"

# What sources write for "every donor at the conference"; all of them mean ALL_DONORS.
ALL_DONOR_NAMES = (
    "all donors",
    "donors",
    "several donors",
    "various donors",
    "international community",
    "the international community",
    "international donors",
    "multiple donors",
)

# The group of the EU's member states, and the family it belongs to (ledger/names/data/entities.csv): the
# groups a country is dated by (`Names.on`).
EU_MEMBERS = "EU27"
EU_FAMILY = "European Union and member states"

# Rank of an entry in the alias graph: shipped data, or the index of a ledger's own alias.
_SHIPPED = -1


def _code_key(name: str) -> str | None:
    """An ISO code as written ("GTM", "SV"), or None. Codes count only in capitals, so "and" is a word."""
    compact = "".join(name.split()).replace(".", "")
    if 2 <= len(compact) <= 3 and compact.isalpha() and compact.isascii() and compact.isupper():
        return compact
    return None


@dataclass(frozen=True, slots=True)
class _Shipped:
    """The shipped tables before any ledger's aliases: unresolved alias edges, codes, regions."""

    # match key -> the name it points at (possibly itself, possibly another alias)
    edges: Mapping[str, str]
    codes: Mapping[str, str]  # ISO alpha-2 / alpha-3 in capitals -> canonical country
    alpha3: Mapping[str, str]  # canonical country -> its ISO alpha-3 code
    ancestry: Mapping[str, tuple[str, ...]]  # canonical country or region -> regions, nearest first
    regions: frozenset[str]


class _EntityCache:
    """The entities a `Names` value has resolved, by the text as typed, and its index, built on first use.

    Mutable, but owned by one frozen `Names` value: a cache of a pure function of that value.
    """

    __slots__ = ("dated", "index", "resolved")

    LIMIT = 200_000  # distinct names are few; a long-running service must not grow without bound

    def __init__(self) -> None:
        self.index: EntityIndex | None = None
        self.resolved: dict[str, Entity] = {}
        # (the name as typed, whether an EU member that day) -> the entity so dated: one value per name and era
        self.dated: dict[tuple[str, bool], Entity] = {}


@dataclass(frozen=True, slots=True)
class Names:
    """Canonical donor and recipient names, with the ledger's own aliases applied on top of the shipped ones.

    Two values are equal when they carry the same ledger aliases (the shipped tables are the same data).
    """

    aliases: tuple[tuple[str, str], ...]  # the ledger's own (name, means), in the order given
    shipped: _Shipped = field(repr=False, compare=False)
    by_key: Mapping[str, str] = field(repr=False, compare=False)  # match key -> canonical
    exact: Mapping[str, str] = field(repr=False, compare=False)  # common spellings as typed -> canonical
    ancestry: Mapping[str, tuple[str, ...]] = field(repr=False, compare=False)
    regions: frozenset[str] = field(repr=False, compare=False)
    # the ledger's aliases that give a parent or a kind, in the order given
    entity_aliases: tuple[Alias, ...] = ()
    entity_cache: _EntityCache = field(default_factory=_EntityCache, repr=False, compare=False)

    @staticmethod
    def default() -> Names:
        """The shipped tables: UN M49 countries and regions, pycountry's names and codes, aliases.csv."""
        return _default_names()

    def with_aliases(self, extra: Iterable[tuple[str, str] | Alias]) -> Names:
        """These names with a ledger's own aliases on top; a ledger's alias overrides a shipped one.

        `extra` holds (name, means) pairs or `Alias` values, whose parent and kind shape what `resolve`
        returns for `means`. Later aliases override earlier ones; pairs with a blank side (or only dots)
        are ignored. When aliases point in a circle ("US" means "United States" means "US"), the
        analyst's latest word wins.
        """
        given = [item if isinstance(item, Alias) else Alias(item[0], item[1]) for item in extra]
        added = tuple((tidy(a.name), tidy(a.means)) for a in given)
        added = tuple((name, means) for name, means in added if match_key(name) and match_key(means))
        shaped = tuple(
            Alias(tidy(a.name), tidy(a.means), tidy(a.parent), tidy(a.kind))
            for a in given
            if match_key(a.means) and (match_key(a.parent) or a.kind.strip())
        )
        if not added and not shaped:
            return self
        return _build(self.shipped, self.aliases + added, self.entity_aliases + shaped)

    def resolve(self, name: str) -> Entity:
        """The entity a donor or recipient name stands for (`ledger.names.entities`), cached by the text."""
        cache = self.entity_cache
        found = cache.resolved.get(name)
        if found is None:
            found = self.entity_index().resolve(name)
            if len(cache.resolved) >= cache.LIMIT:
                cache.resolved.clear()
            cache.resolved[name] = found
        return found

    def on(self, entity: Entity, day: date | None) -> Entity:
        """`entity` as it stood on `day`: a country is one of the EU's member states when it was one that day
        (the shipped groups are today's: the UK's pledge of 2003 was a member's, Poland's was not). Other
        entities, and any entity on an unknown day, are returned as they are."""
        if day is None or entity.kind is not EntityKind.COUNTRY:
            return entity
        code = self.shipped.alpha3.get(entity.key)
        if code is None:
            return entity
        member = code in eu_members_on(day)
        if member == (EU_MEMBERS in entity.member_of):
            return entity
        # one dated value per name and era, so what is remembered per entity stays remembered
        dated = self.entity_cache.dated
        found = dated.get((entity.text, member))
        if found is None:
            groups = (
                (*entity.member_of, EU_MEMBERS, EU_FAMILY)
                if member
                else tuple(g for g in entity.member_of if g not in (EU_MEMBERS, EU_FAMILY))
            )
            found = replace(entity, member_of=groups)
            if len(dated) >= self.entity_cache.LIMIT:
                dated.clear()
            dated[(entity.text, member)] = found
        return found

    def era(self, day: date) -> frozenset[str]:
        """What `on` reads of `day`: on two days of one era (the same EU member states) every entity stands
        alike, so a caller may remember `on` per era rather than per day."""
        return eu_members_on(day)

    def entity_index(self) -> EntityIndex:
        """The index `resolve` reads names with: the shipped entities and this ledger's aliases."""
        cache = self.entity_cache
        if cache.index is None:
            cache.index = _entity_index(self)
        return cache.index

    def suggest(self, name: str) -> str | None:
        """A known name close to an unknown one ("Untied States" -> "United States"), for a warning; None else.

        A hint only: it never decides what a name means (rapidfuzz's ratio, 90 or more out of 100).
        """
        entity = self.resolve(name)
        # only for a name read as nothing known: unknown, or a description naming no place
        if entity.kind is not EntityKind.UNKNOWN and (
            entity.kind is not EntityKind.DESCRIPTION or entity.members
        ):
            return None
        from rapidfuzz import fuzz, process

        spellings = _spellings(self)
        found = process.extractOne(match_key(name), spellings, scorer=fuzz.ratio, score_cutoff=90)
        if found is None:
            return None
        return self.resolve(spellings[found[2]]).key

    def canonical(self, name: str) -> str:
        """The canonical spelling of a donor or recipient; an unknown name comes back tidied, not guessed."""
        found = self.exact.get(name)
        if found is not None:
            return found
        found = self.by_key.get(match_key(name))
        if found is not None:
            return found
        tidied = tidy(name)
        # Only short text can be a code; the length test keeps long unknown names cheap.
        code = _code_key(tidied) if len(tidied) < 12 else None
        if code is not None:
            found = self.shipped.codes.get(code)
            if found is not None:
                return self.by_key.get(match_key(found), found)
        return tidied

    def is_all_donors(self, name: str) -> bool:
        """True for "all donors", "the international community" and the like: a total over donors."""
        return self.canonical(name) == ALL_DONORS

    def ancestors(self, name: str) -> tuple[str, ...]:
        """The regions that contain `name`, nearest first, ending with World; () for unknown names."""
        found = self.ancestry.get(name)
        if found is not None:
            return found
        return self.ancestry.get(self.canonical(name), ())

    def contains(self, whole: str, part: str) -> bool:
        """True when `part` is `whole` or lies inside it (El Salvador inside Central America)."""
        whole = self.canonical(whole)
        part = self.canonical(part)
        return part == whole or whole in self.ancestors(part)

    def is_region(self, name: str) -> bool:
        """True for an M49 region, sub-region or intermediate region, and for World."""
        return self.canonical(name) in self.regions


def _read_csv(filename: str) -> list[dict[str, str]]:
    text = resources.files("ledger.names").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _shipped() -> _Shipped:
    """Read the shipped tables once. Later sources of names never override earlier ones, except aliases."""
    edges: dict[str, str] = {}
    codes: dict[str, str] = {}
    ancestry: dict[str, tuple[str, ...]] = {WORLD: ()}
    regions: set[str] = {WORLD}

    def name_it(spelling: str, means: str) -> None:
        key = match_key(spelling)
        if key:
            edges.setdefault(key, means)

    name_it(WORLD, WORLD)
    rows = _read_csv("m49.csv")
    for row in rows:
        chain = tuple(
            region
            for region in (row["intermediate_region"], row["sub_region"], row["region"], WORLD)
            if region
        )
        for depth, region in enumerate(chain):
            regions.add(region)
            ancestry.setdefault(region, chain[depth + 1 :])
            name_it(region, region)
    for row in rows:
        common = row["common_name"]
        ancestry[common] = tuple(
            region
            for region in (row["intermediate_region"], row["sub_region"], row["region"], WORLD)
            if region
        )
        name_it(common, common)
        name_it(row["country_or_area"], common)
        alpha3 = row["iso_alpha3"]
        if not alpha3:
            continue
        codes[alpha3] = common
        country = pycountry.countries.get(alpha_3=alpha3)
        if country is None:
            continue
        codes.setdefault(country.alpha_2, common)
        for attribute in ("name", "official_name", "common_name"):
            spelling = getattr(country, attribute, None)
            if spelling:
                name_it(spelling, common)
    for spelling in ALL_DONOR_NAMES:
        name_it(spelling, ALL_DONORS)
    name_it(ALL_DONORS, ALL_DONORS)
    # The curated aliases are the last word on the shipped names.
    aliases = _read_csv("aliases.csv")
    for row in aliases:
        key = match_key(row["name"])
        if key:
            edges[key] = tidy(row["means"])
    # A name that aliases point at is a spelling of itself ("International Monetary Fund").
    for row in aliases:
        name_it(row["means"], tidy(row["means"]))
    return _Shipped(
        edges=MappingProxyType(edges),
        codes=MappingProxyType(codes),
        alpha3=MappingProxyType({name: code for code, name in codes.items() if len(code) == 3}),
        ancestry=MappingProxyType(ancestry),
        regions=frozenset(regions),
    )


@cache
def _default_names() -> Names:
    return _build(_shipped(), ())


def _resolve(start: str, edges: Mapping[str, tuple[str, int]]) -> str | None:
    """Follow aliases from a match key to the name at the end of the chain, or None if the key is unknown.

    In a circle of aliases the target of the most recent ledger alias in the circle wins, so every
    member of the circle resolves to the same name.
    """
    seen: dict[str, int] = {}
    path: list[tuple[str, int]] = []
    key = start
    target: str | None = None
    while True:
        edge = edges.get(key)
        if edge is None:
            return target
        target = edge[0]
        next_key = match_key(target)
        if next_key == key:
            return target
        if key in seen:
            circle = path[seen[key] :]
            return max(circle, key=lambda step: step[1])[0]
        seen[key] = len(path)
        path.append(edge)
        key = next_key


def _entity_index(names: Names) -> EntityIndex:
    overrides: dict[str, Override] = {}
    for alias in names.entity_aliases:
        try:
            kind = parse_kind(alias.kind)
        except ParseError:
            kind = None  # the reader reports the word; here it leaves the kind as the tables say
        override = Override(alias.parent, kind)
        overrides[match_key(alias.means)] = override
        overrides[match_key(names.canonical(alias.means))] = override
    tables = (
        _default_tables()
        if not names.aliases
        else build_tables(names.ancestry, names.regions, names.shipped.codes, names.canonical)
    )
    return EntityIndex(
        tables=tables,
        canonical=names.canonical,
        ledger_keys=frozenset(match_key(name) for name, _ in names.aliases),
        overrides=MappingProxyType(overrides),
    )


@cache
def _default_tables() -> EntityTables:
    names = _default_names()
    return build_tables(names.ancestry, names.regions, names.shipped.codes, names.canonical)


def _spellings(names: Names) -> list[str]:
    """Every spelling `suggest` may offer: canonical names, entity keys and spellings."""
    tables = names.entity_index().tables
    return sorted({*names.by_key, *tables.by_spelling, *(match_key(k) for k in tables.by_key)})


def _build(
    shipped: _Shipped, aliases: tuple[tuple[str, str], ...], entity_aliases: tuple[Alias, ...] = ()
) -> Names:
    edges: dict[str, tuple[str, int]] = {key: (means, _SHIPPED) for key, means in shipped.edges.items()}
    for rank, (name, means) in enumerate(aliases):
        edges[match_key(name)] = (means, rank)
    # Each name the ledger points at is a spelling of itself, the first spelling given winning, so
    # "Foo Fund" and "FOO fund" as targets end at one name.
    for rank, (_, means) in enumerate(aliases):
        edges.setdefault(match_key(means), (means, rank))
    by_key: dict[str, str] = {}
    for key in edges:
        resolved = _resolve(key, edges)
        if resolved is not None:
            by_key[key] = resolved
    # Every canonical name is also a spelling of itself, so canonical() is idempotent.
    for resolved in set(by_key.values()):
        by_key.setdefault(match_key(resolved), resolved)

    def final(name: str) -> str:
        return by_key.get(match_key(name), name)

    ancestry: dict[str, tuple[str, ...]] = {}
    renamed: list[tuple[str, tuple[str, ...]]] = []
    for name, chain in shipped.ancestry.items():
        new_name = final(name)
        new_chain = tuple(dict.fromkeys(region for region in map(final, chain) if region != new_name))
        if new_name == name:
            ancestry[new_name] = new_chain
        else:
            renamed.append((new_name, new_chain))
    for new_name, new_chain in renamed:
        ancestry.setdefault(new_name, new_chain)

    names = Names(
        aliases=aliases,
        shipped=shipped,
        by_key=MappingProxyType(by_key),
        exact=MappingProxyType({}),
        ancestry=MappingProxyType(ancestry),
        regions=frozenset(map(final, shipped.regions)),
        entity_aliases=entity_aliases,
    )
    # Spellings as analysts type them skip the key computation; built from the slow path, so they agree.
    spellings = {*by_key.values(), *shipped.ancestry, *(name for name, _ in aliases)}
    spellings.update(spelling for spelling in _raw_spellings() if spelling)
    exact = {spelling: names.canonical(spelling) for spelling in spellings}
    return Names(
        aliases=aliases,
        shipped=shipped,
        by_key=names.by_key,
        exact=MappingProxyType(exact),
        ancestry=names.ancestry,
        regions=names.regions,
        entity_aliases=entity_aliases,
    )


@cache
def _raw_spellings() -> tuple[str, ...]:
    """Alias names and M49 names exactly as the shipped files write them."""
    alias_names = (row["name"] for row in _read_csv("aliases.csv"))
    m49_names = (row["country_or_area"] for row in _read_csv("m49.csv"))
    return (*alias_names, *m49_names, *ALL_DONOR_NAMES, ALL_DONORS)
