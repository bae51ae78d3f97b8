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
    drafts = drafts_of("Saudi Arabia said it would add an additional US$100 million grant for Lebanon.")
    assert drafts["US$100 million"].donor == "Saudi Arabia"


def test_a_conversion_in_brackets_has_the_donor_of_the_figure_it_restates() -> None:
    drafts = drafts_of(
        "Saudi Arabia said it would channel US$1 billion (€770 million) in development funding."
    )
    assert drafts["US$1 billion"].donor == "Saudi Arabia"
    assert drafts["€770 million"].donor == "Saudi Arabia"


def test_a_collective_subject_before_a_chain_of_verbs_gives() -> None:
    drafts = drafts_of(
        "At a conference held today in Brussels, 38 countries and 15 international organizations pledged"
        " to provide approximately $4.5 billion to Georgia."
    )
    assert drafts["$4.5 billion"].donor == ALL_DONORS


def test_donors_pledging_a_figure_are_the_donors() -> None:
    drafts = drafts_of("The conference ended in Tokyo with donors pledging as much as $4.5 billion.")
    assert drafts["$4.5 billion"].donor == ALL_DONORS


def test_a_donors_pledging_session_is_an_event_not_a_giver() -> None:
    drafts = drafts_of("At the donors pledging session, Japan pledged $500 million.")
    assert drafts["$500 million"].donor == "Japan"


def test_the_leader_of_donors_is_not_the_giver_of_their_total() -> None:
    drafts = drafts_of("Donors led by the United States pledged about $20 billion in aid to Afghanistan.")
    assert drafts["$20 billion"].donor == ALL_DONORS


def test_a_speaker_with_a_word_before_the_verb_of_saying_announced_it() -> None:
    drafts = drafts_of(
        "Foreign donors have pledged $7.6bn in aid for Lebanon, French President Jacques Chirac has said."
    )
    assert drafts["$7.6bn"].announced_by == "Jacques Chirac"


def test_a_name_in_apposition_after_a_title_is_the_speaker() -> None:
    drafts = drafts_of(
        "The EU will give €700m next year, said the Italian Foreign Minister, Franco Frattini."
    )
    assert drafts["€700m"].announced_by == "Franco Frattini"


def test_a_name_then_a_title_between_commas_then_said() -> None:
    drafts = drafts_of(
        "Margaret Beckett, the British foreign secretary, said Britain would offer about $48m."
    )
    assert drafts["$48m"].announced_by == "Margaret Beckett"


def test_a_title_in_apposition_gives_the_country_of_the_speaker() -> None:
    drafts = drafts_of(
        "The Japanese foreign minister, Yoriko Kawaguchi, tabled a pledge, offering $1.5bn in grants."
    )
    assert (drafts["$1.5bn"].donor, drafts["$1.5bn"].announced_by) == ("Japan", "Yoriko Kawaguchi")


def test_a_speaker_who_announces_a_later_figure_did_not_announce_the_earlier() -> None:
    drafts = drafts_of(
        "EU member states made a combined pledge for €450 million ($570 million) and US Secretary of State"
        " John Kerry announced $212 million in new aid."
    )
    assert drafts["€450 million"].announced_by == ""
    assert drafts["$570 million"].announced_by == ""
    assert drafts["$212 million"].announced_by == "John Kerry"


def test_a_speaker_in_another_clause_with_a_figure_of_their_own() -> None:
    drafts = drafts_of(
        "German deputy foreign minister Gernot Erler announced 33.7 million euros while Sweden pledged"
        " 40 million euros."
    )
    assert drafts["33.7 million euros"].announced_by == "Gernot Erler"
    assert drafts["40 million euros"].announced_by == ""


def test_a_place_after_a_preposition_does_not_join_the_givers() -> None:
    drafts = drafts_of(
        "After the storm hit the centre of the Philippines, USAID announced $20 million in aid."
    )
    assert drafts["$20 million"].donor == "United States"


def test_a_subject_after_an_opening_phrase_and_a_comma_gives() -> None:
    drafts = drafts_of(
        "Donors met to help Iraq. After the US, Japan was the biggest donor, pledging $1.5bn for grants for 2004."
    )
    assert drafts["$1.5bn"].donor == "Japan"


def test_a_listed_donor_before_an_approximate_figure() -> None:
    drafts = drafts_of("Pledges to Iraq\nCanada: over $150 million\nJapan: up to $500m by 2004")
    assert (drafts["$150 million"].donor, drafts["$500m"].donor) == ("Canada", "Japan")


def test_a_countrys_government_as_subject_gives_and_to_a_government_receives() -> None:
    text = (
        "Britain will send aid to the Philippines after the typhoon. The British government has pledged"
        " £50 million to the relief effort."
    )
    drafts = drafts_of(text)
    assert (drafts["£50 million"].donor, drafts["£50 million"].recipient) == ("United Kingdom", "Philippines")
    drafts = drafts_of("Saudi Arabia gave $100 million to the Lebanese government.")
    assert (drafts["$100 million"].donor, drafts["$100 million"].recipient) == ("Saudi Arabia", "Lebanon")


def test_the_articles_subject_counts_places_written_with_the() -> None:
    text = (
        "Britain is to send six planeloads of aid to the Philippines. The planes will carry tents to the"
        " Philippines. Some £5 million of British aid will be invested."
    )
    assert drafts_of(text)["£5 million"].recipient == "Philippines"


def test_countries_joined_by_and_after_of_give_together() -> None:
    drafts = drafts_of(
        "We thank the governments of Saudi Arabia and the United Arab Emirates for their combined"
        " $930 million contribution to Yemen."
    )
    assert drafts["$930 million"].donor == "Saudi Arabia and United Arab Emirates"


def test_a_figure_of_a_countrys_aid_is_given_by_it() -> None:
    drafts = drafts_of(
        "Britain sent tents to the Philippines. Some £5 million of British aid will be invested in flood defences."
    )
    assert (drafts["£5 million"].donor, drafts["£5 million"].recipient) == ("United Kingdom", "Philippines")


def test_the_giver_before_an_aside_between_dashes() -> None:
    drafts = drafts_of(
        "Kuwait, which was invaded by Iraq - leading to the 1991 Gulf war - offered $0.5bn in new money to"
        " Iraq, on top of the $1bn it has already spent."
    )
    assert (drafts["$0.5bn"].donor, drafts["$1bn"].donor) == ("Kuwait", "Kuwait")


def test_for_inside_an_institutions_name_names_no_recipient() -> None:
    drafts = drafts_of(
        "Lebanon's friends met in Paris. The Arab Fund for Economic and Social Development pledged $700m."
    )
    assert drafts["$700m"].recipient == "Lebanon"


def test_a_government_after_by_gives_rather_than_receives() -> None:
    drafts = drafts_of(
        "MANILA, Philippines - The bank said $20 million came from a trust fund financed by the Japanese"
        " government."
    )
    assert drafts["$20 million"].recipient == "Philippines"


def test_money_raised_in_an_appeal_is_the_gift_of_many_donors() -> None:
    drafts = drafts_of(
        "UN raises $2 billion in Yemen appeal\nBrussels, Belgium, conference raises $4.55 billion"
    )
    assert (drafts["$2 billion"].donor, drafts["$4.55 billion"].donor) == (ALL_DONORS, ALL_DONORS)


def test_aid_raised_to_a_level_is_an_increase_by_the_giver() -> None:
    drafts = drafts_of(
        "The World Bank said it raised to almost $1 billion its aid package for the Philippines."
    )
    assert drafts["$1 billion"].donor == "World Bank"
