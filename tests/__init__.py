"""The test suite: example tests, Hypothesis properties, real components (see README, Tests)."""
