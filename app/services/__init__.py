"""What the routes call: ledgers (upload, view, decide, downloads, versions, sharing) and accounts.

Services open the database sessions and call the store; routes only parse requests and render answers.
"""
