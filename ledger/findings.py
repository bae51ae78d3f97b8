"""What every pass shares: the pledge view the passes work on, stable finding ids, and wording."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .model import Decision, Finding, FindingKind, Period, Pledge, Source, Verdict
from .money import AmountRange, Approximation
from .normalise import NormalClaim, Role


@dataclass(frozen=True, slots=True)
class PledgeView:
    """A pledge with what the passes need to compare it: its claims, role and comparable range."""

    pledge: Pledge
    members: tuple[NormalClaim, ...]
    role: Role
    all_donors: bool
    compare_currency: str
    compare_range: AmountRange

    @property
    def id(self) -> str:
        return self.pledge.id

    @property
    def donor(self) -> str:
        return self.pledge.donor

    @property
    def recipient(self) -> str:
        return self.pledge.recipient

    @property
    def period(self) -> Period:
        return self.pledge.period


def in_pledge_currency(view: PledgeView, amount: Decimal) -> Decimal:
    """An amount in the view's compare currency, in its pledge's own currency (the analyst's rate, backwards)."""
    if view.pledge.currency == view.compare_currency or view.compare_range.nominal == 0:
        return amount
    return amount * view.pledge.range.nominal / view.compare_range.nominal


def finding_id(kind: FindingKind, keys: Iterable[str]) -> str:
    """Stable id from the kind and the claim or pledge ids it is about (not their order)."""
    digest = hashlib.sha1("\x1f".join([kind.value, *sorted(keys)]).encode()).hexdigest()[:10]
    return f"{kind.value}-{digest}"


def make_finding(
    kind: FindingKind,
    keys: Iterable[str],
    claims: Iterable[str],
    rule: str,
    message: str,
    at_stake: Decimal,
    currency: str,
    decisions: Mapping[str, Decision],
    **links: object,
) -> Finding:
    """A finding with its stable id and, when the analyst has decided it, the decision."""
    fid = finding_id(kind, keys)
    decision = decisions.get(fid)
    return Finding(
        id=fid,
        kind=kind,
        claims=tuple(sorted(set(claims))),
        rule=rule,
        message=message,
        amount_at_stake=max(at_stake, Decimal(0)),
        currency=currency,
        decision=decision.verdict if decision else None,
        note=decision.note if decision else "",
        **links,  # type: ignore[arg-type]
    )


def is_rejected(kind: FindingKind, keys: Iterable[str], decisions: Mapping[str, Decision]) -> bool:
    decision = decisions.get(finding_id(kind, keys))
    return decision is not None and decision.verdict is Verdict.REJECT


_APPROX_WORDS = {
    Approximation.EXACT: "",
    Approximation.ABOUT: "about ",
    Approximation.NEARLY: "nearly ",
    Approximation.MORE_THAN: "more than ",
    Approximation.UP_TO: "up to ",
}


def describe_amount(amount: Decimal, currency: str) -> str:
    """A figure as people say it: USD 300m, USD 1.27bn, EUR 12,500."""
    for size, word in ((Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m")):
        if abs(amount) >= size:
            scaled = (amount / size).quantize(Decimal("0.01")).normalize()
            return f"{currency} {scaled:f}{word}"
    return f"{currency} {amount.quantize(Decimal('0.01')).normalize():,f}"


def describe_claim(claim: NormalClaim, sources: Mapping[str, Source]) -> str:
    """`BBC-1 (BBC News, 2011-06-22): nearly USD 300m, "quote"`."""
    c = claim.claim
    source = sources.get(c.source)
    where = source.publisher or source.id if source else c.source
    if source and source.date:
        where = f"{where}, {source.date.isoformat()}"
    figure = _APPROX_WORDS[c.approximation] + describe_amount(c.value, c.currency)
    quote = f' "{c.quote}"' if c.quote else ""
    return f"{c.id} ({where}): {figure}{quote}"


def describe_pledge(view: PledgeView) -> str:
    """`United States to Central America, USD 300m, 2011`."""
    p = view.pledge
    to = f" to {p.recipient}" if p.recipient else ""
    period = f", {p.period.label}" if p.period.known else ""
    return f"{p.donor or 'an unnamed donor'}{to}, {describe_amount(p.range.nominal, p.currency)}{period}"


def quote_all(views: Iterable[PledgeView], sources: Mapping[str, Source]) -> str:
    return "; ".join(describe_claim(m, sources) for v in views for m in v.members)
