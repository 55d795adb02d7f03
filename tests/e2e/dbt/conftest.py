"""dbt end-to-end fixtures: one dbt build per warehouse per session (each invocation costs seconds)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingestion.paths import DBT_PROJECT_DIR, OPERATOR_SAMPLE_DIR
from tests.e2e.dbt.raw_fixture import build_raw_warehouse, sample_operator_rows

DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"


@dataclass(frozen=True)
class DbtWarehouse:
    db_path: Path
    target_dir: Path
    build_output: str

    def run_results(self) -> dict:
        return json.loads((self.target_dir / "run_results.json").read_text())


def run_dbt(args: list[str], db_path: Path, target_dir: Path) -> subprocess.CompletedProcess:
    """Run the dbt CLI on the project against `db_path`, with its own target and log folders so
    parallel runs never share dbt_project/target."""
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "ETABLERER_DUCKDB_PATH": str(db_path),
    }
    command = [
        str(DBT_EXECUTABLE),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_dir),
        "--log-path",
        str(target_dir / "logs"),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def build(db_path: Path, target_dir: Path, year: int = 2026) -> DbtWarehouse:
    completed = run_dbt(["build", "--vars", json.dumps({"year": year})], db_path, target_dir)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-3000:]
    return DbtWarehouse(db_path=db_path, target_dir=target_dir, build_output=completed.stdout)


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory) -> DbtWarehouse:
    """The hand-made raw fixture (raw_fixture.py), built for 2026."""
    root = tmp_path_factory.mktemp("dbt_fixture")
    db_path = build_raw_warehouse(root / "etablerer.duckdb", operator_rows=sample_operator_rows())
    return build(db_path, root / "target")


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory) -> DbtWarehouse:
    """The bundled sample loaded by the real loaders (SSB snapshot offline + every operator
    folder), built for 2026."""
    from ingestion.operators import ingest_directory
    from ingestion.ssb import fetch_population, load_population

    root = tmp_path_factory.mktemp("dbt_sample")
    db_path = root / "etablerer.duckdb"
    archive = root / "archive"
    load_population(db_path, fetch_population(offline=True, archive_dir=archive))
    for region_dir in sorted(p for p in OPERATOR_SAMPLE_DIR.iterdir() if p.is_dir()):
        for year_dir in sorted(p for p in region_dir.iterdir() if p.is_dir()):
            ingest_directory(
                db_path,
                year_dir,
                region_id=region_dir.name,
                year=int(year_dir.name),
                archive_dir=archive,
            )
    return build(db_path, root / "target")


@pytest.fixture()
def warehouse_copy(fixture_warehouse, tmp_path) -> Path:
    """A private copy of the built fixture warehouse, for tests that rebuild partitions."""
    copy = tmp_path / "etablerer.duckdb"
    shutil.copy(fixture_warehouse.db_path, copy)
    return copy
