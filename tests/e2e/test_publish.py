"""The published BI warehouse: readers never block a publish and never see a half-written file;
duckdb-engine reads it read-only; and it holds aggregates only."""

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from deliverables.publish import publish_warehouse
from tests.deliverables.warehouse_fixture import (
    CHANGED_COUNTY_AMOUNT,
    COUNTY_AMOUNT,
    build_live_warehouse,
    write_manifest,
)

# One consistent view of the published file: the county's amount, the row count the docs claim,
# and the rows actually there. A half-written or mixed file could not give a matching pair.
SNAPSHOT_SQL = """
    select
        (select amount_nok::varchar from marts.fct_funding
         where region_id = 'ringeriksregionen' and funder_id = '33' and year = 2026),
        (select sum(n_rows) from docs.tables),
        (select count(*) from marts.fct_funding) + (select count(*) from marts.fct_region_kpis)
        + (select count(*) from marts.dim_region) + (select count(*) from marts.dim_municipality)
"""

# Holds the published file open read-only; answers "query" and "reopen" on stdin.
READER = f"""
import json, sys, duckdb
path = sys.argv[1]
con = duckdb.connect(path, read_only=True)
print("ready", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "reopen":
        con.close()
        con = duckdb.connect(path, read_only=True)
    print(json.dumps(con.execute('''{SNAPSHOT_SQL}''').fetchone()), flush=True)
"""

# Opens, reads and closes the file in a loop until told to stop; prints the snapshot of the first
# read it began after `mark` appeared, each snapshot the first time it sees it, and at the end what
# it saw in all. It also ends when the test that started it is gone, or after ten minutes:
# bounds for a hung test only.
POLLER = f"""
import json, os, sys, time, duckdb, pathlib
path, stop, mark = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
parent, deadline = os.getppid(), time.monotonic() + 600
seen, errors, marked = set(), [], False
print("ready", flush=True)
while not stop.exists() and os.getppid() == parent and time.monotonic() < deadline:
    after_mark = not marked and mark.exists()
    try:
        with duckdb.connect(path, read_only=True) as con:
            snapshot = json.dumps(con.execute('''{SNAPSHOT_SQL}''').fetchone())
    except Exception as error:
        errors.append(repr(error))
        snapshot = None
    if after_mark:  # an error shows as null
        marked = True
        print(json.dumps({{"after_mark": snapshot and json.loads(snapshot)}}), flush=True)
    if snapshot is not None and snapshot not in seen:
        seen.add(snapshot)
        print(snapshot, flush=True)
print(json.dumps({{"seen": sorted(seen), "errors": errors[:5]}}), flush=True)
"""

OLD = [str(COUNTY_AMOUNT), 10, 10]
NEW = [str(CHANGED_COUNTY_AMOUNT), 10, 10]


@pytest.fixture()
def published(tmp_path) -> dict:
    live = build_live_warehouse(tmp_path / "warehouse" / "etablerer.duckdb")
    manifest = write_manifest(tmp_path / "manifest.json")
    out_dir = tmp_path / "warehouse" / "published"
    result = publish_warehouse(live, out_dir, manifest_path=manifest)
    return {"live": live, "manifest": manifest, "out_dir": out_dir, "result": result}


def _ask(reader: subprocess.Popen, command: str) -> list:
    reader.stdin.write(command + "\n")
    reader.stdin.flush()
    return json.loads(reader.stdout.readline())


def test_a_reader_holding_the_file_open_keeps_its_snapshot_through_a_publish(
    published, tmp_path, monkeypatch
):
    path = str(published["result"].path)
    stop, mark = tmp_path / "stop_polling", tmp_path / "publishing"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLER, path, str(stop), str(mark)], stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    # The moment a half-written or missing file would show: the new file is whole under its
    # temporary name and about to take the stable one. The publish waits there until the poller
    # has begun and finished a read, which must give the whole old file.
    during_publish = []
    replace = os.replace

    def replace_once_the_poller_has_read(source, target):
        if Path(target) == published["result"].path:
            mark.touch()
            during_publish.append(json.loads(poller.stdout.readline()))
        replace(source, target)

    try:
        assert reader.stdout.readline().strip() == "ready"
        assert poller.stdout.readline().strip() == "ready"
        assert _ask(reader, "query") == OLD
        assert json.loads(poller.stdout.readline()) == OLD  # the poller has read the old file

        # A full pipeline run: the live warehouse is rebuilt with a new figure, then published
        # while both readers have the published file open.
        build_live_warehouse(published["live"], county_amount=CHANGED_COUNTY_AMOUNT)
        monkeypatch.setattr(os, "replace", replace_once_the_poller_has_read)
        second = publish_warehouse(
            published["live"], published["out_dir"], manifest_path=published["manifest"]
        )
        monkeypatch.undo()
        assert second.replaced_stable
        assert second.rows["fct_funding"] == 3
        assert during_publish == [{"after_mark": OLD}]

        assert _ask(reader, "query") == OLD  # same open connection: still the old snapshot
        assert _ask(reader, "reopen") == NEW
        assert json.loads(poller.stdout.readline()) == NEW  # and then the new one
    finally:
        stop.touch()
        reader.stdin.close()
        reader.wait(timeout=120)
        polled = json.loads(poller.stdout.read().splitlines()[-1])  # after any other snapshot
        poller.wait(timeout=120)

    assert polled["errors"] == []
    # Only ever the whole old file or the whole new one, both of them seen.
    assert polled["seen"] == sorted([json.dumps(OLD), json.dumps(NEW)])


def test_a_publish_writes_the_stable_file_a_dated_copy_and_parquet(published):
    result = published["result"]
    out_dir = published["out_dir"]
    assert result.path == out_dir / "etablerer_bi.duckdb"
    assert re.fullmatch(r"etablerer_bi_\d{8}T\d{6}\.duckdb", result.dated_path.name)
    assert result.storage_version == "v1.0.0"
    assert result.rows == {
        "dim_municipality": 3,
        "dim_region": 2,
        "fct_funding": 3,
        "fct_region_kpis": 2,
    }
    # Analysts on other accounts read the dated copy too (docs/bi.md): as readable as the file.
    assert result.dated_path.stat().st_mode == result.path.stat().st_mode
    # No temporary or WAL file left behind.
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        ["etablerer_bi.duckdb", result.dated_path.name, "parquet"]
    )
    parquet = out_dir / "parquet" / "fct_funding.parquet"
    with duckdb.connect() as con:
        amount, amount_type = con.execute(
            "select amount_nok, typeof(amount_nok) from read_parquet(?) "
            "where region_id = 'ringeriksregionen' and funder_id = '33'",
            [str(parquet)],
        ).fetchone()
    assert (amount, amount_type) == (COUNTY_AMOUNT, "DECIMAL(18,2)")
    assert sorted(p.name for p in (out_dir / "parquet").iterdir()) == [
        "dim_municipality.parquet",
        "dim_region.parquet",
        "fct_funding.parquet",
        "fct_region_kpis.parquet",
    ]


def test_the_documentation_tables_carry_dbt_descriptions(published):
    with duckdb.connect(str(published["result"].path), read_only=True) as con:
        table_doc = con.execute(
            "select description, n_rows from docs.tables where table_name = 'fct_funding'"
        ).fetchone()
        column_doc = con.execute(
            "select data_type, description from docs.columns "
            "where table_name = 'fct_funding' and column_name = 'amount_nok'"
        ).fetchone()
        comment = con.execute(
            "select comment from duckdb_columns() "
            "where table_name = 'fct_funding' and column_name = 'amount_nok'"
        ).fetchone()[0]
        documented = con.execute("select count(*) from docs.columns").fetchone()[0]
    assert table_doc == (
        "Årlig finansiering per avtale, finansierende part og år. / Annual funding.",
        3,
    )
    assert column_doc == ("DECIMAL(18,2)", "Årlig beløp = folketall × stykkpris. / Annual amount.")
    assert comment == column_doc[1]
    assert documented == 3 + 4 + 8 + 4  # every published column has a row


def test_duckdb_engine_queries_a_mart_read_only(published):
    engine = sa.create_engine(
        f"duckdb:///{published['result'].path}", connect_args={"read_only": True}
    )
    try:
        with engine.connect() as connection:
            amount = connection.execute(
                sa.text(
                    "select amount_nok from marts.fct_funding "
                    "where region_id = :region and funder_id = '33' and year = :year"
                ),
                {"region": "ringeriksregionen", "year": 2026},
            ).scalar_one()
            tables = sa.inspect(connection).get_table_names(schema="marts")
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                connection.execute(sa.text("delete from marts.fct_funding"))
    finally:
        engine.dispose()
    assert amount == Decimal("257345.00")
    assert sorted(tables) == ["dim_municipality", "dim_region", "fct_funding", "fct_region_kpis"]


# Independent of the publisher's own guard: names that identify a person or their record.
PERSON_LEVEL = re.compile(
    r"_key$|^person|^client|fodselsnummer|^fnr$|email|phone|^birth|^(first_|last_|full_)?name$"
    r"|^org_?number$|^activity_id$|^response_id$"
)
GEOGRAPHY = {"region_id", "municipality_code"}
# The declared grain of each mart in the fixture: region/municipality × year × other dimensions.
GRAIN = {
    "dim_region": ("region_id",),
    "dim_municipality": ("municipality_code",),
    "fct_funding": ("agreement_id", "funder_id", "year"),
    "fct_region_kpis": ("region_id", "year"),
}


def test_no_published_table_holds_person_level_rows(published):
    with duckdb.connect(str(published["result"].path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        columns = {
            (schema, table): [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            ]
            for schema, table in tables
        }
        grain_duplicates = {
            table: con.execute(
                f"select count(*) - count(distinct ({', '.join(grain)})) from marts.{table}"
            ).fetchone()[0]
            for table, grain in GRAIN.items()
        }

    assert tables == [
        ("docs", "columns"),
        ("docs", "publication"),
        ("docs", "tables"),
        ("marts", "dim_municipality"),
        ("marts", "dim_region"),
        ("marts", "fct_funding"),
        ("marts", "fct_region_kpis"),
    ]
    person_level = [
        f"{schema}.{table}.{column}"
        for (schema, table), names in columns.items()
        for column in names
        if PERSON_LEVEL.search(column)
    ]
    assert person_level == []
    for (schema, table), names in columns.items():
        if schema == "marts":
            assert GEOGRAPHY & set(names), table
            if table.startswith("fct_"):
                assert "year" in names, table
    assert grain_duplicates == {table: 0 for table in GRAIN}
