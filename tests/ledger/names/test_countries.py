"""Countries' groupings (country-converter's table) and adjectives (countryinfo), by ISO alpha-3."""

from __future__ import annotations

from datetime import date

from ledger.names.countries import adjectives, eu_members_on, group_members, un_members


def test_groupings_from_country_converter() -> None:
    groups = group_members()
    assert groups["G7"] == {"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"}
    assert len(groups["EU27"]) == 27 and "GBR" not in groups["EU27"]
    # the G20's 19 member countries: coco's list less the EU members that belong only through the EU
    assert len(groups["G20"]) == 19
    assert {"FRA", "DEU", "ITA", "SAU", "ZAF", "KOR"} <= groups["G20"] and "AUT" not in groups["G20"]
    assert len(groups["OECD"]) >= 38 and "CHL" in groups["OECD"]
    assert len(un_members()) == 193


def test_adjectives_from_countryinfo() -> None:
    words = adjectives()
    assert words["british"] == "GBR"
    assert words["japanese"] == "JPN"
    assert words["yemeni"] == "YEM"
    assert words["filipino"] == "PHL"
    assert words["chinese"] == "CHN"  # not Hong Kong or Macao: the UN member among them
    assert "congolese" not in words  # two UN members share it: left out, not guessed


def test_the_eu_members_are_the_ones_of_the_day() -> None:
    assert "GBR" in eu_members_on(date(2003, 10, 24)) and "GBR" not in eu_members_on(date(2021, 1, 1))
    assert "POL" not in eu_members_on(date(2003, 10, 24)) and "POL" in eu_members_on(date(2004, 5, 1))
    assert "HRV" in eu_members_on(date(2013, 7, 1)) and "HRV" not in eu_members_on(date(2013, 6, 30))
    assert len(eu_members_on(date(1990, 1, 1))) == 12 and len(eu_members_on(date(2026, 1, 1))) == 27
