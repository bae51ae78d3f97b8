"""How two spellings of a name are compared: tidied, and keyed without case, dots or a leading "the"."""

from __future__ import annotations

__all__ = ["match_key", "tidy"]

# Dots vanish ("U.S." is "US"); curly apostrophes are straight ones ("Côte d’Ivoire").
_KEY_TRANSLATION = str.maketrans({".": None, "\u2019": "'", "\u2018": "'"})


def tidy(name: str) -> str:
    """The name with surrounding spaces removed and inner runs of spaces collapsed to one."""
    return " ".join(name.split())


def match_key(name: str) -> str:
    """What two spellings must share to be the same name: no case, dots, extra spaces or leading "the"."""
    key = " ".join(name.translate(_KEY_TRANSLATION).casefold().split())
    return key[4:] if key.startswith("the ") else key
