"""Tests of ledger/parsing/, one file per module."""
