"""dbt end-to-end fixtures: one dbt build per warehouse per session (each run costs seconds)."""

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


def dbt_command(args: list[str], db_path: Path, target_dir: Path) -> tuple[list[str], dict]:
    """The dbt CLI on the project against `db_path`, with its own target and log folders so
    parallel runs never share dbt_project/target."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "ETABLERER_DUCKDB_PATH": str(db_path)}
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
    return command, env


def run_dbt(args: list[str], db_path: Path, target_dir: Path) -> subprocess.CompletedProcess:
    command, env = dbt_command(args, db_path, target_dir)
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def build_register_models(db_path: Path, target_dir: Path) -> None:
    """What a run after a register refresh builds from raw.brreg_units as it is now: the
    register's history and each day's state (dbt_register_models), and the models that read them
    but the incremental marts (the outcome marts, the linkage findings)."""
    args = ["run", "--select", "source:raw_brreg+", "--exclude", "config.materialized:incremental"]
    result = run_dbt(args, db_path, target_dir)
    assert result.returncode == 0, result.stdout[-4000:]


def start_build(
    db_path: Path, target_dir: Path, extra: list[str] | None = None
) -> subprocess.Popen:
    args = ["build", "--vars", json.dumps({"year": 2026}), *(extra or [])]
    command, env = dbt_command(args, db_path, target_dir)
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def finish_build(process: subprocess.Popen, db_path: Path, target_dir: Path) -> DbtWarehouse:
    output, _ = process.communicate()
    assert process.returncode == 0, output[-8000:]
    return DbtWarehouse(db_path=db_path, target_dir=target_dir, build_output=output)


def load_sample(db_path: Path, archive: Path, operators: Path = OPERATOR_SAMPLE_DIR) -> Path:
    """The bundled sample through the real loaders: SSB snapshot offline, the agreements' texts
    checked, and every operator folder (of `operators`/<region>/<year>/, by default the
    bundled sample's)."""
    from ingestion.agreements import check_configured_agreements, load_agreement_checks
    from ingestion.operators import ingest_directory
    from ingestion.paths import AGREEMENTS_DIR
    from ingestion.ssb import fetch_population, load_ssb

    load_ssb(db_path, fetch_population(offline=True, archive_dir=archive))
    load_agreement_checks(db_path, check_configured_agreements(AGREEMENTS_DIR))
    for region_dir in sorted(p for p in operators.iterdir() if p.is_dir()):
        for year_dir in sorted(p for p in region_dir.iterdir() if p.is_dir()):
            ingest_directory(
                db_path,
                year_dir,
                region_id=region_dir.name,
                year=int(year_dir.name),
                archive_dir=archive,
            )
    # The register's offline snapshots for the businesses the operators linked (the linkage
    # store the ingest above recorded them in): three dated observations, synthetic.
    from ingestion.brreg.refresh import refresh_units

    refresh_units(db_path, offline=True, archive_dir=archive / "brreg")
    return db_path


@pytest.fixture(scope="session")
def dbt_warehouses(tmp_path_factory) -> dict[str, DbtWarehouse]:
    """Two warehouses built once per session, concurrently (each dbt run costs seconds):
    - fixture: the hand-made raw layer of raw_fixture.py (models and unit tests; the data tests
      run on the sample build);
    - sample: the bundled sample loaded by the real loaders, full `dbt build`."""
    fixture_root = tmp_path_factory.mktemp("dbt_fixture")
    fixture_db = build_raw_warehouse(
        fixture_root / "etablerer.duckdb", operator_rows=sample_operator_rows()
    )
    fixture_build = start_build(
        fixture_db, fixture_root / "target", ["--exclude", "test_type:data"]
    )
    sample_root = tmp_path_factory.mktemp("dbt_sample")
    sample_db = load_sample(sample_root / "etablerer.duckdb", sample_root / "archive")
    sample_build = start_build(sample_db, sample_root / "target")
    return {
        "fixture": finish_build(fixture_build, fixture_db, fixture_root / "target"),
        "sample": finish_build(sample_build, sample_db, sample_root / "target"),
    }


@pytest.fixture(scope="session")
def fixture_warehouse(dbt_warehouses) -> DbtWarehouse:
    return dbt_warehouses["fixture"]


@pytest.fixture(scope="session")
def sample_warehouse(dbt_warehouses) -> DbtWarehouse:
    return dbt_warehouses["sample"]


@pytest.fixture()
def warehouse_copy(fixture_warehouse, tmp_path) -> Path:
    """A private copy of the built fixture warehouse, for tests that rebuild partitions."""
    copy = tmp_path / "etablerer.duckdb"
    shutil.copy(fixture_warehouse.db_path, copy)
    return copy
