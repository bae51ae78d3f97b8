"""How figures look on the page: amounts in words, exact amounts, dates, periods, explanations, finding
kinds in words.

Presentation only: every figure comes from the reconciliation as ledger/ computed it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ledger import Finding, Period
from ledger.core.money import describe_amount


def amount(value: Decimal | str, currency: str) -> str:
    """`USD 300m`, `USD 1.27bn`."""
    return describe_amount(Decimal(value), currency)


def exact(value: Decimal | str) -> str:
    """`300,000,000` (cents shown only when there are any)."""
    number = Decimal(value)
    return f"{number:,.2f}" if number != number.to_integral_value() else f"{number:,.0f}"


def when(moment: datetime | None) -> str:
    """`2024-06-01 14:03 UTC`."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def period_label(period: Period) -> str:
    """`2011`, `2011-2013`, `until 2011-06-22`; what the analyst typed when the span is unknown."""
    return period.label if period.known else (period.text or "unknown")


def explanation(finding: Finding) -> str:
    """The finding's message without the quoted claims appended to it (the page shows those side by side)."""
    cut = len(finding.message)
    for claim in finding.claims:
        at = finding.message.find(f" {claim} (")
        if 0 < at < cut:
            cut = at
    return finding.message[:cut].strip()


def approximation(word: str) -> str:
    """An approximation as written before a figure: "nearly", "more than"; nothing for an exact figure."""
    return "" if word == "exact" else word.replace("_", " ")


FINDING_KIND_LABELS = {
    "duplicate": "Duplicate reports",
    "contained": "Inside a larger pledge",
    "aggregate": "A total that holds other pledges",
    "aggregate_too_small": "A total too small for its parts",
    "repackaged": "Possibly repackaged money",
    "baseline": "Only the increase is new",
    "already_provided": "Money already provided",
    "unit_error": "Possible unit error",
    "other_currency": "Another currency",
}


def kind_label(kind: object) -> str:
    """A finding kind in words."""
    value = getattr(kind, "value", kind)
    return FINDING_KIND_LABELS.get(str(value), str(value).replace("_", " "))
