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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ledger.core.model import Qualifier, QualifierKind
from ledger.drafting.parties import collective_kind
from ledger.drafting.values import Draft, Evidence, Span
from ledger.drafting.view import Placed, SentenceView

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
    if (already := _ALREADY_PROVIDED.search(clause)) is not None and _speaks_of_figure(
        view, number, view.tokens[start].start + already.start(), view.tokens[start].start + already.end()
    ):
        item = _add(item, Qualifier(QualifierKind.ALREADY_PROVIDED), already.group(), "money provided before")
    elif (announced := _ANNOUNCED_BEFORE.search(after[:80] + " " + before[-80:])) is not None:
        item = _add(item, Qualifier(QualifierKind.REPACKAGED), announced.group(), "announced before: not new")
        item = _note(item, "previously announced")
    if (yearly := _PER_YEAR.search(after)) is not None:
        item = _add(item, Qualifier(QualifierKind.PER_YEAR), yearly.group().strip(), "a yearly figure")
    if _PROPOSED.search(before[-60:]):
        item = _note(item, "proposed")
    return item


def _speaks_of_figure(view: SentenceView, number: int, phrase_start: int, phrase_end: int) -> bool:
    """Whether words of the clause (at those offsets) speak of figure `number`: not when another figure
    stands between them ("$0.5bn in new money, on top of the $1bn it has already spent")."""
    here = view.figures[number].found.span
    low, high = (here.end, phrase_start) if here.end <= phrase_start else (phrase_end, here.start)
    return not any(
        low <= other.found.span.start and other.found.span.end <= high
        for other in view.figures
        if other.converts is None and other.found.kind == "money"
    )


def _is_union(donor: str) -> bool:
    return donor in ("European Union",)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence's drafts while they are related: `out` is changed in place, draft by draft."""

    out: list[Drafted]
    view: SentenceView
    by_number: dict[int, int]  # figure number -> its draft's position in `out`
    previous: list[Drafted]  # the drafts of the sentence before
    previous_positions: list[int]

    def last_previous(self) -> int | None:
        """The position of the sentence before's last draft, None when it has none."""
        return self.previous_positions[-1] if self.previous else None


@dataclass(frozen=True, slots=True)
class _Figure:
    """One figure of the sentence, as the relation rules read it."""

    position: int  # its draft's position in `out`
    placed: Placed
    before: str  # the sentence up to the figure
    earlier: tuple[int, ...]  # the sentence's figures before it, conversions left out


def _relations(
    out: list[Drafted], positions: list[int], previous: list[Drafted], previous_positions: list[int]
) -> None:
    """Relations between the figures of one sentence, and to the claims of the sentence before."""
    if not positions:
        return
    view = out[positions[0]].view
    by_number = {out[p].number: p for p in positions}
    sentence = _Sentence(out, view, by_number, previous, previous_positions)
    for position in positions:
        number = out[position].number
        placed = view.figures[number]
        figure = _Figure(
            position,
            placed,
            view.text[view.span.start : placed.found.span.start],
            tuple(n for n in by_number if n < number and view.figures[n].converts is None),
        )
        for rule in _RELATION_RULES:
            if rule(sentence, figure):
                break


def _conversion(sentence: _Sentence, figure: _Figure) -> bool:
    """ "(US$1.17 billion)": a conversion in brackets is the same claim in another currency, nothing more."""
    converts = figure.placed.converts
    if converts is None or converts not in sentence.by_number:
        return False
    origin = sentence.out[sentence.by_number[converts]].draft
    sentence.out[figure.position] = _add(
        _note(sentence.out[figure.position], f"converted: the outlet's conversion of {origin.figure.text}"),
        Qualifier(QualifierKind.SAME_AS, origin.id),
        figure.placed.found.text,
        f"an outlet's conversion of {origin.figure.text}: the same claim",
    )
    return True


def _on_top_of(sentence: _Sentence, figure: _Figure) -> bool:
    """ "in addition to $200 million" just before the figure, else "an additional $50 million"."""
    addition = _addition_before(sentence, figure)
    if addition is not None:
        _in_addition_to(sentence, figure, addition)
    else:
        _more_of_the_same(sentence, figure)
    return False


def _addition_before(sentence: _Sentence, figure: _Figure) -> re.Match[str] | None:
    """The last "in addition to" before the figure, when at most five spaces stand between them."""
    addition = None
    for match in _ADDITION.finditer(figure.before):
        addition = match
    if addition is None:
        return None
    view = sentence.view
    if view.text[view.span.start + addition.end() : figure.placed.found.span.start].count(" ") > 5:
        return None
    return addition


def _in_addition_to(sentence: _Sentence, figure: _Figure, addition: re.Match[str]) -> None:
    """ "$50m in addition to $200 million": the nearest figure before the phrase is on top of this one;
    with none, "That money will be in addition to ..." speaks of the sentence before's last claim."""
    view, target = sentence.view, sentence.out[figure.position]
    phrase_at = view.span.start + addition.start()
    earlier = [n for n in figure.earlier if view.figures[n].found.span.end <= phrase_at]
    if earlier:
        source_position = sentence.by_number[earlier[-1]]
        sentence.out[source_position] = _add(
            sentence.out[source_position],
            Qualifier(QualifierKind.IN_ADDITION_TO, target.draft.id),
            addition.group(),
            f'"{addition.group()} {figure.placed.found.text}": separate money',
        )
    elif sentence.previous and (that := _THAT_MONEY.search(view.quote)) is not None:
        source_position = sentence.previous_positions[-1]
        sentence.out[source_position] = _add(
            sentence.out[source_position],
            Qualifier(QualifierKind.IN_ADDITION_TO, target.draft.id),
            f"{that.group()} ... {addition.group()}",
            "the next sentence says this money is on top of another figure",
        )


def _more_of_the_same(sentence: _Sentence, figure: _Figure) -> None:
    """ "an additional $50 million" from the donor of the figure before: more money on top of it. With
    no figure before it in the sentence, the same donor's last claim in the sentence before ("The bank
    gave $23m. An additional $500m ..."), else its later figure in the sentence ("a further $1.6m ...
    after its initial $100,000")."""
    another = _ANOTHER.search(figure.before[-40:])
    if another is None:
        return
    item = sentence.out[figure.position]
    source = _the_money_before(sentence, figure, item.draft.donor)
    if source is not None and source.draft.donor == item.draft.donor:
        sentence.out[figure.position] = _add(
            item,
            Qualifier(QualifierKind.IN_ADDITION_TO, source.draft.id),
            another.group().strip(),
            f"more money on top of {source.draft.figure.text}",
        )


def _the_money_before(sentence: _Sentence, figure: _Figure, donor: str) -> Drafted | None:
    """The claim "an additional" figure is on top of: see `_more_of_the_same`."""
    if figure.earlier:
        return sentence.out[sentence.by_number[figure.earlier[-1]]]
    if not donor:
        return None
    earlier = [
        d for d in sentence.previous if d.draft.donor == donor and d.view.figures[d.number].converts is None
    ]
    if earlier:
        return earlier[-1]
    number = sentence.out[figure.position].number
    later = [
        sentence.out[p]
        for n, p in sorted(sentence.by_number.items())
        if n > number and sentence.view.figures[n].converts is None and sentence.out[p].draft.donor == donor
    ]
    return later[0] if later else None


def _increase_from_earlier(sentence: _Sentence, figure: _Figure) -> bool:
    """ "from $260m in 2010 to almost $300m": an increase over the figure before, which is a baseline;
    the figure's relations are then settled."""
    if not figure.earlier:
        return False
    view = sentence.view
    base_number = figure.earlier[-1]
    base_placed = view.figures[base_number]
    between = view.text[base_placed.found.span.end : figure.placed.found.span.start]
    lead = view.text[view.span.start : base_placed.found.span.start]
    if not (
        re.search(r"\bto\s(?:\S+\s)?$", between)
        and re.search(r"\bfrom\s$", lead)
        and _INCREASE.search(lead[-60:])
    ):
        return False
    base_position = sentence.by_number[base_number]
    sentence.out[figure.position] = _add(
        sentence.out[figure.position],
        Qualifier(QualifierKind.INCREASE_FROM, sentence.out[base_position].draft.id),
        view.text[base_placed.found.span.start - 5 : figure.placed.found.span.end],
        "an increase from the earlier figure",
    )
    sentence.out[base_position] = _add(
        sentence.out[base_position],
        Qualifier(QualifierKind.BASELINE),
        "from " + base_placed.found.text,
        "the level before an increase",
    )
    return True


def _increase_to(sentence: _Sentence, figure: _Figure) -> bool:
    """ "would increase its aid to nearly $300m", no figure before: an increase from a level not given."""
    rise = _INCREASE.search(figure.before[-80:])
    if rise is not None and re.search(r"\bto\s(?:\S+\s)?$", figure.before) and not figure.earlier:
        sentence.out[figure.position] = _add(
            sentence.out[figure.position],
            Qualifier(QualifierKind.INCREASE_FROM),
            rise.group(),
            "an increase to this level",
        )
    return False


def _part_of(sentence: _Sentence, figure: _Figure) -> bool:
    """ "including about US$1.8 billion", "of which", "(inc new $770m)": a part of the figure before, or
    of the sentence before's when this one says "The sum includes"."""
    includes = _INCLUDES.search(figure.before[-40:])
    if includes is None:
        return False
    whole_position: int | None = None
    if figure.earlier:
        whole_position = sentence.by_number[figure.earlier[-1]]
    elif sentence.previous and _SUM_REFERENCE.search(sentence.view.quote):
        whole_position = sentence.previous_positions[-1]
    if whole_position is None:
        return False
    whole = sentence.out[whole_position]
    sentence.out[figure.position] = _add(
        sentence.out[figure.position],
        Qualifier(QualifierKind.PART_OF, whole.draft.id),
        includes.group().strip(),
        f"a part of {whole.draft.figure.text}",
    )
    sentence.out[whole_position] = _add(
        whole,
        Qualifier(QualifierKind.INCLUDES, sentence.out[figure.position].draft.id),
        includes.group().strip(),
        f"includes {figure.placed.found.text}",
    )
    return False


_OF_THE_WHOLE = re.compile(r"^\W*(?:Of|From|Out\sof)\s(?:the\s)?$")
_AS_PART_OF = re.compile(r"\b(?:as\s)?(?:a\s)?part\sof\b", re.IGNORECASE)


def _share_of_a_whole(sentence: _Sentence, figure: _Figure) -> bool:
    """ "Of the 4.5 billion dollars pledged, 2 billion will be grants", "From the $23 million, $20 million
    came from ...": a part of the figure the sentence opens with; "$250 million ... as part of the
    United States' $1 billion package": a part of the figure the phrase names."""
    view = sentence.view
    number = sentence.out[figure.position].number
    if figure.earlier:
        whole_number = figure.earlier[0]
        lead = view.text[view.span.start : view.figures[whole_number].found.span.start]
        between = view.text[view.figures[whole_number].found.span.end : figure.placed.found.span.start]
        if _OF_THE_WHOLE.search(lead) and "," in between and len(between) <= 60:
            _whole_and_part(sentence, sentence.by_number[whole_number], figure.position, lead.strip())
            return False
    for later, position in sorted(sentence.by_number.items()):
        if later <= number or view.figures[later].converts is not None:
            continue
        between = view.text[figure.placed.found.span.end : view.figures[later].found.span.start]
        if (part := _AS_PART_OF.search(between)) is not None and len(between) - part.end() <= 30:
            _whole_and_part(sentence, position, figure.position, part.group())
        break
    return False


def _whole_and_part(sentence: _Sentence, whole_position: int, part_position: int, words: str) -> None:
    whole, part = sentence.out[whole_position], sentence.out[part_position]
    sentence.out[part_position] = _add(
        part, Qualifier(QualifierKind.PART_OF, whole.draft.id), words, f"a part of {whole.draft.figure.text}"
    )
    sentence.out[whole_position] = _add(
        whole, Qualifier(QualifierKind.INCLUDES, part.draft.id), words, f"includes {part.draft.figure.text}"
    )


def _running_total(sentence: _Sentence, figure: _Figure) -> bool:
    """ "bring its total to $2 billion": a running total holding the donor's figure before (in this
    sentence or the one before)."""
    item = sentence.out[figure.position]
    if not _RUNNING_TOTAL.search(figure.before) or collective_kind(item.draft.donor):
        return False
    part = [n for n in figure.earlier if sentence.out[sentence.by_number[n]].draft.donor == item.draft.donor]
    part_position = sentence.by_number[part[-1]] if part else sentence.last_previous()
    if part_position is not None and sentence.out[part_position].draft.donor == item.draft.donor:
        sentence.out[figure.position] = _add(
            item,
            Qualifier(QualifierKind.INCLUDES, sentence.out[part_position].draft.id),
            "total",
            "a running total holding the pledge before",
        )
    return False


# The relations a figure can have, tried in order; a rule returning True settles the figure.
_RELATION_RULES: tuple[Callable[[_Sentence, _Figure], bool], ...] = (
    _conversion,
    _on_top_of,
    _increase_from_earlier,
    _increase_to,
    _part_of,
    _share_of_a_whole,
    _running_total,
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
