"""The app's layers, read from its source: routes reach the database only through services, and the app
imports from ledger/ only its public API (never the engine's internals, but for its effects table) and
nothing from tests/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
PUBLIC_LEDGER = ("ledger", "ledger.core", "ledger.render", "ledger.workbook")
# the one engine module presenters read: how each kind of finding shapes the totals
EFFECTS = "ledger.engine.effects"


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", _modules(APP / "routes"), ids=lambda p: p.name)
def test_routes_reach_the_database_only_through_services(path: Path) -> None:
    imported = _imports(path)
    assert not {m for m in imported if m.startswith("app.storage")}, "a route imports the store"
    source = path.read_text("utf-8")
    assert ".reading()" not in source and ".transaction()" not in source, "a route opens a session"


@pytest.mark.parametrize("path", _modules(APP), ids=lambda p: str(p.relative_to(APP)))
def test_the_app_imports_only_the_public_ledger_api(path: Path) -> None:
    for module in _imports(path):
        assert not module.startswith(("tests.", "benchmarks.")) and module not in {"tests", "benchmarks"}
        if module == "ledger" or module.startswith("ledger."):
            internal = module.startswith("ledger.engine") and not (
                module == EFFECTS or module.startswith(EFFECTS + ".")
            )
            assert module.startswith(PUBLIC_LEDGER) and not internal, module
