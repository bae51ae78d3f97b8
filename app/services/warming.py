"""Keeping a worker ready for what the other workers stored.

Each gunicorn worker remembers the ledgers it read and reconciled (app/services/caches.py). A version
uploaded through one worker, or a decision that changes what the engine finds (a rejected duplicate),
would make the next page served by another worker read and reconcile it first: seconds, for a
100,000-claim ledger. So each worker watches the database for new versions and such decisions (a cheap
query every few seconds) and prepares them in a background thread, as its pages will ask for them.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from ledger import FindingKind

from ..storage import store
from .standing import kind_of

if TYPE_CHECKING:
    from .ledgers import LedgerService

log = logging.getLogger(__name__)
STRUCTURAL = {FindingKind.DUPLICATE, FindingKind.CONTAINED}


class Warmer:
    """A background thread that prepares, in this worker, the ledgers other workers changed."""

    def __init__(self, service: LedgerService, interval: float = 2.0) -> None:
        self._service = service
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ledger-warmer", daemon=True)

    def start(self) -> None:
        """Watch from now on (what was stored before is prepared when first asked for)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (the thread ends within an interval)."""
        self._stop.set()

    def _run(self) -> None:
        try:
            with self._service.db.reading() as session:
                versions, decisions = store.newest_ids(session)
        except Exception:  # the database not there yet: try from the beginning next time
            versions, decisions = 0, 0
        while not self._stop.wait(self._interval):
            try:
                versions, decisions = self.catch_up(versions, decisions)
            except Exception:
                log.exception("preparing the ledgers other workers changed")

    def catch_up(self, versions: int, decisions: int) -> tuple[int, int]:
        """Prepare what changed after the given row ids; the ids to look from next time."""
        with self._service.db.reading() as session:
            versions, decisions, new_versions, new_decisions = store.changed_since(
                session, versions, decisions
            )
        wanted = list(new_versions)
        for ledger_id, finding, verdict in new_decisions:
            # only a rejection (or taking one back) of a duplicate or containment changes what is found
            if kind_of(finding) in STRUCTURAL and verdict != "accept" and ledger_id not in wanted:
                wanted.append(ledger_id)
        for ledger_id in wanted:
            if self._stop.is_set():
                break
            try:
                self._service.prepare(ledger_id)
            except store.NotFound:  # deleted meanwhile
                continue
        return versions, decisions
