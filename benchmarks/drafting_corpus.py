"""The labelled real-event corpus (`../shared/events/`), read for the drafting benchmark.

Each event is many outlets' texts with the claims and not-pledge figures an analyst labelled in each.
The texts are the publishers' own: they are read from the shared folder, never copied here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "Event",
    "LabelledClaim",
    "LabelledText",
    "NotPledge",
    "articles_folder",
    "events_folder",
    "load_events",
    "shared_folder",
]

REPO = Path(__file__).resolve().parent.parent


def shared_folder() -> Path:
    """`../shared` beside the repository."""
    return REPO.parent / "shared"


def events_folder() -> Path:
    return shared_folder() / "events"


def articles_folder() -> Path:
    return shared_folder() / "articles"


@dataclass(frozen=True, slots=True)
class LabelledClaim:
    id: str
    source: str
    donor: str
    announced_by: str
    recipient: str
    purpose: str
    amount: Decimal
    currency: str
    approx: str
    period: str | None  # ISO interval, or None when the text states none
    instrument: str
    qualifiers: tuple[str, ...]
    quote: str


@dataclass(frozen=True, slots=True)
class NotPledge:
    sentence: str
    figure: str
    why: str


@dataclass(frozen=True, slots=True)
class LabelledText:
    event: str
    id: str
    publisher: str
    title: str
    date: date | None
    url: str
    text: str
    complete: bool
    claims: tuple[LabelledClaim, ...]
    not_pledges: tuple[NotPledge, ...]


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    file: str  # the YAML file, relative to the events folder
    texts: tuple[LabelledText, ...]
    expected_totals: dict[str, dict[str, Decimal]]  # currency -> low, high, naive_sum


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _claim(raw: dict[str, Any]) -> LabelledClaim:
    period = raw.get("period")
    return LabelledClaim(
        id=_text(raw["id"]),
        source=_text(raw.get("source")),
        donor=_text(raw.get("donor")),
        announced_by=_text(raw.get("announced_by")),
        recipient=_text(raw.get("recipient")),
        purpose=_text(raw.get("purpose")),
        amount=Decimal(str(raw["amount"])),
        currency=_text(raw.get("currency")).upper(),
        approx=_text(raw.get("approx")) or "exact",
        period=None if period in (None, "") else str(period),
        instrument=_text(raw.get("instrument")) or "unknown",
        qualifiers=tuple(_text(q) for q in raw.get("qualifiers") or ()),
        quote=_text(raw.get("quote") or raw.get("sentence")),
    )


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def load_events(folder: Path | None = None) -> tuple[Event, ...]:
    """Every event of the corpus, in file order."""
    root = folder or events_folder()
    events = []
    for path in sorted(root.glob("*/*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims = tuple(_claim(c) for c in raw.get("claims") or ())
        texts = tuple(
            LabelledText(
                event=_text(raw.get("event")),
                id=_text(source["id"]),
                publisher=_text(source.get("publisher")),
                title=_text(source.get("title")),
                date=_date(source.get("date")),
                url=_text(source.get("url")),
                text=str(source.get("text") or ""),
                complete=bool(source.get("complete", True)),
                claims=tuple(c for c in claims if c.source == _text(source["id"])),
                not_pledges=tuple(
                    NotPledge(_text(n.get("sentence")), _text(n.get("figure")), _text(n.get("why")))
                    for n in source.get("not_pledges") or ()
                ),
            )
            for source in raw.get("sources") or ()
        )
        totals = {
            currency.upper(): {key: Decimal(str(value)) for key, value in figures.items()}
            for currency, figures in ((raw.get("expected") or {}).get("totals") or {}).items()
        }
        events.append(Event(_text(raw.get("event")), str(path.relative_to(root)), texts, totals))
    return tuple(events)
