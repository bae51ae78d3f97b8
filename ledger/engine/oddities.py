"""Figures that look wrong or cannot be compared: a likely unit error, the same pledge in two currencies."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from ledger.core.findings import Converted, Finding, FindingKind, OtherCurrency, UnitError
from ledger.core.model import Decision, Instrument
from ledger.engine.decide import evidence
from ledger.engine.evidence import Matcher
from ledger.engine.normalise import Normalised, Role
from ledger.engine.views import PledgeView, Stage, at_stake, by_size, converted
from ledger.engine.wording import describe_claim, describe_pledge
from ledger.names.relations import RecipientRelation

THOUSAND = Decimal(1000)
# How many pledges in another currency one pledge is checked against, at most.
CANDIDATES_PER_PLEDGE = 16


def _comparable(a: PledgeView, b: PledgeView) -> bool:
    instruments = {a.pledge.instrument, b.pledge.instrument} - {Instrument.UNKNOWN}
    return a.period.overlaps(b.period) and len(instruments) <= 1


def _same_place(matcher: Matcher, a: PledgeView, b: PledgeView) -> bool:
    """Whether the two pledges' recipients may be one (the same place, a description that fits, or unsaid)."""
    relation = matcher.recipient(a.members[0], b.members[0]).kind
    return relation in (RecipientRelation.SAME, RecipientRelation.FITS)


def find_unit_errors(stage: Stage) -> tuple[Finding, ...]:
    """A pledge about 1,000 times smaller than another report of the same pledge ("€7.2 million" for €7.2bn)."""
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    tolerance = normal.settings.tolerance
    matcher = Matcher()
    blocks: dict[tuple[str, str, str], list[PledgeView]] = defaultdict(list)
    for view in views:
        if view.role is Role.PLEDGE:
            blocks[(view.role.value, view.members[0].family, view.compare_currency)].append(view)
    findings = []
    for block in blocks.values():
        if len(block) < 2:
            continue
        block.sort(key=by_size)
        nominals = [v.compare_range.nominal for v in block]
        largest = nominals[-1]
        for small in block:
            target = small.compare_range.nominal * THOUSAND
            if target * (1 - tolerance) > largest:
                break  # the block is in order of figure: no later pledge has one 1,000 times larger either
            lo = bisect_left(nominals, target * (1 - tolerance))
            hi = bisect_right(nominals, target * (1 + tolerance))
            big = next(
                (
                    b
                    for b in block[lo:hi]
                    if b.id != small.id and _comparable(small, b) and _same_place(matcher, small, b)
                ),
                None,
            )
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


def _place(view: PledgeView) -> str:
    first = view.members[0]
    return first.recipient_entity.key if first.claim.recipient else ""


def find_other_currency(stage: Stage) -> tuple[Finding, ...]:
    """Same donor, recipient and period in two currencies with no rate between them: possibly one pledge.

    A pledge the analyst marked "converted" is linked to the figure it converts (as the conversion rule
    found it: named, or told beside it), else to the most told pledge of the same donor family, recipient
    and period in another currency; any other pledge in a second currency is linked to the first such
    pledge of the first currency.
    """
    normal, views, decisions = stage.normal, stage.views, stage.decisions
    # what each conversion converts, as the conversion rule found it (most ledgers hold no conversion)
    converts = {f.pledge: f.original for f in stage.found if isinstance(f, Converted) and f.original}
    by_id = {v.id: v for v in views} if converts else {}

    def originals_of(view: PledgeView) -> list[PledgeView]:
        return [
            by_id[o] for o in converts.get(view.id, ()) if by_id[o].compare_currency != view.compare_currency
        ]

    blocks: dict[tuple[str, str, str], dict[str, list[PledgeView]]] = defaultdict(lambda: defaultdict(list))
    for view in views:
        if view.role is not Role.PAST:
            blocks[(view.role.value, view.members[0].family, _place(view))][view.compare_currency].append(
                view
            )
    findings = []
    for by_currency in blocks.values():
        if len(by_currency) < 2:
            continue
        currencies = sorted(by_currency)
        for currency in currencies:
            if currency == currencies[0]:
                continue
            others = sorted(
                (v for c in currencies if c != currency for v in by_currency[c]),
                key=lambda v: (converted(v), -len(v.members), v.id),
            )[:CANDIDATES_PER_PLEDGE]
            # a conversion links itself to what it converts (below): an original never links to one
            firsts = [v for v in others if v.compare_currency == currencies[0] and not converted(v)]
            for view in sorted(by_currency[currency], key=lambda v: v.id):
                candidates = originals_of(view) or (
                    [o for o in others if not converted(o)] if converted(view) else firsts
                )
                match = next((o for o in candidates if _comparable(view, o)), None)
                if match is not None:
                    findings.append(_other_currency(normal, view, match, decisions))
        # a converted pledge of the first currency still points at the figure it converts
        for view in by_currency[currencies[0]]:
            if not converted(view):
                continue
            others = (
                originals_of(view)
                or sorted(
                    (v for c in currencies[1:] for v in by_currency[c] if not converted(v)),
                    key=lambda v: (-len(v.members), v.id),
                )[:CANDIDATES_PER_PLEDGE]
            )
            match = next((o for o in others if _comparable(view, o)), None)
            if match is not None:
                findings.append(_other_currency(normal, view, match, decisions))
    return tuple(sorted(findings, key=lambda f: f.id))


def _other_currency(
    normal: Normalised, view: PledgeView, match: PledgeView, decisions: Mapping[str, Decision]
) -> Finding:
    quotes = "; ".join(describe_claim(m, normal.sources) for m in (*match.members, *view.members))
    said = (
        'the analyst marked it "converted": an outlet\'s conversion'
        if converted(view)
        else "same donor, recipient and period in two currencies, and no rate between them"
    )
    return OtherCurrency(
        **evidence(
            FindingKind.OTHER_CURRENCY,
            [view.id, match.id],
            [*view.pledge.claims, *match.pledge.claims],
            said,
            f"{describe_pledge(view)} and {describe_pledge(match)} may be one pledge reported in "
            f"two currencies; add a rate to the Rates sheet to compare them. {quotes}",
            at_stake(view, view.compare_range.nominal),
            decisions,
        ),
        pledge=view.id,
        other=match.id,
    )
