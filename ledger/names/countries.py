"""Countries' groupings and adjectives, from well-kept libraries rather than hand lists.

- Groupings (G7, G20, EU27, OECD) and UN membership come from country-converter's own data table
  (`country_converter/country_data.tsv`). It is read as a file, without importing the package, which
  would import pandas: seconds of start-up for every command line and web worker, for one table.
- Adjectives ("British", "Japanese", "Yemeni") come from countryinfo's demonyms.

Both are keyed by ISO 3166 alpha-3, which the caller maps to its own country names.
"""

from __future__ import annotations

import csv
import importlib.util
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType

__all__ = ["COCO_GROUPS", "adjectives", "eu_members_on", "group_members", "un_members"]

# Our group key -> country-converter's column. coco counts every EU member in the G20 (the EU is a
# member); of them only France, Germany and Italy are members in their own right (see group_members).
COCO_GROUPS: Mapping[str, str] = MappingProxyType({"G7": "G7", "G20": "G20", "EU27": "EU27", "OECD": "OECD"})


@cache
def _coco_rows() -> tuple[Mapping[str, str], ...]:
    spec = importlib.util.find_spec("country_converter")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            "country-converter is not installed; it is one of the project's dependencies"
        )
    table = Path(spec.origin).parent / "country_data.tsv"
    with table.open(encoding="utf-8", newline="") as handle:
        return tuple(MappingProxyType(row) for row in csv.DictReader(handle, delimiter="\t"))


@cache
def group_members() -> Mapping[str, frozenset[str]]:
    """Each coco group (our key) -> the alpha-3 codes of its member countries."""
    rows = _coco_rows()
    found = {
        key: frozenset(row["ISO3"] for row in rows if row.get(column, "").strip())
        for key, column in COCO_GROUPS.items()
    }
    # A country of the EU is in coco's G20 through the EU; only the G7's are members in their own right.
    found["G20"] = found["G20"] - (found["EU27"] - found["G7"])
    return MappingProxyType(found)


# The European Union's member states changed with each enlargement and with the United Kingdom's leaving:
# coco's column for each membership, from the day it took effect (the EU of twelve stands for any earlier day).
EU_MEMBERSHIPS: tuple[tuple[date, str], ...] = (
    (date(1986, 1, 1), "EU12"),
    (date(1995, 1, 1), "EU15"),
    (date(2004, 5, 1), "EU25"),
    (date(2007, 1, 1), "EU27_2007"),
    (date(2013, 7, 1), "EU28"),
    (date(2020, 2, 1), "EU27"),
)


@cache
def _eu_memberships() -> tuple[tuple[date, frozenset[str]], ...]:
    rows = _coco_rows()
    return tuple(
        (start, frozenset(row["ISO3"] for row in rows if row.get(column, "").strip()))
        for start, column in EU_MEMBERSHIPS
    )


def eu_members_on(day: date) -> frozenset[str]:
    """The alpha-3 codes of the EU's member states on `day` (a 2003 pledge of the UK was a member's)."""
    found = _eu_memberships()[0][1]
    for start, members in _eu_memberships():
        if start > day:
            break
        found = members
    return found


@cache
def un_members() -> frozenset[str]:
    """The alpha-3 codes of UN member states (coco's UNmember column)."""
    return frozenset(row["ISO3"] for row in _coco_rows() if row.get("UNmember", "").strip())


@cache
def adjectives() -> Mapping[str, str]:
    """Adjectives and demonyms, casefolded ("british", "yemeni") -> the alpha-3 code of their country.

    An adjective shared by several places goes to the one UN member among them ("Chinese" is China,
    not Hong Kong); one shared by two UN members ("Congolese", "Dominican") is left out, not guessed.
    """
    from countryinfo import all_countries

    places: dict[str, set[str]] = defaultdict(set)
    for country in all_countries():
        code = country.iso(3)
        demonym = country.demonym()
        if not code or not demonym:
            continue
        for word in demonym.replace("/", ",").split(","):
            word = " ".join(word.split()).casefold()
            if word:
                places[word].add(str(code))
    members = un_members()
    found: dict[str, str] = {}
    for word, codes in places.items():
        if len(codes) > 1:
            codes = codes & members
        if len(codes) == 1:
            found[word] = next(iter(codes))
    return MappingProxyType(found)
