"""Tests of ledger/workbook/, one file per module."""
