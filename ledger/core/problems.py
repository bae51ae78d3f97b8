"""Problems as values: where a value came from (`Claims!G12`), errors and warnings with that origin.

Parsers raise ParseError with a message that says what was found and what was expected; whoever knows
the place (the workbook reader, the dict builder) turns it into a Problem at that origin. Problems are
collected and returned with the result, never raised one at a time; the Python API's LedgerError carries
all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["LedgerError", "Origin", "ParseError", "Problem", "Severity", "problems_text"]


class ParseError(ValueError):
    """Text an analyst typed could not be understood.

    str() is a message for the analyst that quotes what was found and says what was expected, without
    saying where: the workbook reader prefixes the cell (`Claims!G12: amount "3OOm" is not a number`).
    """


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value came from, for messages: workbook, sheet, row and column (letters)."""

    workbook: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    # field name -> column letters as the workbook laid them out, shared by every row of a sheet
    columns: tuple[tuple[str, str], ...] = ()

    @property
    def cell(self) -> str:
        """`Claims!G12`, `Claims!12` (a whole row), `Claims` or '' as far as known."""
        if not self.sheet:
            return ""
        if self.row is None:
            return self.sheet
        return f"{self.sheet}!{self.column}{self.row}"

    def at(self, column: str) -> Origin:
        """The same row, another column (letters)."""
        return Origin(self.workbook, self.sheet, self.row, column, self.columns)

    def field(self, name: str) -> Origin:
        """The same row, at the column that holds field `name` (e.g. "amount"), when known."""
        return self.at(dict(self.columns).get(name, self.column))

    def __str__(self) -> str:
        return self.cell


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """An error or warning as a value, with its origin: `Claims!G12: amount "3OOm" is not a number`."""

    message: str
    origin: Origin = Origin()
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.origin.cell}: {self.message}" if self.origin.cell else self.message


class LedgerError(ValueError):
    """Raised by the Python API when a ledger cannot be built; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(problems_text(self.problems))


def problems_text(problems: Iterable[Problem]) -> str:
    """Problems one per line, each with its place: `Claims!G12: amount "3OOm" is not a number`."""
    return "\n".join(str(p) for p in problems)
