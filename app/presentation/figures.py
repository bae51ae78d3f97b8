"""How figures look on the page: amounts in words, exact amounts, dates, periods, explanations, finding
kinds in words.

Presentation only: every figure comes from the reconciliation as ledger/ computed it.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from ledger import EFFECTS, Effect, Finding, FindingKind, Period
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


def kind_label(kind: object) -> str:
    """A finding kind in words: its heading in the effects table ("Duplicate reports")."""
    effect = effect_of(kind)
    return effect.label if effect else str(getattr(kind, "value", kind)).replace("_", " ")


def effect_of(kind: object) -> Effect | None:
    """The effects table's row for a kind (a FindingKind or its value), or None for an unknown one."""
    try:
        return EFFECTS[FindingKind(str(getattr(kind, "value", kind)))]
    except ValueError:
        return None


def signed(value: Decimal, currency: str) -> str:
    """A change: "+USD 300m", "−USD 1.2bn" (a true minus sign), "no change" for zero."""
    if value == 0:
        return "no change"
    return ("+" if value > 0 else "\u2212") + amount(abs(value), currency)


# what a link may point at: a web page or a mail address (never javascript:, data:, file:, ftp: ...)
LINKABLE = re.compile(r"(?:https?://[^\s/?#]+|mailto:[^\s]+)[^\s]*", re.IGNORECASE)


def safe_url(url: object) -> str | None:
    """The address when it may be a link (http, https or mailto, nothing hidden in it), else None: a
    `javascript:` or `data:` address a workbook holds is shown as text, never made a link."""
    text = str(url or "").strip()
    if len(text) > 2000 or re.search(r"[\x00-\x1f\x7f]", text) or not LINKABLE.fullmatch(text):
        return None
    return text
