from __future__ import annotations

import csv
import io
from datetime import date
from importlib import resources

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.names import ALL_DONOR_NAMES, ALL_DONORS, WORLD, Names, match_key

NAMES = Names.default()


def read_table(filename: str) -> list[dict[str, str]]:
    text = resources.files("ledger.names").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


M49 = read_table("m49.csv")
ALIASES = read_table("aliases.csv")
COMMON_NAMES = {row["common_name"] for row in M49}
REGION_NAMES = {
    row[column] for row in M49 for column in ("region", "sub_region", "intermediate_region") if row[column]
} | {WORLD}

# Everything aliases.csv points at that is neither a country, a region nor all donors.
ORGANISATIONS = {
    "World Bank",
    "International Monetary Fund",
    "Inter-American Development Bank",
    "Asian Development Bank",
    "African Development Bank",
    "European Union",
    "European Investment Bank",
    "United Nations",
    "United Nations Development Programme",
    "United Nations Children's Fund",
    "World Food Programme",
    "United Nations High Commissioner for Refugees",
    "United Nations Office for the Coordination of Humanitarian Affairs",
    "World Health Organization",
    "United Nations Population Fund",
    "United Nations Office on Drugs and Crime",
    "Organization of American States",
    "Central American Integration System",
    "Central American Bank for Economic Integration",
}


@pytest.mark.parametrize(
    ("written", "means"),
    [
        *((name, "United States") for name in ("US", "U.S.", "USA", "U.S.A.", "United States of America")),
        *((name, "United States") for name in ("America", "Washington", "US government", "USAID")),
        *((name, "United Kingdom") for name in ("UK", "U.K.", "Britain", "Great Britain", "DFID", "FCDO")),
        ("United Kingdom of Great Britain and Northern Ireland", "United Kingdom"),
        *((name, "World Bank") for name in ("IBRD", "IDA", "World Bank Group", "WB", "The World Bank")),
        ("IMF", "International Monetary Fund"),
        *(
            (name, "Inter-American Development Bank")
            for name in ("IDB", "IADB", "inter-american development bank")
        ),
        ("ADB", "Asian Development Bank"),
        ("AfDB", "African Development Bank"),
        *((name, "European Union") for name in ("EU", "European Commission", "EC")),
        ("EIB", "European Investment Bank"),
        ("UNDP", "United Nations Development Programme"),
        ("UNICEF", "United Nations Children's Fund"),
        ("WFP", "World Food Programme"),
        ("UNHCR", "United Nations High Commissioner for Refugees"),
        ("OCHA", "United Nations Office for the Coordination of Humanitarian Affairs"),
        ("WHO", "World Health Organization"),
        ("CABEI", "Central American Bank for Economic Integration"),
        ("BCIE", "Central American Bank for Economic Integration"),
        *(
            (name, "South Korea")
            for name in ("South Korea", "Republic of Korea", "ROK", "Korea, Republic of")
        ),
        ("Russian Federation", "Russia"),
        ("Iran (Islamic Republic of)", "Iran"),
        ("Bolivia (Plurinational State of)", "Bolivia"),
        ("Venezuela, Bolivarian Republic of", "Venezuela"),
        ("United Republic of Tanzania", "Tanzania"),
        ("Viet Nam", "Vietnam"),
        ("Syrian Arab Republic", "Syria"),
        ("Lao People's Democratic Republic", "Laos"),
        ("Republic of Moldova", "Moldova"),
        ("Czech Republic", "Czechia"),
        ("Turkey", "Türkiye"),
        ("Côte d’Ivoire", "Côte d'Ivoire"),
    ],
)
def test_shipped_aliases(written: str, means: str) -> None:
    assert NAMES.canonical(written) == means


@pytest.mark.parametrize(
    "written",
    ["united states", "UNITED STATES", "  United   States  ", "the U.S.", "The US", "u.s.a"],
)
def test_matching_ignores_case_spaces_dots_and_the(written: str) -> None:
    assert NAMES.canonical(written) == "United States"


@pytest.mark.parametrize(
    ("written", "means"),
    [
        ("GTM", "Guatemala"),
        ("GT", "Guatemala"),
        ("SLV", "El Salvador"),
        ("SV", "El Salvador"),
        ("GBR", "United Kingdom"),
        ("Republic of Guatemala", "Guatemala"),
        ("Federal Republic of Germany", "Germany"),
        ("TWN", "Taiwan"),
    ],
)
def test_codes_and_official_names(written: str, means: str) -> None:
    assert NAMES.canonical(written) == means


@pytest.mark.parametrize("word", ["and", "per", "in", "can", "gtm"])
def test_codes_count_only_in_capitals(word: str) -> None:
    assert NAMES.canonical(word) == word


def test_an_alias_beats_a_code() -> None:
    assert NAMES.canonical("EC") == "European Union"
    assert NAMES.canonical("ECU") == "Ecuador"


@pytest.mark.parametrize(
    ("written", "means"),
    [
        ("central america", "Central America"),
        ("the Caribbean", "Caribbean"),
        ("Americas", "Americas"),
        ("Latin America", "Latin America and the Caribbean"),
        ("world", "World"),
        ("Micronesia", "Micronesia"),
    ],
)
def test_regions_map_to_themselves(written: str, means: str) -> None:
    assert NAMES.canonical(written) == means
    assert NAMES.is_region(written)


def test_countries_and_donors_are_not_regions() -> None:
    assert not NAMES.is_region("Guatemala")
    assert not NAMES.is_region("World Bank")
    assert not NAMES.is_region("Atlantis")


@pytest.mark.parametrize("written", [*ALL_DONOR_NAMES, "All Donors", "The International Community"])
def test_all_donors(written: str) -> None:
    assert NAMES.is_all_donors(written)
    assert NAMES.canonical(written) == ALL_DONORS


def test_single_donors_are_not_all_donors() -> None:
    assert not NAMES.is_all_donors("United States")
    assert not NAMES.is_all_donors("donor")


@pytest.mark.parametrize(
    ("written", "tidied"),
    [
        ("Some  Foundation ", "Some Foundation"),
        ("different countries (Central America)", "different countries (Central America)"),
        ("North America", "North America"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_unknown_names_come_back_tidied(written: str, tidied: str) -> None:
    assert NAMES.canonical(written) == tidied
    assert NAMES.ancestors(written) == ()


def test_ancestors_nearest_first() -> None:
    assert NAMES.ancestors("Guatemala") == (
        "Central America",
        "Latin America and the Caribbean",
        "Americas",
        WORLD,
    )
    assert NAMES.ancestors("Mexico")[0] == "Central America"
    assert NAMES.ancestors("Central America") == ("Latin America and the Caribbean", "Americas", WORLD)
    assert NAMES.ancestors("United States") == ("Northern America", "Americas", WORLD)
    assert NAMES.ancestors("Jersey") == ("Channel Islands", "Northern Europe", "Europe", WORLD)
    assert NAMES.ancestors("Antarctica") == (WORLD,)
    assert NAMES.ancestors(WORLD) == ()


def test_ancestors_accepts_any_spelling() -> None:
    assert NAMES.ancestors("GTM") == NAMES.ancestors("Guatemala")


def test_regions_contain_countries() -> None:
    assert NAMES.contains("Central America", "El Salvador")
    assert NAMES.contains("Central America", "Guatemala")
    assert NAMES.contains("Americas", "Guatemala")
    assert NAMES.contains("Latin America and the Caribbean", "Central America")
    assert NAMES.contains("World", "Japan")
    assert NAMES.contains("Guatemala", "GTM")
    assert not NAMES.contains("Europe", "Guatemala")
    assert not NAMES.contains("El Salvador", "Central America")
    assert not NAMES.contains("Central America", "Colombia")
    assert not NAMES.contains("Central America", "Unknown Place")


def test_every_country_lies_in_the_world() -> None:
    for row in M49:
        assert NAMES.contains(WORLD, row["common_name"]), row
        assert NAMES.canonical(row["country_or_area"]) == row["common_name"], row


def test_ledger_alias_added() -> None:
    names = NAMES.with_aliases([("Uncle Sam", "U.S."), ("Friends of Central America", "all donors")])
    assert names.canonical("uncle  sam") == "United States"
    assert names.is_all_donors("Friends of Central America")
    assert NAMES.canonical("Uncle Sam") == "Uncle Sam"  # the shipped names are untouched


def test_ledger_alias_overrides_a_shipped_one() -> None:
    names = NAMES.with_aliases([("IDB", "Islamic Development Bank")])
    assert names.canonical("IDB") == "Islamic Development Bank"
    assert names.canonical("islamic development bank") == "Islamic Development Bank"
    assert names.canonical("IADB") == "Inter-American Development Bank"


def test_ledger_alias_can_rename_a_country() -> None:
    names = NAMES.with_aliases([("United States", "US")])
    assert names.canonical("United States") == "US"
    assert names.canonical("USA") == "US"
    assert names.canonical("US") == "US"
    assert names.ancestors("US") == ("Northern America", "Americas", WORLD)
    assert names.contains("Americas", "Washington")


def test_ledger_aliases_in_a_circle_resolve_to_the_latest() -> None:
    names = NAMES.with_aliases([("Alpha Fund", "Beta Fund"), ("Beta Fund", "Alpha Fund")])
    assert names.canonical("Alpha Fund") == "Alpha Fund"
    assert names.canonical("Beta Fund") == "Alpha Fund"


def test_ledger_aliases_chain_and_accumulate() -> None:
    names = NAMES.with_aliases([("Gringos", "Yanks")]).with_aliases([("Yanks", "USA")])
    assert names.canonical("Gringos") == "United States"
    assert names.aliases == (("Gringos", "Yanks"), ("Yanks", "USA"))


def test_blank_ledger_aliases_are_ignored() -> None:
    assert NAMES.with_aliases([("", "United States"), ("US", "  ")]) == NAMES
    assert NAMES.with_aliases([]) is NAMES


def test_names_compare_by_their_ledger_aliases() -> None:
    assert Names.default() == NAMES
    assert NAMES.with_aliases([("A", "B")]) == NAMES.with_aliases([("A", "B")])
    assert NAMES.with_aliases([("A", "B")]) != NAMES
    assert hash(NAMES.with_aliases([("A", "B")])) == hash(NAMES.with_aliases([("A", "B")]))


def test_m49_table_is_complete() -> None:
    assert len(M49) == 250  # the 249 M49 areas and Taiwan
    assert len({row["m49"] for row in M49}) == len(M49)
    assert len({row["common_name"] for row in M49}) == len(M49)
    assert list(M49[0]) == [
        "m49",
        "iso_alpha3",
        "country_or_area",
        "common_name",
        "region",
        "sub_region",
        "intermediate_region",
    ]
    central_america = {row["common_name"] for row in M49 if row["intermediate_region"] == "Central America"}
    assert central_america == {
        "Belize",
        "Costa Rica",
        "El Salvador",
        "Guatemala",
        "Honduras",
        "Mexico",
        "Nicaragua",
        "Panama",
    }


def test_every_m49_alpha3_is_known_to_pycountry_with_the_same_number() -> None:
    for row in M49:
        if not row["iso_alpha3"]:
            assert row["country_or_area"] == "Sark"
            continue
        country = pycountry.countries.get(alpha_3=row["iso_alpha3"])
        assert country is not None, row
        assert country.numeric == row["m49"], row
    assert {row["iso_alpha3"] for row in M49} >= {country.alpha_3 for country in pycountry.countries}


def test_every_alias_points_at_a_known_name() -> None:
    for row in ALIASES:
        means = row["means"]
        assert means in COMMON_NAMES | REGION_NAMES | ORGANISATIONS, row
        assert NAMES.canonical(row["name"]) == means, row


def test_alias_table_never_gives_one_name_two_meanings() -> None:
    meanings: dict[str, set[str]] = {}
    for row in ALIASES:
        meanings.setdefault(match_key(row["name"]), set()).add(row["means"])
    assert {key: means for key, means in meanings.items() if len(means) > 1} == {}


def test_canonical_names_are_fixed_points() -> None:
    for canonical in {*NAMES.by_key.values(), *NAMES.ancestry}:
        assert NAMES.canonical(canonical) == canonical


def test_country_names_do_not_clash_with_regions() -> None:
    assert not COMMON_NAMES & REGION_NAMES


@given(st.text())
def test_canonical_is_idempotent(text: str) -> None:
    once = NAMES.canonical(text)
    assert NAMES.canonical(once) == once


@given(st.sampled_from(sorted(NAMES.by_key)), st.sampled_from(["", " ", "  ", "the ", "THE "]))
def test_canonical_ignores_spacing_and_case_of_known_names(key: str, prefix: str) -> None:
    expected = NAMES.canonical(key)
    assert NAMES.canonical(f"{prefix}{key.upper()}  ") == expected


@given(
    st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=6),
    st.sampled_from(["US", "Guatemala", "Central America", "World Bank", "all donors"]),
    st.text(max_size=12),
)
def test_canonical_is_idempotent_with_ledger_aliases(
    extra: list[tuple[str, str]], known: str, text: str
) -> None:
    names = NAMES.with_aliases(extra)
    for written in (known, text, *(name for name, _ in extra)):
        once = names.canonical(written)
        assert names.canonical(once) == once


def test_a_country_is_dated_by_its_eu_membership_and_nothing_else_changes() -> None:
    names = Names.default()
    uk, poland, japan = (names.resolve(n) for n in ("Britain", "Poland", "Japan"))
    in_2003 = names.on(uk, date(2003, 10, 24))
    assert "EU27" in in_2003.member_of and "European Union and member states" in in_2003.member_of
    assert in_2003.key == uk.key and set(uk.member_of) < set(in_2003.member_of)
    assert names.on(uk, date(2024, 1, 1)) is uk  # today's groups already say so
    assert "EU27" not in names.on(poland, date(2003, 10, 24)).member_of  # it joined in May 2004
    assert names.on(japan, date(2003, 10, 24)) is japan
    assert names.on(uk, None) is uk


def test_a_dated_entity_is_made_once_per_name_and_era() -> None:
    names = Names.default()
    uk = names.resolve("Britain")
    assert names.on(uk, date(2003, 10, 24)) is names.on(uk, date(2010, 5, 1))
