"""How findings quote their evidence: claims with source, figure and quote; pledges in a few words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ledger.core.model import Source
from ledger.core.money import Approximation, describe_amount
from ledger.engine.normalise import NormalClaim
from ledger.engine.views import PledgeView

_APPROX_WORDS = {
    Approximation.EXACT: "",
    Approximation.ABOUT: "about ",
    Approximation.NEARLY: "nearly ",
    Approximation.MORE_THAN: "more than ",
    Approximation.UP_TO: "up to ",
}


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
