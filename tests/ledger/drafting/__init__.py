"""Tests of ledger/drafting/, one file per module."""
