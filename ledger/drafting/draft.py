"""Draft claims from a text: sentences -> money figures -> claim or not -> fields, qualifiers, confidence.

`draft_claims` is a pure function of the text and its source; it never raises for what the text says.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ledger.core.model import Period, QualifierKind
from ledger.drafting.decide import Verdict, classify
from ledger.drafting.fields import (
    Found,
    donor_group,
    find_instrument,
    find_period,
    find_purpose,
    find_recipient,
    find_subject,
    recipients_named,
)
from ledger.drafting.figures import find_figures
from ledger.drafting.language import LANGUAGE_NAMES, detect_language
from ledger.drafting.parties import COUNTRY, ORGANISATION, REGION, Party, find_parties
from ledger.drafting.people import Mention, People, Person, find_people
from ledger.drafting.qualifiers import _ALREADY_PROVIDED, Drafted, qualify, qualify_across_sentences
from ledger.drafting.sentences import split_sentences
from ledger.drafting.tokens import tokenize
from ledger.drafting.values import (
    Confidence,
    Draft,
    Drafts,
    DraftSource,
    Evidence,
    Figure,
    SkippedFigure,
    Span,
)
from ledger.drafting.view import Placed, SentenceView, place_figures

__all__ = ["draft_claims"]

_EACH = frozenset({"each", "apiece"})


@dataclass(frozen=True, slots=True)
class _Context:
    subject: Found
    source: DraftSource
    last_person: Person | None
    last_donor: tuple[int, str] | None  # (sentence number, donor) of the latest claim


def draft_claims(text: str, source: DraftSource | None = None) -> Drafts:
    """Draft the claims of a news report, communiqué or speech: every money figure is a draft (with every
    ledger field, the whole sentence as its quote, a confidence and the words that decided each field)
    or a skipped figure with the reason it is not a claim.

    `source.date` is what "this year" and "for the next two years" resolve against; without it those
    periods stay unknown and the drafts say so. A text not in English gives no drafts and a note.
    """
    source = source or DraftSource()
    language = detect_language(text)
    if language != "en":
        name = LANGUAGE_NAMES.get(language, language)
        note = f"The text is in {name}; drafting reads English only, so nothing was drafted from it."
        return Drafts(text=text, source=source, language=language, notes=(note,))
    views = _views(text)
    context = _Context(_article_subject(views, source), source, None, None)
    drafted: list[Drafted] = []
    skipped: list[SkippedFigure] = []
    for view in views:
        verdicts: dict[int, Verdict] = {}
        for number, placed in enumerate(view.figures):
            verdict = _verdict(view, number, verdicts)
            verdicts[number] = verdict
            if not verdict.claim:
                if placed.found.kind != "percent" or any(p.found.kind == "money" for p in view.figures):
                    as_claim = _drafts_for(view, number, verdict, context, 0)
                    skipped.append(_skipped(view, number, verdict, as_claim[0].draft if as_claim else None))
                continue
            new = _drafts_for(view, number, verdict, context, len(drafted), verdicts)
            drafted.extend(new)
            if new:
                context = replace(context, last_donor=(view.number, new[-1].draft.donor))
        speaking = [m.person for m in view.mentions]
        if speaking:
            context = replace(context, last_person=speaking[-1])
    drafted = qualify(drafted)
    drafted = qualify_across_sentences(drafted, views)
    drafted = _periods_from_the_same_pledge(drafted)
    skipped = _numbered_after(skipped, len(drafted))
    notes: tuple[str, ...] = ()
    if source.date is None and any(d.draft.period.text.startswith("unknown (") for d in drafted):
        notes = ('The source has no date, so periods said relative to it ("this year") are left unresolved.',)
    return Drafts(
        text=text,
        source=source,
        drafts=tuple(d.draft for d in drafted),
        skipped=tuple(skipped),
        language="en",
        notes=notes,
    )


def _views(text: str) -> list[SentenceView]:
    lowered = text.lower()
    people = People()
    seen: list[Party] = []
    views: list[SentenceView] = []
    currency = ""
    for number, span in enumerate(split_sentences(text)):
        tokens = tokenize(text, span)
        found = find_figures(text, span, lowered, currency)
        currency = next(
            (f.figure.currency for f in reversed(found) if f.figure is not None and f.figure.currency),
            currency,
        )
        placed = place_figures(tokens, found)
        parties = _outside_figures(find_parties(tokens, seen[-12:]), placed)
        seen.extend(parties)
        mentions = find_people(tokens, parties, people)
        views.append(SentenceView(text, span, number, tokens, placed, parties, mentions))
    return views


def _outside_figures(parties: tuple[Party, ...], placed: tuple[Placed, ...]) -> tuple[Party, ...]:
    """The parties not written inside a money figure: the "US" of "US$1 billion" is its currency."""
    return tuple(p for p in parties if not any(f.first <= p.first and p.last <= f.last for f in placed))


def _verdict(view: SentenceView, number: int, verdicts: dict[int, Verdict]) -> Verdict:
    placed = view.figures[number]
    if placed.converts is not None and placed.found.kind == "money":
        origin = verdicts.get(placed.converts)
        if placed.found.inherited:
            return Verdict(
                False, "a conversion in brackets with no currency written: the currency is not known"
            )
        if origin is not None:
            if origin.claim:
                return Verdict(
                    True,
                    "an outlet's conversion of the figure before it",
                    placed.found.text,
                    weak=origin.weak,
                )
            return Verdict(False, f"an outlet's conversion of a figure that is not a claim ({origin.reason})")
    if number > 0 and verdicts.get(number - 1, Verdict(False, "")).claim and _part_of_before(view, number):
        return Verdict(True, "a part of the figure before it", placed.found.text)
    return classify(view, number, view.parties)


def _part_of_before(view: SentenceView, number: int) -> bool:
    """ "$1bn (inc new $770m)", "$4.5 billion, including about $1.8 billion": a part named with its whole."""
    words = {
        t.bare
        for t in view.tokens[
            max(view.figures[number - 1].last + 1, view.figures[number].first - 4) : view.figures[
                number
            ].first
        ]
    }
    return bool(words & {"inc", "including", "includes", "incl"})


def _skipped(view: SentenceView, number: int, verdict: Verdict, as_claim: Draft | None) -> SkippedFigure:
    placed = view.figures[number]
    words_span = view.words_span(verdict.first, verdict.last) if verdict.first >= 0 else None
    return SkippedFigure(
        span=placed.found.span,
        text=placed.found.text,
        sentence=view.span,
        quote=view.quote,
        reason=verdict.reason,
        words=verdict.words,
        words_span=words_span,
        draft=None
        if as_claim is None
        else replace(as_claim, confidence=as_claim.confidence.lowered(60, f"not a claim: {verdict.reason}")),
    )


def _numbered_after(skipped: list[SkippedFigure], count: int) -> list[SkippedFigure]:
    """The skipped figures' drafts numbered after the `count` claims (D5, D6... after D1 to D4)."""
    out: list[SkippedFigure] = []
    for figure in skipped:
        if figure.draft is not None:
            count += 1
            figure = replace(figure, draft=replace(figure.draft, id=f"D{count}"))
        out.append(figure)
    return out


def _coordinated(view: SentenceView, number: int) -> list[int]:
    """The figures listed together with `number` ("US$560 million and US$100 million"), in order."""
    run = [number]
    index = number
    while index > 0:
        between = {t.bare for t in view.tokens[view.figures[index - 1].last + 1 : view.figures[index].first]}
        if view.figures[index].converts is None and between <= {"and", ","} and between:
            run.insert(0, index - 1)
            index -= 1
        else:
            break
    index = number
    while index + 1 < len(view.figures):
        between = {t.bare for t in view.tokens[view.figures[index].last + 1 : view.figures[index + 1].first]}
        if view.figures[index + 1].converts is None and between <= {"and", ","} and between:
            run.append(index + 1)
            index += 1
        else:
            break
    return [n for n in run if view.figures[n].converts is None]


def _distributed(view: SentenceView, number: int, group: tuple[Party, ...]) -> tuple[Party, ...] | None:
    """The donors a figure is given by when several are named: "each", "apiece", "respectively"."""
    if len(group) < 2:
        return None
    placed = view.figures[number]
    near = {t.bare for t in view.tokens[placed.last + 1 : placed.last + 3]}
    after_group = {t.bare for t in view.tokens[group[-1].last + 1 : group[-1].last + 3]}
    listed = _coordinated(view, number)
    if len(listed) == len(group) > 1:
        return (group[listed.index(number)],)  # "A and B pledged $5m and $3m (respectively)"
    if near & _EACH or after_group & _EACH:
        return group
    return None


# Doubts about the figure itself, lowering each of its drafts: (applies, by how much, why).
_FIGURE_DOUBTS: tuple[tuple[Callable[[Verdict, Figure], bool], int, str], ...] = (
    (lambda verdict, _: verdict.weak, 20, "decided by the sentence's form, not a verb of giving"),
    (lambda _, figure: "bare dollar" in figure.currency_words, 5, 'a bare "$" read as US dollars'),
    (
        lambda _, figure: "no currency written" in figure.currency_words,
        15,
        "no currency written by the figure",
    ),
)


def _drafts_for(
    view: SentenceView,
    number: int,
    verdict: Verdict,
    context: _Context,
    count: int,
    verdicts: dict[int, Verdict] | None = None,
) -> list[Drafted]:
    """The drafts of one money figure: one per donor it is given by ("each", "respectively"), else one.

    An outlet's conversion ("US$1 billion (€770 million)") is the same money: its giver is read at the
    figure it restates, with that figure's verb (`verdicts`, the sentence's figures decided so far).
    """
    placed = view.figures[number]
    figure = placed.found.figure
    if figure is None:
        return []
    confidence = _figure_confidence(verdict, figure)
    given = (
        placed.converts
        if placed.converts is not None and verdicts and placed.converts in verdicts
        else number
    )
    cue = verdicts[given].first if verdicts and given in verdicts else verdict.first
    party, mention, found = find_subject(view, given, cue, context.last_person, context.subject.value)
    donors = _donors_named(view, given, party, mention, found)
    if not donors:
        unnamed, confidence = _donor_not_named(view, context, confidence)
        donors = [unnamed]
    start, end = view.clause_bounds(placed.first)
    drafting = _FigureDrafting(
        view=view,
        number=number,
        verdict=verdict,
        context=context,
        figure=figure,
        evidence=_figure_evidence(view, verdict, figure),
        announced=_announced_by(view, mention, given),
        past=bool(_ALREADY_PROVIDED.search(view.words(start, end))),
        confidence=confidence,
    )
    out: list[Drafted] = []
    for donor, donor_found in donors:
        out.append(Drafted(view, number, drafting.draft(f"D{count + len(out) + 1}", donor, donor_found)))
    return out


def _figure_evidence(view: SentenceView, verdict: Verdict, figure: Figure) -> tuple[Evidence, ...]:
    """Why the figure is a claim and how its amount, currency and approximation were read."""
    evidence = [
        Evidence(
            "claim",
            verdict.words,
            verdict.reason,
            view.words_span(verdict.first, verdict.last) if verdict.first >= 0 else None,
        ),
        Evidence("amount", figure.text, f"read as {figure.value} {figure.currency}", figure.span),
        Evidence("currency", figure.currency_words or figure.currency, f"{figure.currency}", figure.span),
    ]
    if figure.approximation_words:
        evidence.append(
            Evidence("approximation", figure.approximation_words, f'"{figure.approximation_words}"')
        )
    return tuple(evidence)


def _figure_confidence(verdict: Verdict, figure: Figure) -> Confidence:
    """The confidence every draft of the figure starts from, lowered by each doubt about it in turn."""
    confidence = Confidence()
    for applies, by, reason in _FIGURE_DOUBTS:
        if applies(verdict, figure):
            confidence = confidence.lowered(by, reason)
    return confidence


def _donors_named(
    view: SentenceView, number: int, party: Party | None, mention: Mention | None, found: Found
) -> list[tuple[str, Found]]:
    """The donors the sentence names for the figure: the party who gives (or the parties, each or
    together), else the country of the person who gives; none when the sentence names no one."""
    if party is not None:
        return _donors_of_party(view, number, party, found)
    if mention is not None and mention.person.country:
        person = mention.person
        return [
            (person.country, Found(person.country, mention.how, f"{person.name} speaks for {person.country}"))
        ]
    return []


def _donors_of_party(view: SentenceView, number: int, party: Party, found: Found) -> list[tuple[str, Found]]:
    """A party given together with others ("A and B pledged $5m each") gives a draft each when the figure
    is spread over them, one combined draft when it is theirs together; alone, the party itself."""
    group = donor_group(view, party)
    spread = _distributed(view, number, group)
    if spread is not None:
        return [
            (
                p.name,
                Found(
                    p.name,
                    p.words,
                    f"{found.rule}; one of several named together",
                    view.words_span(p.first, p.last),
                ),
            )
            for p in spread
        ]
    if len(group) > 1:
        names = " and ".join(p.name for p in group)
        return [
            (
                names,
                Found(
                    names,
                    view.words(group[0].first, group[-1].last),
                    "several donors together: a combined figure",
                    view.words_span(group[0].first, group[-1].last),
                ),
            )
        ]
    return [(party.name, found)]


def _donor_not_named(
    view: SentenceView, context: _Context, confidence: Confidence
) -> tuple[tuple[str, Found], Confidence]:
    """With no donor in the sentence, the one from the sentences around it (less sure), else none (much
    less sure): a draft the analyst must complete, never a figure dropped."""
    fallback = _fallback_donor(view, context)
    if fallback is not None:
        return fallback, confidence.lowered(20, "donor taken from the sentences around it")
    return ("", Found("", "", "no donor found")), confidence.lowered(40, "no donor found")


def _recipient_or_subject(found: Found, subject: Found, confidence: Confidence) -> tuple[Found, Confidence]:
    """A sentence naming no recipient speaks of the article's subject (a little less sure)."""
    if found.value or not subject.value:
        return (found if found.value else subject), confidence
    recipient = Found(
        subject.value,
        subject.words,
        f"the article's subject ({subject.rule}): no recipient in the sentence",
        subject.span,
    )
    return recipient, confidence.lowered(5, "recipient taken from the article's subject")


@dataclass(frozen=True, slots=True)
class _FigureDrafting:
    """What every draft of one figure shares: the sentence, the verdict, the figure and its evidence,
    who announced it, whether it is past money, and the confidence before each donor's own doubts."""

    view: SentenceView
    number: int
    verdict: Verdict
    context: _Context
    figure: Figure
    evidence: tuple[Evidence, ...]
    announced: Found
    past: bool
    confidence: Confidence

    def draft(self, draft_id: str, donor: str, donor_found: Found) -> Draft:
        """The figure's draft for one donor: the fields that depend on the donor (its period, its
        recipient) read for it, each with the words and rule that decided it."""
        view, number, figure = self.view, self.number, self.figure
        period, period_found = find_period(view, number, self.context.source.date, donor, self.past)
        recipient, confidence = _recipient_or_subject(
            find_recipient(view, number, donor), self.context.subject, self.confidence
        )
        if period.text.startswith("unknown ("):
            confidence = confidence.lowered(10, "period said relative to a date the source does not give")
        instrument, instrument_found = find_instrument(view, number, self.verdict.first)
        purpose = find_purpose(view, number)
        fields = [
            Evidence("donor", donor_found.words, donor_found.rule, donor_found.span),
            Evidence("announced_by", self.announced.words, self.announced.rule),
            Evidence("recipient", recipient.words, recipient.rule, recipient.span),
            Evidence("purpose", purpose.words, purpose.rule),
            Evidence("period", period_found.words, period_found.rule or "no span stated", period_found.span),
            Evidence(
                "instrument",
                instrument_found.words,
                instrument_found.rule or "no instrument named",
                instrument_found.span,
            ),
        ]
        return Draft(
            id=draft_id,
            figure=figure,
            sentence=view.span,
            quote=view.quote,
            donor=donor,
            amount=figure.value,
            currency=figure.currency,
            announced_by=self.announced.value,
            recipient=recipient.value,
            purpose=purpose.value,
            approximation=figure.approximation,
            period=period,
            instrument=instrument,
            reason=self.verdict.reason,
            evidence=(*self.evidence, *fields),
            confidence=confidence,
        )


def _fallback_donor(view: SentenceView, context: _Context) -> tuple[str, Found] | None:
    speaker = next((m for m in view.mentions if m.speaks and m.person.country), None)
    if speaker is not None:
        return speaker.person.country, Found(
            speaker.person.country, speaker.how, f"{speaker.person.name} speaks for {speaker.person.country}"
        )
    if context.last_donor is not None and view.number - context.last_donor[0] <= 2 and context.last_donor[1]:
        donor = context.last_donor[1]
        return donor, Found(donor, "", "no donor in the sentence: the donor of the claim just before")
    publisher = context.source.publisher
    if publisher:
        parties = find_parties(tokenize(publisher, Span(0, len(publisher))))
        named = next((p for p in parties if p.kind in (COUNTRY, ORGANISATION)), None)
        if named is not None:
            return named.name, Found(
                named.name, publisher, "no donor in the sentence: the government or body that published it"
            )
    return None


def _announced_by(view: SentenceView, subject: Mention | None, number: int) -> Found:
    if subject is not None:
        return Found(subject.person.name, subject.how, "the person who pledged")
    speaker = next((m for m in view.mentions if m.speaks and _speaks_of(view, m, number)), None)
    if speaker is not None:
        return Found(speaker.person.name, speaker.how, "the person quoted or reported")
    return Found("", "", "no person named")


def _speaks_of(view: SentenceView, mention: Mention, number: int) -> bool:
    """Whether a person who speaks in the sentence speaks of figure `number`: not one in another clause
    with a figure of their own ("X announced $33m while Sweden pledged $40m"), nor one named after it
    who then gives a later figure ("... €450 million and John Kerry announced $212 million")."""
    placed = view.figures[number]
    others = [f for i, f in enumerate(view.figures) if i != number and f.converts is None]
    if mention.last < placed.first:
        clause = view.clause_bounds(mention.first)
        if clause == view.clause_bounds(placed.first):
            return True
        return not any(clause[0] <= f.first <= clause[1] for f in others)
    return not any(f.first > mention.last for f in others)


def _article_subject(views: Sequence[SentenceView], source: DraftSource) -> Found:
    """Who the article is about: the place it most often says the money is for ("to Haiti", "for Gaza",
    "Afghan aid", "Lebanon's reconstruction"), the title counting twice; the first named on a tie."""
    counts: dict[str, int] = {}
    first_seen: dict[str, tuple[int, str]] = {}
    places: list[tuple[SentenceView, int, str]] = []
    if source.title:
        title_span = Span(0, len(source.title))
        tokens = tokenize(source.title, title_span)
        places.append(
            (SentenceView(source.title, title_span, -1, tokens, (), find_parties(tokens), ()), 2, "the title")
        )
    places.extend((view, 1, "the text") for view in views)
    known: set[str] = set()
    for order, (view, weight, where) in enumerate(places):
        named = recipients_named(view)
        if view.number < 0:  # the title: a country it names counts, unless it is the one giving
            named.extend(p.name for p in view.parties if p.kind in (COUNTRY, REGION) and not _gives(view, p))
        for name in named:
            counts[name] = counts.get(name, 0) + weight
            first_seen.setdefault(name, (order, where))
        known.update(p.name for p in view.parties if p.kind in (COUNTRY, REGION))
    # a name the names module does not know is a place only when the text says so more than once
    counts = {name: count for name, count in counts.items() if name in known or count >= 2}
    if not counts:
        for view, _, where in places[:5]:
            for party in view.parties:
                if party.kind in (COUNTRY, REGION) and not _gives(view, party):
                    return Found(party.name, party.words, f"the first country or region named in {where}")
        return Found("")
    best = min(counts, key=lambda name: (-counts[name], first_seen[name][0]))
    times = counts[best]
    return Found(
        best, best, f"the place the article says the money is for ({times} mention{'s' if times > 1 else ''})"
    )


def _gives(view: SentenceView, party: Party) -> bool:
    """ "UK commits £30m", "Japan triples aid": the party is the subject of a verb of giving."""
    following = view.tokens[party.last + 1].bare if party.last + 1 < len(view.tokens) else ""
    return following in _GIVING_VERBS


_GIVING_VERBS = frozenset(
    {
        *("pledges", "pledged", "commits", "committed", "gives", "gave", "offers", "offered", "promises"),
        *("promised", "announces", "announced", "leads", "led", "triples", "tripled", "doubles", "doubled"),
        *("raises", "raised", "boosts", "boosted", "extends", "extended", "provides", "provided", "says"),
        *("donates", "donated", "sends", "sent", "unveils", "unveiled", "to", "and", ","),
    }
)
_NOT_PLACES = frozenset(
    {"The", "A", "An", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)


def _periods_from_the_same_pledge(drafted: list[Drafted]) -> list[Drafted]:
    """A figure told twice in one text by one donor is one pledge: a span stated once holds for both."""
    known: dict[tuple[str, str, object], Draft] = {}
    for d in drafted:
        draft = d.draft
        if draft.period.known and not any(q.kind is QualifierKind.BASELINE for q in draft.qualifiers):
            known.setdefault((draft.donor, draft.currency, draft.amount), draft)
    out = []
    for d in drafted:
        draft = d.draft
        other = known.get((draft.donor, draft.currency, draft.amount))
        if (
            draft.period.known
            or draft.period.text
            or other is None
            or other.id == draft.id
            or not draft.donor
        ):
            out.append(d)
            continue
        period = Period(other.period.start, other.period.end, other.period.text)
        evidence = (
            *(e for e in draft.evidence if e.field != "period"),
            Evidence(
                "period",
                other.period.text or other.period.label,
                f"the same pledge is told with its span in {other.id}",
            ),
        )
        out.append(replace(d, draft=replace(draft, period=period, evidence=evidence)))
    return out
