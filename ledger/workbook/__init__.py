"""Ledger workbooks in and out: the gate checks bytes, the reader turns cells into a Ledger, the writer
writes one back in the template's layout.

    built = load_workbook("my-ledger.xlsx")   # a Built: the ledger and every problem, each at its cell
    book = built.unwrap()                      # or LedgerError listing every error
    save_workbook(book, "copy.xlsx")           # reads back equal

`gate` is the only module that opens spreadsheet bytes; `layout` says which sheets and columns a
ledger has (the template, the reader and the writer all read it).
"""

from __future__ import annotations

import os
from typing import BinaryIO

from ledger.core.model import Built, Ledger
from ledger.workbook.gate import Limits, UnreadableWorkbook
from ledger.workbook.reader import Progress, read_ledger
from ledger.workbook.writer import write_ledger

__all__ = ["Limits", "Progress", "UnreadableWorkbook", "load_workbook", "save_workbook"]


def load_workbook(
    source: bytes | BinaryIO | str | os.PathLike[str],
    *,
    name: str = "",
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Built:
    """Read a ledger workbook (.xlsx, .xlsm, .xls, .ods or a .csv of claims; a path, bytes or a binary file).

    Never raises for what the file holds: the result carries the ledger and every problem, each at its
    cell (`Claims!G12: amount "3OOm" is not a number`); an unreadable file is one error with
    `unreadable` set. `Built.unwrap()` gives the ledger or raises LedgerError listing every error.
    `progress`, when given, is called as claims are read with (rows done, rows in all).
    """
    return read_ledger(source, name=name, limits=limits, progress=progress)


def save_workbook(ledger: Ledger, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write `ledger` as a workbook in the template's layout (a path or a binary file); it reads back equal.

    Text the analyst typed is always written as text, never as a formula.
    """
    write_ledger(ledger, target)
