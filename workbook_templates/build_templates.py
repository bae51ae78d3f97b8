"""Build the blank ledger workbook: `python -m workbook_templates.build_templates`.

The template is an empty ledger written by the same code that writes every ledger
(ledger.workbook.writer), so the two never drift apart. tests/test_template.py checks that the
checked-in workbook_templates/ledger.xlsx matches what this script builds.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ledger.core.model import Ledger
from ledger.workbook.writer import write_ledger

TEMPLATE_PATH = Path(__file__).with_name("ledger.xlsx")
# Fixed, so that rebuilding the template gives the same document.
TEMPLATE_TIMESTAMP = datetime(2024, 1, 1)


def build_template(target: Path = TEMPLATE_PATH) -> Path:
    """Write the blank ledger workbook to `target` (by default the checked-in template); returns `target`."""
    write_ledger(Ledger(), target, timestamp=TEMPLATE_TIMESTAMP)
    return target


def main() -> None:
    """Rebuild workbook_templates/ledger.xlsx."""
    print(f"wrote {build_template()}")


if __name__ == "__main__":
    main()
