"""Where bundled resources, seeds and the default database live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RESOURCES = Path(os.environ.get("CURATOR_RESOURCES", PROJECT_ROOT / "resources"))
SEEDS = PROJECT_ROOT / "seeds"
CODEBOOK = RESOURCES / "codebook.toml"


def default_database() -> Path:
    """db/curator.sqlite3 in a checkout; the user's data folder otherwise."""
    checkout_db = PROJECT_ROOT / "db"
    if (PROJECT_ROOT / "pyproject.toml").exists() and checkout_db.is_dir():
        return checkout_db / "curator.sqlite3"
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    folder = data_home / "curator"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "curator.sqlite3"
