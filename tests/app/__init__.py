"""Web service tests, mirroring app/: routes, services, storage; the access matrix, the load test and a
real browser."""
