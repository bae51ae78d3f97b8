"""The routes: every page and endpoint through the test client, with CSRF on."""
