"""Drafts into a ledger: a new source per text, new claim ids that do not clash, qualifiers renamed.

`with_drafts` is a function rather than a `Ledger` method so that the ledger's core values stay free
of drafting (as `make_claim` is): `Ledger` is a plain value that knows nothing of texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from ledger.core.model import OPTIONALLY_TARGETED_QUALIFIERS, Claim, Ledger, Period, Qualifier, Source
from ledger.core.money import make_money
from ledger.drafting.values import Draft, Drafts
from ledger.parsing.vocabulary import format_qualifiers
from ledger.render.jsonform import money

__all__ = ["UNKNOWN_DONOR", "drafts_dict", "skipped_dict", "with_drafts"]

UNKNOWN_DONOR = "unknown donor"


def with_drafts(ledger: Ledger, drafts: Drafts | Iterable[Drafts]) -> Ledger:
    """A new ledger with each text's drafts added: a new source per text and its drafts as claims.

    Source ids come from the publisher (or `DraftSource.id`) and claim ids from the source id, neither
    clashing with what the ledger has. Qualifiers that name a draft left out are dropped.
    """
    batch = (drafts,) if isinstance(drafts, Drafts) else tuple(drafts)
    for one in batch:
        source, claims = _as_ledger_rows(ledger, one)
        ledger = replace(ledger, sources=(*ledger.sources, source), claims=(*ledger.claims, *claims))
    return ledger


def _as_ledger_rows(ledger: Ledger, drafts: Drafts) -> tuple[Source, tuple[Claim, ...]]:
    taken_sources = {s.id for s in ledger.sources}
    source_id = _unique(
        _slug(drafts.source.id or drafts.source.publisher or drafts.source.title) or "S", taken_sources
    )
    source = Source(
        id=source_id,
        publisher=drafts.source.publisher,
        title=drafts.source.title,
        date=drafts.source.date,
        url=drafts.source.url,
    )
    taken_claims = {c.id for c in ledger.claims}
    ids: dict[str, str] = {}
    counter = 1
    for draft in drafts.drafts:
        while f"{source_id}-{counter}" in taken_claims:
            counter += 1
        ids[draft.id] = f"{source_id}-{counter}"
        taken_claims.add(ids[draft.id])
    claims = tuple(_claim(draft, source_id, ids) for draft in drafts.drafts)
    return source, claims


def _claim(draft: Draft, source_id: str, ids: Mapping[str, str]) -> Claim:
    return Claim(
        id=ids[draft.id],
        source=source_id,
        donor=draft.donor or UNKNOWN_DONOR,
        amount=make_money(draft.amount, draft.currency),
        announced_by=draft.announced_by,
        recipient=draft.recipient,
        purpose=draft.purpose,
        approximation=draft.approximation,
        period=_ledger_period(draft.period),
        instrument=draft.instrument,
        qualifiers=_renamed(draft.qualifiers, ids),
        quote=draft.quote,
    )


def _ledger_period(period: Period) -> Period:
    """The period as the ledger keeps it: its label ("2011", "2011-06-22 to 2013-06-21"), which reads
    back to the same span whatever the source's date; an unresolved one keeps its words after "unknown"."""
    if period.known:
        return Period(period.start, period.end, period.label)
    return Period(text=period.text)


def _renamed(qualifiers: tuple[Qualifier, ...], ids: Mapping[str, str]) -> tuple[Qualifier, ...]:
    out: list[Qualifier] = []
    for qualifier in qualifiers:
        if qualifier.target is None:
            out.append(qualifier)
        elif qualifier.target in ids:
            out.append(Qualifier(qualifier.kind, ids[qualifier.target]))
        elif qualifier.kind in OPTIONALLY_TARGETED_QUALIFIERS:
            out.append(Qualifier(qualifier.kind))
    return tuple(dict.fromkeys(out))


def _slug(text: str) -> str:
    words: list[str] = re.findall(r"[A-Za-z0-9]+", text)
    if not words:
        return ""
    if len(words) > 1 and all(w.isupper() for w in words[:1]):
        return words[0][:12]  # "BBC News" -> "BBC"
    return "-".join(w.upper() for w in words[:2])[:16]


def _unique(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"


def drafts_dict(ledger: Ledger, batch: Sequence[Drafts]) -> dict[str, Any]:
    """The ledger with the drafts added, as the dict `ledger_from_dict` takes, plus `skipped` and `notes`.

    Only the sources and claims the drafts added are given (the ledger's own are not repeated).
    """
    before_sources = {s.id for s in ledger.sources}
    before_claims = {c.id for c in ledger.claims}
    grown = ledger
    skipped: list[dict[str, Any]] = []
    notes: list[dict[str, str]] = []
    for drafts in batch:
        grown = with_drafts(grown, drafts)
        source_id = grown.sources[-1].id
        skipped.extend(skipped_dict(drafts, source_id))
        notes.extend({"source": source_id, "note": note} for note in drafts.notes)
    sources = [s for s in grown.sources if s.id not in before_sources]
    claims = [c for c in grown.claims if c.id not in before_claims]
    return {
        "sources": [_source_dict(s) for s in sources],
        "claims": [_claim_dict(c) for c in claims],
        "skipped": skipped,
        "notes": notes,
    }


def _source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "publisher": source.publisher,
        "title": source.title,
        "date": source.date.isoformat() if source.date else None,
        "url": source.url,
    }


def _claim_dict(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "source": claim.source,
        "donor": claim.donor,
        "announced_by": claim.announced_by,
        "recipient": claim.recipient,
        "purpose": claim.purpose,
        "amount": money(claim.value),
        "currency": claim.currency,
        "approximation": claim.approximation.value,
        "period": claim.period.text if claim.period.text else "",
        "instrument": claim.instrument.value,
        "qualifiers": [format_qualifiers((q,)) for q in claim.qualifiers],
        "quote": claim.quote,
    }


def skipped_dict(drafts: Drafts, source_id: str) -> list[dict[str, Any]]:
    """Each figure not taken, with its sentence and the reason."""
    return [
        {
            "source": source_id,
            "figure": figure.text,
            "sentence": figure.quote,
            "reason": figure.reason,
            "words": figure.words,
            "start": figure.span.start,
            "end": figure.span.end,
        }
        for figure in drafts.skipped
    ]
