"""The findings as an analyst's work queue: filtered by kind, state, donor and text, sorted by the amount
at stake (largest first) unless asked otherwise, paged, each with what accepting or rejecting it would do
to the totals in numbers, and the words its buttons are named with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ledger import EFFECTS, Finding, FindingKind, Pledge, Reconciliation
from ledger.engine.effects import State, state_of

from ..services.standing import Index, Structure, states_of
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
# what "accept all 37 ... shown" calls several findings of one kind
PLURALS = {
    FindingKind.DUPLICATE.value: "duplicates",
    FindingKind.CONTAINED.value: "contained pledges",
    FindingKind.AGGREGATE.value: "totals over donors",
    FindingKind.AGGREGATE_TOO_SMALL.value: "totals too small",
    FindingKind.REPACKAGED.value: "repackaged pledges",
    FindingKind.BASELINE.value: "baselines",
    FindingKind.UNIT_ERROR.value: "unit slips",
}


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


def lookups(result: Reconciliation, structure: Structure | None) -> Index:
    """The version's values by id: its structure's, made once, or made now."""
    return structure.index if structure is not None else Index.of(result)


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


def _donors(finding: Finding, index: Index) -> list[str]:
    return [index.pledges[p].donor for p in index.about.get(finding.id, ()) if p in index.pledges]


def _text(finding: Finding, lookups: Index) -> str:
    """What the text filter searches: the id, kind, words, claims and their quotes, donors and recipients."""
    parts = [finding.id, EFFECTS[finding.kind].label, finding.message, finding.note, *finding.claims]
    for cid in finding.claims:
        claim = lookups.claims.get(cid)
        if claim is not None:
            parts.extend((claim.quote, claim.donor, claim.recipient, claim.announced_by))
    return "\n".join(parts).casefold()


def _sort_key(sort: str, lookups: Index) -> object:
    if sort == "kind":
        return lambda f: (KIND_ORDER[f.kind], -f.amount_at_stake, natural(f.id))
    if sort == "donor":
        return lambda f: (
            (lookups.pledges[f.target].donor.casefold() if f.target in lookups.pledges else "~"),
            -f.amount_at_stake,
        )
    if sort == "id":
        return lambda f: natural(f.id)
    return lambda f: lookups.by_stake.get(f.id, 0)


def _narrowed(findings: Sequence[Finding], wanted: QueueFilter, lookups: Index) -> list[Finding]:
    """The findings the donor and text filters keep (the costly ones: run once a page)."""
    kept = list(findings)
    if wanted.donor:
        donor = wanted.donor.casefold()
        kept = [f for f in kept if any(donor in d.casefold() for d in _donors(f, lookups))]
    if wanted.text:
        text = wanted.text.casefold()
        kept = [f for f in kept if text in _text(f, lookups)]
    return kept


def _chosen(findings: Sequence[Finding], kind: str, state: str) -> list[Finding]:
    return [
        f
        for f in findings
        if (not kind or f.kind.value == kind) and (not state or state_of(f.decision).value == state)
    ]


def filtered(result: Reconciliation, wanted: QueueFilter, lookups: Index) -> list[Finding]:
    """The findings `wanted` keeps, sorted as it asks (the page not applied)."""
    if wanted.finding:
        return [f for f in result.findings if f.id == wanted.finding]
    kept = _chosen(_narrowed(result.findings, wanted, lookups), wanted.kind, wanted.state)
    kept.sort(key=_sort_key(wanted.sort, lookups))  # type: ignore[arg-type]
    return kept


def _quotes(finding: Finding, lookups: Index) -> tuple[tuple[QuoteView, ...], int]:
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
    lookups: Index,
    carried: Mapping[str, DecisionRow],
    with_totals: bool,
    decided: Mapping[str, State] | None = None,
) -> Item:
    """A finding as the queue shows it, with what deciding it would do (`decided`: the states of the
    decided findings, when already counted)."""
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
        outcomes=outcomes(finding, structure, result, decided),
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
    lookups: Index,
    carried: Mapping[str, DecisionRow],
    with_totals: bool,
) -> Queue:
    """The page of the queue `wanted` asks for."""
    narrowed = [] if wanted.finding else _narrowed(result.findings, wanted, lookups)
    if wanted.finding:
        kept = filtered(result, wanted, lookups)
    else:
        kept = _chosen(narrowed, wanted.kind, wanted.state)
        kept.sort(key=_sort_key(wanted.sort, lookups))  # type: ignore[arg-type]
    pages = max(1, -(-len(kept) // QUEUE_PAGE))
    page = min(wanted.page, pages)
    start = (page - 1) * QUEUE_PAGE
    decided = states_of(result)
    items = tuple(
        item(f, result, structure, lookups, carried, with_totals, decided)
        for f in kept[start : start + QUEUE_PAGE]
    )
    # the counts each choice would give, the other filters kept as they are
    kinds: dict[str, int] = {}
    for f in _chosen(narrowed, "", wanted.state):
        kinds[f.kind.value] = kinds.get(f.kind.value, 0) + 1
    states = {s: 0 for s in STATES}
    for f in _chosen(narrowed, wanted.kind, ""):
        states[state_of(f.decision).value] += 1
    donors = list(lookups.donors)
    matched_undecided = sum(1 for f in kept if f.decision is None)
    noun = PLURALS.get(wanted.kind, "findings")
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
