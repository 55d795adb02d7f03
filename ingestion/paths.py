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
# The texts of the agreements configured in the dbt seed `agreements` (its source_document).
AGREEMENTS_DIR = DATA_DIR / "agreements"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def warehouse_path() -> Path:
    """The live DuckDB file. Only the pipeline's writers touch it. dbt's profiles.yml reads the same
    ETABLERER_DUCKDB_PATH, with the same default."""
    return Path(
        os.environ.get("ETABLERER_DUCKDB_PATH", PROJECT_ROOT / "warehouse" / "etablerer.duckdb")
    )


def warehouse_dir() -> Path:
    """The live file's folder: published copies, GX Data Docs."""
    return warehouse_path().parent


def archive_dir() -> Path:
    """Originals, content-addressed: SSB responses and operator files."""
    return Path(os.environ.get("ETABLERER_ARCHIVE_DIR", DATA_DIR / "archive"))


def landing_dir() -> Path:
    return Path(os.environ.get("ETABLERER_LANDING_DIR", DATA_DIR / "landing"))


def reports_dir() -> Path:
    return Path(os.environ.get("ETABLERER_REPORTS_DIR", PROJECT_ROOT / "reports"))
