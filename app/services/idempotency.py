"""Idempotent API writes: a client sends an `Idempotency-Key` header with an upload or a decision, and the
same key again (after a timeout, a reset, a crash) gets the first answer instead of a second write.

The key is recorded in the write's own transaction, with what the write made (a ledger's version, a
decision event, a job): a write is stored with its key or not at all, and two requests with one key at
the same moment store one write (the second fails on the unique key and answers as the first). The first
answer itself is kept just after, to be sent again byte for byte; were the server to stop in between, the
answer is made again from what the write made. Keys are per account and kept for a day.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..errors import BadIdempotencyKey
from ..storage import store
from ..storage.database import Database

# visible ASCII, as the draft standard's examples (UUIDs, random strings); long enough for any of them
KEY = re.compile(r"[\x21-\x7e]{1,200}")
# answers larger than this are not kept (they are made again from what the write made)
MAX_KEPT_ANSWER = 512 * 1024


def checked_key(raw: str) -> str:
    """The key when usable (1-200 visible ASCII characters); BadIdempotencyKey otherwise."""
    key = raw.strip()
    if not KEY.fullmatch(key):
        raise BadIdempotencyKey(
            "the Idempotency-Key header must be 1 to 200 visible ASCII characters (a UUID is a good key)"
        )
    return key


def fingerprint(*parts: bytes | str) -> str:
    """The digest of what a request asked for (method, path, body), to tell a repeat from a different
    request that reuses a key."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Keyed:
    """A write under an idempotency key: whose, the key, and the fingerprint of what was asked."""

    user_id: int
    key: str
    fingerprint: str

    def record(self, session: Session, outcome: dict[str, Any]) -> None:
        """Record the key with what the write made, inside the write's transaction."""
        store.record_idempotent(session, self.user_id, self.key, self.fingerprint, outcome)


@dataclass(frozen=True)
class Earlier:
    """What a keyed write made the first time, and its answer when it was kept."""

    outcome: dict[str, Any]
    status: int | None
    body: str | None


def earlier(db: Database, keyed: Keyed) -> Earlier | None:
    """The first write under the key, if there was one; BadIdempotencyKey (422) when the key was used for
    a different request."""
    with db.reading() as session:
        row = store.idempotent_outcome(session, keyed.user_id, keyed.key)
    if row is None:
        return None
    if row.fingerprint != keyed.fingerprint:
        raise BadIdempotencyKey(
            "this Idempotency-Key was used for a different request; use a new key for each new request",
            status=422,
        )
    return Earlier(json.loads(row.outcome or "{}"), row.status, row.body)


def keep(db: Database, keyed: Keyed, status: int, body: bytes) -> None:
    """Keep the first answer to send again (when small enough)."""
    text = body.decode("utf-8") if len(body) <= MAX_KEPT_ANSWER else None
    with db.transaction() as session:
        store.keep_answer(session, keyed.user_id, keyed.key, status, text)
