"""The ledger's values: claims, pledges, findings, decisions and totals as frozen dataclasses, money
(the one wrapper of py-moneyed) and problems with their origin. Nothing here reads files or knows a
spreadsheet, a database or the web."""
