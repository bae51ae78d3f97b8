"""Tests of exports/: the JSON and CSV exports, and the Excel report."""
