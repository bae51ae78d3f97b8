"""How results look: figures in words, charts, tables, the ledger page's values, the API's JSON bodies."""

from __future__ import annotations

from flask import Flask

from .figures import amount, approximation, exact, explanation, kind_label, safe_url, signed, when


def init_presentation(app: Flask) -> None:
    """The templates' filters and helpers."""
    app.jinja_env.filters.update(
        {
            "amount": amount,
            "exact": exact,
            "when": when,
            "explanation": explanation,
            "approximation": approximation,
            "kind_label": kind_label,
            "safe_url": safe_url,
            "signed": signed,
        }
    )
