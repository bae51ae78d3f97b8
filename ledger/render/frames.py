"""A reconciliation as pandas DataFrames, for analysts who script in notebooks.

    frames = ledger.reconcile(book).frames()     # pip install "pledge-ledger[pandas]"
    frames.pledges.groupby("donor")["distinct_nominal"].sum()

Money columns hold Decimals (pandas keeps them as objects), never floats: cents stay exact; convert
with `.astype(float)` only for plotting. pandas is imported only when this is called.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the values only; at run time this module needs nothing of the model
    import pandas

    from ledger.core.model import Reconciliation

__all__ = ["Frames", "frames"]


@dataclass(frozen=True)
class Frames:
    """The four tables of a reconciliation, one row per pledge, claim, finding and currency total."""

    pledges: pandas.DataFrame
    claims: pandas.DataFrame
    findings: pandas.DataFrame
    totals: pandas.DataFrame


def _frame(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]) -> pandas.DataFrame:
    try:
        import pandas
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            'result.frames() needs pandas: pip install "pledge-ledger[pandas]"', name="pandas"
        ) from None
    return pandas.DataFrame(list(rows), columns=list(columns))


PLEDGE_COLUMNS = (
    "id", "donor", "recipient", "purpose", "currency", "instrument", "period_start", "period_end",
    "low", "nominal", "high", "distinct_low", "distinct_nominal", "distinct_high",
    "new_money_low", "new_money_nominal", "new_money_high", "claims", "findings",
)  # fmt: skip
CLAIM_COLUMNS = (
    "id", "source", "publisher", "source_date", "donor", "announced_by", "recipient", "purpose", "amount",
    "currency", "approximation", "period_start", "period_end", "instrument", "qualifiers", "quote", "pledge",
)  # fmt: skip
FINDING_COLUMNS = (
    "id", "kind", "decision", "note", "amount_at_stake", "currency", "claims", "pledges", "rule", "message",
)  # fmt: skip
TOTAL_COLUMNS = (
    "currency", "base", "naive", "distinct_low", "distinct_nominal", "distinct_high",
    "new_money_low", "new_money_nominal", "new_money_high",
)  # fmt: skip


def frames(result: Reconciliation) -> Frames:
    """pledges, claims, findings and totals of `result` as DataFrames (money as Decimal)."""
    moved_by: dict[str, list[str]] = {}
    for finding in result.findings:
        for pledge in finding.pledges():
            moved_by.setdefault(pledge, []).append(finding.id)
    pledge_of = {claim: p.id for p in result.pledges for claim in p.claims}
    sources = {s.id: s for s in result.ledger.sources}
    pledges = (
        {
            "id": p.id,
            "donor": p.donor,
            "recipient": p.recipient,
            "purpose": p.purpose,
            "currency": p.currency,
            "instrument": p.instrument.value,
            "period_start": p.period.start,
            "period_end": p.period.end,
            "low": p.range.low,
            "nominal": p.range.nominal,
            "high": p.range.high,
            "distinct_low": c.distinct.low,
            "distinct_nominal": c.distinct.nominal,
            "distinct_high": c.distinct.high,
            "new_money_low": c.new_money.low,
            "new_money_nominal": c.new_money.nominal,
            "new_money_high": c.new_money.high,
            "claims": list(p.claims),
            "findings": moved_by.get(p.id, []),
        }
        for p, c in zip(result.pledges, result.contributions, strict=True)
    )
    claims = (
        {
            "id": c.id,
            "source": c.source,
            "publisher": sources[c.source].publisher if c.source in sources else "",
            "source_date": sources[c.source].date if c.source in sources else None,
            "donor": c.donor,
            "announced_by": c.announced_by,
            "recipient": c.recipient,
            "purpose": c.purpose,
            "amount": c.value,
            "currency": c.currency,
            "approximation": c.approximation.value,
            "period_start": c.period.start,
            "period_end": c.period.end,
            "instrument": c.instrument.value,
            "qualifiers": [str(q) for q in c.qualifiers],
            "quote": c.quote,
            "pledge": pledge_of.get(c.id, ""),
        }
        for c in result.ledger.claims
    )
    findings = (
        {
            "id": f.id,
            "kind": f.kind.value,
            "decision": f.decision.value if f.decision else None,
            "note": f.note,
            "amount_at_stake": f.amount_at_stake,
            "currency": f.currency,
            "claims": list(f.claims),
            "pledges": list(f.pledges()),
            "rule": f.rule,
            "message": f.message,
        }
        for f in result.findings
    )
    every = [
        *((t, False) for t in result.totals),
        *(((result.base_totals, True),) if result.base_totals else ()),
    ]
    totals = (
        {
            "currency": t.currency,
            "base": base,
            "naive": t.naive,
            "distinct_low": t.distinct.low,
            "distinct_nominal": t.distinct.nominal,
            "distinct_high": t.distinct.high,
            "new_money_low": t.new_money.low,
            "new_money_nominal": t.new_money.nominal,
            "new_money_high": t.new_money.high,
        }
        for t, base in every
    )
    return Frames(
        pledges=_frame(pledges, PLEDGE_COLUMNS),
        claims=_frame(claims, CLAIM_COLUMNS),
        findings=_frame(findings, FINDING_COLUMNS),
        totals=_frame(totals, TOTAL_COLUMNS),
    )
