"""Figures that look wrong or cannot be compared: a likely unit error, the same pledge in two currencies."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from decimal import Decimal

from ledger.core.findings import Finding, FindingKind, OtherCurrency, UnitError
from ledger.core.model import Instrument
from ledger.engine.decide import evidence
from ledger.engine.normalise import Role
from ledger.engine.views import PledgeView, Stage, at_stake
from ledger.engine.wording import describe_claim, describe_pledge

THOUSAND = Decimal(1000)
# How many pledges in another currency one pledge is checked against, at most.
CANDIDATES_PER_PLEDGE = 16


def _comparable(a: PledgeView, b: PledgeView) -> bool:
    instruments = {a.pledge.instrument, b.pledge.instrument} - {Instrument.UNKNOWN}
    return a.period.overlaps(b.period) and len(instruments) <= 1


def find_unit_errors(stage: Stage) -> tuple[Finding, ...]:
    """A pledge about 1,000 times smaller than another report of the same pledge ("€7.2 million" for €7.2bn)."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    tolerance = normal.settings.tolerance
    blocks: dict[tuple[str, str, str, str], list[PledgeView]] = defaultdict(list)
    for view in views:
        if view.role is Role.PLEDGE:
            blocks[(view.role.value, view.donor, view.recipient, view.compare_currency)].append(view)
    findings = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort(key=lambda v: (v.compare_range.nominal, v.id))
        nominals = [v.compare_range.nominal for v in block]
        for small in block:
            target = small.compare_range.nominal * THOUSAND
            lo = bisect_left(nominals, target * (1 - tolerance))
            hi = bisect_right(nominals, target * (1 + tolerance))
            big = next((b for b in block[lo:hi] if b.id != small.id and _comparable(small, b)), None)
            if big is None or target == 0:
                continue
            # the smaller figure is the odd one out: "€7.2 million" where the others say €7.2bn
            suspect, other = small, big
            quotes = "; ".join(describe_claim(m, normal.sources) for m in (*small.members, *big.members))
            findings.append(
                UnitError(
                    **evidence(
                        FindingKind.UNIT_ERROR,
                        [suspect.id, other.id],
                        [*small.pledge.claims, *big.pledge.claims],
                        "same donor, recipient and period; the figures differ by a factor of about 1,000",
                        f"{describe_pledge(small)} and {describe_pledge(big)} differ by a factor of about 1,000: "
                        f"probably one pledge with a unit slip (million for billion); {suspect.id} is the odd one "
                        f"out. {quotes}",
                        at_stake(suspect, suspect.compare_range.nominal),
                        decisions,
                    ),
                    pledge=suspect.id,
                    other=other.id,
                )
            )
    return tuple(sorted(findings, key=lambda f: f.id))


def find_other_currency(stage: Stage) -> tuple[Finding, ...]:
    """Same donor, recipient and period in two currencies with no rate between them: possibly one pledge."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    blocks: dict[tuple[str, str, str], dict[str, list[PledgeView]]] = defaultdict(lambda: defaultdict(list))
    for view in views:
        if view.role is not Role.AGGREGATE:
            blocks[(view.role.value, view.donor, view.recipient)][view.compare_currency].append(view)
    findings = []
    for by_currency in blocks.values():
        if len(by_currency) < 2:
            continue
        currencies = sorted(by_currency)
        # Compared with the first currency only, each pledge against a bounded number of candidates.
        firsts = sorted(by_currency[currencies[0]], key=lambda v: v.id)[:CANDIDATES_PER_PLEDGE]
        for currency in currencies[1:]:
            for view in sorted(by_currency[currency], key=lambda v: v.id):
                match = next((o for o in firsts if _comparable(view, o)), None)
                if match is None:
                    continue
                quotes = "; ".join(describe_claim(m, normal.sources) for m in (*match.members, *view.members))
                findings.append(
                    OtherCurrency(
                        **evidence(
                            FindingKind.OTHER_CURRENCY,
                            [view.id, match.id],
                            [*view.pledge.claims, *match.pledge.claims],
                            "same donor, recipient and period in two currencies, and no rate between them",
                            f"{describe_pledge(view)} and {describe_pledge(match)} may be one pledge reported in "
                            f"two currencies; add a rate to the Rates sheet to compare them. {quotes}",
                            at_stake(view, view.compare_range.nominal),
                            decisions,
                        ),
                        pledge=view.id,
                        other=match.id,
                    )
                )
    return tuple(sorted(findings, key=lambda f: f.id))
