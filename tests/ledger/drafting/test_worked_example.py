"""The worked example's two reports, drafted: all 8 claims with the analyst's fields, and not the cocaine market.

The reports and their labels are read from ../shared/articles/ (the publishers' text is not copied here).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from ledger import Approximation, Instrument, QualifierKind, draft_claims
from ledger.drafting import Draft, Drafts, DraftSource
from ledger.parsing.periods import parse_period
from tests.ledger.drafting.shared import shared_folder

_KINDS = {
    "increase": (QualifierKind.INCREASE_FROM, False),
    "increase_from": (QualifierKind.INCREASE_FROM, True),
    "baseline": (QualifierKind.BASELINE, False),
    "aggregate": (QualifierKind.AGGREGATE, False),
    "already_provided": (QualifierKind.ALREADY_PROVIDED, False),
    "in_addition_to": (QualifierKind.IN_ADDITION_TO, True),
    "repackaged": (QualifierKind.REPACKAGED, False),
}


def _article(name: str) -> dict[str, Any]:
    path: Path = shared_folder("articles") / f"central-america-2011-{name}.yaml"
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _drafted(article: dict[str, Any]) -> Drafts:
    source = DraftSource(
        publisher=article["publisher"], title=article["title"], date=date.fromisoformat(article["date"])
    )
    return draft_claims(article["text"], source)


def _matching(drafts: Drafts, label: dict[str, Any]) -> Draft:
    found = [
        d
        for d in drafts.drafts
        if d.amount == Decimal(label["amount"])
        and d.currency == label["currency"]
        and d.quote == label["sentence"].strip()
    ]
    assert len(found) == 1, f"{label['id']}: {len(found)} drafts for it"
    return found[0]


@pytest.mark.parametrize("name", ["bbc", "cnn"])
def test_every_claim_is_drafted_with_the_analysts_fields(name: str) -> None:
    article = _article(name)
    drafts = _drafted(article)
    assert len(drafts.drafts) == len(article["claims"])
    by_label = {label["id"]: _matching(drafts, label) for label in article["claims"]}
    for label in article["claims"]:
        draft = by_label[label["id"]]
        expected_donor = "All donors" if label["donor"] == "all donors" else label["donor"]
        assert draft.donor == expected_donor, label["id"]
        assert draft.approximation is Approximation(label["approx"]), label["id"]
        assert draft.instrument is Instrument(label["instrument"]), label["id"]
        if label["period"] is None:
            assert not draft.period.known, label["id"]
        else:
            expected = parse_period(label["period"])
            assert (draft.period.start, draft.period.end) == (expected.start, expected.end), label["id"]
        wanted = set()
        for word in label["qualifiers"]:
            kind_word, _, target = word.partition(":")
            kind, targeted = _KINDS[kind_word]
            wanted.add((kind, by_label[target].id if targeted else None))
        assert {(q.kind, q.target) for q in draft.qualifiers} == wanted, label["id"]


def test_the_repackaging_remark_qualifies_clintons_pledge_only() -> None:
    drafts = _drafted(_article("cnn"))
    repackaged = [d for d in drafts.drafts if any(q.kind is QualifierKind.REPACKAGED for q in d.qualifiers)]
    assert [d.announced_by for d in repackaged] == ["Hillary Clinton"]
    evidence = repackaged[0].why("qualifiers")[-1]
    assert "repackaging" in evidence.words and evidence.span is not None


def test_the_cocaine_market_is_not_a_claim() -> None:
    article = _article("cnn")
    drafts = _drafted(article)
    assert all(d.amount != Decimal("35000000000") for d in drafts.drafts)
    skipped = {s.text: s for s in drafts.skipped}
    assert "market" in skipped["$35 billion"].reason
    for label in article["not_pledges"]:
        assert any(label["figure"] in s.text or s.text in label["figure"] for s in drafts.skipped)


def test_the_percentage_is_skipped_as_a_percentage() -> None:
    drafts = _drafted(_article("bbc"))
    assert [(s.text, s.reason) for s in drafts.skipped] == [("10%", "a percentage, not money")]


def test_the_bank_is_the_world_bank_and_the_quote_is_the_whole_sentence() -> None:
    article = _article("cnn")
    drafts = _drafted(article)
    provided = next(
        d
        for d in drafts.drafts
        if d.amount == Decimal("200000000") and d.approximation is Approximation.EXACT
    )
    assert provided.donor == "World Bank"
    assert "the bank" in provided.why("donor")[0].words
    assert provided.quote in article["text"]
    assert article["text"][provided.sentence.start : provided.sentence.end] == provided.quote
