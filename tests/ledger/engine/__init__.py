"""Tests of ledger/engine/, one file per module."""
