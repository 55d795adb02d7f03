"""Issue 21, the privacy defect: no clear organisation number in the warehouse.

An ENK's organisation number leads, in the public register, to its owner's name. Ingest stores
`business_key` = HMAC(secret, "business:" + number) in raw.establishments and puts the clear number
in the linkage store (ingestion/linkage.py), apart from the warehouse. A warehouse made before that
is migrated on the next writer open, and then equals a rebuild from the archived originals.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingestion.linkage import (
    LINKAGE_PATH_ENV,
    LinkageStoreError,
    linkage_path,
    linked_org_numbers,
    record_links,
)
from ingestion.operators import IngestError, PseudonymKeyMissing, ingest_directories, ingest_file
from ingestion.operators.api import open_writer
from ingestion.operators.identifiers import DEMO_KEY, SYNTHETIC_DATA_ENV, business_keys
from ingestion.operators.load import ensure_raw_tables
from ingestion.paths import DATA_DIR, OPERATOR_SAMPLE_DIR
from samples.operators import sample_org_numbers
from tests.e2e.dbt.conftest import dbt_command, load_sample
from tests.ingestion.operators.conftest import KEY

RINGERIKE_2026 = OPERATOR_SAMPLE_DIR / "ringeriksregionen" / "2026"
ENK_NUMBERS = sample_org_numbers(OPERATOR_SAMPLE_DIR)
ALL_NUMBERS = sample_org_numbers(OPERATOR_SAMPLE_DIR, org_forms=None)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "linkage" / "businesses.sqlite"
    monkeypatch.setenv(LINKAGE_PATH_ENV, str(path))
    return path


# --- the store -----------------------------------------------------------------------------


def test_the_store_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(LINKAGE_PATH_ENV, str(tmp_path / "elsewhere.sqlite"))
    assert linkage_path() == tmp_path / "elsewhere.sqlite"
    monkeypatch.delenv(LINKAGE_PATH_ENV)
    assert linkage_path() == DATA_DIR / "linkage" / "businesses.sqlite"


def test_recording_links_is_idempotent_and_keeps_the_first_record(store):
    assert record_links([("k1", "974760673"), ("k2", "920731406")], source_sha256="a") == 2
    assert record_links([("k2", "920731406"), ("k3", "938302146")], source_sha256="b") == 1
    assert record_links([("k3", "938302146")], source_sha256="c") == 0
    assert linked_org_numbers() == {"k1": "974760673", "k2": "920731406", "k3": "938302146"}
    con = sqlite3.connect(store)
    try:
        firsts = dict(con.execute("select business_key, source_sha256 from business_links"))
        mode = con.execute("pragma journal_mode").fetchone()[0]
    finally:
        con.close()
    assert firsts == {"k1": "a", "k2": "a", "k3": "b"}
    assert mode == "wal"
    assert stat.S_IMODE(store.stat().st_mode) == 0o600  # the owner only, like a key file


def test_an_absent_store_has_no_links_and_reading_does_not_create_it(store):
    assert linked_org_numbers() == {}
    assert not store.exists()
    assert record_links([], source_sha256="a") == 0
    assert not store.exists()


def test_a_store_inside_the_warehouse_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ETABLERER_DUCKDB_PATH", str(tmp_path / "warehouse" / "etablerer.duckdb"))
    inside = tmp_path / "warehouse" / "businesses.sqlite"
    with pytest.raises(LinkageStoreError, match="datavarehusets mappe"):
        record_links([("k1", "974760673")], source_sha256="a", path=inside)
    assert not inside.exists()


# --- ingest --------------------------------------------------------------------------------


def _columns(db: Path, table: str) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]


def test_ingest_stores_the_business_key_and_records_the_clear_number_apart(tmp_path, store):
    db = tmp_path / "w.duckdb"
    ingest_directories(
        db, [(RINGERIKE_2026, "ringeriksregionen", 2026)], archive_dir=tmp_path / "a", key=KEY
    )
    numbers = sorted(sample_org_numbers(RINGERIKE_2026, org_forms=None))
    expected = dict(zip(business_keys(KEY, numbers), numbers, strict=True))

    assert "org_number" not in _columns(db, "establishments")
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {
            k for (k,) in con.execute("select business_key from raw.establishments").fetchall()
        }
    assert stored == set(expected) and len(numbers) > 20
    assert linked_org_numbers() == expected


def test_a_refused_file_records_no_link(tmp_path, store):
    """Without the clients file every row's client is unknown: the file is refused whole."""
    with pytest.raises(IngestError, match="ingen av de"):
        ingest_file(
            tmp_path / "w.duckdb",
            RINGERIKE_2026 / "establishments.csv",
            region_id="ringeriksregionen",
            year=2026,
            kind="establishments",
            archive_dir=tmp_path / "a",
            key=KEY,
        )
    assert linked_org_numbers() == {}


def test_a_load_that_fails_keeps_its_links(tmp_path, store):
    """The links are recorded before the warehouse load: a failed load leaves the partition as
    it was, and the links of the keys it would have loaded (harmless); a retry adds none."""
    db = tmp_path / "w.duckdb"
    ingest_into = dict(
        region_id="ringeriksregionen", year=2026, archive_dir=tmp_path / "a", key=KEY
    )
    for kind in ("courses", "clients"):
        ingest_file(db, RINGERIKE_2026 / f"{kind}.csv", kind=kind, **ingest_into)

    def crash(step: str) -> None:
        if step == "inserted":
            raise RuntimeError("strømmen gikk")

    establishments = RINGERIKE_2026 / "establishments.csv"
    with pytest.raises(IngestError, match="Forrige versjon av dataene er beholdt"):
        ingest_file(db, establishments, kind="establishments", on_step=crash, **ingest_into)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from raw.establishments").fetchone()[0] == 0
    links = linked_org_numbers()
    assert set(links.values()) == sample_org_numbers(RINGERIKE_2026, org_forms=None)

    ingest_file(db, establishments, kind="establishments", **ingest_into)
    assert linked_org_numbers() == links


# --- (a) the sample run: warehouse and published copy ----------------------------------------


def _holding(con: duckdb.DuckDBPyConnection, numbers: set[str], relation: str) -> dict[str, int]:
    """Per text column of `relation`, how many rows hold one of `numbers` anywhere in the text."""
    pattern = "|".join(sorted(numbers))
    described = con.execute(f"describe select * from {relation}").fetchall()
    columns = [name for name, dtype, *_ in described if dtype == "VARCHAR"]
    found = {}
    for column in columns:
        rows = con.execute(
            f'select count(*) from {relation} where regexp_matches("{column}", ?)', [pattern]
        ).fetchone()[0]
        if rows:
            found[f"{relation}.{column}"] = rows
    return found


def scan_database(path: Path, numbers: set[str]) -> tuple[int, dict[str, int]]:
    """(tables read, text columns holding one of `numbers`) over every table of a DuckDB file."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE'"
        ).fetchall()
        found = {}
        for schema, table in tables:
            found |= _holding(con, numbers, f'"{schema}"."{table}"')
    return len(tables), found


def test_the_scan_finds_a_number_planted_in_a_text_column(tmp_path):
    number = sorted(ENK_NUMBERS)[0]
    with duckdb.connect(str(tmp_path / "planted.duckdb")) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t (n integer, note varchar)")
        con.execute("insert into marts.t values (1, 'ok'), (2, ?)", [f"NO{number}MVA"])
    assert scan_database(tmp_path / "planted.duckdb", ENK_NUMBERS) == (
        1,
        {'"marts"."t".note': 1},
    )


def test_no_table_of_the_warehouse_or_its_published_copy_holds_an_organisation_number(
    sample_pipeline,
):
    """Must show 1: every text column of every table, in the live warehouse, in the published BI
    file and in its Parquet files, for the organisation numbers of the sample's ENKs (and of every
    other form, since all are pseudonymised). The linkage store of the run holds them."""
    assert sample_pipeline["completed"].returncode == 0, sample_pipeline["completed"].stdout[-2000:]
    root: Path = sample_pipeline["root"]
    warehouse = root / "warehouse" / "etablerer.duckdb"
    published = sorted((root / "warehouse" / "published").rglob("*.duckdb"))
    parquet = sorted((root / "warehouse" / "published").rglob("*.parquet"))
    assert published and parquet and len(ENK_NUMBERS) > 100

    read = {}
    for db in [warehouse, *published]:
        tables, found = scan_database(db, ALL_NUMBERS)
        assert found == {}, db
        read[db.name] = tables
    with duckdb.connect() as con:
        for path in parquet:
            assert _holding(con, ALL_NUMBERS, f"read_parquet('{path}')") == {}, path
    assert read["etablerer.duckdb"] > 40 and min(read.values()) > 5

    links = linked_org_numbers(root / "linkage" / "businesses.sqlite")
    assert ENK_NUMBERS <= set(links.values()) == ALL_NUMBERS
    with duckdb.connect(str(warehouse), read_only=True) as con:
        keys = {k for (k,) in con.execute("select business_key from raw.establishments").fetchall()}
    assert keys == set(links) == set(business_keys(DEMO_KEY, sorted(ALL_NUMBERS)))


# --- (b) migration of a warehouse made before issue 21 ---------------------------------------


def _to_the_old_shape(db: Path, links: dict[str, str]) -> None:
    """raw.establishments as ingest wrote it before issue 21: the clear org_number after
    client_key, no business_key."""
    mapping = pl.DataFrame({"business_key": list(links), "org_number": list(links.values())})
    with duckdb.connect(str(db)) as con:
        con.register("links", mapping.to_arrow())
        con.execute(
            "create table raw.establishments_old as select e.region_id, e.year, e.client_key, "
            "links.org_number, e.* exclude (region_id, year, client_key, business_key) "
            "from raw.establishments as e join links using (business_key)"
        )
        con.execute("drop table raw.establishments")
        con.execute("alter table raw.establishments_old rename to establishments")


def _rebuild_from_archive(old_db: Path, archive: Path, root: Path) -> Path:
    """An empty warehouse filled from the archived originals of `old_db`'s loads, each under the
    name it was delivered with, in a folder per region and year."""
    with duckdb.connect(str(old_db), read_only=True) as con:
        loads = con.execute(
            "select region_id, year, source_file, source_sha256 from raw.load_log "
            "where status = 'loaded'"
        ).fetchall()
    for region_id, year, source_file, sha256 in loads:
        (original,) = (archive / "operators" / sha256[:2]).glob(f"{sha256}.*")
        folder = root / "originals" / region_id / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, folder / source_file)
    return load_sample(root / "etablerer.duckdb", root / "archive", root / "originals")


def _rows(db: Path, schema: str) -> dict[str, list[tuple]]:
    """Every table and view of `schema`, rows sorted, without the columns that say when a row
    was written (two builds differ there, and only there)."""
    with duckdb.connect(str(db), read_only=True) as con:
        relations = con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        ).fetchall()
        rows = {}
        for (name,) in relations:
            columns = con.execute(
                "select column_name from information_schema.columns where table_schema = ? "
                "and table_name = ? and data_type not like 'TIMESTAMP%' order by ordinal_position",
                [schema, name],
            ).fetchall()
            select = ", ".join(f'"{c}"' for (c,) in columns)
            rows[name] = sorted(
                con.execute(f'select {select} from "{schema}"."{name}"').fetchall(), key=repr
            )
    return rows


def _start_dbt(db: Path) -> subprocess.Popen:
    """The KPI marts that count new businesses, and what they are built from, for both years."""
    args = [
        "build",
        "--select",
        "+fct_region_kpis",
        "+fct_municipality_kpis",
        "--exclude",
        "resource_type:test",
        "resource_type:unit_test",
        "--vars",
        json.dumps({"year": [2025, 2026]}),
    ]
    command, env = dbt_command(args, db, db.parent / "target")
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(process: subprocess.Popen) -> None:
    output, _ = process.communicate()
    assert process.returncode == 0, output[-4000:]


def test_an_old_warehouse_migrated_equals_a_rebuild_from_the_archive(tmp_path, monkeypatch):
    """Must show 1: a warehouse loaded the old way (clear org_number, empty linkage store) is
    migrated by the next writer open; its raw tables, its linkage store and the dbt models of
    new businesses (int_new_businesses_linked, the KPI marts that count them and every model
    between) then equal those of
    a warehouse rebuilt by ingesting the archived originals into an empty one. Nor does the
    migrated file keep the numbers in the blocks the migration freed."""
    operators = tmp_path / "operators"
    shutil.copytree(OPERATOR_SAMPLE_DIR, operators)
    old, rebuilt = tmp_path / "old", tmp_path / "rebuilt"
    old_store = old / "linkage" / "businesses.sqlite"
    monkeypatch.setenv(LINKAGE_PATH_ENV, str(old_store))
    old_db = load_sample(old / "etablerer.duckdb", old / "archive", operators)
    _to_the_old_shape(old_db, linked_org_numbers())
    old_store.unlink()
    assert "org_number" in _columns(old_db, "establishments")
    assert any(n.encode() in old_db.read_bytes() for n in ENK_NUMBERS)  # the scan can see them

    open_writer(old_db, DEMO_KEY).close()

    monkeypatch.setenv(LINKAGE_PATH_ENV, str(rebuilt / "linkage" / "businesses.sqlite"))
    new_db = _rebuild_from_archive(old_db, old / "archive", rebuilt)
    builds = [_start_dbt(old_db), _start_dbt(new_db)]  # meanwhile, the raw layer and the store
    try:
        assert _columns(old_db, "establishments") == _columns(new_db, "establishments")
        old_raw, new_raw = _rows(old_db, "raw"), _rows(new_db, "raw")
        assert old_raw.keys() == new_raw.keys() and len(old_raw["establishments"]) > 200
        for table in old_raw:
            assert old_raw[table] == new_raw[table], table
        linked = linked_org_numbers(old_store)
        assert linked == linked_org_numbers() and set(linked.values()) == ALL_NUMBERS
        data = old_db.read_bytes()
        assert [n for n in ALL_NUMBERS if n.encode() in data] == []
    finally:
        for build in builds:
            _finish(build)
    for schema in ("intermediate", "marts"):
        old_models, new_models = _rows(old_db, schema), _rows(new_db, schema)
        assert old_models.keys() == new_models.keys()
        for name in old_models:
            assert old_models[name] == new_models[name], f"{schema}.{name}"
    businesses = _rows(new_db, "intermediate")["int_new_businesses_linked"]
    assert len(businesses) == len(ALL_NUMBERS)


def test_migration_without_a_key_is_refused_and_changes_nothing(tmp_path, store):
    db = tmp_path / "w.duckdb"
    ingest_directories(
        db, [(RINGERIKE_2026, "ringeriksregionen", 2026)], archive_dir=tmp_path / "a", key=KEY
    )
    _to_the_old_shape(db, linked_org_numbers())
    store.unlink()
    with duckdb.connect(str(db)) as con, pytest.raises(PseudonymKeyMissing, match="klartekst"):
        ensure_raw_tables(con)
    assert "org_number" in _columns(db, "establishments")
    assert "business_key" not in _columns(db, "establishments")
    assert not store.exists()


def test_migration_with_the_demo_key_is_refused_for_deliveries(tmp_path, store, monkeypatch):
    """The demo key is public: business keys made with it from real numbers could be computed
    back. Files outside the bundled sample count as deliveries unless declared synthetic."""
    folder = tmp_path / "operators" / "ringeriksregionen" / "2026"
    shutil.copytree(RINGERIKE_2026, folder)
    db = tmp_path / "w.duckdb"
    ingest_directories(db, [(folder, "ringeriksregionen", 2026)], archive_dir=tmp_path / "a")
    _to_the_old_shape(db, linked_org_numbers())
    store.unlink()
    monkeypatch.delenv(SYNTHETIC_DATA_ENV)
    with pytest.raises(PseudonymKeyMissing, match="Demonøkkelen"):
        open_writer(db, DEMO_KEY)
    assert "org_number" in _columns(db, "establishments")
    assert not store.exists()
    monkeypatch.setenv(SYNTHETIC_DATA_ENV, "1")
    open_writer(db, DEMO_KEY).close()
    assert "org_number" not in _columns(db, "establishments")
    assert os.path.exists(store)
