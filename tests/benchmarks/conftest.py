"""The corpus of real events lives in ../shared/, outside the repository: tests skip without it, unless CI is set."""

from __future__ import annotations

import os

import pytest

from benchmarks.events import SHARED, Case, load_corpus


@pytest.fixture(scope="session")
def corpus() -> tuple[Case, ...]:
    """Every case of ../shared/events/ and the worked example; skips (fails under CI) when absent."""
    if not (SHARED / "events").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED / 'events'} is missing; CI must have shared/ beside the repository")
        pytest.skip(f"{SHARED / 'events'} is absent (it lives in shared/, outside the repository)")
    return load_corpus()
