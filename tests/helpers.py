"""Helpers shared by the tests: run the CLI in an isolated environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ingestion.paths import OPERATOR_SAMPLE_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ETABLERER = Path(sys.executable).parent / "etablerer"
DEMO_KEY = "demo-key-for-the-bundled-synthetic-sample-only"


def isolated_env(root: Path) -> dict[str, str]:
    """Environment for a pipeline whose every output lives under root."""
    (root / "dagster_home").mkdir(parents=True, exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != "ETABLERER_PSEUDONYM_KEY_FILE"}
    return {
        **environ,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "ETABLERER_DUCKDB_PATH": str(root / "warehouse" / "etablerer.duckdb"),
        "ETABLERER_ARCHIVE_DIR": str(root / "archive"),
        "ETABLERER_LANDING_DIR": str(root / "landing"),
        "ETABLERER_REPORTS_DIR": str(root / "reports"),
        "ETABLERER_PSEUDONYM_KEY": DEMO_KEY,
        # Tests ingest copies of the sample and generated files: synthetic, so the demo key may.
        "ETABLERER_SYNTHETIC_DATA": "1",
    }


def run_etablerer(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ETABLERER), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )


def copy_of_sample_run(sample_pipeline: dict, tmp_path: Path) -> tuple[Path, Path]:
    """The good state of the session's sample run (warehouse, reports, run history) and the
    bundled operator files, copied under tmp_path so a test can change them: (root, operators)."""
    assert sample_pipeline["completed"].returncode == 0
    root = tmp_path / "pipeline"
    shutil.copytree(sample_pipeline["root"], root)
    operators = tmp_path / "operators"
    shutil.copytree(OPERATOR_SAMPLE_DIR, operators)
    return root, operators
