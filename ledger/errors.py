"""The error every parser of analyst-typed text raises."""

from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(ValueError):
    """Text an analyst typed could not be understood.

    str() is a message for the analyst that quotes what was found and says what was expected, without
    saying where: the workbook reader prefixes the cell (`Claims!G12: amount "3OOm" is not a number`).
    """
