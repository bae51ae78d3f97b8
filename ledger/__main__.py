"""`python -m ledger`: see ledger/cli.py."""

from ledger.cli import main

raise SystemExit(main())
