"""What a ledger's page shows, from the service's view of it: the totals (kept in view), the charts, the
findings as a work queue, the pledges and claims tables (paged, filtered, sorted by real values, each
pledge marked counted or not and why), what changed since the previous version, and what was decided.

Only what one page shows is ever made: a 100,000-claim ledger's page holds a page of findings, of
pledges and of claims, and the charts' few bars. A total, a donor's bar or a year leads to the pledges
and claims behind it (the `focus_` query parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import url_for

from ledger import Claim, Contribution, CurrencyTotals, Pledge, Reconciliation
from ledger.render.sentences import headline

from ..services.ledgers import LedgerView
from ..services.standing import Index, holds_totals
from .charts import donor_chart, year_chart
from .counting import Counts, counts
from .figures import amount, approximation, period_label, signed
from .queue import SORTS, Queue, QueueFilter, describe, work_queue
from .queue import lookups as queue_lookups
from .tables import Column, Paged, natural, page_number, paged, period_key

FOCUS_KEYS = (
    "focus_currency",
    "focus_donor",
    "focus_year",
    "focus_instrument",
    "focus_counts",
    "focus_finding",
)
STATUS_ORDER = {"counted": 0, "part": 1, "high": 2, "none": 3}


@dataclass(frozen=True, slots=True)
class Links:
    """Addresses of this page with some query parameters changed (None or "" removes one)."""

    ledger_id: str
    args: Mapping[str, str]

    def href(self, anchor: str = "", **changes: Any) -> str:
        merged = dict(self.args)
        for key, value in changes.items():
            if value is None or value == "":
                merged.pop(key, None)
            else:
                merged[key] = str(value)
        values: dict[str, Any] = {"ledger_id": self.ledger_id, "_anchor": anchor or None, **merged}
        return url_for("pages.ledger", **values)

    def query(self, **changes: Any) -> str:
        """This page's query string with some parameters changed (for the forms' "back" field)."""
        address = self.href(**changes)
        return address.split("?", 1)[1] if "?" in address else ""


# ---- the drill-down: the pledges and claims behind a figure ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Focus:
    """What a clicked figure narrows the tables to: a currency, donor, year, instrument, the pledges that
    count (or count as new money), or one finding's pledges and claims."""

    currency: str = ""
    donor: str = ""
    year: str = ""
    instrument: str = ""
    counts: str = ""  # "counted": adds to the distinct total; "new": adds new money
    finding: str = ""

    @staticmethod
    def from_args(args: Mapping[str, str]) -> Focus:
        def get(key: str) -> str:
            return args.get(key, "").strip()[:200]

        return Focus(
            get("focus_currency"),
            get("focus_donor"),
            get("focus_year"),
            get("focus_instrument"),
            get("focus_counts"),
            get("focus_finding"),
        )

    def __bool__(self) -> bool:
        return any((self.currency, self.donor, self.year, self.instrument, self.counts, self.finding))

    def words(self) -> str:
        """What is focused on, in words: "United States · USD · 2011"."""
        parts = [
            self.donor,
            self.instrument and f"{self.instrument}s",
            self.year,
            {"counted": "pledges that count", "new": "pledges with new money"}.get(self.counts, ""),
            self.finding and f"finding {self.finding}",
            self.currency,
        ]
        return " \u00b7 ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class PledgeRow:
    pledge: Pledge
    contribution: Contribution
    counted: Counts
    claims: tuple[str, ...]
    more_claims: int


@dataclass(frozen=True, slots=True)
class ClaimRow:
    claim: Claim
    pledge: str
    source: str
    figure: str
    period: str
    qualifiers: str


CLAIMS_LISTED = 5


def _focused_pledges(
    result: Reconciliation, focus: Focus, lookups: Index, counts_of: Callable[[int], Counts]
) -> list[int]:
    """The pledges (by index) the focus keeps."""
    pledges, contributions = result.pledges, result.contributions
    kept: list[int] = list(range(len(pledges)))
    if focus.finding:
        finding = next((f for f in result.findings if f.id == focus.finding), None)
        wanted = set(finding.pledges()) if finding else set()
        kept = [i for i in kept if pledges[i].id in wanted]
    if focus.currency:
        kept = [i for i in kept if pledges[i].currency == focus.currency]
    if focus.donor:
        kept = [i for i in kept if pledges[i].donor == focus.donor]
    if focus.instrument:
        kept = [i for i in kept if pledges[i].instrument.value == focus.instrument]
    if focus.year:
        kept = [i for i in kept if any(label == focus.year for label, _ in contributions[i].years)]
    if focus.counts == "counted":
        kept = [i for i in kept if counts_of(i).counts]
    elif focus.counts == "new":
        kept = [i for i in kept if contributions[i].new_money.nominal > 0]
    return list(kept)


def pledge_table(
    result: Reconciliation, args: Mapping[str, str], focus: Focus, lookups: Index
) -> tuple[Paged[int], list[PledgeRow], list[int]]:
    """The page of pledges the query parameters ask for (`pledges_` and `focus_`), and its rows."""
    findings = {f.id: f for f in result.findings}
    remembered: dict[int, Counts] = {}

    def counts_of(i: int) -> Counts:
        found = remembered.get(i)
        if found is None:
            found = remembered[i] = counts(result.contributions[i], findings)
        return found

    pledges, contributions = result.pledges, result.contributions
    kept = _focused_pledges(result, focus, lookups, counts_of)
    status = args.get("pledges_counts", "")
    if status in STATUS_ORDER:
        kept = [i for i in kept if counts_of(i).status == status]
    columns: list[Column[int]] = [
        Column("id", "Pledge", lambda i: natural(pledges[i].id)),
        Column("donor", "Donor", lambda i: pledges[i].donor.casefold()),
        Column("recipient", "Recipient", lambda i: pledges[i].recipient.casefold()),
        Column("instrument", "Instrument", lambda i: pledges[i].instrument.value),
        Column("period", "Period", lambda i: period_key(pledges[i].period)),
        Column(
            "nominal", "Nominal (low – high)", lambda i: (pledges[i].currency, pledges[i].range.nominal), True
        ),
        Column(
            "counts", "Counts", lambda i: (STATUS_ORDER[counts_of(i).status], -contributions[i].full.nominal)
        ),
        Column(
            "distinct", "Counted", lambda i: (pledges[i].currency, contributions[i].distinct.nominal), True
        ),
        Column("claims", "Claims", lambda i: len(pledges[i].claims), True),
    ]

    def text_of(i: int) -> str:
        p = pledges[i]
        return " ".join(
            (p.id, p.donor, p.recipient, p.purpose, p.instrument.value, period_label(p.period), *p.claims)
        )

    def figure_of(i: int) -> tuple[Decimal, Decimal, str]:
        p = pledges[i]
        return p.range.low, p.range.high, p.currency

    table = paged(
        "pledges",
        kept,
        columns,
        text_of=text_of,
        figure_of=figure_of,
        query=args.get("pledges_q", ""),
        sort=args.get("pledges_sort", ""),
        descending=args.get("pledges_dir") == "desc",
        page=page_number(args.get("pledges_page")),
        total=len(pledges),
    )
    rows = [
        PledgeRow(
            pledges[i],
            contributions[i],
            counts_of(i),
            pledges[i].claims[:CLAIMS_LISTED],
            max(len(pledges[i].claims) - CLAIMS_LISTED, 0),
        )
        for i in table.rows
    ]
    return table, rows, kept


def claim_table(
    result: Reconciliation,
    args: Mapping[str, str],
    focus: Focus,
    lookups: Index,
    focused_pledges: list[int],
) -> tuple[Paged[Claim], list[ClaimRow]]:
    """The page of claims the query parameters ask for (`claims_`), within the focus's pledges."""
    pledge_of = lookups.pledge_of_claim
    claims: list[Claim] = list(result.ledger.claims)
    if focus:
        wanted = {cid for i in focused_pledges for cid in result.pledges[i].claims}
        if focus.finding:
            finding = next((f for f in result.findings if f.id == focus.finding), None)
            wanted |= set(finding.claims) if finding else set()
        claims = [c for c in claims if c.id in wanted]
    columns: list[Column[Claim]] = [
        Column("id", "Claim", lambda c: natural(c.id)),
        Column("source", "Source", lambda c: natural(c.source)),
        Column("donor", "Donor", lambda c: c.donor.casefold()),
        Column("announced_by", "Announced by", lambda c: c.announced_by.casefold()),
        Column("recipient", "Recipient", lambda c: c.recipient.casefold()),
        Column("amount", "Amount", lambda c: (c.currency, c.value), True),
        Column("period", "Period", lambda c: period_key(c.period)),
        Column("instrument", "Instrument", lambda c: c.instrument.value),
        Column("pledge", "Pledge", lambda c: natural(pledge_of.get(c.id, ""))),
    ]

    def text_of(c: Claim) -> str:
        source = lookups.sources.get(c.source)
        return " ".join(
            (
                c.id,
                c.source,
                source.publisher if source else "",
                c.donor,
                c.announced_by,
                c.recipient,
                c.purpose,
                c.quote,
                c.instrument.value,
                period_label(c.period),
                *(str(q) for q in c.qualifiers),
            )
        )

    table = paged(
        "claims",
        claims,
        columns,
        text_of=text_of,
        figure_of=lambda c: (c.value, c.value, c.currency),
        query=args.get("claims_q", ""),
        sort=args.get("claims_sort", ""),
        descending=args.get("claims_dir") == "desc",
        page=page_number(args.get("claims_page")),
        total=len(result.ledger.claims),
    )
    rows = []
    for c in table.rows:
        source = lookups.sources.get(c.source)
        rows.append(
            ClaimRow(
                claim=c,
                pledge=pledge_of.get(c.id, ""),
                source=(source.publisher or source.id) if source else c.source,
                figure=f"{approximation(c.approximation.value)} {amount(c.value, c.currency)}".strip(),
                period=period_label(c.period),
                qualifiers="; ".join(str(q) for q in c.qualifiers),
            )
        )
    return table, rows


# ---- totals, kept in view, and what changed -------------------------------------------------------------------


def range_words(low: Decimal, nominal: Decimal, high: Decimal, currency: str) -> str:
    """ "USD 1.3bn (USD 1.27bn–USD 1.52bn)", or the one figure when the range is none."""
    if low == high:
        return amount(nominal, currency)
    return f"{amount(nominal, currency)} ({amount(low, currency)}\u2013{amount(high, currency)})"


def totals_line(totals: Iterable[CurrencyTotals]) -> list[dict[str, str]]:
    """Each currency's headline figures, for the bar that stays in view."""
    return [
        {
            "currency": t.currency,
            "distinct": amount(t.distinct.nominal, t.currency),
            "range": f"{amount(t.distinct.low, t.currency)}\u2013{amount(t.distinct.high, t.currency)}",
            "new_money": amount(t.new_money.nominal, t.currency),
            "naive": amount(t.naive, t.currency),
        }
        for t in totals
    ]


def _moved(words: str, then: Decimal, now: Decimal, currency: str) -> str:
    """ "distinct USD 1.3bn → USD 1.5bn", with the difference when the rounded figures look the same."""
    shown = f"{words} {amount(then, currency)} \u2192 {amount(now, currency)}"
    if amount(then, currency) == amount(now, currency):
        shown += f" ({signed(now - then, currency)})"
    return shown


def totals_change(before: Reconciliation | None, after: Reconciliation) -> str:
    """What a decision did to the totals: "distinct USD 1.3bn → USD 1.27bn; new money …"; "" for nothing.

    The nominal distinct figure when it moved, else the bound that did; new money when it moved."""
    if before is None:
        return ""
    old = {t.currency: t for t in before.totals}
    parts = []
    for t in after.totals:
        was = old.get(t.currency)
        if was is None:
            continue
        cur = t.currency
        for words, then, now in (
            ("distinct", was.distinct.nominal, t.distinct.nominal),
            ("distinct high bound", was.distinct.high, t.distinct.high),
            ("distinct low bound", was.distinct.low, t.distinct.low),
        ):
            if then != now:
                parts.append(f"{words} {amount(then, cur)} \u2192 {amount(now, cur)}")
                break
        if was.new_money.nominal != t.new_money.nominal:
            parts.append(
                f"new money {amount(was.new_money.nominal, cur)} \u2192 {amount(t.new_money.nominal, cur)}"
            )
    return "; ".join(parts)


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def changes_view(changes: Mapping[str, Any]) -> dict[str, Any]:
    """What changed since the previous version, in words: ids, field-level edits, carried decisions and
    each currency's totals before → after."""
    totals = []
    for t in changes.get("totals", []):
        before, after, cur = t.get("before") or {}, t.get("after") or {}, t["currency"]
        lines = []
        for key, words in (("naive", "naive sum"), ("distinct", "distinct"), ("new_money", "new money")):
            then, now = _decimal(before.get(key)), _decimal(after.get(key))
            shown_then = amount(then, cur) if then is not None else "none"
            shown_now = amount(now, cur) if now is not None else "none"
            lines.append({"what": words, "before": shown_then, "after": shown_now, "same": then == now})
        totals.append({"currency": cur, "lines": lines})
    lists = [
        (key, words, changes.get(key) or [])
        for key, words in (
            ("claims_added", "Claims added"),
            ("claims_removed", "Claims removed"),
            ("findings_new", "New findings"),
            ("findings_gone", "Findings gone"),
        )
    ]
    return {
        "lists": [(key, words, ids) for key, words, ids in lists if ids],
        "edited": changes.get("claims_edited") or [],
        "edits": changes.get("claim_edits") or [],
        "carried": changes.get("decisions_carried") or [],
        "totals": totals,
        "any": any(
            changes.get(k)
            for k in ("claims_added", "claims_removed", "claims_edited", "findings_new", "findings_gone")
        ),
    }


def charts_of(result: Reconciliation, links: Links) -> list[dict[str, Any]]:
    """Each currency's totals with its two charts, the bars leading to the pledges behind them."""
    made = []
    for t in result.totals:

        def donor_link(label: str, cur: str = t.currency) -> str:
            return links.href(
                "pledges", focus_donor=label, focus_currency=cur, pledges_page=None, claims_page=None
            )

        def year_link(label: str, cur: str = t.currency) -> str:
            return links.href(
                "pledges", focus_year=label, focus_currency=cur, pledges_page=None, claims_page=None
            )

        made.append(
            {
                "totals": t,
                "by_donor": donor_chart(
                    f"Distinct pledges by donor, {t.currency}", t.by_donor, t.currency, donor_link
                ),
                "by_year": year_chart(f"By year, {t.currency}", t.by_year, t.currency, year_link),
            }
        )
    return made


def ledger_page(seen: LedgerView, args: Mapping[str, str]) -> dict[str, Any]:
    """The ledger.html template's values for `seen`, as the query parameters `args` ask."""
    result = seen.result
    lookups = queue_lookups(result, seen.structure)
    links = Links(seen.ledger.id, {k: v for k, v in args.items() if v})
    focus = Focus.from_args(args)
    wanted = QueueFilter.from_args(args)
    queue: Queue = work_queue(
        result, seen.structure, wanted, lookups, seen.carried, holds_totals(result.ledger)
    )
    pledges, pledge_rows, focused = pledge_table(result, args, focus, lookups)
    claims, claim_rows = claim_table(result, args, focus, lookups, focused)
    charts = charts_of(result, links)
    cleared_focus: dict[str, Any] = {key: None for key in FOCUS_KEYS}
    return {
        "view": seen,
        "result": result,
        "links": links,
        "queue": queue,
        "queue_args": wanted.as_args(),
        "focus": focus,
        "clear_focus": links.href("pledges", **cleared_focus, pledges_page=None, claims_page=None),
        "pledges": pledges,
        "pledge_rows": pledge_rows,
        "claims": claims,
        "claim_rows": claim_rows,
        "charts": charts,
        "totals_line": totals_line(result.totals),
        "changes": changes_view(seen.changes),
        "latest": seen.latest,
        "describe": describe,
        "headlines": {t.currency: headline(t) for t in result.totals},
        "sorts": SORTS,
        "period_label": period_label,
        "history": seen.history[:HISTORY_SHOWN],
        "history_more": max(len(seen.history) - HISTORY_SHOWN, 0),
    }


HISTORY_SHOWN = 50
