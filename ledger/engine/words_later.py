"""Words made when read: a finding's message written from its pledges only when someone reads it.

A reconciliation of a large ledger makes tens of thousands of findings, and quoting every source of
every one of them costs more than finding them; the pages show a screenful, the report writes them
once. The rule that fired is short and given as text; the message is made by a function of the
values it quotes, kept until it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger.core.findings import Words

__all__ = ["WordsLater"]


class WordsLater(Words):
    """A rule given as text and a message made by `make(*args)` each time it is read."""

    __slots__ = ("_args", "_make", "_rule")

    def __init__(self, rule: str, make: Callable[..., str], *args: Any) -> None:
        self._rule = rule
        self._make = make
        self._args = args

    @property
    def rule(self) -> str:
        return self._rule

    @property
    def message(self) -> str:
        return self._make(*self._args)
