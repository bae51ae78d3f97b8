"""The corpus loader: cases as ledgers an analyst would type, the analyst's relations, the words left out."""

from __future__ import annotations

import itertools
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.events import (
    TEMPLATE_QUALIFIERS,
    Case,
    Expected,
    PairKind,
    expected_pairs,
    listed_pair_count,
    template_qualifier,
)
from ledger import build_ledger
from ledger.parsing.vocabulary import parse_qualifiers


def test_analyst_words_become_template_words() -> None:
    assert template_qualifier("aggregate") == "aggregate"
    assert template_qualifier("already_provided") == "already provided"
    assert template_qualifier("in_addition_to:C15") == "in addition to C15"
    assert template_qualifier("includes:C21") == "includes C21"
    assert template_qualifier("part_of:C3") == "part of C3"
    assert template_qualifier("increase_from:C24") == "increase from C24"
    # the worked example's own spelling
    assert template_qualifier("increase over BBC-4") == "increase from BBC-4"
    assert template_qualifier("in addition to CNN-2") == "in addition to CNN-2"


def test_words_the_template_lacks_are_left_out() -> None:
    for word in ("private_included", "debt_deferral"):
        assert template_qualifier(word) is None
    # words the template gained for what analysts write
    assert template_qualifier("previously_announced") == "previously announced"
    assert template_qualifier("new_money") == "new and additional"
    assert template_qualifier("running_total") == "running total"
    assert template_qualifier("interim_tally") == "interim tally"
    assert template_qualifier("converted") == "converted"
    assert template_qualifier("misreport") == "misreport"
    assert template_qualifier("proposed") == "proposed"
    # a word that needs a claim and names none is not a qualifier the template can take
    assert template_qualifier("includes") is None


def test_every_template_word_parses() -> None:
    for words in set(TEMPLATE_QUALIFIERS.values()):
        targeted = {"in addition to", "part of", "includes", "same as", "increase from"}
        text = f"{words} C1" if words in targeted else words
        parsed = parse_qualifiers(text)
        assert parsed.problems == (), text
        assert len(parsed.qualifiers) == 1


@given(st.from_regex(r"[A-Z]{1,3}-?[0-9]{1,3}", fullmatch=True))
def test_a_target_is_kept(target: str) -> None:
    assert template_qualifier(f"part_of:{target}") == f"part of {target}"
    assert template_qualifier(f"same_as:{target}") == f"same as {target}"


def test_pairs_of_each_kind() -> None:
    expected = Expected(
        same_pledge=(("A", "B", "C"),),
        contained=(("D", "A"), ("E", "F")),
        aggregates=(("T", ("A", "E", "F")),),
    )
    pairs = expected_pairs(expected)
    kinds = [(p.kind, p.first, p.second) for p in pairs]
    assert kinds == [
        (PairKind.SAME_PLEDGE, "A", "B"),
        (PairKind.SAME_PLEDGE, "A", "C"),
        (PairKind.SAME_PLEDGE, "B", "C"),
        (PairKind.CONTAINED, "D", "A"),
        (PairKind.CONTAINED, "E", "F"),
        (PairKind.AGGREGATE, "T", "A"),
        (PairKind.AGGREGATE, "T", "E"),
        (PairKind.AGGREGATE, "T", "F"),
    ]
    assert listed_pair_count(expected) == 8


def test_a_pair_listed_twice_counts_once() -> None:
    expected = Expected(contained=(("P", "T"),), aggregates=(("T", ("P", "Q")),))
    assert [(p.kind, p.first, p.second) for p in expected_pairs(expected)] == [
        (PairKind.CONTAINED, "P", "T"),
        (PairKind.AGGREGATE, "T", "Q"),
    ]
    assert listed_pair_count(expected) == 3


@given(st.lists(st.lists(st.sampled_from("ABCDEFGH"), min_size=2, max_size=5, unique=True), max_size=4))
def test_pairs_never_outnumber_the_listing(groups: list[list[str]]) -> None:
    expected = Expected(same_pledge=tuple(tuple(g) for g in groups))
    pairs = expected_pairs(expected)
    assert len(pairs) <= listed_pair_count(expected)
    assert len({p.claims for p in pairs}) == len(pairs)
    listed = {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
    assert {p.claims for p in pairs} == listed


def _raw(case: Case) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(Path(case.path).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_corpus_is_eight_events_and_the_worked_example(corpus: tuple[Case, ...]) -> None:
    assert len(corpus) == 9
    assert corpus[-1].name == "central-america-2011"
    assert sum(case.claim_count for case in corpus[:-1]) == 381
    assert sum(listed_pair_count(case.expected) for case in corpus[:-1]) == 1186


def test_every_case_is_a_ledger_without_problems(corpus: tuple[Case, ...]) -> None:
    for case in corpus:
        built = build_ledger(case.ledger)
        assert built.errors == (), case.name
        raw = _raw(case)
        assert [c.id for c in built.ledger.claims] == [str(c["id"]) for c in raw["claims"]]
        assert [s.id for s in built.ledger.sources] == [str(s["id"]) for s in raw["sources"]]


def test_claims_keep_the_analyst_fields(corpus: tuple[Case, ...]) -> None:
    for case in corpus:
        raw = {str(c["id"]): c for c in _raw(case)["claims"]}
        for claim in case.ledger["claims"]:
            given_claim = raw[claim["id"]]
            assert claim["donor"] == given_claim["donor"]
            assert claim["recipient"] == given_claim["recipient"]
            assert claim["amount"] == str(given_claim["amount"])
            assert claim["period"] == (given_claim["period"] or "")
            left = {item.word for item in case.left_out if item.claim == claim["id"]}
            kept = [template_qualifier(str(q)) for q in given_claim.get("qualifiers") or ()]
            assert {str(q) for q in given_claim.get("qualifiers") or ()} - left == {
                str(q) for q, k in zip(given_claim.get("qualifiers") or (), kept, strict=True) if k
            }
            assert claim["qualifiers"] == "; ".join(dict.fromkeys(k for k in kept if k))


def test_left_out_words_are_listed(corpus: tuple[Case, ...]) -> None:
    words = {item.word.partition(":")[0] for case in corpus for item in case.left_out}
    assert "private_included" in words and "misreport" not in words
    assert not words & set(TEMPLATE_QUALIFIERS)


def test_expected_totals_are_read(corpus: tuple[Case, ...]) -> None:
    paris = next(case for case in corpus if case.name.startswith("paris-2008"))
    usd = next(t for t in paris.expected.totals if t.currency == "USD")
    assert (str(usd.low), str(usd.high)) == ("19950000000", "21416000000")
    worked = corpus[-1]
    assert [(t.currency, str(t.low), str(t.high)) for t in worked.expected.totals] == [
        ("USD", "1300000000", "1300000000")
    ]
