"""Tests of ledger/core/, one file per module."""
