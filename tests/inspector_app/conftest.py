"""Command-line tests run ``main`` in-process against a data home chosen by environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest


def point_at(mp: pytest.MonkeyPatch, home: Path) -> Path:
    """Make the commands use ``home`` with its SQLite database, and no password from the environment."""
    mp.setenv("INSPECTOR_HOME", str(home))
    mp.delenv("INSPECTOR_DB_URL", raising=False)
    mp.delenv("INSPECTOR_PASSWORD", raising=False)
    return home


def photo_args(item: dict) -> list[str]:  # type: ignore[type-arg]
    """``--photo ZONE=PATH`` for every zone of a ground-truth item of the demo library."""
    from inspector_app.workstation import RESOURCES_DIR

    return [a for z in item["zones"] for a in ("--photo", f"{z['zone']}={RESOURCES_DIR / 'demo' / z['photo']}")]
