"""The command line.

    python -m ledger reconcile LEDGER [-o REPORT.xlsx] [--json]
    python -m ledger template -o FILE
    python -m ledger example [--json]
    python -m ledger extract FILE... [--date D] [--publisher P] [--title T] [--url U] [-o LEDGER.xlsx | --append LEDGER.xlsx] [--json]

Exit codes: 0 reconciled (findings or not), 1 the ledger has errors (all listed, nothing
reconciled), 2 bad usage or a file that is not a readable spreadsheet.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ledger import example_ledger, reconcile
from ledger.core.model import Reconciliation
from ledger.core.problems import Problem
from ledger.drafting.command import add_extract_command, run_extract
from ledger.render.jsonform import problem_json, reconciliation_json
from ledger.render.sentences import summary_text
from ledger.workbook import load_workbook

EXIT_OK, EXIT_LEDGER_ERRORS, EXIT_USAGE = 0, 1, 2


def _print_result(result: Reconciliation, as_json: bool) -> int:
    if as_json:
        print(json.dumps(reconciliation_json(result), indent=2, ensure_ascii=False))
    else:
        print(summary_text(result))
    for problem in result.errors:
        print(str(problem), file=sys.stderr)
    return EXIT_LEDGER_ERRORS if result.errors else EXIT_OK


def _print_load_errors(problems: Sequence[Problem], as_json: bool, workbook: str) -> int:
    print(f"{workbook}: {len(problems)} problem(s); nothing was reconciled:", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    if as_json:
        print(json.dumps({"errors": [problem_json(p) for p in problems]}, indent=2, ensure_ascii=False))
    return EXIT_LEDGER_ERRORS


def _reconcile_file(path: Path, output: Path | None, as_json: bool) -> int:
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    with _ProgressBar() as progress:
        built = load_workbook(path, name=path.name, progress=progress)
    if built.unreadable:
        print(built.errors[0].message, file=sys.stderr)
        return EXIT_USAGE
    if built.errors:
        return _print_load_errors(built.errors, as_json, path.name)
    for warning in built.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    result = reconcile(built.ledger)
    if output is not None and not result.errors:
        _write_report(result, output)
    return _print_result(result, as_json)


class _ProgressBar:
    """A tqdm bar on stderr, shown only for workbooks of more than a few thousand rows."""

    SHOWN_FROM = 5000

    def __init__(self) -> None:
        self.bar: tqdm[Any] | None = None

    def __call__(self, done: int, total: int) -> None:
        bar = self.bar
        if bar is None:
            if total < self.SHOWN_FROM:
                return
            bar = self.bar = tqdm(
                total=total, unit="row", desc="reading claims", file=sys.stderr, leave=False
            )
        bar.update(done - bar.n)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _write_report(result: Reconciliation, output: Path) -> None:
    # the command line is an application edge, like app/: the one module of ledger/ that uses exports
    from exports.report import write_report

    write_report(result, output)


def _template(output: Path) -> int:
    from importlib import resources

    template = resources.files("workbook_templates").joinpath("ledger.xlsx")
    with resources.as_file(template) as source:
        shutil.copyfile(source, output)
    print(f"wrote the blank ledger template to {output}", file=sys.stderr)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ledger", description="Find the double counting in a ledger of announced pledges."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("reconcile", help="read a ledger workbook and reconcile it")
    rec.add_argument("ledger", type=Path, help="the ledger: .xlsx, .xlsm, .xls, .ods or .csv")
    rec.add_argument("-o", "--output", type=Path, help="write the Excel report here")
    rec.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    template = commands.add_parser("template", help="write the blank ledger template")
    template.add_argument("-o", "--output", type=Path, required=True, help="where to write it (.xlsx)")
    example = commands.add_parser("example", help="reconcile the worked example (Central America 2011)")
    example.add_argument("--json", action="store_true", help="print the JSON contract instead of text")
    add_extract_command(commands)
    return parser


# what a shell reports for a program stopped by a closed pipe (128 + SIGPIPE)
CLOSED_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (CLOSED_PIPE, quietly, when the reader of its output
    went away, as `... | head` does)."""
    try:
        return _run(argv)
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at /dev/null first
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return CLOSED_PIPE


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if args.command == "example":
        return _print_result(reconcile(example_ledger()), args.json)
    if args.command == "template":
        return _template(args.output)
    if args.command == "extract":
        return run_extract(args)
    return _reconcile_file(args.ledger, args.output, args.json)
