"""The blank ledger workbook analysts start from, and the script that builds it."""
