"""The routes, one blueprint a module: pages (ledgers), drafting (claims from an article), accounts (sign-in,
settings, administrators) and the JSON API. Each parses the request, calls a service (app/services/) and
renders the answer."""

from __future__ import annotations

from flask import Flask

from ..security import csrf
from .accounts import account_pages
from .api import api
from .drafting import drafting
from .pages import pages


def register_blueprints(app: Flask) -> None:
    """Every blueprint; the API checks CSRF itself, for requests signed in by session cookie (a token
    needs none)."""
    csrf.exempt(api)
    app.register_blueprint(pages)
    app.register_blueprint(drafting)
    app.register_blueprint(account_pages)
    app.register_blueprint(api)
