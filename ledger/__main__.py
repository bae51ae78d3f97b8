"""`python -m ledger`: see ledger/cli.py."""

from .cli import main

raise SystemExit(main())
