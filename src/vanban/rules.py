"""Load the rule tables under ``vanban/data/`` (TOML), once per process."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed ``data/<name>.toml``."""
    with resources.files("vanban.data").joinpath(f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)
