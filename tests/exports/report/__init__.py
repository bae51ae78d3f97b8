"""Tests of the Excel report (exports/report/): its cells, formulas, sheets, print-out, and reading it back."""
