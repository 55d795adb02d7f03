"""A DuckDB 1.x reader, as older ODBC/JDBC BI drivers embed, opens the published file.

The reader is DuckDB 1.0.0, the oldest 1.x, installed in a side venv `.venv-duckdb1/` in the project
(kept between runs, so only the first run installs it). The same reader cannot
open a file in DuckDB 2.0's default storage format, which is why the publisher writes v1.0.0.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deliverables.publish import publish_warehouse, storage_version_number
from tests.deliverables.warehouse_fixture import build_live_warehouse, write_manifest
from tests.helpers import PROJECT_ROOT

DUCKDB1_REQUIREMENT = "duckdb==1.0.0"
DUCKDB1_VENV = PROJECT_ROOT / ".venv-duckdb1"

READ_WITH_DUCKDB1 = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "version": duckdb.__version__,
    "amount": con.execute(
        "select amount_nok::varchar || ' ' || typeof(amount_nok) from marts.fct_funding "
        "where region_id = 'ringeriksregionen' and funder_id = '33' and year = 2026"
    ).fetchone()[0],
    "tables": con.execute(
        "select table_schema || '.' || table_name from information_schema.tables order by 1"
    ).fetchall(),
    "described": con.execute(
        "select description from docs.columns "
        "where table_name = 'fct_funding' and column_name = 'amount_nok'"
    ).fetchone()[0],
    "parquet_rows": con.execute(
        "select count(*) from read_parquet(?)", [sys.argv[2]]
    ).fetchone()[0],
}))
"""


def duckdb1_python() -> Path:
    """The side venv's interpreter, installing DuckDB 1.0.0 there the first time."""
    python = DUCKDB1_VENV / "bin" / "python"
    stamp = DUCKDB1_VENV / f".installed-{DUCKDB1_REQUIREMENT}"
    if not stamp.exists():
        shutil.rmtree(DUCKDB1_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(DUCKDB1_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             DUCKDB1_REQUIREMENT],
            check=True,
        )  # fmt: skip
        stamp.touch()
    return python


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("duckdb1")
    live = build_live_warehouse(root / "warehouse" / "etablerer.duckdb")
    manifest = write_manifest(root / "manifest.json")
    result = publish_warehouse(live, root / "published", manifest_path=manifest)
    return {"live": live, "result": result}


def test_duckdb_1_0_opens_the_published_file(published):
    result = published["result"]
    completed = subprocess.run(
        [str(duckdb1_python()), "-c", READ_WITH_DUCKDB1, str(result.path),
         str(result.path.parent / "parquet" / "fct_funding.parquet")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen["version"] == "1.0.0"
    assert seen["amount"] == "257345.00 DECIMAL(18,2)"
    assert [t[0] for t in seen["tables"]] == [
        "docs.columns",
        "docs.publication",
        "docs.tables",
        "marts.dim_municipality",
        "marts.dim_region",
        "marts.fct_funding",
        "marts.fct_region_kpis",
    ]
    assert seen["described"] == "Årlig beløp = folketall × stykkpris. / Annual amount."
    assert seen["parquet_rows"] == 3
    assert storage_version_number(result.path) == 64


def test_duckdb_1_0_cannot_open_a_file_in_duckdb_2_default_format(published):
    # The live warehouse is written by DuckDB 2.0 in its default format: a 1.x driver refuses it.
    # Analysts who need the live format must install a DuckDB 2.0 driver; the published file needs
    # only 1.0 or newer.
    assert storage_version_number(published["live"]) != 64
    completed = subprocess.run(
        [str(duckdb1_python()), "-c",
         "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)",
         str(published["live"])],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert completed.returncode != 0
    assert "Trying to read a database file with version number" in completed.stderr
