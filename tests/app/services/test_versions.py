"""Versions that keep decisions: a decision follows its finding when the finding's id changes, and says
so; what changed is told field by field, with the totals before and after."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient

from app.services.versions import carried_decisions, version_changes
from app.storage import store
from ledger import Decision, Ledger, Verdict, example_ledger, make_money, reconcile
from ledger.workbook.writer import write_ledger

from ..conftest import csrf_token, database, upload


def _retold_once_more(book: Ledger) -> Ledger:
    """The example with a fourth report of the US $300m: the duplicate finding gets a new id."""
    cnn3 = next(c for c in book.claims if c.id == "CNN-3")
    return book.with_claim(replace(cnn3, id="CNN-5", quote="The US will give nearly $300m, she said."))


def _workbook(book: Ledger) -> bytes:
    buffer = io.BytesIO()
    write_ledger(book, buffer)
    return buffer.getvalue()


def test_a_decision_goes_to_the_new_finding_with_the_most_claims_in_common() -> None:
    before = reconcile(example_ledger())
    after = reconcile(_retold_once_more(example_ledger()))
    old = next(f for f in before.findings if f.kind.value == "duplicate")
    new = next(f for f in after.findings if f.kind.value == "duplicate")
    assert old.id != new.id and set(old.claims) < set(new.claims)
    kept = Decision("already_provided-d9b9b5628b", Verdict.REJECT)  # still there: not carried
    (carried,) = carried_decisions(
        before.findings, after.findings, (Decision(old.id, Verdict.ACCEPT, "same money"), kept)
    )
    assert carried.decision == Decision(new.id, Verdict.ACCEPT, "same money")
    assert carried.detail == f"carried over from {old.id}: 3 of 3 claims the same"
    # a finding that already has its own decision takes none
    assert (
        carried_decisions(
            before.findings,
            after.findings,
            (Decision(old.id, Verdict.ACCEPT), Decision(new.id, Verdict.REJECT)),
        )
        == ()
    )
    # nothing is carried across kinds, or to a finding that was already there
    assert carried_decisions(before.findings, before.findings, (Decision(old.id, Verdict.ACCEPT),)) == ()


def test_what_changed_is_told_field_by_field_with_the_totals() -> None:
    book = example_ledger()
    edited = replace(
        book,
        claims=tuple(
            replace(c, amount=make_money(c.value / 2, c.currency)) if c.id == "CNN-1" else c
            for c in book.claims
        ),
    )
    changes = version_changes(reconcile(book), reconcile(edited))
    assert changes["claims_edited"] == ["CNN-1"]
    assert changes["claim_edits"] == [
        {
            "claim": "CNN-1",
            "fields": [{"field": "amount", "before": "USD 1,000,000,000", "after": "USD 500,000,000"}],
        }
    ]
    (usd,) = changes["totals"]
    assert (
        usd["before"]["distinct"] == "1300000000.00" and usd["after"]["distinct"] == "1000000000.00"
    )  # the total over donors now holds more than its parts


def test_a_new_version_carries_the_decision_and_the_page_says_so(
    app: Flask, client: FlaskClient, example_xlsx: bytes
) -> None:
    token = csrf_token(client)
    url = upload(client, "/ledgers", example_xlsx, "v1.xlsx", csrf_token=token).headers["Location"]
    page = client.get(url).get_data(as_text=True)
    old = re.search(r'id="finding-(duplicate-[0-9a-f]+)"', page)
    assert old
    client.post(
        f"{url}/findings/{old.group(1)}/decision",
        data={"csrf_token": token, "decision": "accept", "note": "three reports, one pledge"},
    )
    response = upload(
        client, f"{url}/versions", _workbook(_retold_once_more(example_ledger())), "v2.xlsx", csrf_token=token
    )
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    new = re.search(r'<article class="finding card (\w+)" id="finding-(duplicate-[0-9a-f]+)"', page)
    assert new and new.group(2) != old.group(1)
    assert new.group(1) == "accepted"
    assert f"Decision carried over from {old.group(1)}: 3 of 3 claims the same" in page
    assert "Decisions carried over (1)" in page and "Claims added (1):</strong> CNN-5" in page
    ledger_id = url.rsplit("/", 1)[1]
    with database(app).reading() as session:
        row = store.decision_history(session, ledger_id)[0]
    assert (row.finding, row.verdict, row.via, row.carried_from, row.note) == (
        new.group(2),
        "accept",
        "carried",
        old.group(1),
        "three reports, one pledge",
    )
    # the analyst can undo it like any decision
    client.post(
        f"{url}/findings/{new.group(2)}/decision", data={"csrf_token": token, "decision": "undecided"}
    )
    page = client.get(url).get_data(as_text=True)
    assert f'<article class="finding card undecided" id="finding-{new.group(2)}"' in page
    assert "Decision carried over" not in page.split('id="findings"')[1].split('id="pledges"')[0]
