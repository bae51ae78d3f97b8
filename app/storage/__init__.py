"""Storage: the SQLAlchemy models, the store the services call, the database and its migrations."""
