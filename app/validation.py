"""Every id and number in an address is checked before a view runs, so that a bad one is a 404 (or a 400),
never a 500 from the database: an id longer than the column, a NUL (PostgreSQL refuses them in text), a
number past SQLite's 64-bit integers (`?version=99999999999999999999`). Form fields and query values with
control characters are refused with a 400 for the same reason, whichever page or endpoint they reach.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request

from .errors import BadAddress, WebError

# ledger, job and finding ids: random URL-safe text, or "contained-563c1fd1a4"; download kinds may hold a
# dot ("pledges.csv")
ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
KIND = re.compile(r"[A-Za-z0-9_.-]{1,100}")
# numbers in addresses (versions, accounts, tokens) fit a 32-bit column
LARGEST_NUMBER = 2**31 - 1
# query values that must be numbers when present
NUMBER_ARGUMENTS = frozenset({"version", "page", "per_page"})
# C0 controls but tab, newline and carriage return, DEL, and the C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class BadInput(WebError):
    status = 400
    title = "The request could not be used"


def checked_number(raw: str, what: str) -> int:
    """A whole number from 1 to LARGEST_NUMBER written in `raw`; BadAddress otherwise."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= LARGEST_NUMBER:
        raise BadAddress(f'{what} is "{text[:40]}"; expected a whole number from 1 to {LARGEST_NUMBER:,}')
    return int(text)


def _check_view_arguments(endpoint: str | None, values: dict[str, Any] | None) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, int):
            if not 1 <= value <= LARGEST_NUMBER:
                raise BadAddress(f"{name.replace('_', ' ')} {value} does not exist")
        elif (
            isinstance(value, str)
            and name != "filename"
            and not (KIND if name == "kind" else ID).fullmatch(value)
        ):
            raise BadAddress(f"there is nothing at this address ({name.replace('_', ' ')} is not an id)")


def _check_values() -> None:
    for name, value in request.args.items(multi=True):
        if CONTROL.search(value) or CONTROL.search(name):
            raise BadInput("the address holds control characters; remove them and try again")
        if name in NUMBER_ARGUMENTS and value != "":
            checked_number(value, name)
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for name, value in request.form.items(multi=True):
            if CONTROL.search(value) or CONTROL.search(name):
                raise BadInput(
                    f'the field "{CONTROL.sub("", name)[:40]}" holds control characters; remove them'
                )


def init_validation(app: Flask) -> None:
    """Check the address's ids and numbers, and refuse control characters in query values and forms."""
    app.url_value_preprocessor(_check_view_arguments)
    app.before_request(_check_values)
