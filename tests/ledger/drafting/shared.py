"""The shared labelled folders, read from `../shared/` beside the repository (never copied into it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[4] / "shared"


def shared_folder(name: str) -> Path:
    """`../shared/<name>`; skips the test when it is absent, unless CI is set, where its absence fails."""
    folder = SHARED / name
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing; CI must have shared/ beside the repository")
        pytest.skip(f"{folder} is not here: the labelled texts live beside the repository, not in it")
    return folder
