"""Tests of ledger/, one file per module."""
