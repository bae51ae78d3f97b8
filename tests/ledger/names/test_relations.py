"""Relations between entities for the matcher, each with the plain-words reason a finding quotes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.names import Names
from ledger.names.relations import (
    DonorRelation,
    RecipientRelation,
    donor_relation,
    family,
    recipient_relation,
)
from tests.ledger.names.test_entities import COUNTRIES

NAMES = Names.default()
D = DonorRelation
R = RecipientRelation


@pytest.mark.parametrize(
    ("a", "b", "kind", "reason"),
    [
        ("World Bank", "World Bank", D.SAME, "same donor (World Bank)"),
        ("Britain", "UK (via DFID)", D.SAME, "same donor (Britain / UK (via DFID))"),
        ("the British government", "Britain", D.SAME, "same donor (the British government / Britain)"),
        ("G7 (leaders' statement)", "the G7", D.SAME, "same donor (G7 (leaders' statement) / the G7)"),
        ("World Bank", "World Bank (IDA)", D.CONTAINS, "World Bank (IDA) is part of World Bank"),
        ("World Bank (IDA)", "World Bank Group", D.INSIDE, "World Bank (IDA) is part of World Bank Group"),
        ("IFC", "IDA", D.SAME_FAMILY, "IFC and IDA are both part of World Bank Group"),
        ("DFID", "Britain", D.INSIDE, "DFID is part of Britain"),
        (
            "EU and its member states",
            "European Commission",
            D.CONTAINS,
            "European Commission is part of EU and its member states",
        ),
        ("EU and its member states", "France", D.CONTAINS, "France is a member of EU and its member states"),
        ("G7", "Japan", D.CONTAINS, "Japan is a member of G7"),
        (
            "EU countries",
            "the European Commission",
            D.SAME_FAMILY,
            "EU countries and the European Commission are both part of European Union and member states",
        ),
        (
            "Saudi Arabia and United Arab Emirates (combined)",
            "Saudi Arabia",
            D.CONTAINS,
            "Saudi Arabia is one of Saudi Arabia and United Arab Emirates (combined)",
        ),
        (
            "all donors",
            "the international community",
            D.SAME,
            "same donor (all donors / the international community)",
        ),
        (
            "all donors",
            "developed countries",
            D.COLLECTIVE,
            "both are collective totals (all donors / developed countries)",
        ),
        (
            "G7 and other donors",
            "donors",
            D.COLLECTIVE,
            "both are collective totals (G7 and other donors / donors)",
        ),
        (
            "nearly 60 donors",
            "France",
            D.CONTAINS,
            "nearly 60 donors is a total over donors, France among them",
        ),
        (
            "Japan",
            "a tally of 60 donors",
            D.INSIDE,
            "a tally of 60 donors is a total over donors, Japan among them",
        ),
        (
            "all donors except the United States",
            "USAID",
            D.DIFFERENT,
            "all donors except the United States leaves out United States",
        ),
        ("France", "Germany", D.DIFFERENT, "different donors (France / Germany)"),
        (
            "World Bank",
            "Asian Development Bank",
            D.DIFFERENT,
            "different donors (World Bank / Asian Development Bank)",
        ),
        ("Norfund", "Norway", D.UNKNOWN, "Norfund is not a donor the ledger knows"),
        (
            "UK public",
            "United Kingdom",
            D.UNKNOWN,
            "UK public describes donors (it names United Kingdom); it may or may not be United Kingdom",
        ),
    ],
)
def test_donor_relations(a: str, b: str, kind: DonorRelation, reason: str) -> None:
    relation = donor_relation(NAMES.resolve(a), NAMES.resolve(b))
    assert (relation.kind, relation.reason) == (kind, reason)


@pytest.mark.parametrize(
    ("a", "b", "kind", "reason"),
    [
        (
            "Yemen",
            "Yemen (humanitarian response)",
            R.SAME,
            "same recipient (Yemen / Yemen (humanitarian response))",
        ),
        (
            "Niger, Mali and Chad",
            "Chad, Mali and Niger",
            R.SAME,
            "same recipient (Niger, Mali and Chad / Chad, Mali and Niger)",
        ),
        ("Guatemala", "Central America", R.INSIDE, "Guatemala lies in Central America"),
        ("Central America", "Guatemala", R.CONTAINS, "Guatemala lies in Central America"),
        ("Mali", "Niger, Mali and Chad", R.INSIDE, "Mali is one of Niger, Mali and Chad"),
        ("Mali and Niger", "Niger, Mali and Chad", R.INSIDE, "Mali and Niger are among Niger, Mali and Chad"),
        (
            "Niger, Mali and Chad",
            "Sub-Saharan Africa",
            R.INSIDE,
            "Niger, Mali and Chad all lie in Sub-Saharan Africa",
        ),
        ("Gaza Strip", "Palestine", R.INSIDE, "Gaza Strip is part of Palestine"),
        (
            "Niger, Mali and Chad",
            "Mali and Senegal",
            R.OVERLAP,
            "Niger, Mali and Chad and Mali and Senegal share Mali",
        ),
        (
            "the poorest countries",
            "Yemen",
            R.FITS,
            "the poorest countries is a description that may fit Yemen",
        ),
        (
            "flood-affected countries",
            "Pakistan",
            R.FITS,
            "flood-affected countries is a description that may fit Pakistan",
        ),
        ("Yemen", "Yemeni refugees", R.FITS, "Yemeni refugees is about Yemen"),
        ("Yemen and the region", "Yemen", R.FITS, "Yemen and the region is about Yemen"),
        (
            "Yemen and the region",
            "Saudi Arabia",
            R.FITS,
            "Yemen and the region is about Yemen and its region (Western Asia), which holds Saudi Arabia",
        ),
        (
            "Yemen and the region",
            "Kenya",
            R.UNKNOWN,
            "Yemen and the region is about Yemen; it may or may not include Kenya",
        ),
        (
            "different countries (Central America)",
            "Guatemala",
            R.FITS,
            "different countries (Central America) is about Central America, which holds Guatemala",
        ),
        (
            "Yemeni refugees",
            "Jordan",
            R.UNKNOWN,
            "Yemeni refugees is about Yemen; it may or may not include Jordan",
        ),
        (
            "developing countries",
            "the poorest countries",
            R.UNKNOWN,
            "two descriptions (developing countries / the poorest countries) may or may not be the same places",
        ),
        ("Guatemala", "Honduras", R.DIFFERENT, "Guatemala and Honduras are different countries"),
        ("Guatemala", "Western Africa", R.DIFFERENT, "different recipients (Guatemala / Western Africa)"),
        ("Guatemala", "Atlantis", R.UNKNOWN, "Atlantis is not a recipient the ledger knows"),
    ],
)
def test_recipient_relations(a: str, b: str, kind: RecipientRelation, reason: str) -> None:
    relation = recipient_relation(NAMES.resolve(a), NAMES.resolve(b))
    assert (relation.kind, relation.reason) == (kind, reason)


def test_family_is_the_blocking_key() -> None:
    assert family(NAMES.resolve("World Bank (IDA)")) == "World Bank Group"
    assert family(NAMES.resolve("IFC")) == "World Bank Group"
    assert family(NAMES.resolve("the European Commission")) == "European Union and member states"
    assert family(NAMES.resolve("EU countries")) == "European Union and member states"
    assert family(NAMES.resolve("Britain's Department for International Development")) == "United Kingdom"
    assert family(NAMES.resolve("France")) == "France"  # a member of groups, part of none
    assert family(NAMES.resolve("all donors")) == "All donors"


@given(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=2, unique=True))
def test_two_different_countries_never_relate_as_same_or_inside(pair: list[str]) -> None:
    a, b = (NAMES.resolve(name) for name in pair)
    assert donor_relation(a, b).kind is D.DIFFERENT
    assert recipient_relation(a, b).kind is R.DIFFERENT
    assert recipient_relation(b, a).kind is R.DIFFERENT


@given(
    st.sampled_from(COUNTRIES),
    st.sampled_from(["{}", "the {} government", "{} (via UNICEF)", "{} (via World Bank)"]),
)
def test_a_country_however_announced_is_the_same_donor(country: str, decoration: str) -> None:
    relation = donor_relation(NAMES.resolve(country), NAMES.resolve(decoration.format(country)))
    assert relation.kind is D.SAME
