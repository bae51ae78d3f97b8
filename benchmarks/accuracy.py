"""The accuracy benchmark: the engine against a careful analyst on real pledging events.

    scripts/bench accuracy                       # or: .venv/bin/python -m benchmarks.accuracy
    scripts/bench accuracy --json                # the same figures as JSON, for tooling
    scripts/bench accuracy --shared PATH         # another shared/ folder (default: ../shared)

Each case of the corpus (`benchmarks.events`) is written as a ledger workbook in the template, reconciled
through the command line (`python -m ledger reconcile FILE --json`, a subprocess, as an analyst would),
and the JSON read back is scored against the analyst's `expected`:

- pairs caught: of the analyst's same-pledge, contained and aggregate pairs, those the engine does not
  double count: both claims in one pledge, or one finding that relates their pledges (one on each of
  its sides: a part and its whole, a total and a pledge it can hold, in its currency or another, a pledge
  and its possible duplicate; two parts of one total are not related by it), or one claim's pledge
  inside the other's along a chain of containment (contained findings, part -> whole, and aggregate
  findings, part -> aggregate, its parts in another currency too; an outlet's conversion stands where its
  original does), in either direction;
- false merges: pairs of claims the engine put in one pledge that the analyst keeps apart (disjoint) or
  never relates. The analyst's relations are read between the analyst's pledges (same-pledge groups):
  a grouped pair whose pledges the analyst relates by containment or aggregation, along any chain, is
  not a false merge (the money is counted once either way) but is counted apart, as "grouped, related";
- explicit pairs joined: "in addition to" (disjoint) pairs put in one pledge;
- loans flagged: expected loans whose pledge is a loan or mixed; repackaged found: expected repackaged
  claims of a pledge a repackaged or previously-announced finding is about;
- totals: per currency, whether the engine's distinct nominal lies inside the analyst's [low, high].

It is a benchmark, not a test: it prints what it measured (tests/benchmarks/test_accuracy.py holds floors).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledger import ledger_from_dict, save_workbook

from .events import SHARED, Case, ExpectedPair, PairKind, expected_pairs, listed_pair_count, load_corpus

__all__ = [
    "CaseScore",
    "CurrencyCheck",
    "EngineView",
    "Totals",
    "engine_view",
    "reconcile_through_cli",
    "score_case",
    "total_of",
]

# What issue 10 targets on the corpus (for the engine work to come; the benchmark only reports).
TARGETS = {
    "pairs caught": ">= 90%",
    "false merges": "<= 5% of merged pairs",
    "explicit pairs joined": "0",
    "loans, repackaged": "all",
    "currency totals in range": ">= 80%",
}


@dataclass(frozen=True, slots=True)
class EngineView:
    """What the engine's JSON says about claims: their pledges, the findings, the distinct totals."""

    pledge_of: Mapping[str, str]  # claim id -> pledge id
    pledge_claims: Mapping[str, tuple[str, ...]]
    pledge_instrument: Mapping[str, str]
    findings: tuple[tuple[str, frozenset[str]], ...]  # (kind, the claims it is about)
    # the pairs of pledges some finding relates: its one side and its other (a total and what it can hold,
    # a part and its whole, a pledge and its possible duplicate), never two parts of one total
    links: frozenset[frozenset[str]]
    inside: Mapping[str, frozenset[str]]  # pledge -> the pledges it sits directly inside
    nominal: Mapping[str, Decimal]  # currency -> distinct nominal


# Each kind's two sides, as the fields of its JSON naming pledges (a kind not listed relates none).
_SIDES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "contained": (("part",), ("whole",)),
    "aggregate": (("aggregate",), ("parts", "elsewhere")),
    "aggregate_too_small": (("aggregate",), ("parts",)),
    "possible_duplicate": (("pledge",), ("other",)),
    "unit_error": (("pledge",), ("other",)),
    "other_currency": (("pledge",), ("other",)),
    "baseline": (("pledge",), ("baseline",)),
    "previously_announced": (("pledge",), ("earlier",)),
    "converted": (("pledge",), ("original",)),
}


def _side(finding: Mapping[str, Any], fields: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for name in fields:
        value = finding.get(name)
        found.extend([value] if isinstance(value, str) else value or ())
    return found


def _links(findings: Iterable[Mapping[str, Any]]) -> frozenset[frozenset[str]]:
    links: set[frozenset[str]] = set()
    for finding in findings:
        sides = _SIDES.get(finding["kind"])
        if sides is None:
            continue
        one, other = (_side(finding, fields) for fields in sides)
        links.update(frozenset((a, b)) for a in one for b in other if a != b)
    return frozenset(links)


def engine_view(result: Mapping[str, Any]) -> EngineView:
    """Read the reconciliation JSON (ledger/render/schema/reconciliation.schema.json) for scoring."""
    pledge_of: dict[str, str] = {}
    pledge_claims: dict[str, tuple[str, ...]] = {}
    instrument: dict[str, str] = {}
    for pledge in result["pledges"]:
        pledge_claims[pledge["id"]] = tuple(pledge["claims"])
        instrument[pledge["id"]] = pledge["instrument"]
        for claim in pledge["claims"]:
            pledge_of[claim] = pledge["id"]
    inside: dict[str, set[str]] = defaultdict(set)
    findings = []
    for finding in result["findings"]:
        # a finding about one pledge is about that pledge's claims (not the others it quotes)
        about = finding.get("pledge")
        claims = pledge_claims[about] if about in pledge_claims else finding["claims"]
        findings.append((finding["kind"], frozenset(claims)))
        if finding["kind"] == "contained":
            inside[finding["part"]].add(finding["whole"])
        elif finding["kind"] == "aggregate":
            # its pledges in its currency, and those in another it can hold (linked, not subtracted)
            for part in (*finding["parts"], *finding.get("elsewhere", ())):
                inside[part].add(finding["aggregate"])
        elif finding["kind"] == "converted":
            # an outlet's conversion is the same money as its original: where one sits, the other does
            for original in finding.get("original", ()):
                inside[finding["pledge"]].add(original)
                inside[original].add(finding["pledge"])
    nominal = {t["currency"]: Decimal(t["distinct"]["nominal"]) for t in result["totals"].values()}
    return EngineView(
        pledge_of=pledge_of,
        pledge_claims=pledge_claims,
        pledge_instrument=instrument,
        findings=tuple(findings),
        links=_links(result["findings"]),
        inside={k: frozenset(v) for k, v in inside.items()},
        nominal=nominal,
    )


def _reaches(edges: Mapping[str, frozenset[str]], start: str, goal: str) -> bool:
    """True when `goal` is reached from `start` along `edges` (a small graph: a plain walk)."""
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


@dataclass(frozen=True, slots=True)
class CurrencyCheck:
    """One currency: the analyst's [low, high] and the engine's distinct nominal (None: no such total)."""

    currency: str
    low: Decimal
    high: Decimal
    engine: Decimal | None

    @property
    def inside(self) -> bool:
        return self.engine is not None and self.low <= self.engine <= self.high


@dataclass(frozen=True, slots=True)
class CaseScore:
    """The engine's accuracy on one case."""

    name: str
    claims: int
    expected: Mapping[PairKind, int]
    caught: Mapping[PairKind, int]
    listed_pairs: int  # as the YAML lists them (a pair listed twice counts twice)
    merged_pairs: int
    false_merges: tuple[tuple[str, str], ...]
    grouped_related: tuple[tuple[str, str], ...]  # grouped, the analyst relating them by containment
    explicit_joined: tuple[tuple[str, str], ...]
    explicit_pairs: int
    loans: tuple[int, int]  # (flagged, expected)
    repackaged: tuple[int, int]  # (found, expected)
    currencies: tuple[CurrencyCheck, ...]
    missed: tuple[ExpectedPair, ...] = ()
    errors: tuple[str, ...] = ()  # the ledger did not reconcile: why
    left_out: Mapping[str, int] = field(default_factory=dict)  # analyst words left out, by word

    @property
    def pairs_expected(self) -> int:
        return sum(self.expected.values())

    @property
    def pairs_caught(self) -> int:
        return sum(self.caught.values())


def _analyst_relations(case: Case) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Each claim's analyst pledge (its same-pledge group, or itself) and what each such pledge sits in."""
    pledge: dict[str, str] = {}
    for group in case.expected.same_pledge:
        # a claim in two groups joins them (the corpus has none; union keeps it right if one appears)
        root = next((pledge[c] for c in group if c in pledge), group[0])
        for claim in group:
            old = pledge.get(claim)
            if old is not None and old != root:
                for other, p in list(pledge.items()):
                    if p == old:
                        pledge[other] = root
            pledge[claim] = root

    def of(claim: str) -> str:
        return pledge.get(claim, claim)

    inside: dict[str, set[str]] = defaultdict(set)
    for part, whole in case.expected.contained:
        inside[of(part)].add(of(whole))
    for total, parts in case.expected.aggregates:
        for part in parts:
            inside[of(part)].add(of(total))
    return {c["id"]: of(c["id"]) for c in case.ledger["claims"]}, {k: frozenset(v) for k, v in inside.items()}


def _caught(pair: ExpectedPair, view: EngineView) -> bool:
    """Grouped, related by a finding (one on each of its sides), or one inside the other along a chain."""
    first = view.pledge_of.get(pair.first)
    second = view.pledge_of.get(pair.second)
    if first is None or second is None:
        return False
    if first == second or frozenset((first, second)) in view.links:
        return True
    return _reaches(view.inside, first, second) or _reaches(view.inside, second, first)


def score_case(case: Case, view: EngineView) -> CaseScore:
    """Score the engine's reconciliation of `case` (read by `engine_view`) against the analyst's."""
    pairs = expected_pairs(case.expected)
    expected = dict.fromkeys(PairKind, 0)
    caught = dict.fromkeys(PairKind, 0)
    missed = []
    for pair in pairs:
        expected[pair.kind] += 1
        if _caught(pair, view):
            caught[pair.kind] += 1
        else:
            missed.append(pair)

    analyst_pledge, analyst_inside = _analyst_relations(case)
    disjoint = {frozenset(p) for p in case.expected.disjoint}
    merged = 0
    false_merges: list[tuple[str, str]] = []
    grouped_related: list[tuple[str, str]] = []
    explicit_joined: list[tuple[str, str]] = []
    for members in view.pledge_claims.values():
        ordered = sorted(members)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                merged += 1
                joined = (first, second)
                if frozenset(joined) in disjoint:
                    explicit_joined.append(joined)
                    false_merges.append(joined)
                    continue
                a, b = analyst_pledge.get(first, first), analyst_pledge.get(second, second)
                if a == b:
                    continue
                if _reaches(analyst_inside, a, b) or _reaches(analyst_inside, b, a):
                    grouped_related.append(joined)
                else:
                    false_merges.append(joined)

    loans = case.expected.loans
    flagged = sum(
        1 for c in loans if view.pledge_instrument.get(view.pledge_of.get(c, ""), "") in ("loan", "mixed")
    )
    # "not new money" said of a pledge: repackaged, or announced before
    repackaged_claims = frozenset().union(
        *(claims for kind, claims in view.findings if kind in ("repackaged", "previously_announced"))
    )
    found = sum(1 for c in case.expected.repackaged if c in repackaged_claims)
    currencies = tuple(
        CurrencyCheck(t.currency, t.low, t.high, view.nominal.get(t.currency)) for t in case.expected.totals
    )
    left_out: dict[str, int] = defaultdict(int)
    for item in case.left_out:
        left_out[item.word.partition(":")[0]] += 1
    return CaseScore(
        name=case.name,
        claims=case.claim_count,
        expected=expected,
        caught=caught,
        listed_pairs=listed_pair_count(case.expected),
        merged_pairs=merged,
        false_merges=tuple(false_merges),
        grouped_related=tuple(grouped_related),
        explicit_joined=tuple(explicit_joined),
        explicit_pairs=len(disjoint),
        loans=(flagged, len(loans)),
        repackaged=(found, len(case.expected.repackaged)),
        currencies=currencies,
        missed=tuple(missed),
        left_out=dict(left_out),
    )


def failed_case(case: Case, errors: Sequence[str]) -> CaseScore:
    """A case whose ledger did not reconcile: nothing caught, every expectation missed."""
    empty = EngineView({}, {}, {}, (), frozenset(), {}, {})
    return _with_errors(score_case(case, empty), tuple(errors))


def _with_errors(score: CaseScore, errors: tuple[str, ...]) -> CaseScore:
    return replace(score, errors=errors)


@dataclass(frozen=True, slots=True)
class Totals:
    """The scores of several cases added up."""

    cases: int
    claims: int
    expected: Mapping[PairKind, int]
    caught: Mapping[PairKind, int]
    listed_pairs: int
    merged_pairs: int
    false_merges: int
    grouped_related: int
    explicit_joined: int
    explicit_pairs: int
    loans: tuple[int, int]
    repackaged: tuple[int, int]
    currencies_inside: int
    currencies: int
    failed: int

    @property
    def pairs_expected(self) -> int:
        return sum(self.expected.values())

    @property
    def pairs_caught(self) -> int:
        return sum(self.caught.values())


def total_of(scores: Iterable[CaseScore]) -> Totals:
    """Add up case scores."""
    scores = tuple(scores)
    return Totals(
        cases=len(scores),
        claims=sum(s.claims for s in scores),
        expected={k: sum(s.expected[k] for s in scores) for k in PairKind},
        caught={k: sum(s.caught[k] for s in scores) for k in PairKind},
        listed_pairs=sum(s.listed_pairs for s in scores),
        merged_pairs=sum(s.merged_pairs for s in scores),
        false_merges=sum(len(s.false_merges) for s in scores),
        grouped_related=sum(len(s.grouped_related) for s in scores),
        explicit_joined=sum(len(s.explicit_joined) for s in scores),
        explicit_pairs=sum(s.explicit_pairs for s in scores),
        loans=(sum(s.loans[0] for s in scores), sum(s.loans[1] for s in scores)),
        repackaged=(sum(s.repackaged[0] for s in scores), sum(s.repackaged[1] for s in scores)),
        currencies_inside=sum(1 for s in scores for c in s.currencies if c.inside),
        currencies=sum(len(s.currencies) for s in scores),
        failed=sum(1 for s in scores if s.errors),
    )


# ---- running it ----------------------------------------------------------------------------------------


def reconcile_through_cli(case: Case, folder: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """Write the case as a ledger workbook, reconcile it with `python -m ledger reconcile --json`.

    Returns the JSON (None when the ledger did not reconcile) and the problems the command reported.
    """
    workbook = folder / f"{case.name}.xlsx"
    save_workbook(ledger_from_dict(case.ledger), workbook)
    done = subprocess.run(
        [sys.executable, "-m", "ledger", "reconcile", str(workbook), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != 0:
        return None, problems or [f"exit code {done.returncode}"]
    return json.loads(done.stdout), problems


def run(cases: Sequence[Case]) -> list[CaseScore]:
    """Score every case through the command line."""
    scores = []
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        for case in cases:
            result, problems = reconcile_through_cli(case, Path(tmp))
            if result is None:
                scores.append(failed_case(case, problems))
            else:
                scores.append(score_case(case, engine_view(result)))
    return scores


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _frac(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def _money(amount: Decimal | None) -> str:
    if amount is None:
        return "none"
    return f"{amount / 1_000_000:,.1f}m"


_HEADER = (
    f"{'case':<40}{'claims':>7}{'same':>10}{'contained':>11}{'aggregate':>11}{'caught':>15}"
    f"{'merged':>8}{'false':>7}{'related':>9}{'explicit':>10}{'loans':>7}{'repack':>8}{'totals':>8}"
)


def _row(name: str, s: CaseScore | Totals) -> str:
    false = len(s.false_merges) if isinstance(s, CaseScore) else s.false_merges
    related = len(s.grouped_related) if isinstance(s, CaseScore) else s.grouped_related
    joined = len(s.explicit_joined) if isinstance(s, CaseScore) else s.explicit_joined
    if isinstance(s, CaseScore):
        inside, currencies = sum(1 for c in s.currencies if c.inside), len(s.currencies)
    else:
        inside, currencies = s.currencies_inside, s.currencies
    caught = f"{_frac(s.pairs_caught, s.pairs_expected)} {_share(s.pairs_caught, s.pairs_expected):>4}"
    return (
        f"{name[:39]:<40}{s.claims:>7}"
        f"{_frac(s.caught[PairKind.SAME_PLEDGE], s.expected[PairKind.SAME_PLEDGE]):>10}"
        f"{_frac(s.caught[PairKind.CONTAINED], s.expected[PairKind.CONTAINED]):>11}"
        f"{_frac(s.caught[PairKind.AGGREGATE], s.expected[PairKind.AGGREGATE]):>11}"
        f"{caught:>15}{s.merged_pairs:>8}{false:>7}{related:>9}"
        f"{_frac(joined, s.explicit_pairs):>10}{_frac(*s.loans):>7}{_frac(*s.repackaged):>8}"
        f"{_frac(inside, currencies):>8}"
    )


def report(scores: Sequence[CaseScore], seconds: float) -> str:
    """The per-case table, the totals and each currency's check, as text."""
    lines = [_HEADER]
    lines += [_row(s.name, s) for s in scores]
    events = [s for s in scores if s.name != "central-america-2011"]
    lines.append("-" * len(_HEADER))
    lines.append(_row(f"total, {len(events)} events", total_of(events)))
    lines.append(_row(f"total, all {len(scores)} cases", total_of(scores)))
    every = total_of(scores)
    lines.append("")
    lines.append(
        "columns: same / contained / aggregate = expected pairs caught; explicit = 'in addition to' pairs "
        "joined / listed; loans = flagged / expected; repack = repackaged found / expected; totals = "
        "currencies whose distinct nominal is inside the analyst's range"
    )
    lines.append(
        f"pairs: {every.pairs_expected} distinct expected pairs ({every.listed_pairs} as listed: a pair "
        f"listed under two kinds counts once here); merged = pairs of claims in one engine pledge; "
        f"false = merged pairs the analyst keeps apart or never relates "
        f"({_share(every.false_merges, every.merged_pairs)} of merged); related = merged pairs the "
        f"analyst relates by containment or aggregation (not counted false)"
    )
    lines.append("")
    lines.append("currency totals (the analyst's [low, high] against the engine's distinct nominal):")
    for s in scores:
        for c in s.currencies:
            mark = "inside" if c.inside else "outside"
            lines.append(
                f"  {s.name[:39]:<40}{c.currency} [{_money(c.low)}, {_money(c.high)}]  "
                f"engine {_money(c.engine)}  {mark}"
            )
    left: dict[str, int] = defaultdict(int)
    for s in scores:
        for word, count in s.left_out.items():
            left[word] += count
    lines.append("")
    lines.append(
        "analyst words the template has no word for, left out: "
        + ", ".join(f"{w} {n}" for w, n in sorted(left.items(), key=lambda item: (-item[1], item[0])))
    )
    for s in scores:
        for error in s.errors:
            lines.append(f"{s.name}: did not reconcile: {error}")
    lines.append("")
    lines.append("targets (issue 10): " + "; ".join(f"{k} {v}" for k, v in TARGETS.items()))
    lines.append(f"{len(scores)} cases reconciled through the command line in {seconds:.1f} s")
    return "\n".join(lines)


def _score_json(s: CaseScore | Totals) -> dict[str, Any]:
    out: dict[str, Any] = {
        "claims": s.claims,
        "pairs": {k.value: {"expected": s.expected[k], "caught": s.caught[k]} for k in PairKind},
        "pairs_expected": s.pairs_expected,
        "pairs_caught": s.pairs_caught,
        "pairs_listed": s.listed_pairs,
        "merged_pairs": s.merged_pairs,
        "loans": {"flagged": s.loans[0], "expected": s.loans[1]},
        "repackaged": {"found": s.repackaged[0], "expected": s.repackaged[1]},
        "explicit_pairs": s.explicit_pairs,
    }
    if isinstance(s, CaseScore):
        out |= {
            "case": s.name,
            "false_merges": [list(p) for p in s.false_merges],
            "grouped_related": [list(p) for p in s.grouped_related],
            "explicit_joined": [list(p) for p in s.explicit_joined],
            "missed": [{"kind": p.kind.value, "claims": [p.first, p.second]} for p in s.missed],
            "currencies": [
                {
                    "currency": c.currency,
                    "low": str(c.low),
                    "high": str(c.high),
                    "engine_nominal": None if c.engine is None else str(c.engine),
                    "inside": c.inside,
                }
                for c in s.currencies
            ],
            "left_out": dict(s.left_out),
            "errors": list(s.errors),
        }
    else:
        out |= {
            "cases": s.cases,
            "false_merges": s.false_merges,
            "grouped_related": s.grouped_related,
            "explicit_joined": s.explicit_joined,
            "currencies": {"inside": s.currencies_inside, "of": s.currencies},
            "failed_cases": s.failed,
        }
    return out


def report_json(scores: Sequence[CaseScore]) -> dict[str, Any]:
    """The same figures as plain JSON values."""
    events = [s for s in scores if s.name != "central-america-2011"]
    return {
        "cases": [_score_json(s) for s in scores],
        "total_events": _score_json(total_of(events)),
        "total": _score_json(total_of(scores)),
        "targets": TARGETS,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints the table (or JSON). Exit 2 when the corpus is absent."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared/ folder holding events/")
    args = parser.parse_args(argv)
    try:
        cases = load_corpus(args.shared)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    start = time.perf_counter()
    scores = run(cases)
    seconds = time.perf_counter() - start
    if args.json:
        print(json.dumps(report_json(scores), indent=2))
    else:
        print(report(scores, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
