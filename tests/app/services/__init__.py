"""The services: uploads, views, decisions, background jobs, and what the app remembers."""
