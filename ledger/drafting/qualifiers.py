"""What a text says about a claim's relation to other money, in its sentence or the sentences around it.

- "in addition to $200 million", "on top of $1bn": the figure before it is on top of the one after;
  "That money will be in addition to ..." speaks of the claim of the sentence before.
- "increased from $260m in 2010 to almost $300m": the later figure is an increase from the earlier,
  which is a baseline; "would increase its aid to nearly $300m": an increase from a level not given.
- "including $1.8 billion", "of which", "The sum includes $20bn": a part of a total.
- "in total", "combined", collective donors: an aggregate over donors.
- "already provided", "has spent", "handed over": past money; "already pledged", "announced earlier",
  "re-iterated", "ahead of the conference": announced before (repackaged, for the ledger).
- "a year", "annually": per year. "(US$1.17 billion)": an outlet's conversion, the same claim.
- "may announce 'repackaging'" in a sentence with no figure: the claims of the person or donor it names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ledger.core.model import Qualifier, QualifierKind
from ledger.drafting.parties import collective_kind
from ledger.drafting.values import Draft, Evidence, Span
from ledger.drafting.view import SentenceView

__all__ = ["Drafted", "qualify", "qualify_across_sentences"]

_ADDITION = re.compile(r"\b(?:in\saddition\sto|on\stop\sof|additional\sto|over\sand\sabove)\b", re.IGNORECASE)
_ANOTHER = re.compile(
    r"\b(?:an\sadditional|a\sfurther|another|an\sextra|additional)\s(?:\S+\s){0,2}$", re.IGNORECASE
)
_THAT_MONEY = re.compile(
    r"^(?:That|This|The)\s(?:money|pledge|sum|amount|aid|funding|assistance|package|commitment|contribution)\b"
    r"|^(?:It|This)\s(?:will|would|is|comes)\b",
)
_INCREASE = re.compile(
    r"\b(?:increas\w*|rais\w*|ris\w*|rose|boost\w*|doubl\w*|grow\w*|grew|lift\w*|expand\w*)\b", re.IGNORECASE
)
_INCLUDES = re.compile(
    r"\b(?:including|includes|included|of\swhich|of\sthis|inc\.?)\s(?:about\s|some\s|a\s)?$", re.IGNORECASE
)
_SUM_REFERENCE = re.compile(r"\b(?:The|This|That)\s(?:sum|total|figure|amount|\$[\d.,]+\s\w+\sfigure)\b")
_TOTAL_WORDS = re.compile(
    r"\b(?:in\stotal|in\sall|a\stotal\sof|total|totall?ing|totall?ed|combined|altogether|together|overall)\b",
    re.IGNORECASE,
)
_RUNNING_TOTAL = re.compile(
    r"\b(?:bring\w*|brought|rais\w*)\b.{0,60}\btotal\b|\btotal\b.{0,40}\bto\s$", re.IGNORECASE
)
_ALREADY_PROVIDED = re.compile(
    r"\b(?:already\s(?:has\s|have\s|had\s)?(?:provided|spent|given|disbursed|delivered|paid|handed\sover)"
    r"|(?:has|have|had)\s(?:already\s)?(?:been\s)?(?:provided|spent|disbursed|handed\sover|paid\sout)"
    r"|(?:has|have|had)\s(?:generously\s)?provided|handed\sover|been\sdisbursed|has\sbeen\s\w+\sproviding)\b",
    re.IGNORECASE,
)
_ANNOUNCED_BEFORE = re.compile(
    r"\b(?:already\s(?:has\s|have\s|had\s)?(?:pledged|promised|announced|committed)|previously\s(?:announced|pledged|promised)"
    r"|(?:announced|pledged|promised|committed)\searlier|earlier\s(?:announced|pledged|promised)|re-?iterated"
    r"|re-?announced|reaffirmed|repeated\s(?:its|their|his|her)|ahead\sof\sthe\sconference|before\sthe\sconference"
    r"|last\sweek|repackag\w*|recycled)\b",
    re.IGNORECASE,
)
_PER_YEAR = re.compile(
    r"^\W*(?:a\syear|per\syear|each\syear|every\syear|annually|per\sannum|a\syear\sfor)\b", re.IGNORECASE
)
_REPACKAGING = re.compile(r"\b(?:repackag\w*|recycl\w*|re-?announc\w*|re-?packag\w*)\b", re.IGNORECASE)
_PROPOSED = re.compile(
    r"\b(?:aim\w*\sto|try\sto|seek\sto|plans?\sto|intends?\sto|would\sseek|proposed?|request)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Drafted:
    """A draft with the sentence and figure it came from, while the text's drafts are being finished."""

    view: SentenceView
    number: int  # the figure's index among the sentence's figures
    draft: Draft


def _add(drafted: Drafted, qualifier: Qualifier, words: str, rule: str, span: Span | None = None) -> Drafted:
    draft = drafted.draft
    if qualifier in draft.qualifiers:
        return drafted
    evidence = Evidence("qualifiers", words, rule, span)
    return replace(
        drafted,
        draft=replace(draft, qualifiers=(*draft.qualifiers, qualifier), evidence=(*draft.evidence, evidence)),
    )


def _note(drafted: Drafted, note: str) -> Drafted:
    if note in drafted.draft.notes:
        return drafted
    return replace(drafted, draft=replace(drafted.draft, notes=(*drafted.draft.notes, note)))


def qualify(drafted: list[Drafted]) -> list[Drafted]:
    """The qualifiers each sentence gives its own drafts, and those it gives the sentence before's."""
    out = list(drafted)
    by_sentence: dict[int, list[int]] = {}
    for position, item in enumerate(out):
        by_sentence.setdefault(item.view.number, []).append(position)
    for sentence, positions in sorted(by_sentence.items()):
        previous = _previous_drafts(by_sentence, sentence)
        for position in positions:
            out[position] = _own(out[position])
        _relations(out, positions, [out[p] for p in previous], previous)
    return out


def _previous_drafts(by_sentence: dict[int, list[int]], sentence: int) -> list[int]:
    earlier = [s for s in by_sentence if sentence - 2 <= s < sentence]
    return by_sentence[max(earlier)] if earlier else []


def _own(item: Drafted) -> Drafted:
    """Qualifiers read from the figure's own clause."""
    view, number, draft = item.view, item.number, item.draft
    placed = view.figures[number]
    start, end = view.clause_bounds(placed.first)
    clause = view.words(start, end)
    before = view.text[view.tokens[start].start : placed.found.span.start]
    after = view.text[placed.found.span.end : view.tokens[end].end]
    if collective_kind(draft.donor) or " and " in draft.donor:
        item = _add(item, Qualifier(QualifierKind.AGGREGATE), draft.donor, "a total over several donors")
    elif (total := _TOTAL_WORDS.search(before[-60:])) is not None and _is_union(draft.donor):
        item = _add(item, Qualifier(QualifierKind.AGGREGATE), total.group(), "a total of a union's members")
    if (already := _ALREADY_PROVIDED.search(clause)) is not None:
        item = _add(item, Qualifier(QualifierKind.ALREADY_PROVIDED), already.group(), "money provided before")
    elif (announced := _ANNOUNCED_BEFORE.search(after[:80] + " " + before[-80:])) is not None:
        item = _add(item, Qualifier(QualifierKind.REPACKAGED), announced.group(), "announced before: not new")
        item = _note(item, "previously announced")
    if (yearly := _PER_YEAR.search(after)) is not None:
        item = _add(item, Qualifier(QualifierKind.PER_YEAR), yearly.group().strip(), "a yearly figure")
    if _PROPOSED.search(before[-60:]):
        item = _note(item, "proposed")
    return item


def _is_union(donor: str) -> bool:
    return donor in ("European Union",)


def _relations(
    out: list[Drafted], positions: list[int], previous: list[Drafted], previous_positions: list[int]
) -> None:
    """Relations between the figures of one sentence, and to the claims of the sentence before."""
    if not positions:
        return
    view = out[positions[0]].view
    by_number = {out[p].number: p for p in positions}
    for position in positions:
        item = out[position]
        placed = view.figures[item.number]
        before = view.text[view.span.start : placed.found.span.start]
        earlier_numbers = [n for n in by_number if n < item.number and view.figures[n].converts is None]
        # a conversion in brackets: the same claim in another currency
        if placed.converts is not None and placed.converts in by_number:
            origin = out[by_number[placed.converts]].draft
            out[position] = _add(
                _note(item, f"converted: the outlet's conversion of {origin.figure.text}"),
                Qualifier(QualifierKind.SAME_AS, origin.id),
                placed.found.text,
                f"an outlet's conversion of {origin.figure.text}: the same claim",
            )
            continue
        # "in addition to $200 million", "on top of the $1bn": the nearest figure before is on top of this one
        addition = None
        for match in _ADDITION.finditer(before):
            addition = match
        if (
            addition is not None
            and view.text[view.span.start + addition.end() : placed.found.span.start].count(" ") <= 5
        ):
            target = out[position]
            phrase_at = view.span.start + addition.start()
            earlier = [n for n in earlier_numbers if view.figures[n].found.span.end <= phrase_at]
            if earlier:
                source_position = by_number[earlier[-1]]
                out[source_position] = _add(
                    out[source_position],
                    Qualifier(QualifierKind.IN_ADDITION_TO, target.draft.id),
                    addition.group(),
                    f'"{addition.group()} {placed.found.text}": separate money',
                )
            elif previous and (that := _THAT_MONEY.search(view.quote)) is not None:
                source_position = previous_positions[-1]
                out[source_position] = _add(
                    out[source_position],
                    Qualifier(QualifierKind.IN_ADDITION_TO, target.draft.id),
                    f"{that.group()} ... {addition.group()}",
                    "the next sentence says this money is on top of another figure",
                )
        elif (another := _ANOTHER.search(before[-40:])) is not None and earlier_numbers:
            source = out[by_number[earlier_numbers[-1]]]
            if source.draft.donor == item.draft.donor:
                out[position] = _add(
                    item,
                    Qualifier(QualifierKind.IN_ADDITION_TO, source.draft.id),
                    another.group().strip(),
                    f"more money on top of {source.draft.figure.text}",
                )
        # "from $260m in 2010 to almost $300m": an increase over a baseline
        item = out[position]
        if earlier_numbers:
            base_number = earlier_numbers[-1]
            base_placed = view.figures[base_number]
            between = view.text[base_placed.found.span.end : placed.found.span.start]
            lead = view.text[view.span.start : base_placed.found.span.start]
            if (
                re.search(r"\bto\s(?:\S+\s)?$", between)
                and re.search(r"\bfrom\s$", lead)
                and _INCREASE.search(lead[-60:])
            ):
                base_position = by_number[base_number]
                out[position] = _add(
                    item,
                    Qualifier(QualifierKind.INCREASE_FROM, out[base_position].draft.id),
                    view.text[base_placed.found.span.start - 5 : placed.found.span.end],
                    "an increase from the earlier figure",
                )
                out[base_position] = _add(
                    out[base_position],
                    Qualifier(QualifierKind.BASELINE),
                    "from " + base_placed.found.text,
                    "the level before an increase",
                )
                continue
        rise = _INCREASE.search(before[-80:])
        if rise is not None and re.search(r"\bto\s(?:\S+\s)?$", before) and not earlier_numbers:
            out[position] = _add(
                item, Qualifier(QualifierKind.INCREASE_FROM), rise.group(), "an increase to this level"
            )
        # "including about US$1.8 billion", "of which", "(inc new $770m)": a part of the figure before
        item = out[position]
        includes = _INCLUDES.search(before[-40:])
        if includes is not None:
            whole_position: int | None = None
            if earlier_numbers:
                whole_position = by_number[earlier_numbers[-1]]
            elif previous and _SUM_REFERENCE.search(view.quote):
                whole_position = previous_positions[-1]
            if whole_position is not None:
                whole = out[whole_position]
                out[position] = _add(
                    item,
                    Qualifier(QualifierKind.PART_OF, whole.draft.id),
                    includes.group().strip(),
                    f"a part of {whole.draft.figure.text}",
                )
                out[whole_position] = _add(
                    whole,
                    Qualifier(QualifierKind.INCLUDES, out[position].draft.id),
                    includes.group().strip(),
                    f"includes {placed.found.text}",
                )
        # "bring its total to $2 billion": a running total holding the figure before
        item = out[position]
        if _RUNNING_TOTAL.search(before) and not collective_kind(item.draft.donor):
            part = [n for n in earlier_numbers if out[by_number[n]].draft.donor == item.draft.donor]
            part_position = by_number[part[-1]] if part else (previous_positions[-1] if previous else None)
            if part_position is not None and out[part_position].draft.donor == item.draft.donor:
                out[position] = _add(
                    item,
                    Qualifier(QualifierKind.INCLUDES, out[part_position].draft.id),
                    "total",
                    "a running total holding the pledge before",
                )


def qualify_across_sentences(drafted: list[Drafted], views: Sequence[SentenceView]) -> list[Drafted]:
    """Sentences with no figure that qualify claims: "Clinton may announce 'repackaging' some assistance"."""
    out = list(drafted)
    for view in views:
        if any(p.found.kind == "money" for p in view.figures):
            continue
        match = _REPACKAGING.search(view.quote)
        if match is None:
            continue
        words = {t.bare for t in view.tokens}
        donors = {p.name for p in view.parties}
        # the person the sentence names who announced a claim ("Clinton may announce ..."), by surname
        targets = [
            i
            for i, d in enumerate(out)
            if d.draft.announced_by and d.draft.announced_by.split()[-1].lower() in words
        ]
        if not targets and donors:
            targets = [i for i, d in enumerate(out) if d.draft.donor in donors]
        if not targets:
            targets = [i for i, d in enumerate(out) if d.view.number < view.number][-1:]
        for index in targets:
            out[index] = _add(
                _note(out[index], "may be repackaged"),
                Qualifier(QualifierKind.REPACKAGED),
                match.group(),
                f'"{match.group()}" said of this pledge in another sentence',
                Span(view.span.start + match.start(), view.span.start + match.end()),
            )
    return out
