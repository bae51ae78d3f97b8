"""Names as entities: every spelling pattern of issue 10, each with its entity, kind, parents and note."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.problems import ParseError
from ledger.names import Alias, Names
from ledger.names.entities import Entity, EntityKind, kind_word, parse_kind

NAMES = Names.default()
K = EntityKind


def resolve(name: str) -> Entity:
    return NAMES.resolve(name)


def read_table(filename: str) -> list[dict[str, str]]:
    text = resources.files("ledger.names").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


ENTITY_ROWS = read_table("entities.csv")
COUNTRIES = sorted(
    row["common_name"]
    for row in read_table("m49.csv")
    if row["iso_alpha3"] and " and " not in row["common_name"] and "," not in row["common_name"]
)


# ---- donor spellings ----


@pytest.mark.parametrize(
    ("written", "key", "kind", "part_of", "note"),
    [
        ("World Bank", "World Bank", K.MULTILATERAL_PART, ("World Bank Group",), ""),
        ("the World Bank", "World Bank", K.MULTILATERAL_PART, ("World Bank Group",), ""),
        ("the Bank", "World Bank", K.MULTILATERAL_PART, ("World Bank Group",), ""),
        ("World Bank Group", "World Bank Group", K.MULTILATERAL, (), ""),
        (
            "World Bank (IDA)",
            "International Development Association",
            K.MULTILATERAL_PART,
            ("World Bank", "World Bank Group"),
            "",
        ),
        (
            "IDA",
            "International Development Association",
            K.MULTILATERAL_PART,
            ("World Bank", "World Bank Group"),
            "",
        ),
        ("IFC", "International Finance Corporation", K.MULTILATERAL_PART, ("World Bank Group",), ""),
        ("Japan (via World Bank)", "Japan", K.COUNTRY, (), "via World Bank"),
        ("UNICEF", "United Nations Children's Fund", K.MULTILATERAL_PART, ("United Nations",), ""),
        ("the UN (via UNICEF)", "United Nations", K.MULTILATERAL, (), "via UNICEF"),
        (
            "United Nations (Central Emergency Response Fund)",
            "Central Emergency Response Fund",
            K.FUND,
            ("United Nations",),
            "",
        ),
    ],
)
def test_multilaterals_their_parts_and_channels(
    written: str, key: str, kind: EntityKind, part_of: tuple[str, ...], note: str
) -> None:
    entity = resolve(written)
    assert (entity.key, entity.kind, entity.part_of, entity.note, entity.text) == (
        key,
        kind,
        part_of,
        note,
        written,
    )


EU_FAMILY = "European Union and member states"


@pytest.mark.parametrize(
    ("written", "key", "kind", "part_of", "note"),
    [
        ("the EU and its Member States", EU_FAMILY, K.GROUP, (), ""),
        ("EU and member states", EU_FAMILY, K.GROUP, (), ""),
        ("EU heads of state and government", EU_FAMILY, K.GROUP, (), ""),
        ("European Union (Commission and member states)", EU_FAMILY, K.GROUP, (), ""),
        ("European Union (Commission, member states and EIB)", EU_FAMILY, K.GROUP, (), ""),
        ("European Union", "European Union", K.MULTILATERAL, (EU_FAMILY,), ""),
        ("the EU", "European Union", K.MULTILATERAL, (EU_FAMILY,), ""),
        (
            "European Union (Finnish presidency)",
            "European Union",
            K.MULTILATERAL,
            (EU_FAMILY,),
            "Finnish presidency",
        ),
        (
            "the European Commission",
            "European Commission",
            K.MULTILATERAL_PART,
            ("European Union", EU_FAMILY),
            "",
        ),
        (
            "European Union (European Commission)",
            "European Commission",
            K.MULTILATERAL_PART,
            ("European Union", EU_FAMILY),
            "",
        ),
        ("EU countries", "EU27", K.GROUP, (EU_FAMILY,), ""),
        ("EU member states (15)", "EU27", K.GROUP, (EU_FAMILY,), "15"),
    ],
)
def test_the_eu_family(written: str, key: str, kind: EntityKind, part_of: tuple[str, ...], note: str) -> None:
    entity = resolve(written)
    assert (entity.key, entity.kind, entity.part_of, entity.note) == (key, kind, part_of, note)


def test_the_eu_and_its_member_states_is_not_the_commission_alone() -> None:
    family = resolve("the EU and its member states")
    commission = resolve("European Commission")
    assert family != commission
    assert family.key in commission.part_of
    assert commission.family == family.key == family.family


@pytest.mark.parametrize(
    ("written", "note"),
    [
        ("Britain", ""),
        ("UK", ""),
        ("the United Kingdom", ""),
        ("the British government", ""),  # a spelling of its own in aliases.csv
        ("British", ""),
        ("UK (via DFID)", "via DFID"),
        ("UK government (via DFID)", "via DFID"),
        ("the UK's foreign ministry", "foreign ministry"),
        ("British foreign ministry", "foreign ministry"),
        ("the British aid agency", "aid agency"),
    ],
)
def test_the_british_government_is_the_united_kingdom(written: str, note: str) -> None:
    entity = resolve(written)
    assert (entity.key, entity.kind, entity.note) == ("United Kingdom", K.COUNTRY, note)
    assert entity == resolve("United Kingdom")


@pytest.mark.parametrize(
    ("written", "key", "note"),
    [
        ("the US administration", "United States", "administration"),
        ("the Japanese government", "Japan", "government"),
        ("Japanese", "Japan", ""),
        ("Government of Lebanon", "Lebanon", "Government"),
        ("the government of Japan", "Japan", "government"),
        ("Swiss", "Switzerland", ""),
        ("the Saudi government", "Saudi Arabia", "government"),
    ],
)
def test_the_announcing_office_and_adjectives(written: str, key: str, note: str) -> None:
    entity = resolve(written)
    assert (entity.key, entity.kind, entity.note) == (key, K.COUNTRY, note)


def test_a_department_belongs_to_its_country() -> None:
    dfid = resolve("Britain's Department for International Development")
    assert (dfid.key, dfid.kind, dfid.part_of) == (
        "Department for International Development",
        K.AGENCY,
        ("United Kingdom",),
    )
    assert dfid == resolve("DFID")
    assert dfid.family == "United Kingdom"
    # it is in the United Kingdom's regions and groups
    assert {"Northern Europe", "G7"} <= set(dfid.member_of)
    usaid = resolve("USAID")
    assert (usaid.kind, usaid.part_of) == (K.AGENCY, ("United States",))
    # two offices of one government together are that government
    assert resolve("USAID and the State Department") == resolve("United States")


@pytest.mark.parametrize(
    ("written", "note"),
    [
        ("G7", ""),
        ("the G7", ""),
        ("G7 (leaders' statement)", "leaders' statement"),
        ("G-7", ""),
        ("Group of Seven", ""),
    ],
)
def test_the_g7(written: str, note: str) -> None:
    entity = resolve(written)
    assert (entity.key, entity.kind, entity.note) == ("G7", K.GROUP, note)
    assert entity.members == {
        "Canada",
        "France",
        "Germany",
        "Italy",
        "Japan",
        "United Kingdom",
        "United States",
    }


def test_a_country_has_its_m49_regions_and_groups() -> None:
    france = resolve("France")
    assert france.kind is K.COUNTRY
    assert france.member_of[:3] == ("Western Europe", "Europe", "World")
    assert {"G7", "G8", "G20", "EU27", EU_FAMILY, "OECD", "OECD DAC"} <= set(france.parents)
    russia = resolve("Russia")
    assert "G8" in russia.member_of and "G7" not in russia.member_of and "G20" in russia.member_of
    # coco counts every EU member in the G20; only the G7's are members in their own right
    assert "G20" not in resolve("Austria").member_of
    assert "EU27" not in resolve("United Kingdom").member_of
    assert "OECD DAC" in resolve("South Korea").member_of and "OECD DAC" not in resolve("Chile").member_of
    guatemala = resolve("Guatemala")
    assert guatemala.member_of[:2] == ("Central America", "Latin America and the Caribbean")
    assert guatemala.family == "Guatemala"


# ---- collectives ----


@pytest.mark.parametrize(
    ("written", "note"),
    [
        ("all donors", ""),
        ("donors", ""),
        ("the international community", ""),
        ("governments", ""),
        ("the conference", ""),
        ("a tally of 60 donors", "tally of 60 donors"),
        ("nearly 60 donors", "nearly 60 donors"),
        ("a UN tally of 60 donors", "UN tally of 60 donors"),
        ("all donors (conference total)", "conference total"),
        ("all donors, grant share (aggregate)", "grant share; aggregate"),
        (
            "all donors: governments and relief agencies (tally)",
            "governments and relief agencies; tally",
        ),
    ],
)
def test_collective_donors(written: str, note: str) -> None:
    entity = resolve(written)
    assert (entity.key, entity.kind, entity.note) == ("All donors", K.COLLECTIVE, note)


def test_collectives_with_names_in_them() -> None:
    g7_and_others = resolve("G7 and other donors")
    assert (g7_and_others.key, g7_and_others.kind, g7_and_others.members) == (
        "G7 and other donors",
        K.COLLECTIVE,
        frozenset({"G7"}),
    )
    developed = resolve("developed countries")
    assert (developed.key, developed.kind) == ("Developed countries", K.COLLECTIVE)
    but_us = resolve("all donors except the United States")
    assert (but_us.key, but_us.kind, but_us.excludes) == (
        "All donors except United States",
        K.COLLECTIVE,
        frozenset({"United States"}),
    )
    european = resolve("all European donors (aggregate)")
    assert (european.kind, european.members, european.note) == (
        K.COLLECTIVE,
        frozenset({"Europe"}),
        "aggregate",
    )
    assert resolve("private sector (aggregate)").key == "Private donors"


# ---- recipient spellings ----


def test_lists_of_places_are_sets() -> None:
    one = resolve("Niger, Mali and Chad")
    other = resolve("Chad, Mali and Niger")
    assert one == other
    assert (one.key, one.kind, one.members) == (
        "Chad, Mali and Niger",
        K.GROUP,
        frozenset({"Chad", "Mali", "Niger"}),
    )
    assert one.text == "Niger, Mali and Chad" and other.text == "Chad, Mali and Niger"
    # the regions all of them lie in
    assert one.member_of == ("Sub-Saharan Africa", "Africa", "World")
    # names with "and" in them stay whole
    listed = resolve("Bosnia and Herzegovina, Serbia and Trinidad and Tobago")
    assert listed.members == {"Bosnia and Herzegovina", "Serbia", "Trinidad and Tobago"}
    assert resolve("Saudi Arabia and United Arab Emirates (combined)").note == "combined"


@pytest.mark.parametrize(
    ("written", "members"),
    [
        ("the three worst-affected countries", set()),
        ("developing countries", set()),
        ("the poorest countries", set()),
        ("poor countries", set()),
        ("flood-affected countries", set()),
        ("countries hit by the floods", set()),
        ("refugees and host communities", set()),
        ("Yemen and the region", {"Yemen"}),
        ("Yemeni refugees", {"Yemen"}),
        ("UN humanitarian response plan for Yemen", {"Yemen"}),
        ("UN and Red Cross emergency appeals (Philippines)", {"Philippines"}),
        ("different countries (Central America)", {"Central America"}),
        ("Central American countries", {"Central America"}),
    ],
)
def test_descriptions_stay_descriptions(written: str, members: set[str]) -> None:
    entity = resolve(written)
    assert (entity.kind, entity.members) == (K.DESCRIPTION, frozenset(members))


@pytest.mark.parametrize(
    ("written", "key", "note"),
    [
        ("Yemen (humanitarian response)", "Yemen", "humanitarian response"),
        ("Yemen (humanitarian response) (UN appeal)", "Yemen", "humanitarian response; UN appeal"),
        ("Philippines (via DEC member charities)", "Philippines", "via DEC member charities"),
        ("Philippines (through Japanese NGOs)", "Philippines", "through Japanese NGOs"),
        ("Afghanistan (Interim Authority)", "Afghanistan", "Interim Authority"),
        ("Holy See (Vatican)", "Holy See", ""),
    ],
)
def test_remarks_in_brackets_are_notes(written: str, key: str, note: str) -> None:
    entity = resolve(written)
    assert (entity.key, entity.note) == (key, note)


def test_territories_inside_a_country() -> None:
    gaza = resolve("the Gaza Strip")
    assert (gaza.key, gaza.kind, gaza.part_of, gaza.family) == (
        "Gaza Strip",
        K.REGION,
        ("Palestine",),
        "Palestine",
    )
    assert resolve("Gaza Strip and West Bank") == resolve("Palestine")


def test_unknown_names_are_not_guessed() -> None:
    entity = resolve("Norfund")
    assert (entity.key, entity.kind) == ("Norfund", K.UNKNOWN)
    assert resolve("").kind is K.UNKNOWN
    assert NAMES.suggest("Untied States") == "United States"
    assert NAMES.suggest("Norfund") is None
    assert NAMES.suggest("United States") is None  # known: nothing to suggest
    assert NAMES.suggest("developing countries") is None


# ---- the analyst's aliases ----


def test_an_alias_gives_an_entity_and_its_parent() -> None:
    names = NAMES.with_aliases([Alias("Norfund", "Norfund", parent="Norway")])
    norfund = names.resolve("Norfund")
    assert (norfund.key, norfund.kind, norfund.part_of, norfund.family) == (
        "Norfund",
        K.AGENCY,
        ("Norway",),
        "Norway",
    )
    assert "Northern Europe" in norfund.member_of
    assert names.resolve("Norfund (via UNDP)").note == "via UNDP"
    # the canonical spelling is unchanged by a parent
    assert names.canonical("Norfund") == "Norfund"


def test_an_alias_kind_and_an_alias_parent_override_the_tables() -> None:
    names = NAMES.with_aliases(
        [
            Alias("Friends of Yemen", "Friends of Yemen", kind="collective"),
            Alias("IFC", "IFC", parent="World Bank"),
            ("Uncle Sam", "U.S."),
        ]
    )
    assert names.resolve("Friends of Yemen").kind is K.COLLECTIVE
    assert names.resolve("IFC").part_of == ("World Bank", "World Bank Group")
    assert names.resolve("Uncle Sam") == NAMES.resolve("United States")
    # the plain pairs API still works and still compares by its aliases
    assert names.aliases[-1] == ("Uncle Sam", "U.S.")
    assert NAMES.with_aliases([]) is NAMES


def test_kind_words() -> None:
    assert parse_kind("part of a multilateral") is K.MULTILATERAL_PART
    assert parse_kind(" Fund ") is K.FUND
    assert parse_kind("") is None
    with pytest.raises(ParseError, match='kind "thing" is not understood'):
        parse_kind("thing")
    for kind in K:
        if kind is not K.UNKNOWN:
            assert parse_kind(kind_word(kind)) is kind


# ---- the tables agree with each other ----


def test_every_table_row_resolves_to_itself() -> None:
    for row in ENTITY_ROWS:
        entity = resolve(row["key"])
        if row["kind"] != "country":
            assert (entity.key, entity.kind.value) == (row["key"], row["kind"]), row["key"]
        for spelling in filter(None, row["spellings"].split("|")):
            assert resolve(spelling).key == entity.key, spelling


def test_the_alias_table_never_contradicts_the_entities() -> None:
    """What canonical() lumps together, the entity table puts in one family (or one entity)."""
    for row in read_table("aliases.csv"):
        entity = resolve(row["name"])
        assert entity.named, row["name"]
        related = {NAMES.canonical(k) for k in (entity.key, *entity.parents)}
        assert NAMES.canonical(row["name"]) in related, row["name"]


# ---- properties ----

SPELLINGS = [(row["key"], s) for row in ENTITY_ROWS for s in row["spellings"].split("|") if s]


@given(
    st.sampled_from(SPELLINGS),
    st.sampled_from(["{}", "the {}", "{} (via UNICEF)", "  {}  ", "{} (leaders' statement)"]),
    st.booleans(),
)
def test_any_listed_spelling_of_a_donor_is_the_same_entity(
    spelling: tuple[str, str], decoration: str, shout: bool
) -> None:
    key, written = spelling
    if decoration.startswith("the ") and written.lower().startswith("the "):
        decoration = "{}"
    text = decoration.format(written.upper() if shout and written.isascii() and len(written) > 3 else written)
    assert resolve(text) == resolve(key)


@given(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=5, unique=True), st.randoms())
def test_the_order_of_places_in_a_list_does_not_matter(places: list[str], rnd: object) -> None:
    shuffled = list(places)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    one = resolve(", ".join(places[:-1]) + " and " + places[-1])
    other = resolve(", ".join(shuffled[:-1]) + " and " + shuffled[-1])
    assert one == other
    assert one.members == set(places)
    assert one.kind is K.GROUP


WORDS = st.sampled_from(
    ["the", "and", ",", "(", ")", "via", "except", "donors", "of", "'s", "government", "Yemen", "EU", "UN", "Mali",
     "refugees", "countries", "60", ":", "-", "World Bank", "IDA", "British", "member states", "all"]
)  # fmt: skip


@given(st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=25).map(" ".join)))
def test_any_text_resolves_to_an_entity(text: str) -> None:
    entity = resolve(text)
    assert entity.text == text
    assert isinstance(entity.kind, EntityKind)
    # the cache changes nothing: the index, uncached, reads the text the same way
    assert NAMES.entity_index().resolve(text) == entity
    assert NAMES.entity_index().resolve(text).note == entity.note
