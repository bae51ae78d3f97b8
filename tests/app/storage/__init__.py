"""Storage: the store functions, the database and its migrations."""
