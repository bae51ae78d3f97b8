"""The findings as an analyst's work queue: filtered by kind, state, donor and text, sorted by the amount
at stake (largest first) unless asked otherwise, paged, each with what accepting or rejecting it would do
to the totals in numbers, and the words its buttons are named with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ledger import EFFECTS, Claim, Finding, FindingKind, Pledge, Reconciliation, Source
from ledger.engine.effects import state_of

from ..services.standing import Structure
from ..storage.models import DecisionRow
from .counting import Outcome, is_structural, outcomes
from .figures import amount, approximation, explanation, period_label, safe_url
from .tables import natural, page_number

QUEUE_PAGE = 20
QUOTES_SHOWN = 6
SORTS = {
    "stake": "amount at stake, largest first",
    "kind": "kind",
    "donor": "donor",
    "id": "id",
}
STATES = ("undecided", "accepted", "rejected")
KIND_ORDER = {kind: i for i, kind in enumerate(FindingKind)}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows: one kind, one state, a donor, text; the sort and the page; or one finding."""

    kind: str = ""
    state: str = ""
    donor: str = ""
    text: str = ""
    sort: str = "stake"
    page: int = 1
    finding: str = ""

    @staticmethod
    def from_args(args: Mapping[str, str]) -> QueueFilter:
        """The filter the query parameters ask for (anything unknown ignored)."""
        kind = args.get("kind", "")
        state = args.get("state", "")
        sort = args.get("sort", "stake")
        return QueueFilter(
            kind=kind if kind in {k.value for k in FindingKind} else "",
            state=state if state in STATES else "",
            donor=args.get("donor", "").strip()[:200],
            text=args.get("q", "").strip()[:200],
            sort=sort if sort in SORTS else "stake",
            page=page_number(args.get("page")),
            finding=args.get("finding", "").strip()[:200],
        )

    @property
    def narrowed(self) -> bool:
        """Whether anything but the sort and page narrows what is shown."""
        return bool(self.kind or self.state or self.donor or self.text or self.finding)

    def as_args(self) -> dict[str, str]:
        """The query parameters that give this filter (the page left out)."""
        values = {"kind": self.kind, "state": self.state, "donor": self.donor, "q": self.text}
        if self.sort != "stake":
            values["sort"] = self.sort
        if self.finding:
            values["finding"] = self.finding
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True, slots=True)
class QuoteView:
    claim: str
    quote: str
    figure: str  # "nearly USD 300m"
    announced_by: str
    source: str  # publisher or id
    source_url: str | None
    source_title: str
    source_date: str


@dataclass(frozen=True, slots=True)
class Item:
    """A finding as the queue shows it."""

    finding: Finding
    label: str
    state: str  # accepted, rejected, undecided
    at_stake: str
    about: str  # the pledge it falls on, in words
    explanation: str
    quotes: tuple[QuoteView, ...]
    more_claims: int
    outcomes: tuple[Outcome, ...]
    names: Mapping[str, str]  # the buttons' accessible names, by action
    carried: str = ""  # "carried over from duplicate-3f2a…: 3 of 3 claims the same"
    structural: bool = False  # rejecting it runs the engine again

    @property
    def id(self) -> str:
        return self.finding.id


@dataclass(frozen=True, slots=True)
class Queue:
    """One page of the queue, with counts for the filter's choices."""

    filter: QueueFilter
    items: tuple[Item, ...]
    matched: int
    total: int
    undecided: int
    page: int
    pages: int
    by_kind: tuple[tuple[str, str, int], ...]  # (kind, label, how many) of those the other filters keep
    by_state: tuple[tuple[str, int], ...]
    donors: tuple[str, ...]  # donors the findings are about (for the donor box's suggestions)
    matched_undecided: int = 0
    bulk_noun: str = "findings"  # what "accept all 37 ... shown" calls them
    ids: tuple[str, ...] = field(default=())  # every finding the filter keeps, for "decide all shown"

    @property
    def first(self) -> int:
        return (self.page - 1) * QUEUE_PAGE + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


@dataclass(frozen=True, slots=True)
class Lookups:
    """A reconciliation's values by id, made once per page."""

    claims: Mapping[str, Claim]
    sources: Mapping[str, Source]
    pledges: Mapping[str, Pledge]

    @staticmethod
    def of(result: Reconciliation) -> Lookups:
        return Lookups(
            {c.id: c for c in result.ledger.claims},
            {s.id: s for s in result.ledger.sources},
            {p.id: p for p in result.pledges},
        )


def is_all_donors(donor: str) -> bool:
    """Whether a pledge's donor is every donor at once (a conference total)."""
    return donor.casefold() == "all donors"


def who(pledge: Pledge | None) -> str:
    """Who a pledge is from, for a sentence: "United States", "all donors for Haiti"."""
    if pledge is None:
        return "an unknown pledge"
    if is_all_donors(pledge.donor):
        return f"all donors for {pledge.recipient}" if pledge.recipient else "all donors"
    return pledge.donor


def describe(pledge: Pledge | None) -> str:
    """A pledge in a line: "United States → Central America · USD 300m · 2011"."""
    if pledge is None:
        return ""
    parts = [
        who(pledge)
        + (f" \u2192 {pledge.recipient}" if pledge.recipient and not is_all_donors(pledge.donor) else "")
    ]
    parts.append(amount(pledge.range.nominal, pledge.currency))
    if pledge.period.known:
        parts.append(period_label(pledge.period))
    return " \u00b7 ".join(parts)


def _donors(finding: Finding, pledges: Mapping[str, Pledge]) -> list[str]:
    return [pledges[p].donor for p in finding.pledges() if p in pledges]


def _text(finding: Finding, lookups: Lookups) -> str:
    """What the text filter searches: the id, kind, words, claims and their quotes, donors and recipients."""
    parts = [finding.id, EFFECTS[finding.kind].label, finding.message, finding.note, *finding.claims]
    for cid in finding.claims:
        claim = lookups.claims.get(cid)
        if claim is not None:
            parts.extend((claim.quote, claim.donor, claim.recipient, claim.announced_by))
    return "\n".join(parts).casefold()


def _sort_key(sort: str, lookups: Lookups) -> object:
    if sort == "kind":
        return lambda f: (KIND_ORDER[f.kind], -f.amount_at_stake, natural(f.id))
    if sort == "donor":
        return lambda f: (
            (lookups.pledges[f.target].donor.casefold() if f.target in lookups.pledges else "~"),
            -f.amount_at_stake,
        )
    if sort == "id":
        return lambda f: natural(f.id)
    return lambda f: (-f.amount_at_stake, KIND_ORDER[f.kind], f.id)


def filtered(result: Reconciliation, wanted: QueueFilter, lookups: Lookups) -> list[Finding]:
    """The findings `wanted` keeps, sorted as it asks (the page not applied)."""
    findings: Sequence[Finding] = result.findings
    if wanted.finding:
        return [f for f in findings if f.id == wanted.finding]
    kept = [
        f
        for f in findings
        if (not wanted.kind or f.kind.value == wanted.kind)
        and (not wanted.state or state_of(f.decision).value == wanted.state)
    ]
    if wanted.donor:
        donor = wanted.donor.casefold()
        kept = [f for f in kept if any(donor in d.casefold() for d in _donors(f, lookups.pledges))]
    if wanted.text:
        text = wanted.text.casefold()
        kept = [f for f in kept if text in _text(f, lookups)]
    kept.sort(key=_sort_key(wanted.sort, lookups))  # type: ignore[arg-type]
    return kept


def _quotes(finding: Finding, lookups: Lookups) -> tuple[tuple[QuoteView, ...], int]:
    shown = []
    for cid in finding.claims[:QUOTES_SHOWN]:
        claim = lookups.claims.get(cid)
        if claim is None:
            continue
        source = lookups.sources.get(claim.source)
        figure = f"{approximation(claim.approximation.value)} {amount(claim.value, claim.currency)}".strip()
        shown.append(
            QuoteView(
                claim=cid,
                quote=claim.quote,
                figure=figure,
                announced_by=claim.announced_by,
                source=(source.publisher or source.id) if source else claim.source,
                source_url=safe_url(source.url) if source else None,
                source_title=source.title if source else "",
                source_date=source.date.isoformat() if source and source.date else "",
            )
        )
    return tuple(shown), max(len(finding.claims) - QUOTES_SHOWN, 0)


def item(
    finding: Finding,
    result: Reconciliation,
    structure: Structure | None,
    lookups: Lookups,
    carried: Mapping[str, DecisionRow],
    with_totals: bool,
) -> Item:
    """A finding as the queue shows it, with what deciding it would do."""
    effect = EFFECTS[finding.kind]
    state = state_of(finding.decision)
    target = lookups.pledges.get(finding.target)
    figure = (
        amount(target.range.nominal, target.currency)
        if target
        else amount(finding.amount_at_stake, finding.currency)
    )
    subject = f"{effect.noun} of {who(target)}, {figure}"
    quotes, more = _quotes(finding, lookups)
    row = carried.get(finding.id)
    return Item(
        finding=finding,
        label=effect.label,
        state=state.value,
        at_stake=amount(finding.amount_at_stake, finding.currency),
        about=describe(target),
        explanation=explanation(finding),
        quotes=quotes,
        more_claims=more,
        outcomes=outcomes(finding, structure, result),
        names={
            "accept": f"Accept {subject}",
            "reject": f"Reject {subject}",
            "undecided": f"Undo the decision on {subject}",
            "select": f"Select {subject}",
            "note": f"Note on {subject}",
        },
        carried=row.detail if row is not None else "",
        structural=is_structural(finding, with_totals),
    )


def work_queue(
    result: Reconciliation,
    structure: Structure | None,
    wanted: QueueFilter,
    lookups: Lookups,
    carried: Mapping[str, DecisionRow],
    with_totals: bool,
) -> Queue:
    """The page of the queue `wanted` asks for."""
    kept = filtered(result, wanted, lookups)
    pages = max(1, -(-len(kept) // QUEUE_PAGE))
    page = min(wanted.page, pages)
    start = (page - 1) * QUEUE_PAGE
    items = tuple(
        item(f, result, structure, lookups, carried, with_totals) for f in kept[start : start + QUEUE_PAGE]
    )
    # the counts each choice would give, the other filters kept as they are
    other_kinds = filtered(
        result, QueueFilter(state=wanted.state, donor=wanted.donor, text=wanted.text), lookups
    )
    kinds: dict[str, int] = {}
    for f in other_kinds:
        kinds[f.kind.value] = kinds.get(f.kind.value, 0) + 1
    other_states = filtered(
        result, QueueFilter(kind=wanted.kind, donor=wanted.donor, text=wanted.text), lookups
    )
    states = {s: 0 for s in STATES}
    for f in other_states:
        states[state_of(f.decision).value] += 1
    donors = sorted({d for f in result.findings for d in _donors(f, lookups.pledges)}, key=str.casefold)
    matched_undecided = sum(1 for f in kept if f.decision is None)
    label = EFFECTS[FindingKind(wanted.kind)].label if wanted.kind else "findings"
    noun = "duplicates" if wanted.kind == FindingKind.DUPLICATE.value else label[0].lower() + label[1:]
    return Queue(
        filter=wanted,
        items=items,
        matched=len(kept),
        total=len(result.findings),
        undecided=sum(1 for f in result.findings if f.decision is None),
        page=page,
        pages=pages,
        by_kind=tuple(
            (k.value, EFFECTS[k].label, kinds.get(k.value, 0)) for k in FindingKind if kinds.get(k.value)
        ),
        by_state=tuple(states.items()),
        donors=tuple(donors[:500]),
        matched_undecided=matched_undecided,
        bulk_noun=noun,
        ids=tuple(f.id for f in kept),
    )
