"""Where the project's files live. Computed once here; everything else imports these names.

Environment overrides are read by the functions, at call time, never at import.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"
SSB_SNAPSHOT_DIR = SAMPLE_DIR / "ssb"
OPERATOR_SAMPLE_DIR = SAMPLE_DIR / "operators"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def warehouse_dir() -> Path:
    return Path(os.environ.get("ETABLERER_WAREHOUSE_DIR", PROJECT_ROOT / "warehouse"))


def warehouse_path() -> Path:
    """The live DuckDB file. Only the pipeline's writers touch it."""
    return Path(os.environ.get("ETABLERER_DUCKDB_PATH", warehouse_dir() / "etablerer.duckdb"))


def archive_dir() -> Path:
    """Originals, content-addressed: SSB responses and operator files."""
    return Path(os.environ.get("ETABLERER_ARCHIVE_DIR", DATA_DIR / "archive"))


def landing_dir() -> Path:
    return Path(os.environ.get("ETABLERER_LANDING_DIR", DATA_DIR / "landing"))


def reports_dir() -> Path:
    return Path(os.environ.get("ETABLERER_REPORTS_DIR", PROJECT_ROOT / "reports"))
