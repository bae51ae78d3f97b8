"""Sorted and filtered tables, by query parameters (`claims_sort=amount&claims_dir=desc&claims_q=bank`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import request, url_for


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, int | float | Decimal):
        return (0, Decimal(value))
    text = "" if value is None else str(value)
    try:
        return (0, Decimal(text))
    except (InvalidOperation, ValueError):
        return (1, text.casefold())


def sorted_filtered(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], *, sort: str, descending: bool, query: str
) -> list[Mapping[str, Any]]:
    """The rows whose text contains `query` (any column, ignoring case), sorted by column `sort`."""
    wanted = query.strip().casefold()
    kept = [r for r in rows if not wanted or any(wanted in str(r.get(c, "")).casefold() for c in columns)]
    if sort in columns:
        kept.sort(key=lambda r: _sort_key(r.get(sort)), reverse=descending)
    return kept


def table(
    rows: list[dict[str, Any]], columns: tuple[str, ...], prefix: str, args: Mapping[str, str]
) -> dict[str, Any]:
    """A table's rows as the query parameters with `prefix` sort and filter them, and how it is sorted."""
    sort = args.get(f"{prefix}_sort", "")
    descending = args.get(f"{prefix}_dir", "asc") == "desc"
    query = args.get(f"{prefix}_q", "")
    return {
        "rows": sorted_filtered(rows, columns, sort=sort, descending=descending, query=query),
        "total": len(rows),
        "sort": sort,
        "descending": descending,
        "query": query,
        "prefix": prefix,
    }


def sort_link(prefix: str, column: str) -> str:
    """The current page's address, sorted by `column` (flipping the direction when it already is)."""
    args = request.args.to_dict()
    same = args.get(f"{prefix}_sort") == column and args.get(f"{prefix}_dir", "asc") == "asc"
    args[f"{prefix}_sort"] = column
    args[f"{prefix}_dir"] = "desc" if same else "asc"
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return url_for(request.endpoint or "pages.home", _anchor=prefix, **values)
