"""A small bounded cache, one per app and purpose (parsed ledgers, reconciliations): never module state."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


def _one(_value: object) -> int:
    return 1


class Lru(Generic[Key, Value]):
    """The values used last, by key, up to `size` in all; safe to share between threads (values must be
    immutable). Each value counts as one, or as `weigh(value)` (a ledger by its claims, say), so that a few
    large ledgers cannot hold more memory than many small ones; the value used last is always kept."""

    def __init__(self, size: int, weigh: Callable[[Value], int] = _one) -> None:
        self._size = size
        self._weigh = weigh
        self._items: OrderedDict[Key, tuple[Value, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        """The value kept for `key` (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Key, value: Value) -> None:
        """Keep `value` for `key`, forgetting the least recently used beyond the size."""
        weight = max(self._weigh(value), 1)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self._size and len(self._items) > 1:
                _, (_, dropped) = self._items.popitem(last=False)
                self._weight -= dropped

    def __len__(self) -> int:
        """How many values are kept."""
        with self._lock:
            return len(self._items)


class OneAtATime(Generic[Key]):
    """Per-key locks, so that two threads wanting the same costly value (a large ledger read, reconciled)
    make it once: the second waits for the first, then finds it remembered."""

    def __init__(self) -> None:
        self._locks: dict[Key, tuple[threading.Lock, int]] = {}
        self._lock = threading.Lock()

    @contextmanager
    def holding(self, key: Key) -> Iterator[None]:
        """Hold `key`'s lock (others asking for it wait) for the duration."""
        with self._lock:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._lock:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)
