"""exports/ reads results, never the engine's internals: of ledger.engine it imports the effects table only."""

from __future__ import annotations

import ast
from pathlib import Path

EXPORTS = Path(__file__).resolve().parents[2] / "exports"
ALLOWED = ("ledger.core.", "ledger.render.", "ledger.workbook.", "ledger.parsing.")
ENGINE = "ledger.engine.effects"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_exports_import_only_the_public_ledger_and_the_effects_table() -> None:
    files = sorted(EXPORTS.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        for module in _imports(path):
            if module == "ledger" or not module.startswith("ledger"):
                assert not module.startswith("app"), (path, module)
                continue
            assert module == ENGINE or module.startswith(ALLOWED), (path.relative_to(EXPORTS.parent), module)
