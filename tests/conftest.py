"""Shared test set-up: telemetry off, the demo pseudonym key, and dbt parsed once per session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ETABLERER = Path(sys.executable).parent / "etablerer"
DEMO_KEY = "demo-key-for-the-bundled-synthetic-sample-only"

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ETABLERER_PSEUDONYM_KEY", DEMO_KEY)


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """The dbt manifest, parsed once per session (the definitions cannot load without it)."""
    from orchestration.defs.dbt.resources import dbt_project

    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


def isolated_env(root: Path) -> dict[str, str]:
    """Environment for a pipeline whose every output lives under root."""
    return {
        **os.environ,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "ETABLERER_DUCKDB_PATH": str(root / "warehouse" / "etablerer.duckdb"),
        "ETABLERER_ARCHIVE_DIR": str(root / "archive"),
        "ETABLERER_LANDING_DIR": str(root / "landing"),
        "ETABLERER_REPORTS_DIR": str(root / "reports"),
        "ETABLERER_PSEUDONYM_KEY": DEMO_KEY,
    }


def run_etablerer(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ETABLERER), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def sample_pipeline(tmp_path_factory, dbt_manifest) -> dict:
    """The whole pipeline on the bundled sample for 2026, run once per session as `make run` does."""
    root = tmp_path_factory.mktemp("pipeline")
    env = isolated_env(root)
    completed = run_etablerer(["run", "--year", "2026"], env)
    return {"root": root, "env": env, "completed": completed}
