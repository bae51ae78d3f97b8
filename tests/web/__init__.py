"""Web service tests: test client, access matrix, PostgreSQL, load, and a real browser."""
