"""Deliverables tests: built once per session from a copy of the shared sample pipeline's
warehouse (tests/conftest.py `sample_pipeline`), never from a second pipeline run."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deliverables import annual_report, county_overview, index, payouts, plan_review
from deliverables.marts import region_names
from tests.postgres_server import PostgresServer, throwaway_postgres

YEAR = 2026


@pytest.fixture(scope="session")
def deliverables_warehouse(sample_pipeline, tmp_path_factory) -> Path:
    source = sample_pipeline["root"] / "warehouse" / "etablerer.duckdb"
    assert source.is_file(), sample_pipeline["completed"].stdout[-2000:]
    target = tmp_path_factory.mktemp("deliverables_wh") / "etablerer.duckdb"
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="session")
def rendered(deliverables_warehouse, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports")
    db = deliverables_warehouse
    result = {
        "db": db,
        "out": out,
        "folder": out / str(YEAR),
        "annual": annual_report.render_annual_reports(db, YEAR, out),
        "overview": county_overview.render_county_overview(db, YEAR, out),
        "payouts": payouts.write_payout_files(db, YEAR, out),
        "plan": plan_review.write_plan_review(db, YEAR, out),
    }
    result["index"] = index.write_index(out, YEAR, region_names(db))
    return result


@pytest.fixture
def warehouse_copy(deliverables_warehouse, tmp_path) -> Path:
    """A copy of the sample's warehouse that a test may change."""
    target = tmp_path / "etablerer.duckdb"
    shutil.copyfile(deliverables_warehouse, target)
    return target


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL for the session (tests/postgres_server.py: as `postgres` through
    runuser when the tests run as root)."""
    with throwaway_postgres() as server:
        yield server
