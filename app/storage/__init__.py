"""Storage: the SQLAlchemy models and the store the routes call."""
