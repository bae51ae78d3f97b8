"""Floors just below what the drafting benchmark reaches on the real-event corpus (`../shared/events/`).

`python -m benchmarks.drafting` prints the full table; this test fails when drafting falls below it.
"""

from __future__ import annotations

from decimal import Decimal

from benchmarks.drafting import FIELDS, score_corpus
from benchmarks.drafting_corpus import load_events
from tests.ledger.drafting.shared import shared_folder

FOUND_AT_LEAST = Decimal("95.0")  # % of labelled claims found
REAL_AT_LEAST = Decimal("97.5")  # % of drafts that are labelled claims
NOT_PLEDGES_AT_MOST = Decimal("8.0")  # % of not-pledge figures drafted
FIELDS_AT_LEAST = Decimal("88.5")  # % of fields right among the claims found


def test_drafting_holds_its_floors_on_the_real_event_corpus() -> None:
    events = load_events(shared_folder("events"))
    totals, scores, _ = score_corpus(events)
    assert totals.texts == 58
    assert len(totals.unsupported) == 2  # the two German texts: not supported rather than wrong drafts
    assert totals.found_share >= FOUND_AT_LEAST, totals.found_share
    assert totals.real_share >= REAL_AT_LEAST, totals.real_share
    assert totals.not_pledge_share <= NOT_PLEDGES_AT_MOST, totals.not_pledge_share
    assert totals.fields_share >= FIELDS_AT_LEAST, {name: totals.field_share(name) for name in FIELDS}
    assert all(s.drafts == 0 for s in scores if not s.supported)
