"""Drafting benchmark: draft every text of the real-event corpus and score the drafts against the labels.

    .venv/bin/python -m benchmarks.drafting            # or: scripts/bench drafting
    .venv/bin/python -m benchmarks.drafting --texts     # one line per text as well

Per text and in total:
- claims found: a draft in the same currency, its amount within 0.5%, its quote overlapping the
  labelled sentence (one draft per labelled claim);
- drafts that match no labelled claim;
- not-pledge figures wrongly drafted (a draft's figure on the labelled figure);
- per field, the share right among the claims found (names through the names module, periods as
  spans, qualifiers in the ledger template's words).
Then, for each event, the drafted ledger reconciled against the analyst's totals and against the
hand-typed ledger (the event's own claims reconciled); and the time to draft a 2,000-word article.
Texts in a language the drafter does not read are listed as not supported and left out of the totals.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from benchmarks.drafting_corpus import Event, LabelledClaim, LabelledText, events_folder, load_events
from ledger import Ledger, QualifierKind, build_ledger, reconcile
from ledger.core.money import Approximation
from ledger.core.problems import ParseError
from ledger.drafting import Draft, Drafts, DraftSource, Span, draft_claims
from ledger.drafting.ledger_form import with_drafts
from ledger.names import ALL_DONORS, Names
from ledger.parsing.periods import parse_period
from ledger.parsing.vocabulary import parse_approximation

FIELDS = ("donor", "announced_by", "recipient", "approximation", "period", "instrument", "qualifiers")
INFORMATIONAL_FIELDS = ("purpose",)
TOLERANCE = Decimal("0.005")

# The corpus's qualifier words in the ledger template's kinds; the rest have no word in the template.
_TEMPLATE_KINDS = {
    "aggregate": QualifierKind.AGGREGATE,
    "repackaged": QualifierKind.REPACKAGED,
    "previously_announced": QualifierKind.REPACKAGED,
    "already_provided": QualifierKind.ALREADY_PROVIDED,
    "baseline": QualifierKind.BASELINE,
    "per_year": QualifierKind.PER_YEAR,
    "new_money": QualifierKind.IN_ADDITION_TO,
    "in_addition_to": QualifierKind.IN_ADDITION_TO,
    "includes": QualifierKind.INCLUDES,
    "part_of": QualifierKind.PART_OF,
    "increase": QualifierKind.INCREASE_FROM,
    "increase_from": QualifierKind.INCREASE_FROM,
    "converted": QualifierKind.SAME_AS,
}
_STOP = frozenset(["the", "and", "for", "of", "to", "in", "a", "an", "with", "from", "by", "on", "at", "aid"])


@dataclass(slots=True)
class TextScore:
    event: str
    text_id: str
    publisher: str
    supported: bool = True
    claims: int = 0
    not_in_text: int = 0  # labelled claims whose sentence is not in the stored text
    found: int = 0
    drafts: int = 0
    unmatched: int = 0
    not_pledges: int = 0
    not_pledges_drafted: int = 0
    right: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)  # ids of labelled claims not found
    spurious: list[str] = field(default_factory=list)  # drafts matching nothing: "figure | sentence"
    wrong: list[str] = field(default_factory=list)  # "claim id field: drafted / labelled"
    drafted_not_pledges: list[str] = field(default_factory=list)
    seconds: float = 0.0


def source_of(text: LabelledText) -> DraftSource:
    return DraftSource(publisher=text.publisher, title=text.title, date=text.date, url=text.url, id=text.id)


# ---- comparing fields --------------------------------------------------------------------------------


def _names() -> Names:
    return Names.default()


def _donor_names(text: str) -> frozenset[str]:
    bare = re.sub(r"\s*\([^)]*\)", "", text).strip()
    lowered = bare.lower()
    if not bare:
        return frozenset()
    if (lowered.startswith("all ") and "donors" in lowered) or lowered in ("donors", "all donors"):
        return frozenset({ALL_DONORS})
    if lowered.endswith(" member states"):
        prefix = bare[: -len(" member states")]
        return frozenset({f"{_names().canonical(prefix)} member states"})
    parts = re.split(r"\s*,\s*|\s+and\s+", bare)
    return frozenset(_names().canonical(p) for p in parts if p)


def _same_donor(drafted: str, labelled: str) -> bool:
    return _donor_names(drafted) == _donor_names(labelled)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP}


def _same_recipient(drafted: str, labelled: str) -> bool:
    bare = re.sub(r"\s*\([^)]*\)", "", labelled).strip()
    if not drafted or not bare:
        return not drafted and not bare
    if _names().canonical(drafted) == _names().canonical(bare):
        return True
    # named more or less precisely: "Gaza" for "Gaza Strip", "Lebanon" for "Government of Lebanon"
    mine, theirs = _words(_names().canonical(drafted)), _words(_names().canonical(bare))
    return bool(mine) and bool(theirs) and (mine <= theirs or theirs <= mine)


def _same_person(drafted: str, labelled: str) -> bool:
    if not drafted or not labelled:
        return not drafted and not labelled
    return drafted.split()[-1].lower() == labelled.split()[-1].lower()


def _same_period(draft: Draft, labelled: str | None) -> bool:
    if labelled is None:
        return not draft.period.known
    try:
        expected = parse_period(labelled)
    except ParseError:
        return False
    return (draft.period.start, draft.period.end) == (expected.start, expected.end)


def _template_kinds(words: Sequence[str]) -> frozenset[QualifierKind]:
    kinds = set()
    for word in words:
        kind = _TEMPLATE_KINDS.get(word.split(":")[0])
        if kind is not None:
            kinds.add(kind)
    return frozenset(kinds)


def _approximation(word: str) -> Approximation:
    return parse_approximation(word.replace("_", " "))


def field_right(name: str, draft: Draft, claim: LabelledClaim) -> bool:
    """Whether the draft's field agrees with the label."""
    match name:
        case "donor":
            return _same_donor(draft.donor, claim.donor)
        case "announced_by":
            return _same_person(draft.announced_by, claim.announced_by)
        case "recipient":
            return _same_recipient(draft.recipient, claim.recipient)
        case "approximation":
            return draft.approximation is _approximation(claim.approx)
        case "period":
            return _same_period(draft, claim.period)
        case "instrument":
            return draft.instrument.value == claim.instrument
        case "qualifiers":
            return frozenset(q.kind for q in draft.qualifiers) == _template_kinds(claim.qualifiers)
        case "purpose":
            return (not draft.purpose and not claim.purpose) or bool(
                _words(draft.purpose) & _words(claim.purpose)
            )
    raise ValueError(name)


def _shown(name: str, draft: Draft, claim: LabelledClaim) -> str:
    mine: object
    theirs: object
    match name:
        case "period":
            mine, theirs = draft.period.iso() or "-", claim.period or "-"
        case "qualifiers":
            mine = sorted(q.kind.value for q in draft.qualifiers)
            theirs = sorted(k.value for k in _template_kinds(claim.qualifiers))
        case "approximation":
            mine, theirs = draft.approximation.value, claim.approx
        case "instrument":
            mine, theirs = draft.instrument.value, claim.instrument
        case _:
            mine, theirs = getattr(draft, name), getattr(claim, name)
    return f"{mine!s} / {theirs!s}"


# ---- matching drafts to labels -----------------------------------------------------------------------


def _span_of(text: str, quote: str) -> Span | None:
    start = text.find(quote)
    if start < 0:
        return None
    return Span(start, start + len(quote))


def _matches(draft: Draft, claim: LabelledClaim, where: Span) -> bool:
    if draft.currency != claim.currency or not draft.sentence.overlaps(where):
        return False
    if claim.amount == 0:
        return draft.amount == 0
    return abs(draft.amount - claim.amount) <= TOLERANCE * claim.amount


def match(drafts: Sequence[Draft], claims: Sequence[LabelledClaim], text: str) -> dict[str, Draft]:
    """Labelled claim id -> the draft that finds it, one draft per claim: same donor preferred."""
    found: dict[str, Draft] = {}
    used: set[str] = set()
    for prefer_donor in (True, False):
        for claim in claims:
            where = _span_of(text, claim.quote)
            if claim.id in found or where is None:
                continue
            candidates = [d for d in drafts if d.id not in used and _matches(d, claim, where)]
            if prefer_donor:
                candidates = [d for d in candidates if _same_donor(d.donor, claim.donor)]
            if candidates:
                best = min(candidates, key=lambda d: abs(d.amount - claim.amount))
                found[claim.id] = best
                used.add(best.id)
    return found


def _not_pledge_span(text: str, sentence: str, figure: str) -> Span | None:
    where = _span_of(text, sentence)
    if where is None:
        return None
    inside = sentence.find(figure)
    if inside < 0:
        return where
    return Span(where.start + inside, where.start + inside + len(figure))


def score_text(labelled: LabelledText, drafts: Drafts) -> TextScore:
    score = TextScore(labelled.event, labelled.id, labelled.publisher, supported=drafts.supported)
    score.claims = len(labelled.claims)
    score.not_pledges = len(labelled.not_pledges)
    if not drafts.supported:
        return score
    text = labelled.text
    in_text = [c for c in labelled.claims if _span_of(text, c.quote) is not None]
    score.not_in_text = score.claims - len(in_text)
    found = match(drafts.drafts, in_text, text)
    score.found = len(found)
    score.drafts = len(drafts.drafts)
    used = {d.id for d in found.values()}
    score.unmatched = sum(1 for d in drafts.drafts if d.id not in used)
    score.spurious = [f"{d.figure.text} | {d.quote[:110]}" for d in drafts.drafts if d.id not in used]
    score.missed = [f"{c.id} {c.amount} {c.currency} | {c.quote[:140]}" for c in in_text if c.id not in found]
    for name in (*FIELDS, *INFORMATIONAL_FIELDS):
        score.right[name] = 0
    for claim in in_text:
        draft = found.get(claim.id)
        if draft is None:
            continue
        for name in (*FIELDS, *INFORMATIONAL_FIELDS):
            if field_right(name, draft, claim):
                score.right[name] += 1
            elif name in FIELDS:
                score.wrong.append(f"{claim.id} {name}: {_shown(name, draft, claim)}")
    for item in labelled.not_pledges:
        where = _not_pledge_span(text, item.sentence, item.figure)
        if where is None:
            continue
        hit = next((d for d in drafts.drafts if d.figure.span.overlaps(where)), None)
        if hit is not None:
            score.not_pledges_drafted += 1
            score.drafted_not_pledges.append(f"{item.figure} ({item.why}) drafted as {hit.id}")
    return score


# ---- the whole corpus --------------------------------------------------------------------------------


@dataclass(slots=True)
class Totals:
    texts: int = 0
    unsupported: list[str] = field(default_factory=list)
    claims: int = 0
    not_in_text: int = 0
    found: int = 0
    drafts: int = 0
    unmatched: int = 0
    not_pledges: int = 0
    not_pledges_drafted: int = 0
    right: dict[str, int] = field(default_factory=dict)

    @property
    def findable(self) -> int:
        return self.claims - self.not_in_text

    @property
    def found_share(self) -> Decimal:
        return _share(self.found, self.findable)

    @property
    def real_share(self) -> Decimal:
        return _share(self.drafts - self.unmatched, self.drafts)

    @property
    def not_pledge_share(self) -> Decimal:
        return _share(self.not_pledges_drafted, self.not_pledges)

    def field_share(self, name: str) -> Decimal:
        return _share(self.right.get(name, 0), self.found)

    @property
    def fields_share(self) -> Decimal:
        return _share(sum(self.right.get(n, 0) for n in FIELDS), self.found * len(FIELDS))


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1")) if whole else Decimal(0)


def draft_event_texts(event: Event) -> list[tuple[LabelledText, Drafts]]:
    return [(text, draft_claims(text.text, source_of(text))) for text in event.texts]


def score_corpus(
    events: Sequence[Event],
) -> tuple[Totals, list[TextScore], dict[str, list[tuple[LabelledText, Drafts]]]]:
    totals = Totals(right=dict.fromkeys((*FIELDS, *INFORMATIONAL_FIELDS), 0))
    scores: list[TextScore] = []
    drafted: dict[str, list[tuple[LabelledText, Drafts]]] = {}
    for event in events:
        drafted[event.file] = []
        for text in event.texts:
            started = time.perf_counter()
            drafts = draft_claims(text.text, source_of(text))
            seconds = time.perf_counter() - started
            drafted[event.file].append((text, drafts))
            score = score_text(text, drafts)
            score.seconds = seconds
            scores.append(score)
            totals.texts += 1
            if not score.supported:
                totals.unsupported.append(f"{event.file} {text.id} ({text.publisher}): {drafts.notes[0]}")
                continue
            totals.claims += score.claims
            totals.not_in_text += score.not_in_text
            totals.found += score.found
            totals.drafts += score.drafts
            totals.unmatched += score.unmatched
            totals.not_pledges += score.not_pledges
            totals.not_pledges_drafted += score.not_pledges_drafted
            for name, right in score.right.items():
                totals.right[name] = totals.right.get(name, 0) + right
    return totals, scores, drafted


# ---- end to end: reconcile the drafted ledger --------------------------------------------------------


def _template_words(qualifiers: Sequence[str]) -> list[str]:
    words: list[str] = []
    for item in qualifiers:
        kind, _, target = item.partition(":")
        match kind:
            case "aggregate" | "repackaged" | "baseline":
                words.append(kind)
            case "previously_announced":
                words.append("repackaged")
            case "already_provided":
                words.append("already provided")
            case "per_year":
                words.append("per year")
            case "increase":
                words.append("increase")
            case "in_addition_to" | "includes" | "part_of" | "increase_from" if target:
                words.append(f"{kind.replace('_', ' ')} {target}")
    return list(dict.fromkeys(words))


def hand_typed_ledger(event: Event) -> Ledger:
    """The event's own labelled claims as a ledger, qualifiers in the template's words."""
    sources = [
        {
            "id": t.id,
            "publisher": t.publisher,
            "title": t.title,
            "date": t.date.isoformat() if t.date else None,
            "url": t.url,
        }
        for t in event.texts
    ]
    claims = [
        {
            "id": c.id,
            "source": c.source,
            "donor": c.donor,
            "announced_by": c.announced_by,
            "recipient": c.recipient,
            "purpose": c.purpose,
            "amount": str(c.amount),
            "currency": c.currency,
            "approximation": c.approx.replace("_", " "),
            "period": c.period or "",
            "instrument": c.instrument,
            "qualifiers": _template_words(c.qualifiers),
            "quote": c.quote,
        }
        for t in event.texts
        for c in t.claims
    ]
    return build_ledger({"name": event.name, "sources": sources, "claims": claims}).unwrap()


def drafted_ledger(drafted: Sequence[tuple[LabelledText, Drafts]]) -> Ledger:
    return with_drafts(Ledger(), [d for _, d in drafted if d.supported])


@dataclass(frozen=True, slots=True)
class EndToEnd:
    event: str
    currency: str
    naive: Decimal  # the analyst's naive sum
    low: Decimal
    high: Decimal
    hand_distinct: Decimal | None
    drafted_naive: Decimal | None
    drafted_distinct: Decimal | None

    @property
    def analyst(self) -> Decimal:
        return (self.low + self.high) / 2

    def removed(self, distinct: Decimal | None) -> Decimal | None:
        """The share of the naive overcount (naive sum - the analyst's figure) a ledger's distinct total
        removes: 100% when it lands on the analyst's figure."""
        overcount = self.naive - self.analyst
        if distinct is None or overcount <= 0:
            return None
        return ((self.naive - distinct) / overcount * 100).quantize(Decimal("1"))


def end_to_end(
    events: Sequence[Event], drafted: dict[str, list[tuple[LabelledText, Drafts]]]
) -> list[EndToEnd]:
    rows = []
    for event in events:
        hand = reconcile(hand_typed_ledger(event))
        mine = reconcile(drafted_ledger(drafted[event.file]))
        hand_totals = {t.currency: t for t in hand.totals}
        mine_totals = {t.currency: t for t in mine.totals}
        for currency, expected in sorted(event.expected_totals.items()):
            h, m = hand_totals.get(currency), mine_totals.get(currency)
            rows.append(
                EndToEnd(
                    event=event.file.split("/")[-1].removesuffix(".yaml"),
                    currency=currency,
                    naive=expected.get("naive_sum", Decimal(0)),
                    low=expected.get("low", Decimal(0)),
                    high=expected.get("high", Decimal(0)),
                    hand_distinct=h.distinct.nominal if h else None,
                    drafted_naive=m.naive if m else None,
                    drafted_distinct=m.distinct.nominal if m else None,
                )
            )
    return rows


# ---- speed -------------------------------------------------------------------------------------------


def speed(events: Sequence[Event], words: int = 2000, repeats: int = 7) -> tuple[float, float, int]:
    """Median and worst seconds to draft an article of about `words` words made of the corpus's English texts."""
    pieces = [t.text for e in events for t in e.texts if draft_claims(t.text[:400]).supported]
    article: list[str] = []
    count = 0
    for piece in pieces:
        article.append(piece)
        count += len(piece.split())
        if count >= words:
            break
    text = "\n\n".join(article)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        draft_claims(text, DraftSource())
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), max(timings), len(text.split())


# ---- printing ----------------------------------------------------------------------------------------


def _money(amount: Decimal | None) -> str:
    if amount is None:
        return "-"
    return f"{amount / Decimal(10) ** 6:,.0f}m"


def print_report(out: Callable[[str], None], details: bool, texts: bool) -> int:
    """Draft and score the corpus, and print the report through `out`: one line per text (`texts`), the
    measures against their targets, end to end, the speed, and every miss (`details`). 2 when the
    corpus is not there."""
    folder = events_folder()
    if not folder.is_dir():
        print(
            f"{folder} is not there: the benchmark reads the labelled events from ../shared/events",
            file=sys.stderr,
        )
        return 2
    events = load_events(folder)
    totals, scores, drafted = score_corpus(events)
    # Sections are generators, so each is computed only when printed: the speed is measured last.
    sections: tuple[Iterable[str], ...] = (
        _text_lines(scores) if texts else (),
        _measure_lines(totals),
        _end_to_end_lines(events, drafted),
        _speed_lines(events),
        _detail_lines(scores) if details else (),
    )
    for section in sections:
        for line in section:
            out(line)
    return 0


def _text_lines(scores: Sequence[TextScore]) -> Iterator[str]:
    """One table row per text: its claims, what was found and drafted, and its fields right."""
    yield "| event | text | publisher | claims | found | drafts | unmatched | not-pledges drafted | fields right |"
    yield "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for score in scores:
        yield _text_row(score)
    yield ""


def _text_row(score: TextScore) -> str:
    """A text's row; a text in a language the drafter does not read says so and has no counts."""
    if not score.supported:
        return f"| {score.event[:40]} | {score.text_id} | {score.publisher[:30]} | {score.claims} | not supported | | | | |"
    fields = sum(score.right.get(n, 0) for n in FIELDS)
    return (
        f"| {score.event[:40]} | {score.text_id} | {score.publisher[:30]} | {score.claims - score.not_in_text} | {score.found} | {score.drafts} "
        f"| {score.unmatched} | {score.not_pledges_drafted}/{score.not_pledges} | {fields}/{score.found * len(FIELDS)} |"
    )


def _measure_lines(totals: Totals) -> Iterator[str]:
    """The corpus's measures against their targets, field by field."""
    yield f"Texts: {totals.texts} ({len(totals.unsupported)} not supported: not in English)"
    for line in totals.unsupported:
        yield f"  not supported: {line}"
    yield ""
    yield "| measure | result | target |"
    yield "| --- | --- | --- |"
    yield f"| claims found | {totals.found}/{totals.findable} = {totals.found_share}% | >= 90% |"
    yield f"| drafts that are real claims | {totals.drafts - totals.unmatched}/{totals.drafts} = {totals.real_share}% | >= 85% |"
    yield f"| not-pledge figures drafted | {totals.not_pledges_drafted}/{totals.not_pledges} = {totals.not_pledge_share}% | <= 10% |"
    yield f"| fields right (of claims found) | {totals.fields_share}% | >= 85% |"
    for name in FIELDS:
        yield f"| - {name} | {totals.right.get(name, 0)}/{totals.found} = {totals.field_share(name)}% | |"
    for name in INFORMATIONAL_FIELDS:
        yield f"| - {name} (shares a word; not in the total) | {totals.right.get(name, 0)}/{totals.found} = {totals.field_share(name)}% | |"
    yield ""
    if totals.not_in_text:
        yield f"({totals.not_in_text} labelled claims quote sentences not in the stored text and are left out.)"


def _end_to_end_lines(
    events: Sequence[Event], drafted: dict[str, list[tuple[LabelledText, Drafts]]]
) -> Iterator[str]:
    """Each event's totals: the analyst's, the hand-typed ledger's and the drafted ledger's."""
    yield "End to end: each event's drafts reconciled, against the analyst's totals and the hand-typed ledger"
    yield "(overcount = naive sum - the analyst's figure, the middle of their range; removed = (naive - distinct) / overcount)"
    yield ""
    yield "| event | currency | naive (analyst) | analyst range | hand-typed distinct | removed | drafted naive | drafted distinct | removed |"
    yield "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for row in end_to_end(events, drafted):
        yield (
            f"| {row.event} | {row.currency} | {_money(row.naive)} | {_money(row.low)}-{_money(row.high)} "
            f"| {_money(row.hand_distinct)} | {_percent(row.removed(row.hand_distinct))} "
            f"| {_money(row.drafted_naive)} | {_money(row.drafted_distinct)} | {_percent(row.removed(row.drafted_distinct))} |"
        )
    yield ""


def _percent(share: Decimal | None) -> str:
    """A share removed, "-" when there is none to show (no total, or no overcount)."""
    return "-" if share is None else f"{share}%"


def _speed_lines(events: Sequence[Event]) -> Iterator[str]:
    """The time to draft a 2,000-word article, measured when the line is printed."""
    median, worst, words = speed(events)
    yield f"Speed: a {words}-word article drafted in {median * 1000:.0f} ms (median of 7; worst {worst * 1000:.0f} ms; target < 300 ms)"


def _detail_lines(scores: Sequence[TextScore]) -> Iterator[str]:
    """Every miss, spurious draft, not-pledge drafted and wrong field, text by text."""
    yield ""
    for score in scores:
        if not score.supported or not (
            score.missed or score.spurious or score.wrong or score.drafted_not_pledges
        ):
            continue
        yield f"## {score.event} {score.text_id} ({score.publisher})"
        yield from (f"  missed {item}" for item in score.missed)
        yield from (f"  matches nothing: {item}" for item in score.spurious)
        yield from (f"  not a pledge, drafted: {item}" for item in score.drafted_not_pledges)
        yield from (f"  wrong {item}" for item in score.wrong)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.drafting", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--texts", action="store_true", help="one line per text")
    parser.add_argument("--details", action="store_true", help="every miss, spurious draft and wrong field")
    args = parser.parse_args(argv)
    return print_report(print, args.details, args.texts)


if __name__ == "__main__":
    raise SystemExit(main())
