"""The worked example's news reports, labelled, read from `../shared/articles/` beside the repository
(never copied into it): the web tests paste them as an analyst would."""

from __future__ import annotations

from typing import Any

import yaml

from tests.ledger.drafting.shared import shared_folder


def article(name: str = "cnn") -> dict[str, Any]:
    """A labelled report of the worked example ("cnn" or "bbc"): publisher, title, date, text, claims; the
    test skips (fails under CI) when ../shared/articles is not beside the repository."""
    path = shared_folder("articles") / f"central-america-2011-{name}.yaml"
    loaded: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    return loaded
