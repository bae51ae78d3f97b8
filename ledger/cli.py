"""The command line: `python -m ledger example`, `python -m ledger reconcile LEDGER`.

Exit codes: 0 reconciled (findings or not), 1 the ledger has errors (all listed, nothing
reconciled), 2 bad usage or a file that is not a readable spreadsheet.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import example_ledger, reconcile
from .jsonform import to_json
from .model import Reconciliation
from .summary import summary_text


def _print_result(result: Reconciliation, as_json: bool) -> int:
    if as_json:
        print(to_json(result))
    else:
        print(summary_text(result))
    for problem in result.errors:
        print(str(problem), file=sys.stderr)
    return 1 if result.errors else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ledger", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    commands = parser.add_subparsers(dest="command", required=True)
    example = commands.add_parser("example", help="reconcile the worked example (Central America 2011)")
    example.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    if args.command == "example":
        return _print_result(reconcile(example_ledger()), args.json)
    return 2
