"""A reconciliation for people and programs: the JSON contract and its schema (`jsonform`), the
sentences an analyst quotes (`sentences`), and pandas DataFrames (`frames`, with the pandas extra)."""
