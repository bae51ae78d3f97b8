"""How drafts look: the article as runs of text (plain, a drafted figure, a skipped figure) to highlight side
by side with the drafts, each draft as a card of typed fields with the words that decided each, the figures
not taken with why, and the API's JSON of all of it.

Every piece of the text stays text: the template escapes each run, nothing is marked safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ledger.drafting import EDITABLE_FIELDS, Draft, Drafts, Evidence, FieldProblem, draft_fields

LABELS = {
    "donor": "Donor",
    "announced_by": "Announced by",
    "recipient": "Recipient",
    "purpose": "Purpose",
    "amount": "Amount",
    "currency": "Currency",
    "approximation": "Approximation",
    "period": "Period",
    "instrument": "Instrument",
    "qualifiers": "Qualifiers",
}
# the choices of the fields that have few; the parser reads each (an empty instrument is "unknown")
CHOICES = {
    "approximation": ("exact", "about", "nearly", "more than", "up to"),
    "instrument": ("", "grant", "loan", "guarantee", "debt relief", "in kind", "mixed"),
}
HINTS = {
    "amount": "a number, or 300m, 1.2bn",
    "currency": "ISO 4217: USD, EUR, GBP…",
    "period": "2011, 2011-2013, 2011-06-22 to 2013-06-21, unknown",
    "qualifiers": "separated by “;”, naming other drafts by id: in addition to D2; already provided",
}
# where the article form's fields are, for a problem's link
ARTICLE_FIELD_IDS = {
    "text": "article-text",
    "file": "article-file",
    "publisher": "source-publisher",
    "title": "source-title",
    "date": "source-date",
    "url": "source-url",
    "name": "ledger-name",
}


@dataclass(frozen=True)
class Run:
    """A stretch of the text: plain (`kind` ""), a drafted figure ("claim") or a figure not taken
    ("skipped"), with where it leads (`target`), its own id and why."""

    text: str
    kind: str = ""
    target: str = ""
    anchor: str = ""
    title: str = ""


@dataclass(frozen=True)
class Why:
    """The words that decided a field, and the rule that read them."""

    words: str
    rule: str


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    value: str
    whys: tuple[Why, ...] = ()
    problem: str = ""
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class DraftCard:
    id: str
    figure: str
    reason: str
    confidence: int
    doubts: tuple[str, ...]
    notes: tuple[str, ...]
    quote: str
    ticked: bool
    fields: tuple[FieldView, ...]
    problems: tuple[str, ...] = ()  # the draft's own (an unknown one), not a field's
    claim: bool = True  # False: a figure the drafter set aside (offered unticked), `reason` says why
    words: str = ""  # the words that decided whether it is a claim


@dataclass(frozen=True)
class SkippedView:
    anchor: str
    figure_anchor: str  # the figure's own id in the text
    figure: str
    reason: str
    words: str
    quote: str


@dataclass(frozen=True)
class ProblemLine:
    """A problem as listed above a form: its words, and the id of the field it is about (or "")."""

    text: str
    anchor: str = ""


def text_runs(drafts: Drafts) -> list[Run]:
    """The text cut at every figure: each drafted figure leads to its draft, each skipped one to its reason."""
    marks: list[tuple[int, int, Run]] = []
    for draft in drafts.drafts:
        span = draft.figure.span
        marks.append(
            (
                span.start,
                span.end,
                Run(
                    "",
                    "claim",
                    f"draft-{draft.id}",
                    f"figure-{draft.id}",
                    f"Drafted as {draft.id}: {draft.reason}",
                ),
            )
        )
    for number, figure in enumerate(drafts.skipped, start=1):
        # a money figure set aside leads to its (unticked) draft; a percentage to its line in the list
        leads_to = f"draft-{figure.draft.id}" if figure.draft else f"skipped-{number}"
        anchor = f"figure-{figure.draft.id}" if figure.draft else f"skipped-figure-{number}"
        marks.append(
            (
                figure.span.start,
                figure.span.end,
                Run("", "skipped", leads_to, anchor, f"Not a claim: {figure.reason}"),
            )
        )
    marks.sort(key=lambda mark: (mark[0], -mark[1]))
    runs: list[Run] = []
    at = 0
    text = drafts.text
    for start, end, mark in marks:
        if start < at or end <= start or end > len(text):
            continue  # inside one already marked (a conversion in brackets): shown by its draft
        if start > at:
            runs.append(Run(text[at:start]))
        runs.append(Run(text[start:end], mark.kind, mark.target, mark.anchor, mark.title))
        at = end
    if at < len(text):
        runs.append(Run(text[at:]))
    return runs


def _whys(evidence: Iterable[Evidence]) -> tuple[Why, ...]:
    """The evidence in words; a rule that quotes its words already ("this year": "this year") says it once."""
    return tuple(
        Why("" if e.words and f'"{e.words}"' in e.rule else e.words, e.rule)
        for e in evidence
        if e.words or e.rule
    )


def _field(draft: Draft, name: str, value: str, problem: str) -> FieldView:
    choices = CHOICES.get(name, ())
    if choices and value not in choices:
        choices = (*choices, value)  # what was sent is shown as sent, to be corrected
    return FieldView(
        name=name,
        label=LABELS[name],
        value=value,
        whys=_whys(draft.why(name)),
        problem=problem,
        choices=choices,
        hint=HINTS.get(name, ""),
    )


def draft_cards(
    drafts: Drafts,
    *,
    ticked: Iterable[str] | None = None,
    typed: Mapping[str, Mapping[str, str]] | None = None,
    problems: Iterable[FieldProblem] = (),
) -> list[DraftCard]:
    """Each draft as a card, the claims first (ticked unless left out), then the money figures set aside
    (unticked unless ticked): its fields as typed (or as drafted), why, how sure, the problems."""
    kept = None if ticked is None else set(ticked)
    typed = typed or {}
    by_field: dict[tuple[str, str], list[str]] = {}
    for problem in problems:
        by_field.setdefault((problem.draft, problem.field), []).append(problem.message)
    claims = {d.id for d in drafts.drafts}
    cards = []
    for draft in (*drafts.drafts, *drafts.set_aside):
        values = {**draft_fields(draft), **typed.get(draft.id, {})}
        fields = tuple(
            _field(draft, name, values[name], "; ".join(by_field.get((draft.id, name), ())))
            for name in EDITABLE_FIELDS
        )
        own = tuple(
            f"{field}: {message}"
            for (draft_id, field), messages in by_field.items()
            if draft_id == draft.id and field not in EDITABLE_FIELDS
            for message in messages
        )
        is_claim = draft.id in claims
        cards.append(
            DraftCard(
                id=draft.id,
                figure=draft.figure.text,
                reason=draft.reason,
                confidence=draft.confidence.score,
                doubts=tuple(r for r in draft.confidence.reasons if not r.startswith("not a claim: ")),
                notes=draft.notes,
                quote=draft.quote,
                ticked=is_claim if kept is None else draft.id in kept,
                fields=fields,
                problems=own,
                claim=is_claim,
                words=_claim_words(draft),
            )
        )
    return cards


def _claim_words(draft: Draft) -> str:
    """The words that decided whether the figure is a claim, unless its reason quotes them already."""
    words = next((e.words for e in draft.why("claim") if e.words), "")
    return "" if f'"{words}"' in draft.reason else words


def skipped_views(drafts: Drafts) -> list[SkippedView]:
    """The figures not taken that have no draft to tick (percentages), each with why."""
    return [
        SkippedView(
            f"skipped-{number}",
            f"skipped-figure-{number}",
            figure.text,
            figure.reason,
            figure.words,
            figure.quote,
        )
        for number, figure in enumerate(drafts.skipped, start=1)
        if figure.draft is None
    ]


def problem_lines(problems: Iterable[FieldProblem]) -> list[ProblemLine]:
    """Problems in words, each linked to its field: "draft D3, amount: ..." or "date: ..."."""
    lines = []
    for problem in problems:
        if problem.draft:
            anchor = f"{problem.draft}-{problem.field}" if problem.field in EDITABLE_FIELDS else ""
            lines.append(ProblemLine(str(problem), anchor))
        else:
            label = LABELS.get(problem.field, problem.field)
            lines.append(ProblemLine(f"{label}: {problem.message}", ARTICLE_FIELD_IDS.get(problem.field, "")))
    return lines


def source_words(drafts: Drafts) -> str:
    """The source in a few words: "CNN, 22 June 2011" / "CNN" / "the text"."""
    source = drafts.source
    named = source.publisher or source.title
    when = source.date.isoformat() if source.date else ""
    return ", ".join(w for w in (named, when) if w) or "the text"


# ---- the API's JSON ---------------------------------------------------------------------------------------------


def _evidence_json(evidence: Evidence) -> dict[str, Any]:
    return {
        "field": evidence.field,
        "words": evidence.words,
        "rule": evidence.rule,
        "start": evidence.span.start if evidence.span else None,
        "end": evidence.span.end if evidence.span else None,
    }


def draft_json(draft: Draft) -> dict[str, Any]:
    """A draft: its figure and sentence (offsets into the text), its fields as typed, why, how sure."""
    return {
        "id": draft.id,
        "figure": {
            "text": draft.figure.text,
            "start": draft.figure.span.start,
            "end": draft.figure.span.end,
        },
        "sentence": {"start": draft.sentence.start, "end": draft.sentence.end},
        "quote": draft.quote,
        "fields": draft_fields(draft),
        "reason": draft.reason,
        "confidence": {"score": draft.confidence.score, "reasons": list(draft.confidence.reasons)},
        "evidence": [_evidence_json(e) for e in draft.evidence],
        "notes": list(draft.notes),
    }


def drafts_json(drafts: Drafts, fingerprint: str) -> dict[str, Any]:
    """Everything drafted from one text: the text as drafted (the offsets are into it), its source, the
    drafts and the figures not taken."""
    source = drafts.source
    return {
        "text": drafts.text,
        "language": drafts.language,
        "notes": list(drafts.notes),
        "source": {
            "publisher": source.publisher,
            "title": source.title,
            "date": source.date.isoformat() if source.date else None,
            "url": source.url,
        },
        "fingerprint": fingerprint,
        "drafts": [draft_json(d) for d in drafts.drafts],
        "skipped": [
            {
                "figure": s.text,
                "start": s.span.start,
                "end": s.span.end,
                "quote": s.quote,
                "reason": s.reason,
                "words": s.words,
                "draft": None if s.draft is None else draft_json(s.draft),
            }
            for s in drafts.skipped
        ],
    }
