"""Who gives and who announced, on sentences of the kind reports use (written for these tests)."""

from __future__ import annotations

from datetime import date

from ledger import draft_claims
from ledger.drafting import Draft, DraftSource
from ledger.names import ALL_DONORS

DAY = date(2014, 10, 12)


def drafts_of(text: str) -> dict[str, Draft]:
    """The drafts of `text` by their figure as written."""
    return {d.figure.text: d for d in draft_claims(text, DraftSource(publisher="Test Wire", date=DAY)).drafts}


def test_the_us_of_a_currency_sign_is_not_a_donor() -> None:
    drafts = drafts_of("Norway said it would add a further US$40 million grant for Jordan.")
    assert drafts["US$40 million"].donor == "Norway"


def test_a_conversion_in_brackets_has_the_donor_of_the_figure_it_restates() -> None:
    drafts = drafts_of("Qatar said it would channel US$2 billion (€1.6 billion) in reconstruction funding.")
    assert drafts["US$2 billion"].donor == "Qatar"
    assert drafts["€1.6 billion"].donor == "Qatar"


def test_a_collective_subject_before_a_chain_of_verbs_gives() -> None:
    drafts = drafts_of(
        "At a meeting held on Monday in Oslo, 41 countries and 12 international organisations pledged"
        " to provide roughly $3.2 billion to Moldova."
    )
    assert drafts["$3.2 billion"].donor == ALL_DONORS


def test_donors_pledging_a_figure_are_the_donors() -> None:
    drafts = drafts_of("The meeting closed in Geneva with donors pledging as much as $2.8 billion.")
    assert drafts["$2.8 billion"].donor == ALL_DONORS


def test_a_donors_pledging_session_is_an_event_not_a_giver() -> None:
    drafts = drafts_of("At the donors pledging session, Canada pledged $80 million.")
    assert drafts["$80 million"].donor == "Canada"


def test_the_leader_of_donors_is_not_the_giver_of_their_total() -> None:
    drafts = drafts_of("Donors led by Germany pledged about $6 billion in aid to Sudan.")
    assert drafts["$6 billion"].donor == ALL_DONORS


def test_a_speaker_with_a_word_before_the_verb_of_saying_announced_it() -> None:
    drafts = drafts_of(
        "Foreign donors have pledged $3.1bn in aid for Jordan, Danish Prime Minister Karin Holm has said."
    )
    assert drafts["$3.1bn"].announced_by == "Karin Holm"


def test_a_name_in_apposition_after_a_title_is_the_speaker() -> None:
    drafts = drafts_of("The EU will give €250m next year, said the Spanish Foreign Minister, Luis Ortega.")
    assert drafts["€250m"].announced_by == "Luis Ortega"


def test_a_name_then_a_title_between_commas_then_said() -> None:
    drafts = drafts_of("Helen Marsh, the British development secretary, said Britain would offer about $35m.")
    assert drafts["$35m"].announced_by == "Helen Marsh"


def test_a_title_in_apposition_gives_the_country_of_the_speaker() -> None:
    drafts = drafts_of("The Japanese finance minister, Kenji Mori, made a pledge, offering $900m in grants.")
    assert (drafts["$900m"].donor, drafts["$900m"].announced_by) == ("Japan", "Kenji Mori")


def test_a_speaker_who_announces_a_later_figure_did_not_announce_the_earlier() -> None:
    drafts = drafts_of(
        "EU member states made a joint pledge of €300 million ($380 million) and US Secretary of State"
        " Paul Reed announced $150 million in new aid."
    )
    assert drafts["€300 million"].announced_by == ""
    assert drafts["$380 million"].announced_by == ""
    assert drafts["$150 million"].announced_by == "Paul Reed"


def test_a_speaker_in_another_clause_with_a_figure_of_their_own() -> None:
    drafts = drafts_of(
        "Austrian deputy foreign minister Eva Brandt announced 12.5 million euros while Finland pledged"
        " 15 million euros."
    )
    assert drafts["12.5 million euros"].announced_by == "Eva Brandt"
    assert drafts["15 million euros"].announced_by == ""


def test_a_place_after_a_preposition_does_not_join_the_givers() -> None:
    drafts = drafts_of("After the cyclone hit the south of Bangladesh, USAID announced $12 million in aid.")
    assert drafts["$12 million"].donor == "United States"


def test_a_subject_after_an_opening_phrase_and_a_comma_gives() -> None:
    drafts = drafts_of(
        "Donors met to help Sudan. After the EU, Norway was the biggest donor, pledging $400m in grants for 2015."
    )
    assert drafts["$400m"].donor == "Norway"


def test_a_listed_donor_before_an_approximate_figure() -> None:
    drafts = drafts_of("Pledges to Sudan\nIreland: over $30 million\nKorea: up to $90m by 2016")
    assert (drafts["$30 million"].donor, drafts["$90m"].donor) == ("Ireland", "South Korea")


def test_a_countrys_government_as_subject_gives_and_to_a_government_receives() -> None:
    text = (
        "Britain will send aid to Bangladesh after the cyclone. The British government has pledged"
        " £20 million to the relief work."
    )
    drafts = drafts_of(text)
    assert (drafts["£20 million"].donor, drafts["£20 million"].recipient) == ("United Kingdom", "Bangladesh")
    drafts = drafts_of("Qatar gave $60 million to the Jordanian government.")
    assert (drafts["$60 million"].donor, drafts["$60 million"].recipient) == ("Qatar", "Jordan")


def test_the_articles_subject_counts_places_written_with_the() -> None:
    text = (
        "Britain is to send four shiploads of aid to the Bahamas. The ships will carry water to the"
        " Bahamas. Some £3 million of British aid will be spent."
    )
    assert drafts_of(text)["£3 million"].recipient == "Bahamas"


def test_countries_joined_by_and_after_of_give_together() -> None:
    drafts = drafts_of(
        "We thank the governments of Norway and the Netherlands for their joint"
        " $210 million contribution to Somalia."
    )
    assert drafts["$210 million"].donor == "Norway and Netherlands"


def test_a_figure_of_a_countrys_aid_is_given_by_it() -> None:
    drafts = drafts_of(
        "Britain sent tents to Bangladesh. Some £4 million of British aid will be spent on sea walls."
    )
    assert (drafts["£4 million"].donor, drafts["£4 million"].recipient) == ("United Kingdom", "Bangladesh")


def test_the_giver_before_an_aside_between_dashes() -> None:
    drafts = drafts_of(
        "Oman, which was hit by floods - and lost a harvest to them - offered $0.2bn in new money to"
        " Yemen, on top of the $0.4bn it has already spent."
    )
    assert (drafts["$0.2bn"].donor, drafts["$0.4bn"].donor) == ("Oman", "Oman")


def test_for_inside_an_institutions_name_names_no_recipient() -> None:
    drafts = drafts_of(
        "Jordan's friends met in Rome. The Arab Fund for Economic and Social Development pledged $150m."
    )
    assert drafts["$150m"].recipient == "Jordan"


def test_a_government_after_by_gives_rather_than_receives() -> None:
    drafts = drafts_of(
        "DHAKA, Bangladesh - The bank said $8 million came from a trust fund financed by the Korean"
        " government."
    )
    assert drafts["$8 million"].recipient == "Bangladesh"


def test_money_raised_in_an_appeal_is_the_gift_of_many_donors() -> None:
    drafts = drafts_of("UN raises $1 billion in Somalia appeal\nLondon conference raises $2.4 billion")
    assert (drafts["$1 billion"].donor, drafts["$2.4 billion"].donor) == (ALL_DONORS, ALL_DONORS)


def test_aid_raised_to_a_level_is_an_increase_by_the_giver() -> None:
    drafts = drafts_of("The World Bank said it raised to almost $600 million its aid package for Bangladesh.")
    assert drafts["$600 million"].donor == "World Bank"
