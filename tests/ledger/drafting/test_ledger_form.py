"""Drafts into a ledger: new sources and ids, qualifiers renamed, the JSON form ledger_from_dict reads."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import ledger
from ledger import DraftSource, Ledger, QualifierKind, draft_claims, ledger_from_dict, with_drafts
from ledger.drafting.ledger_form import drafts_dict
from ledger.workbook import load_workbook, save_workbook

TEXT = (
    "The World Bank will support Haiti with $1 billion in loans for the next two years.\n"
    "That money will be in addition to $200 million the bank already has provided.\n"
    "Analysts say the drug market is worth $35 billion."
)
SOURCE = DraftSource(publisher="Test Wire", title="Loans for Haiti", date=date(2014, 10, 12))


def test_with_drafts_adds_a_source_and_claims_with_their_qualifiers_renamed() -> None:
    book = with_drafts(Ledger(), draft_claims(TEXT, SOURCE))
    assert [s.id for s in book.sources] == ["TEST-WIRE"]
    loans, provided = book.claims
    assert (loans.id, provided.id) == ("TEST-WIRE-1", "TEST-WIRE-2")
    assert [(q.kind, q.target) for q in loans.qualifiers] == [(QualifierKind.IN_ADDITION_TO, "TEST-WIRE-2")]
    assert loans.period.label == "2014-10-12 to 2016-10-11"
    result = ledger.reconcile(book)
    assert not result.errors
    assert {f.kind.value for f in result.findings} >= {"already_provided"}


def test_ids_never_clash_with_the_ledgers_own() -> None:
    once = with_drafts(ledger.example_ledger(), draft_claims(TEXT, DraftSource(publisher="CNN")))
    twice = with_drafts(once, draft_claims(TEXT, DraftSource(publisher="CNN")))
    assert len({s.id for s in twice.sources}) == len(twice.sources)
    assert len({c.id for c in twice.claims}) == len(twice.claims)
    assert "CNN-2" in {s.id for s in twice.sources}


def test_an_unticked_draft_takes_its_qualifiers_with_it() -> None:
    drafts = draft_claims(TEXT, SOURCE)
    book = with_drafts(Ledger(), drafts.only({drafts.drafts[0].id}))
    assert len(book.claims) == 1
    assert book.claims[0].qualifiers == ()


def test_the_json_form_is_what_ledger_from_dict_takes_plus_skipped() -> None:
    data = drafts_dict(Ledger(), [draft_claims(TEXT, SOURCE)])
    book = ledger_from_dict(json.loads(json.dumps(data)))
    assert [c.value for c in book.claims] == [Decimal("1000000000"), Decimal("200000000")]
    assert book.claims[0].period.label == "2014-10-12 to 2016-10-11"
    assert [(s["figure"], s["source"]) for s in data["skipped"]] == [("$35 billion", "TEST-WIRE")]
    assert "market" in data["skipped"][0]["reason"]


def test_an_unresolved_period_survives_the_json_form() -> None:
    data = drafts_dict(
        Ledger(), [draft_claims("Norway pledged $40 million to Haiti this year.", DraftSource())]
    )
    book = ledger_from_dict(data)
    assert not book.claims[0].period.known
    assert "this year" in book.claims[0].period.text


def test_drafted_ledgers_go_through_a_workbook_unchanged(tmp_path: Path) -> None:
    book = with_drafts(Ledger(), draft_claims(TEXT, SOURCE))
    path = tmp_path / "drafted.xlsx"
    save_workbook(book, path)
    again = load_workbook(path).unwrap()
    assert [(c.id, c.value, c.period.start, c.period.end, c.qualifiers) for c in again.claims] == [
        (c.id, c.value, c.period.start, c.period.end, c.qualifiers) for c in book.claims
    ]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledger", "extract", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_prints_the_json_form(tmp_path: Path) -> None:
    article = tmp_path / "loans.txt"
    article.write_text(TEXT, encoding="utf-8")
    done = _run(str(article), "--date", "2014-10-12", "--publisher", "Test Wire", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(ledger_from_dict(data).claims) == 2
    assert data["skipped"][0]["figure"] == "$35 billion"


def test_the_command_writes_then_extends_a_workbook(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.html"
    first.write_text(TEXT, encoding="utf-8")
    second.write_bytes(
        b'<html><head><meta property="og:site_name" content="Other Wire"></head>'
        b"<body><p>Norway pledged $40 million to Haiti this year.</p></body></html>"
    )
    book = tmp_path / "ledger.xlsx"
    made = _run(str(first), "--date", "2014-10-12", "-o", str(book))
    assert made.returncode == 0, made.stderr
    grown = _run(str(second), str(first), "--date", "2014-10-12", "--append", str(book))
    assert grown.returncode == 0, grown.stderr
    loaded = load_workbook(book).unwrap()
    assert len(loaded.sources) == 3
    assert len(loaded.claims) == 5
    assert len({c.id for c in loaded.claims}) == 5


def test_the_command_refuses_a_bad_date_and_a_missing_file(tmp_path: Path) -> None:
    bad_date = _run(str(tmp_path), "--date", "22/06/2011")
    assert bad_date.returncode == 2 and "not a date" in bad_date.stderr
    missing = _run(str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr + bad_date.stderr
