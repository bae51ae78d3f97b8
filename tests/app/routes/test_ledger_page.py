"""The ledger page as a work queue, through the Flask test client: filters, what deciding does in numbers,
decisions one or many (plain forms and the page's script), what counts and why, the drill-down, charts,
tables typed as analysts type."""

from __future__ import annotations

import io
import json
import re
import zipfile

from flask.testing import FlaskClient

from benchmarks.synthetic import synthetic_ledger
from ledger.workbook.writer import write_ledger

from ..conftest import csrf_token, edited_workbook, upload


def _example(client: FlaskClient) -> str:
    response = client.post("/example", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    location: str = response.headers["Location"]
    return location


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cards(page: str) -> list[str]:
    return re.findall(r'<article class="finding card [a-z]+" id="finding-([^"]+)"', page)


def _section(page: str, name: str) -> str:
    return page.split(f'<section aria-labelledby="{name}-heading" id="{name}"')[1].split("</section>")[0]


def _row_ids(table: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*>([A-Z]+-[A-Z0-9-]+)', table)


def test_the_queue_is_sorted_by_amount_at_stake_and_filtered(client: FlaskClient) -> None:
    url = _example(client)
    page = _page(client, url)
    stakes = [
        s.replace(",", "")
        for s in re.findall(r'class="at-stake">at stake: <strong>USD ([0-9.,]+[mbn]*)', page)
    ]
    assert len(stakes) == 8
    values = [float(s[:-2]) * 1e9 if s.endswith("bn") else float(s[:-1]) * 1e6 for s in stakes]
    assert values == sorted(values, reverse=True)
    contained = _page(client, f"{url}?kind=contained")
    assert [i.split("-")[0] for i in _cards(contained)] == ["contained"]
    assert "Showing 1–1 of 1 (of 8)" in contained
    # text is searched in the quotes; donors in the pledges the findings are about
    quoted = _cards(_page(client, f"{url}?q=visited+El+Salvador"))
    assert quoted and all(i.startswith(("contained-", "duplicate-")) for i in quoted)
    bank = _cards(_page(client, f"{url}?donor=world+bank"))
    assert bank and all(
        "World Bank" in _section(_page(client, f"{url}?finding={i}"), "findings") for i in bank
    )
    assert _cards(_page(client, f"{url}?state=accepted")) == []


def test_each_finding_says_what_accepting_and_rejecting_do_in_numbers(client: FlaskClient) -> None:
    url = _example(client)
    page = _page(client, f"{url}?kind=contained")
    # Obama's "more than $200m" counts in the high bound only while undecided
    assert 'data-testid="if-accept">distinct high bound \u2212USD 220m</span>' in page
    assert 'data-testid="if-reject">distinct +USD 200m</span>' in page
    baseline = _page(client, f"{url}?kind=baseline")
    assert 'data-testid="if-reject">new money +USD 260m' in baseline  # the old level is new money again
    # buttons named for what they decide, not seven identical "Accept"s
    duplicate = _page(client, f"{url}?kind=duplicate")
    assert 'aria-label="Accept duplicate reports of United States, USD 300m"' in duplicate
    assert 'aria-label="Reject duplicate reports of United States, USD 300m"' in duplicate


def test_enter_in_a_note_never_decides(client: FlaskClient) -> None:
    url = _example(client)
    token = csrf_token(client)
    contained = _cards(_page(client, f"{url}?kind=contained"))[0]
    # the form's first button keeps the decision: on an undecided finding nothing is recorded
    response = client.post(
        f"{url}/findings/{contained}/decision", data={"csrf_token": token, "decision": "note", "note": "hm"}
    )
    assert response.status_code == 303 and "said=note" in response.headers["Location"]
    page = _page(client, response.headers["Location"])
    assert "A note is kept with a decision" in page and "8 found, 8 undecided" in page
    client.post(f"{url}/findings/{contained}/decision", data={"csrf_token": token, "decision": "reject"})
    client.post(
        f"{url}/findings/{contained}/decision",
        data={"csrf_token": token, "decision": "note", "note": "a separate pledge"},
    )
    page = _page(client, f"{url}?finding={contained}")
    assert 'class="finding card rejected"' in page and "Note: a separate pledge" in page
    # the note button is the first submit button of every decision form
    form = page.split('class="decide"')[1].split("</form>")[0]
    assert form.index('value="note"') < form.index('value="accept"')


def test_decisions_keep_the_filter_and_page_they_were_made_on(client: FlaskClient) -> None:
    url = _example(client)
    finding = _cards(_page(client, f"{url}?kind=contained"))[0]
    response = client.post(
        f"{url}/findings/{finding}/decision",
        data={
            "csrf_token": csrf_token(client),
            "decision": "accept",
            "back": "kind=contained&page=1&x=%3Cb%3E",
        },
    )
    location = response.headers["Location"]
    assert "kind=contained" in location and location.endswith(f"#finding-{finding}")


def test_many_findings_at_once_and_all_the_filter_shows(client: FlaskClient) -> None:
    url = _example(client)
    token = csrf_token(client)
    page = _page(client, url)
    two = [i for i in _cards(page) if i.startswith(("already_provided-", "baseline-"))]
    response = client.post(
        f"{url}/decisions", data={"csrf_token": token, "decision": "accept", "finding": two}
    )
    assert response.status_code == 303
    assert f"8 found, {8 - len(two)} undecided" in _page(client, url)
    # "accept all ... shown": every finding the filter keeps, on every page
    shown = _page(client, f"{url}?kind=already_provided")
    assert 'data-testid="accept-all"' in shown
    client.post(
        f"{url}/decisions",
        data={"csrf_token": token, "decision": "reject", "scope": "shown", "kind": "already_provided"},
    )
    rejected = _cards(_page(client, f"{url}?state=rejected"))
    assert rejected and all(i.startswith("already_provided-") for i in rejected)
    assert (
        client.post(f"{url}/decisions", data={"csrf_token": token, "decision": "accept"}).status_code == 400
    )


def test_the_pages_script_gets_the_cards_and_totals_without_a_reload(client: FlaskClient) -> None:
    url = _example(client)
    contained = _cards(_page(client, f"{url}?kind=contained"))[0]
    response = client.post(
        f"{url}/findings/{contained}/decision",
        data={"csrf_token": csrf_token(client), "decision": "reject", "shown": [contained]},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = json.loads(response.data)
    assert answer["decided"] == [contained]
    assert 'class="finding card rejected"' in answer["cards"][contained]
    assert answer["change"] == "distinct USD 1.3bn \u2192 USD 1.5bn; new money USD 1.04bn \u2192 USD 1.24bn"
    assert "USD 1.5bn" in answer["totals_bar"] and answer["count"] == "8 found, 7 undecided"
    assert 'data-testid="distinct">USD 1.5bn' in answer["totals"]


def test_each_pledge_says_whether_it_counts_and_why(client: FlaskClient) -> None:
    url = _example(client)
    pledges = _section(_page(client, url), "pledges")
    rows = {m.group(1): m.group(2) for m in re.finditer(r'id="pledge-([^"]+)"(.*?)</tr>', pledges, re.S)}
    assert 'data-testid="counts">high bound only' in rows["P-CNN-4"]
    assert "counts only in the high bound" in rows["P-CNN-4"] and "finding=contained-" in rows["P-CNN-4"]
    assert 'data-testid="counts">not counted' in rows["P-CNN-2"] and "past money" in rows["P-CNN-2"]
    assert 'data-testid="counts">not counted' in rows["P-BBC-2"]  # the total over donors, held by its parts
    assert 'data-testid="counts">counted' in rows["P-CNN-1"]
    only_high = _section(_page(client, f"{url}?pledges_counts=high"), "pledges")
    assert _row_ids(only_high) == ["P-CNN-4"]


def test_a_figure_leads_to_the_pledges_and_claims_behind_it(client: FlaskClient) -> None:
    url = _example(client)
    page = _page(client, url)
    donor_link = re.search(r'<a class="bar-label" href="([^"]+)">World Bank</a>', page)
    assert donor_link
    behind = _page(client, donor_link.group(1).replace("&amp;", "&"))
    assert "The pledges and claims behind: <strong>World Bank" in behind
    assert _row_ids(_section(behind, "pledges")) == ["P-CNN-1", "P-CNN-2"]
    assert _row_ids(_section(behind, "claims")) == ["CNN-1", "CNN-2"]
    year = _page(client, f"{url}?focus_year=2013&focus_currency=USD")
    assert _row_ids(_section(year, "pledges")) == ["P-CNN-1"]  # the $1bn over 2011-2013
    loans = _page(client, f"{url}?focus_instrument=loan&focus_currency=USD")
    assert _row_ids(_section(loans, "pledges")) == ["P-CNN-1"]
    counted = _row_ids(_section(_page(client, f"{url}?focus_counts=counted&focus_currency=USD"), "pledges"))
    assert counted == ["P-BBC-1", "P-CNN-1"]


def test_amounts_are_found_as_analysts_type_them(client: FlaskClient) -> None:
    url = _example(client)

    def claims(query: str) -> list[str]:
        return _row_ids(_section(_page(client, f"{url}?claims_q={query}"), "claims"))

    assert claims("300m") == ["BBC-1", "BBC-3", "CNN-3"]
    assert claims("$300m") == ["BBC-1", "BBC-3", "CNN-3"]
    assert claims("USD+1bn") == ["BBC-2", "CNN-1"]
    assert claims("EUR+1bn") == []
    assert claims("%3E+500m") == ["BBC-2", "CNN-1"]
    assert claims("more+than+250m") == ["BBC-1", "BBC-2", "BBC-3", "BBC-4", "CNN-1", "CNN-3"]
    assert claims("Guatemalan+state+media") == ["CNN-1"]  # quotes are searched
    pledges = _row_ids(_section(_page(client, f"{url}?pledges_q=210m"), "pledges"))
    assert pledges == ["P-CNN-4"]  # within its range ("more than $200m")


def test_tables_sort_by_real_values(client: FlaskClient) -> None:
    url = _example(client)
    by_period = _row_ids(_section(_page(client, f"{url}?claims_sort=period"), "claims"))
    assert by_period.index("BBC-4") < by_period.index("BBC-1")  # 2010 before 2011
    assert by_period[-1] == "BBC-2"  # no period: last
    by_amount = _row_ids(_section(_page(client, f"{url}?pledges_sort=nominal&pledges_dir=desc"), "pledges"))
    assert by_amount[:2] in (["P-BBC-2", "P-CNN-1"], ["P-CNN-1", "P-BBC-2"]) and by_amount[-1] in {
        "P-CNN-2",
        "P-CNN-4",
    }


def test_large_ledgers_are_paged_and_charts_show_the_top_donors(client: FlaskClient) -> None:
    buffer = io.BytesIO()
    write_ledger(synthetic_ledger(600), buffer)
    url = upload(
        client, "/ledgers", buffer.getvalue(), "synthetic.xlsx", csrf_token=csrf_token(client)
    ).headers["Location"]
    page = _page(client, url)
    assert len(_cards(page)) == 20
    assert len(_row_ids(_section(page, "pledges"))) == 25
    assert len(re.findall(r'<tr class="claim-row', _section(page, "claims"))) == 25
    second = _page(client, f"{url}?page=2")
    assert set(_cards(second)).isdisjoint(_cards(page))
    donors = page.split("Distinct pledges by donor")[1].split("</figure>")[0]
    assert donors.count('<li class="bar-row">') == 13  # the top 12 and the others
    assert re.search(r'<span class="bar-label">\d+ other donors</span>', donors)
    assert ">All donors<" not in donors or "USD 0<" not in donors  # no bar of nothing


def test_csv_downloads_are_a_named_zip_and_each_table_alone(client: FlaskClient) -> None:
    url = _example(client)
    zipped = client.get(f"{url}/download/csv")
    assert zipped.mimetype == "application/zip" and ".zip" in zipped.headers["Content-Disposition"]
    assert sorted(zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()) == [
        "findings.csv",
        "pledges.csv",
        "totals.csv",
    ]
    pledges = client.get(f"{url}/download/pledges.csv")
    assert pledges.mimetype == "text/csv", pledges.get_data(as_text=True)[-3000:]
    assert "pledges.csv" in pledges.headers["Content-Disposition"]
    assert pledges.data.decode("utf-8-sig").splitlines()[0].startswith("id,donor,recipient")


def test_only_web_addresses_become_links(client: FlaskClient, example_xlsx: bytes) -> None:
    hostile = edited_workbook(example_xlsx, {("Sources", "BBC", "URL"): "javascript:alert(1)"})
    url = upload(client, "/ledgers", hostile, csrf_token=csrf_token(client)).headers["Location"]
    page = _page(client, url)
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page  # shown as text, not linked


def test_finding_kinds_are_named_by_the_effects_table() -> None:
    from app.presentation.figures import kind_label
    from ledger import EFFECTS, FindingKind

    assert [kind_label(k) for k in FindingKind] == [EFFECTS[k].label for k in FindingKind]
    assert kind_label("contained") == "Contained pledges" and kind_label("no_such_kind") == "no such kind"
