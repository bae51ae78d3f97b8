"""Tests of ledger/names/, one file per module."""
