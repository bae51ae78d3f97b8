"""What a ledger's page shows, from the service's view of it: the tables (sorted and filtered by the query
parameters), the charts and headline per currency, and what is still undecided."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledger import reconciliation_json
from ledger.render.sentences import headline
from ledger.workbook.layout import CLAIMS

from ..services.ledgers import LedgerView
from .charts import bar_chart, bars_from_amounts, bars_from_ranges
from .figures import period_label
from .tables import table

# the ledger's own Claims columns, but for the quote (shown with each finding instead)
CLAIM_COLUMNS = tuple(column.field for column in CLAIMS.columns if column.field != "quote")
PLEDGE_COLUMNS = (
    "id",
    "donor",
    "recipient",
    "purpose",
    "instrument",
    "period",
    "low",
    "nominal",
    "high",
    "currency",
    "claims",
)


def ledger_page(seen: LedgerView, args: Mapping[str, str]) -> dict[str, Any]:
    """The ledger.html template's values for `seen`, its tables as the query parameters `args` ask."""
    result = seen.result
    data = reconciliation_json(result)
    claims = {c["id"]: c for c in data["claims"]}
    sources = {s["id"]: s for s in data["sources"]}
    pledges = [
        {**p, "period": period_label(pledge.period), "claims": ", ".join(p["claims"])}
        for p, pledge in zip(data["pledges"], result.pledges, strict=True)
    ]
    claim_rows = [
        {**c, "period": period_label(claim.period), "qualifiers": "; ".join(c["qualifiers"])}
        for c, claim in zip(data["claims"], result.ledger.claims, strict=True)
    ]
    charts = [
        {
            "currency": t.currency,
            "headline": headline(t),
            "totals": t,
            "by_donor": bar_chart(
                f"Distinct pledges by donor, {t.currency}", bars_from_ranges(t.by_donor), t.currency
            ),
            "by_year": bar_chart(f"Pledges by year, {t.currency}", bars_from_amounts(t.by_year), t.currency),
        }
        for t in result.totals
    ]
    return {
        "view": seen,
        "result": result,
        "claims": claims,
        "sources": sources,
        "charts": charts,
        "claims_table": table(claim_rows, CLAIM_COLUMNS, "claims", args),
        "pledges_table": table(pledges, PLEDGE_COLUMNS, "pledges", args),
        "undecided": sum(1 for f in result.findings if f.decision is None),
        "latest": seen.version.number == seen.versions[-1].number,
    }
