"""The reconciliation engine: `reconcile` runs a list of small pure passes over a Ledger (normalise,
group duplicates, then the rules in `reconcile.RULES`, decide, total). How each kind of finding shapes
the totals is one table, `effects.EFFECTS`, which everything that presents totals reads."""
