"""Matching by evidence: are two claims the same pledge, possibly the same, or apart?

Each piece of evidence (donor, recipient, amount, period, instrument) says, in plain words, whether it
matched; the judgement weighs them (precision first):

- apart, whatever else agrees, when the sources keep them apart ("in addition to"), or when the donors
  are different, two named recipients are different places, the periods do not meet, or one is a loan
  and the other a grant;
- the same pledge when the donor is the same (however spelled) and the figures agree (their ranges
  overlap, or exact figures lie within NEAR of each other, as outlets converting or rounding one figure
  write it), and the recipient confirms it (the same place, or a description that fits it, or none
  given); a donor and its parent (World Bank / World Bank Group) count as the same only when the figures'
  ranges overlap and the recipient is the same;
- possibly the same (a finding the analyst decides) when the figures agree but the evidence is weaker:
  a recipient inside or around the other, two descriptions, a parent and child whose figures are only near.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ledger.core.model import Instrument, Period
from ledger.core.money import AmountRange, describe_amount
from ledger.engine.normalise import NormalClaim
from ledger.names.relations import (
    DonorRelation,
    RecipientRelation,
    Relation,
    donor_relation,
    recipient_relation,
)

__all__ = ["NEAR", "NEAR_TOTALS", "Judgement", "Matcher", "Outcome", "instruments_fit", "near", "same_scope"]

# Exact figures this close (relative to the larger) are one figure told at two rates or roundings:
# $410m, $416m and $421m for one €300m; "$2.15bn" and "$2.2bn".
NEAR = Decimal("0.03")
# Totals over donors are counted by different people at different hours: a collective total told within
# this of another of the same scope is the same total ($5.4bn / $5.6bn; $4.5bn / $4.55bn).
NEAR_TOTALS = Decimal("0.05")


class Outcome(Enum):
    SAME = "same"
    POSSIBLE = "possible"
    APART = "apart"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The outcome and the evidence behind it, each piece in words: what matched and what did not."""

    outcome: Outcome
    reasons: tuple[str, ...]

    @property
    def said(self) -> str:
        return ", ".join(self.reasons)


def near(a: Decimal, b: Decimal, by: Decimal = NEAR) -> bool:
    """Whether two figures lie within `by` of each other, relative to the larger."""
    larger = max(a, b)
    return larger == 0 or abs(a - b) <= larger * by


def _percent(a: Decimal, b: Decimal) -> str:
    larger = max(a, b)
    gap = abs(a - b) / larger * 100 if larger else Decimal(0)
    return f"{gap.quantize(Decimal('0.1')).normalize():f}%"


class _Amounts(Enum):
    OVERLAP = "overlap"
    NEAR = "near"
    APART = "apart"


def _periods_fit(a: Period, b: Period) -> bool:
    return not a.known or not b.known or a.overlaps(b)


def _period_words(a: Period, b: Period) -> str:
    if not a.known or not b.known:
        return "" if not a.known and not b.known else "one period not stated"
    if not a.overlaps(b):
        return f"different periods ({a.label} / {b.label})"
    if (a.start, a.end) == (b.start, b.end):
        return f"both {a.label}"
    return "overlapping periods"


def instruments_fit(a: Instrument, b: Instrument) -> bool:
    """Whether two stated instruments can be one pledge's (or one inside the other): the same, or one
    unstated or mixed; a loan and a grant never are."""
    return a is b or a is Instrument.UNKNOWN or b is Instrument.UNKNOWN or Instrument.MIXED in (a, b)


def _instrument_words(a: Instrument, b: Instrument) -> str:
    return f"a {a.value.replace('_', ' ')} and a {b.value.replace('_', ' ')}"


_CONFIRMING = frozenset({RecipientRelation.SAME, RecipientRelation.FITS})
_WEAKENING = frozenset(
    {
        RecipientRelation.CONTAINS,
        RecipientRelation.INSIDE,
        RecipientRelation.OVERLAP,
        RecipientRelation.UNKNOWN,
    }
)
_SAME_DONOR = frozenset({DonorRelation.SAME, DonorRelation.COLLECTIVE})
_RELATED_DONOR = frozenset(
    {DonorRelation.SAME, DonorRelation.CONTAINS, DonorRelation.INSIDE, DonorRelation.COLLECTIVE}
)
_NOT_STATED = Relation(RecipientRelation.FITS, "one recipient not stated")
_NEITHER_STATED = Relation(RecipientRelation.FITS, "")


class Matcher:
    """Judges pairs of claims for one reconciliation, remembering how each pair of names relates.

    `outcome` is the fast verdict the sweep asks for every candidate pair; `judge` gives the same
    verdict with its evidence in words, for the findings.
    """

    def __init__(self) -> None:
        # keyed by the names as typed: equal entities may be spelled apart, and the reasons quote the spelling.
        # Donors by the entity each name stands for: one per name, or per name and era when its EU membership
        # changed (`Names.on`); the claims hold them for as long as this matcher weighs them
        self._donors: dict[tuple[int, int], Relation[DonorRelation]] = {}
        self._recipients: dict[tuple[str, str], Relation[RecipientRelation]] = {}
        self._scopes: dict[tuple[str, str], bool] = {}

    def donor(self, a: NormalClaim, b: NormalClaim) -> Relation[DonorRelation]:
        """How the two claims' donors relate (remembered per pair of entities)."""
        key = (id(a.donor_entity), id(b.donor_entity))
        found = self._donors.get(key)
        if found is None:
            found = self._donors[key] = donor_relation(a.donor_entity, b.donor_entity)
        return found

    def recipient(self, a: NormalClaim, b: NormalClaim) -> Relation[RecipientRelation]:
        """How the two claims' recipients relate; a blank recipient fits anything."""
        if not a.claim.recipient or not b.claim.recipient:
            return _NOT_STATED if a.claim.recipient or b.claim.recipient else _NEITHER_STATED
        key = (a.claim.recipient, b.claim.recipient)
        found = self._recipients.get(key)
        if found is None:
            found = self._recipients[key] = recipient_relation(a.recipient_entity, b.recipient_entity)
        return found

    def outcome(self, a: NormalClaim, b: NormalClaim) -> Outcome:
        """Whether `a` and `b` report the same pledge (the module's rules); explicit qualifiers are the caller's.

        The verdict `judge` gives, in `_weigh`'s order without its words (the sweep asks it for every
        candidate pair, so it is written out here: the tests hold the two to the same verdicts).
        """
        ar, br = a.compare_range, b.compare_range
        overlap = ar.low <= br.high and br.low <= ar.high
        if not overlap and not near(ar.nominal, br.nominal, NEAR_TOTALS if a.all_donors else NEAR):
            return Outcome.APART
        told_a, told_b = a.claim, b.claim
        donor = self._donors.get((id(a.donor_entity), id(b.donor_entity))) or self.donor(a, b)
        kind = donor.kind
        if kind not in _RELATED_DONOR or (kind is DonorRelation.COLLECTIVE and a.family != b.family):
            return Outcome.APART
        if a.all_donors and b.all_donors and not self.same_scope(a, b):
            return Outcome.APART
        if not instruments_fit(told_a.instrument, told_b.instrument):
            return Outcome.APART
        if not told_a.period.overlaps(told_b.period):
            return Outcome.APART
        recipient = self.recipient(a, b)
        relation = recipient.kind
        if relation is RecipientRelation.DIFFERENT:
            return Outcome.APART
        same_donor = kind in _SAME_DONOR
        if relation in _CONFIRMING and (same_donor or (overlap and relation is RecipientRelation.SAME)):
            return Outcome.SAME
        if relation in _WEAKENING or not same_donor:
            return Outcome.POSSIBLE
        return Outcome.APART

    def judge(self, a: NormalClaim, b: NormalClaim) -> Judgement:
        """The same verdict as `outcome`, with each piece of evidence in words."""
        reasons: list[str] = []
        return Judgement(self._weigh(a, b, reasons), tuple(r for r in reasons if r))

    def _weigh(self, a: NormalClaim, b: NormalClaim, reasons: list[str] | None) -> Outcome:
        # The cheap evidence first (most candidate pairs part on their figures); words only when asked
        # for, since the sweep weighs every candidate pair and words only the findings.
        amounts = _amount_kind(a.compare_range, b.compare_range, NEAR_TOTALS if a.all_donors else NEAR)
        if amounts is _Amounts.APART and reasons is None:
            return Outcome.APART
        donor = self.donor(a, b)
        if donor.kind not in _RELATED_DONOR or (
            donor.kind is DonorRelation.COLLECTIVE and a.family != b.family
        ):
            return _said(reasons, Outcome.APART, donor.reason)
        if a.all_donors and b.all_donors and not self.same_scope(a, b):
            if reasons is not None:
                reasons.append(
                    f"totals of different scope ({a.donor_entity.note or a.donor} / {b.donor_entity.note or b.donor})"
                )
            return Outcome.APART
        if reasons is not None:
            reasons.append(
                donor.reason if donor.kind is not DonorRelation.COLLECTIVE else f"same total ({a.donor})"
            )
        if not instruments_fit(a.claim.instrument, b.claim.instrument):
            return _said(reasons, Outcome.APART, _instrument_words(a.claim.instrument, b.claim.instrument))
        periods_fit = _periods_fit(a.claim.period, b.claim.period)
        if reasons is not None:
            reasons.append(_period_words(a.claim.period, b.claim.period))
        if not periods_fit:
            return Outcome.APART
        recipient = self.recipient(a, b)
        if recipient.kind is RecipientRelation.DIFFERENT:
            return _said(reasons, Outcome.APART, recipient.reason)
        if reasons is not None:
            reasons.append(recipient.reason)
            reasons.append(_amount_words(a.compare_range, b.compare_range, a.compare_currency))
        if amounts is _Amounts.APART:
            return Outcome.APART
        same_donor = donor.kind in _SAME_DONOR
        if recipient.kind in _CONFIRMING and (
            same_donor or (amounts is _Amounts.OVERLAP and recipient.kind is RecipientRelation.SAME)
        ):
            return Outcome.SAME
        if recipient.kind in _WEAKENING or not same_donor:
            return Outcome.POSSIBLE
        return Outcome.APART

    def same_scope(self, a: NormalClaim, b: NormalClaim) -> bool:
        """Whether two collective totals count the same money (remembered per pair of remarks)."""
        key = (a.donor_entity.note, b.donor_entity.note)
        found = self._scopes.get(key)
        if found is None:
            found = self._scopes[key] = same_scope(*key)
        return found


# Words in a collective total's remark that narrow what it counts: "all donors, grant share", "excluding the
# financial sector", "pledges for Gaza", "since 2001", "first-year total". Without one, a remark only says
# when or how the total was told ("conference total", "day-one tally", "World Bank count").
_SCOPE = re.compile(
    r"\b(?:except|excluding|excl|without|not including|other than|only|share|portion|part|since|"
    r"first[- ]year|second[- ]year|for|from|to|of|private|public|grants?|loans?)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


def same_scope(a: str, b: str) -> bool:
    """Whether two collective totals' remarks count the same money: neither narrows it, or both narrow it
    the same way (the words of one within the other's: "pledges for Gaza" / "pledges for Gaza, World Bank
    count")."""
    narrow_a, narrow_b = bool(_SCOPE.search(a)), bool(_SCOPE.search(b))
    if not narrow_a and not narrow_b:
        return True
    if narrow_a != narrow_b:
        return False
    words_a, words_b = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    return words_a <= words_b or words_b <= words_a


def _said(reasons: list[str] | None, outcome: Outcome, reason: str) -> Outcome:
    if reasons is not None:
        reasons.append(reason)
    return outcome


def _amount_kind(a: AmountRange, b: AmountRange, by: Decimal) -> _Amounts:
    if a.low <= b.high and b.low <= a.high:
        return _Amounts.OVERLAP
    return _Amounts.NEAR if near(a.nominal, b.nominal, by) else _Amounts.APART


def _amount_words(a: AmountRange, b: AmountRange, currency: str) -> str:
    if a.low <= b.high and b.low <= a.high:
        if a.nominal == b.nominal:
            return f"the same figure ({describe_amount(a.nominal, currency)})"
        return f"figures whose ranges overlap ({describe_amount(a.nominal, currency)} / {describe_amount(b.nominal, currency)})"
    return f"amounts {_percent(a.nominal, b.nominal)} apart"
