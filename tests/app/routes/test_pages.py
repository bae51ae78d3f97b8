"""Every page and form, through the Flask test client, with CSRF on."""

from __future__ import annotations

import importlib.util
import io
import json
import re

import openpyxl
from flask import Flask
from flask.testing import FlaskClient

from ..conftest import csrf_token, edited_workbook, upload


def _open_example(client: FlaskClient) -> str:
    response = client.post("/example", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 303
    return response.headers["Location"]


def _finding_ids(page: str) -> list[str]:
    return re.findall(r'<article class="finding card [a-z]+" id="finding-([^"]+)"', page)


def test_home_offers_upload_template_and_example(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<label for="workbook">' in page and 'id="workbook" name="workbook" type="file"' in page
    assert 'href="/template.xlsx"' in page
    assert "Open the example ledger" in page
    assert "No ledgers yet" in page


def test_blank_template_downloads(client: FlaskClient) -> None:
    response = client.get("/template.xlsx")
    assert response.status_code == 200
    assert "ledger-template.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert {"Sources", "Claims"} <= set(book.sheetnames)


def test_example_ledger_page_shows_headline_findings_and_tables(client: FlaskClient) -> None:
    page = client.get(_open_example(client)).get_data(as_text=True)
    assert "<h1>Central American Security Conference 2011</h1>" in page
    assert "Reports add up to USD 3.56bn" in page
    assert 'class="bar-list"' in page
    assert "Duplicate reports" in page and "Contained pledges" in page  # the effects table's labels
    assert "President Barack Obama pledged more than $200 million" in page
    assert "8 found, 8 undecided" in page
    assert len(re.findall(r'name="decision" value="accept" class="accept" data-key="a"', page)) == 8
    assert "P-BBC-1" in page and "CNN-4" in page


def test_home_lists_ledgers_with_counts(client: FlaskClient) -> None:
    _open_example(client)
    page = client.get("/").get_data(as_text=True)
    assert "Central American Security Conference 2011" in page
    assert "<strong>8</strong> of 8" in page


def test_upload_a_workbook_and_see_it(client: FlaskClient, example_xlsx: bytes) -> None:
    response = upload(client, "/ledgers", example_xlsx, "conference.xlsx", csrf_token=csrf_token(client))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "conference.xlsx" in page and "Version 1 of 1" in page


def test_accept_and_reject_change_the_totals(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    page = client.get(ledger_url).get_data(as_text=True)
    ids = _finding_ids(page)
    contained = next(i for i in ids if i.startswith("contained-"))
    token = csrf_token(client)
    before = re.search(r'data-testid="distinct">([^<]+)<', page)
    response = client.post(
        f"{ledger_url}/findings/{contained}/decision",
        # a typed name is ignored: the audit trail names the signed-in account
        data={"csrf_token": token, "decision": "reject", "note": "a separate pledge", "by": "Someone Else"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#finding-{contained}")
    after_page = client.get(ledger_url).get_data(as_text=True)
    after = re.search(r'data-testid="distinct">([^<]+)<', after_page)
    assert before and after and before.group(1) != after.group(1)
    assert "a separate pledge" in after_page and "by ana@example.org" in after_page
    assert "Someone Else" not in after_page
    assert "8 found, 7 undecided" in after_page


def test_a_decision_needs_a_known_verdict_and_finding(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    token = csrf_token(client)
    ids = _finding_ids(client.get(ledger_url).get_data(as_text=True))
    bad = client.post(
        f"{ledger_url}/findings/{ids[0]}/decision", data={"csrf_token": token, "decision": "maybe"}
    )
    assert bad.status_code == 400
    assert "expected accept, reject or undecided" in bad.get_data(as_text=True)
    unknown = client.post(
        f"{ledger_url}/findings/nope/decision", data={"csrf_token": token, "decision": "accept"}
    )
    assert unknown.status_code == 404


def test_bad_workbook_lists_every_problem_with_its_cell(client: FlaskClient, broken_xlsx: bytes) -> None:
    response = upload(client, "/ledgers", broken_xlsx, "broken.xlsx", csrf_token=csrf_token(client))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<code class="cell">Claims!G3</code>' in page and "3OOm" in page
    assert "Claims!B9" in page and "NOPE" in page
    assert "nothing was stored" in page
    assert "No ledgers yet" in client.get("/").get_data(as_text=True)


def test_unreadable_file_gets_its_one_line_reason(client: FlaskClient) -> None:
    response = upload(
        client, "/ledgers", b"PK\x03\x04 this is no zip", "damaged.xlsx", csrf_token=csrf_token(client)
    )
    assert response.status_code == 400
    assert "damaged.xlsx:" in response.get_data(as_text=True)


def test_only_spreadsheets_are_accepted(client: FlaskClient) -> None:
    response = upload(client, "/ledgers", b"%PDF-1.4", "report.pdf", csrf_token=csrf_token(client))
    assert response.status_code == 415
    assert "is not a spreadsheet" in response.get_data(as_text=True)


def test_an_upload_needs_a_file(client: FlaskClient) -> None:
    response = client.post(
        "/ledgers", data={"csrf_token": csrf_token(client)}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a ledger workbook" in response.get_data(as_text=True)


def test_a_new_version_keeps_decisions_and_says_what_changed(
    client: FlaskClient, example_xlsx: bytes
) -> None:
    token = csrf_token(client)
    ledger_url = upload(client, "/ledgers", example_xlsx, "v1.xlsx", csrf_token=token).headers["Location"]
    ids = _finding_ids(client.get(ledger_url).get_data(as_text=True))
    duplicate = next(i for i in ids if i.startswith("duplicate-"))
    client.post(
        f"{ledger_url}/findings/{duplicate}/decision", data={"csrf_token": token, "decision": "accept"}
    )
    # drop Obama's $200m (the contained finding goes) and edit a quote
    edited = edited_workbook(
        example_xlsx,
        {("Claims", "CNN-4", "Amount"): None, ("Claims", "BBC-2", "Quote"): "In total, about $1bn."},
    )
    book = openpyxl.load_workbook(io.BytesIO(edited))
    claims = book["Claims"]
    for row in claims.iter_rows(min_row=2):
        if row[0].value == "CNN-4":
            claims.delete_rows(row[0].row)
            break
    out = io.BytesIO()
    book.save(out)
    response = upload(client, f"{ledger_url}/versions", out.getvalue(), "v2.xlsx", csrf_token=token)
    assert response.status_code == 303
    page = client.get(ledger_url).get_data(as_text=True)
    assert "Version 2 of 2" in page
    assert "Claims removed (1):</strong> CNN-4" in page
    assert "Claims edited (1)</strong>" in page
    edits = page.split('<table class="edits">')[1].split("</table>")[0]
    assert ">BBC-2</th><td>quote</td>" in edits and "In total, about $1bn." in edits
    assert "Findings gone" in page and "contained-" in page.split("Findings gone")[1][:200]
    assert re.search(rf'<article class="finding card accepted" id="finding-{duplicate}"', page)
    old = client.get(f"{ledger_url}?version=1").get_data(as_text=True)
    assert "Version 1 of 2" in old and "older version" in old


def test_versions_keep_the_original_upload(client: FlaskClient, example_xlsx: bytes) -> None:
    ledger_url = upload(client, "/ledgers", example_xlsx, "mine.xlsx", csrf_token=csrf_token(client)).headers[
        "Location"
    ]
    response = client.get(f"{ledger_url}/versions/1/original")
    assert response.status_code == 200 and response.data == example_xlsx
    assert "mine.xlsx" in response.headers["Content-Disposition"]


def test_tables_sort_and_filter_with_query_parameters(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    page = client.get(f"{ledger_url}?claims_sort=amount&claims_dir=desc").get_data(as_text=True)
    claims_table = page.split('id="claims"')[1]
    order = re.findall(r'<th scope="row"[^>]*>([A-Z]+-\d)</th>', claims_table)
    assert order[0] in {"BBC-2", "CNN-1"} and order[-1] in {"CNN-2", "CNN-4"}
    filtered = client.get(f"{ledger_url}?claims_q=world+bank").get_data(as_text=True).split('id="claims"')[1]
    assert re.findall(r'<th scope="row"[^>]*>([A-Z]+-\d)</th>', filtered) == ["CNN-1", "CNN-2"]
    assert "1–2 of 2 (8 in all)" in filtered


def test_download_json_and_workbook(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    data = json.loads(client.get(f"{ledger_url}/download/json").data)
    assert data["ledger"] == "Central American Security Conference 2011" and len(data["findings"]) == 8
    workbook = client.get(f"{ledger_url}/download/workbook")
    assert workbook.status_code == 200
    assert {"Claims", "Decisions"} <= set(openpyxl.load_workbook(io.BytesIO(workbook.data)).sheetnames)


def test_download_report_and_csv_when_exports_are_installed(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    for kind, module in (("report", "exports.report"), ("csv", "exports.flat")):
        response = client.get(f"{ledger_url}/download/{kind}")
        if importlib.util.find_spec(module) is None:
            assert response.status_code == 503
            assert "not installed" in response.get_data(as_text=True)
        else:
            assert response.status_code == 200
            assert len(response.data) > 100


def test_the_report_names_the_version_in_its_footers(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    report = openpyxl.load_workbook(io.BytesIO(client.get(f"{ledger_url}/download/report").data))
    footer = report["Summary"].oddFooter
    assert footer is not None
    assert "version 1" in (footer.left.text or "")


def test_unknown_download_kind_is_refused(client: FlaskClient) -> None:
    ledger_url = _open_example(client)
    assert client.get(f"{ledger_url}/download/pdf").status_code == 404


def test_unknown_ledger_is_404(client: FlaskClient) -> None:
    response = client.get("/ledgers/not-a-real-id")
    assert response.status_code == 404
    assert client.get("/ledgers/not-a-real-id/download/json").status_code == 404


def test_sources_link_out_safely(app: Flask, client: FlaskClient, example_xlsx: bytes) -> None:
    with_url = edited_workbook(
        example_xlsx, {("Sources", "BBC", "URL"): "https://www.bbc.co.uk/news/13869373"}
    )
    ledger_url = upload(client, "/ledgers", with_url, csrf_token=csrf_token(client)).headers["Location"]
    page = client.get(ledger_url).get_data(as_text=True)
    assert 'href="https://www.bbc.co.uk/news/13869373" rel="noopener noreferrer"' in page
