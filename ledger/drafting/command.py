"""`python -m ledger extract FILE... [--date D] [--publisher P] [--title T] [--url U]
[-o LEDGER.xlsx | --append LEDGER.xlsx] [--json]`: draft claims from article files.

Each file (.txt, or .html saved from a browser) becomes a source; what the command line gives for the
source wins over what an HTML page says about itself. Without -o, --append or --json the drafts are
printed for reading. Exit codes: 0 drafted, 1 the ledger to append to has errors, 2 bad usage or a
file that cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ledger.core.model import Ledger
from ledger.drafting.draft import draft_claims
from ledger.drafting.inputs import read_article
from ledger.drafting.ledger_form import drafts_dict, with_drafts
from ledger.drafting.values import Drafts, DraftSource

__all__ = ["add_extract_command", "run_extract"]

EXIT_OK, EXIT_LEDGER_ERRORS, EXIT_USAGE = 0, 1, 2
_PROGRESS_FROM = 2  # a bar for batches; one file needs none


def add_extract_command(commands: Any) -> None:
    """Add the `extract` subcommand to the command line's subparsers."""
    extract = commands.add_parser("extract", help="draft claims from article files (.txt or .html)")
    extract.add_argument(
        "files", nargs="+", type=Path, help="articles: plain text or HTML saved from a browser"
    )
    extract.add_argument("--date", help="the source's date (YYYY-MM-DD): what 'this year' is read against")
    extract.add_argument("--publisher", help="the source's publisher")
    extract.add_argument("--title", help="the source's title")
    extract.add_argument("--url", help="the source's URL")
    where = extract.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="write a new ledger workbook with the drafts")
    where.add_argument("--append", type=Path, help="add the drafts to this ledger workbook")
    extract.add_argument(
        "--json",
        action="store_true",
        help="print the drafts as the dict ledger_from_dict takes, plus skipped",
    )


def run_extract(args: argparse.Namespace) -> int:
    """Run `extract`; returns the exit code."""
    published: date | None = None
    if args.date:
        try:
            published = date.fromisoformat(args.date)
        except ValueError:
            print(f'--date "{args.date}" is not a date; expected e.g. 2011-06-22', file=sys.stderr)
            return EXIT_USAGE
    missing = [str(f) for f in args.files if not Path(f).is_file()]
    if missing:
        for name in missing:
            print(f"{name}: no such file", file=sys.stderr)
        return EXIT_USAGE
    ledger = Ledger()
    if args.append is not None:
        loaded = _load(args.append)
        if isinstance(loaded, int):
            return loaded
        ledger = loaded
    batch = _draft_files(args.files, args, published)
    for path, drafts in zip(args.files, batch, strict=True):
        for note in drafts.notes:
            print(f"{path}: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(drafts_dict(ledger, batch), indent=2, ensure_ascii=False))
    target = args.output or args.append
    if target is not None:
        from ledger.workbook import save_workbook

        grown = with_drafts(ledger, batch)
        save_workbook(grown, target)
        added = len(grown.claims) - len(ledger.claims)
        print(f"wrote {added} drafted claim(s) from {len(batch)} file(s) to {target}", file=sys.stderr)
    if not args.json and target is None:
        for path, drafts in zip(args.files, batch, strict=True):
            print(_described(path, drafts))
    return EXIT_OK


def _load(path: Path) -> Ledger | int:
    from ledger.workbook import load_workbook

    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    built = load_workbook(path, name=path.name)
    if built.unreadable:
        print(built.errors[0].message, file=sys.stderr)
        return EXIT_USAGE
    if built.errors:
        print(f"{path.name}: {len(built.errors)} problem(s); nothing was added:", file=sys.stderr)
        for problem in built.errors:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_LEDGER_ERRORS
    return built.ledger


def _draft_files(files: Sequence[Path], args: argparse.Namespace, published: date | None) -> list[Drafts]:
    batch = []
    shown = tqdm(
        files,
        unit="article",
        desc="drafting",
        file=sys.stderr,
        leave=False,
        disable=len(files) < _PROGRESS_FROM,
    )
    for path in shown:
        data = Path(path).read_bytes()
        article = read_article(data, html=True if path.suffix.lower() in (".html", ".htm") else None)
        source = DraftSource(
            publisher=args.publisher or article.publisher,
            title=args.title or article.title,
            date=published or article.date,
            url=args.url or article.url,
            id="" if (args.publisher or article.publisher) else Path(path).stem,
        )
        batch.append(draft_claims(article.text, source))
    return batch


def _described(path: Path, drafts: Drafts) -> str:
    lines = [f"{path}: {len(drafts.drafts)} draft(s), {len(drafts.skipped)} figure(s) skipped"]
    for draft in drafts.drafts:
        period = draft.period.label if draft.period.known else (draft.period.text or "no period")
        qualifiers = "; ".join(str(q) for q in draft.qualifiers)
        lines.append(
            f"  {draft.id} {draft.figure.text}: {draft.donor or '?'} -> {draft.recipient or '?'}, "
            f"{draft.approximation.value} {draft.amount} {draft.currency}, {period}, {draft.instrument.value}"
            + (f", {qualifiers}" if qualifiers else "")
            + f" ({draft.confidence.score}%: {draft.reason})"
        )
    for figure in drafts.skipped:
        lines.append(f"  skipped {figure.text}: {figure.reason}")
    return "\n".join(lines)
