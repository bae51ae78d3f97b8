"""Tests of ledger/render/, one file per module."""
