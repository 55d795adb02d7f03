"""ingest: must-show 1, 2 and 4, the PII scan of loaded raw tables, and the key rules."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pytest

from ingestion.operators import (
    IngestError,
    IngestResult,
    PseudonymKeyMissing,
    ingest_directories,
    ingest_directory,
    ingest_file,
)
from ingestion.operators.contract import LOAD_ORDER
from ingestion.paths import OPERATOR_SAMPLE_DIR
from samples.operators import (
    FileFormat,
    build_region_year,
    generate_unreadable,
    sample_identifiers,
    write_region_year,
)

from .conftest import KEY, by_kind

LINEAGE = ("source_file", "source_sha256", "source_line", "loaded_at")


def _rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _load_dirty(dirty_files, db: Path, archive: Path) -> dict:
    results = {}
    for kind in LOAD_ORDER:
        f = by_kind(dirty_files, kind)
        results[kind] = ingest_file(
            db, f.path, region_id=f.region_id, year=f.year, kind=kind, archive_dir=archive, key=KEY
        )
    return results


def test_must_show_1_every_row_is_loaded_or_quarantined_with_reason(dirty_files, warehouse) -> None:
    db, archive = warehouse
    results = _load_dirty(dirty_files, db, archive)
    for kind, result in results.items():
        assert result.rows_in == result.loaded + result.rejected, kind
        assert result.rejected > 0, kind
        (loaded,) = _rows(db, f"select count(*) from raw.{kind}")[0:1][0]
        assert loaded == result.loaded
        rejected_lines, missing = _rows(
            db,
            f"""select count(distinct source_line),
                   count(*) filter (where reason_code is null or message is null
                                    or source_line is null or column_name is null)
                from raw.quarantine where kind = '{kind}'""",
        )[0]
        assert (rejected_lines, missing) == (result.rejected, 0)
        quarantined = set(
            _rows(
                db,
                "select source_line, column_name, reason_code from raw.quarantine "
                f"where kind = '{kind}'",
            )
        )
        expected = {(i.line, i.column, i.reason) for i in by_kind(dirty_files, kind).expected}
        assert expected <= quarantined, kind
    log = _rows(db, "select kind, rows_in, loaded, rejected, status from raw.load_log")
    assert {r[0] for r in log} == set(LOAD_ORDER) and {r[4] for r in log} == {"loaded"}


def test_quarantine_and_raw_tables_hold_no_clear_identifiers(dirty_files, warehouse) -> None:
    db, archive = warehouse
    _load_dirty(dirty_files, db, archive)
    clients_dir = by_kind(dirty_files, "clients").path.parent
    secrets = sample_identifiers(clients_dir)
    assert len(secrets) > 100
    with duckdb.connect(str(db), read_only=True) as con:
        text = []
        for (table,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall():
            rows = con.execute(f"select * from raw.{table}").fetchall()
            text.append("\n".join(";".join(map(str, row)) for row in rows))
    dump = "\n".join(text)
    leaked = sorted(s for s in secrets if s in dump)
    assert leaked == []
    assert "010190*****" in dump  # the masked form is what quarantine keeps
    assert db.read_bytes().find(b"@example.no") == -1


def _content(db: Path, kind: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [kind],
            ).fetchall()
            if c not in LINEAGE
        ]
        return con.execute(f"select {', '.join(cols)} from raw.{kind} order by all").fetchall()


def test_must_show_2_cp1252_semicolon_csv_and_xlsx_load_identically(tmp_path: Path) -> None:
    ry = build_region_year("ringeriksregionen", 2025, n_clients=40, n_activities=150)
    csv_fmt = FileFormat("cp1252", ";", decimal_comma=True)
    xlsx_fmt = FileFormat("xlsx")
    csv_dir, xlsx_dir = tmp_path / "csv", tmp_path / "xlsx"
    write_region_year(csv_dir, ry, formats={k: csv_fmt for k in LOAD_ORDER})
    write_region_year(xlsx_dir, ry, formats={k: xlsx_fmt for k in LOAD_ORDER})
    clients_csv = csv_dir / "ringeriksregionen" / "2025" / "clients.csv"
    raw_bytes = clients_csv.read_bytes()
    assert b"\xf8" in raw_bytes or b"\xe6" in raw_bytes  # ø/æ in Windows-1252
    assert b",5;" in (csv_dir / "ringeriksregionen" / "2025" / "activities.csv").read_bytes()
    results = {}
    for name, folder in (("csv", csv_dir), ("xlsx", xlsx_dir)):
        results[name] = ingest_directory(
            tmp_path / f"{name}.duckdb",
            folder / "ringeriksregionen" / "2025",
            region_id="ringeriksregionen",
            year=2025,
            archive_dir=tmp_path / "archive",
            key=KEY,
        )
        assert [r.rejected for r in results[name]] == [0] * len(LOAD_ORDER)
    for kind in LOAD_ORDER:
        csv_rows = _content(tmp_path / "csv.duckdb", kind)
        assert csv_rows == _content(tmp_path / "xlsx.duckdb", kind), kind
        assert len(csv_rows) > 0


def _partition_state(db: Path) -> tuple:
    return (
        _rows(db, "select * exclude (loaded_at) from raw.clients order by all"),
        _rows(db, "select * exclude (loaded_at) from raw.quarantine order by all"),
    )


def test_must_show_4_idempotent_replace_and_atomic(tmp_path: Path, dirty_files) -> None:
    db, archive = tmp_path / "w.duckdb", tmp_path / "archive"
    dirty = by_kind(dirty_files, "clients").path
    args = dict(
        region_id="ringeriksregionen", year=2025, kind="clients", archive_dir=archive, key=KEY
    )
    # another partition that must never be touched
    other = build_region_year("hallingdal", 2025, n_clients=20, n_activities=40)
    other_file = write_region_year(tmp_path / "other", other, kinds=["clients"])[0]
    ingest_file(db, other_file, **{**args, "region_id": "hallingdal"})

    first = ingest_file(db, dirty, **args)
    assert first.status == "loaded" and first.rejected == 13
    before = _partition_state(db)
    again = ingest_file(db, dirty, **args)
    assert again.status == "unchanged" and (again.loaded, again.rejected) == (first.loaded, 13)
    assert _partition_state(db) == before
    assert _rows(
        db,
        "select status from raw.load_log where region_id = 'ringeriksregionen' order by loaded_at",
    ) == [("loaded",), ("unchanged",)]
    archived = list((archive / "operators").rglob("*.csv"))
    assert len(archived) == 2 and first.archived_path in archived

    # A corrected file replaces exactly its partition (and its quarantine rows).
    corrected_ry = build_region_year("ringeriksregionen", 2025, n_clients=80, n_activities=10)
    corrected = write_region_year(tmp_path / "fixed", corrected_ry, kinds=["clients"])[0]
    fixed = ingest_file(db, corrected, **args)
    assert (fixed.status, fixed.loaded, fixed.rejected) == ("loaded", 80, 0)
    counts = _rows(db, "select region_id, count(*) from raw.clients group by all order by all")
    assert counts == [("hallingdal", 20), ("ringeriksregionen", 80)]
    assert _rows(
        db, "select count(*) from raw.quarantine where region_id = 'ringeriksregionen'"
    ) == [(0,)]
    good_state = _partition_state(db)

    # A failure injected mid-load leaves the previous partition intact and readable.
    for step in ("deleted", "inserted", "quarantined"):

        def boom(name: str, at: str = step) -> None:
            if name == at:
                raise RuntimeError(f"injected failure after {at}")

        with pytest.raises(IngestError, match="Forrige versjon av dataene er beholdt"):
            ingest_file(db, dirty, **args, on_step=boom)
        assert _partition_state(db) == good_state, step
    statuses = _rows(
        db,
        "select status, count(*) from raw.load_log where region_id = "
        "'ringeriksregionen' group by all order by all",
    )
    assert statuses == [("failed", 3), ("loaded", 2), ("unchanged", 1)]


def test_unreadable_file_is_refused_and_logged(tmp_path: Path) -> None:
    bad = generate_unreadable(tmp_path / "bad")["missing_columns"]
    with pytest.raises(IngestError, match="Påkrevde kolonner mangler"):
        ingest_file(
            tmp_path / "w.duckdb",
            bad,
            region_id="midt_buskerud",
            year=2025,
            kind="clients",
            archive_dir=tmp_path / "a",
            key=KEY,
        )
    assert _rows(tmp_path / "w.duckdb", "select status, rows_in from raw.load_log") == [
        ("failed", 0)
    ]


def test_no_key_refuses_in_norwegian(tmp_path: Path, monkeypatch, dirty_files) -> None:
    monkeypatch.delenv("ETABLERER_PSEUDONYM_KEY")
    with pytest.raises(PseudonymKeyMissing, match="Mangler hemmelig nøkkel"):
        ingest_file(
            tmp_path / "w.duckdb",
            by_kind(dirty_files, "clients").path,
            region_id="ringeriksregionen",
            year=2025,
            kind="clients",
            archive_dir=tmp_path / "a",
        )
    assert not (tmp_path / "w.duckdb").exists()


def test_key_file_gives_the_same_keys_as_env(tmp_path: Path, monkeypatch, dirty_files) -> None:
    from ingestion.operators.identifiers import load_pseudonym_key

    key_file = tmp_path / "secret.key"
    key_file.write_text("demo-key-for-the-bundled-synthetic-sample-only\n")
    from_env = load_pseudonym_key()
    monkeypatch.delenv("ETABLERER_PSEUDONYM_KEY")
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY_FILE", str(key_file))
    assert load_pseudonym_key() == from_env
    monkeypatch.setenv("ETABLERER_DUCKDB_PATH", str(tmp_path / "etablerer.duckdb"))
    with pytest.raises(PseudonymKeyMissing, match="ligger i datavarehuset"):
        load_pseudonym_key()


def test_client_keys_are_stable_across_years_and_formats(tmp_path: Path) -> None:
    from ingestion.operators.identifiers import client_key

    db = tmp_path / "w.duckdb"
    for year in (2025, 2026):
        ry = build_region_year("ringeriksregionen", year, n_clients=30, n_activities=20)
        path = write_region_year(tmp_path / "s", ry, kinds=["clients"])[0]
        ingest_file(
            db,
            path,
            region_id="ringeriksregionen",
            year=year,
            kind="clients",
            archive_dir=tmp_path / "a",
            key=KEY,
        )
    both = _rows(
        db,
        "select count(*) from (select client_key from raw.clients group by 1 "
        "having count(distinct year) = 2)",
    )
    assert both == [(9,)]  # 30 % of 30 clients carried over into 2026
    expected = client_key(KEY, "ringeriksregionen", "RR-00001")
    assert _rows(db, f"select count(*) from raw.clients where client_key = '{expected}'") == [(1,)]


def test_directory_opens_the_warehouse_once_and_loads_as_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dirty_files
) -> None:
    import ingestion.operators.api as api

    folder = tmp_path / "ringeriksregionen" / "2025"
    folder.mkdir(parents=True)
    for f in dirty_files:
        (folder / f"{f.kind}{f.path.suffix}").write_bytes(f.path.read_bytes())
    opened: list[Path] = []
    connect = api.connect_writer
    monkeypatch.setattr(api, "connect_writer", lambda db: opened.append(db) or connect(db))
    args = dict(region_id="ringeriksregionen", year=2025, archive_dir=tmp_path / "a", key=KEY)
    by_folder = ingest_directory(tmp_path / "folder.duckdb", folder, **args)
    assert opened == [tmp_path / "folder.duckdb"]
    by_file = [
        ingest_file(
            tmp_path / "files.duckdb", folder / f"{f.kind}{f.path.suffix}", kind=f.kind, **args
        )
        for f in sorted(dirty_files, key=lambda f: LOAD_ORDER.index(f.kind))
    ]
    assert len(opened) == 1 + len(LOAD_ORDER)
    assert [r.as_metadata() for r in by_folder] == [r.as_metadata() for r in by_file]
    assert sum(r.rejected for r in by_folder) > 0
    for table in (*LOAD_ORDER, "quarantine", "load_log"):
        sql = f"select * exclude (loaded_at) from raw.{table} order by all"
        assert _rows(tmp_path / "folder.duckdb", sql) == _rows(tmp_path / "files.duckdb", sql)


def test_a_load_does_not_rewrite_the_row_groups_of_earlier_loads(tmp_path: Path) -> None:
    """Each folder's clients stay in the row group they were written to: DuckDB's checkpoint
    vacuum merged partly filled groups into one and rewrote it on every load."""
    db, archive = tmp_path / "etablerer.duckdb", tmp_path / "archive"
    regions = ("drammensregionen", "hallingdal", "ringeriksregionen")
    for region_id in regions:
        folder = OPERATOR_SAMPLE_DIR / region_id / "2025"
        ingest_directory(db, folder, region_id=region_id, year=2025, archive_dir=archive, key=KEY)
    sql = "select count(distinct row_group_id) from pragma_storage_info('raw.clients')"
    assert _rows(db, sql) == [(len(regions),)]
    assert _rows(db, "select count(distinct region_id) from raw.clients") == [(len(regions),)]


def test_a_failed_file_stops_the_folder_although_the_next_was_validated(tmp_path: Path) -> None:
    """The next file is validated ahead on a worker thread, but is archived and loaded only after
    the one before it loaded: a failure leaves later files untouched, as file by file."""
    sample = OPERATOR_SAMPLE_DIR / "midt_buskerud" / "2025"
    folder = tmp_path / "midt_buskerud" / "2025"
    folder.mkdir(parents=True)
    for kind in ("courses", "activities"):
        (folder / f"{kind}.csv").write_bytes((sample / f"{kind}.csv").read_bytes())
    bad = generate_unreadable(tmp_path / "bad")["missing_columns"]
    (folder / "clients.csv").write_bytes(bad.read_bytes())
    db, archive = tmp_path / "w.duckdb", tmp_path / "a"
    with pytest.raises(IngestError, match="Påkrevde kolonner mangler"):
        ingest_directory(
            db, folder, region_id="midt_buskerud", year=2025, archive_dir=archive, key=KEY
        )
    assert _rows(db, "select kind, status from raw.load_log order by loaded_at") == [
        ("courses", "loaded"),
        ("clients", "failed"),
    ]
    assert _rows(db, "select count(*) from raw.activities") == [(0,)]
    assert len(list(archive.rglob("*.csv"))) == 2


def test_the_same_folder_again_is_unchanged_file_by_file(tmp_path: Path) -> None:
    """The loaded state of a folder's partitions is read in one query; every file of an
    unchanged folder is then a no-op with the counts of its first load."""
    folder = OPERATOR_SAMPLE_DIR / "drammensregionen" / "2025"
    db, archive = tmp_path / "w.duckdb", tmp_path / "a"
    args = dict(region_id="drammensregionen", year=2025, archive_dir=archive, key=KEY)
    first = ingest_directory(db, folder, **args)
    again = ingest_directory(db, folder, **args)
    assert [r.status for r in first] == ["loaded"] * len(LOAD_ORDER)
    assert [r.status for r in again] == ["unchanged"] * len(LOAD_ORDER)
    counts = [(r.kind, r.rows_in, r.loaded, r.rejected) for r in first]
    assert [(r.kind, r.rows_in, r.loaded, r.rejected) for r in again] == counts


def test_bulk_loading_settings_are_put_back(tmp_path: Path) -> None:
    """The settings are global to the database instance: another connection to it must not
    keep them after the loads."""
    from ingestion.operators.load import bulk_loading

    settings = "('max_vacuum_tasks', 'checkpoint_threshold', 'threads')"
    sql = f"select name, value from duckdb_settings() where name in {settings} order by name"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        before = con.execute(sql).fetchall()
        with bulk_loading(con):
            during = dict(con.execute(sql).fetchall())
        assert con.execute(sql).fetchall() == before
    assert during["max_vacuum_tasks"] == "0"
    assert during["checkpoint_threshold"] == "1.0 GiB"
    assert int(during["threads"]) == max(1, (os.cpu_count() or 1) - 1)


def _three_folders(
    tmp_path: Path, bad_clients_in: str | None = None
) -> list[tuple[Path, str, int]]:
    """Copies of three sample folders, in load order; `bad_clients_in` gets a clients file that
    cannot be read, so that folder fails at its second file."""
    folders = []
    for region_id, year in (
        ("drammensregionen", 2025),
        ("hallingdal", 2025),
        ("kongsberg_numedal", 2025),
    ):
        folder = tmp_path / "in" / region_id / str(year)
        folder.mkdir(parents=True)
        for path in (OPERATOR_SAMPLE_DIR / region_id / str(year)).iterdir():
            (folder / path.name).write_bytes(path.read_bytes())
        if region_id == bad_clients_in:
            bad = generate_unreadable(tmp_path / "bad")["missing_columns"]
            for path in folder.glob("clients.*"):
                path.unlink()
            (folder / "clients.csv").write_bytes(bad.read_bytes())
        folders.append((folder, region_id, year))
    return folders


def _loop(
    db: Path, folders: list[tuple[Path, str, int]], archive: Path
) -> tuple[list, Exception | None]:
    """What callers did before `ingest_directories`: one `ingest_directory` per folder, stopping
    at the first folder that raises."""
    results = []
    try:
        for folder, region_id, year in folders:
            results += ingest_directory(
                db, folder, region_id=region_id, year=year, archive_dir=archive, key=KEY
            )
    except (IngestError, ValueError) as exc:
        return results, exc
    return results, None


def _together(
    db: Path, folders: list[tuple[Path, str, int]], archive: Path
) -> tuple[list, Exception | None]:
    """`ingest_directories` for all folders: the results of the folders it finished."""
    results: list[IngestResult] = []
    try:
        ingest_directories(db, folders, archive_dir=archive, key=KEY, on_folder=results.extend)
    except (IngestError, ValueError) as exc:
        return results, exc
    return results, None


def _same_as_the_loop(tmp_path: Path, folders: list[tuple[Path, str, int]]) -> Exception | None:
    """Loads the folders both ways and asserts equal results, raw tables (but for `loaded_at`)
    and archives; gives the error that stopped both."""
    by_folder, loop_error = _loop(tmp_path / "loop.duckdb", folders, tmp_path / "a_loop")
    together, error = _together(tmp_path / "one.duckdb", folders, tmp_path / "a_one")
    assert type(error) is type(loop_error) and str(error) == str(loop_error)
    metadata = [
        [
            {**r.as_metadata(), "archived_path": r.archived_path.relative_to(archive)}
            for r in results
        ]
        for results, archive in ((by_folder, tmp_path / "a_loop"), (together, tmp_path / "a_one"))
    ]
    assert metadata[0] == metadata[1]
    for table in (*LOAD_ORDER, "quarantine", "load_log"):
        sql = f"select * exclude (loaded_at) from raw.{table} order by all"
        assert _rows(tmp_path / "one.duckdb", sql) == _rows(tmp_path / "loop.duckdb", sql), table
    archived = [
        sorted(p.relative_to(archive) for p in archive.rglob("*.*"))
        for archive in (tmp_path / "a_loop", tmp_path / "a_one")
    ]
    assert archived[0] == archived[1]
    return error


def test_folders_on_one_connection_load_as_folder_by_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingestion.operators.api as api

    folders = _three_folders(tmp_path)
    opened: list[Path] = []
    connect = api.connect_writer
    monkeypatch.setattr(api, "connect_writer", lambda db: opened.append(db) or connect(db))
    assert _same_as_the_loop(tmp_path, folders) is None
    assert opened.count(tmp_path / "one.duckdb") == 1
    assert opened.count(tmp_path / "loop.duckdb") == len(folders)
    sql = "select region_id, count(*) from raw.load_log where status = 'loaded' group by all"
    assert sorted(_rows(tmp_path / "one.duckdb", sql)) == [
        (region_id, len(LOAD_ORDER)) for _, region_id, _ in folders
    ]


def test_a_failed_file_in_folder_2_of_3_stops_the_run_as_folder_by_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker runs ahead into the next folder, but only this thread archives and loads, and
    only once a folder is reached: the third folder is prepared, never archived or loaded."""
    import ingestion.operators.api as api

    folders = _three_folders(tmp_path, bad_clients_in="hallingdal")
    second, third = folders[1][0], folders[2][0]
    third_prepared = threading.Event()
    prepare, archived = api._prepare, api._archived

    def prepare_and_note(path: Path, *args):
        prepared = prepare(path, *args)
        if path.parent == third:
            third_prepared.set()
        return prepared

    def archived_once_ahead(path: Path, region_id: str, year: int, kind: str, archive: Path, *rest):
        # In the run of all folders, the bad file is archived and loaded only once the worker has
        # prepared a file of the third folder, so that the run ahead is certain, whatever the
        # timing.
        if archive == tmp_path / "a_one" and path.parent == second and kind == "clients":
            assert third_prepared.wait(timeout=60)
        return archived(path, region_id, year, kind, archive, *rest)

    monkeypatch.setattr(api, "_prepare", prepare_and_note)
    monkeypatch.setattr(api, "_archived", archived_once_ahead)
    error = _same_as_the_loop(tmp_path, folders)
    assert isinstance(error, IngestError) and "Påkrevde kolonner mangler" in str(error)
    sql = "select region_id, kind, status from raw.load_log order by loaded_at"
    assert _rows(tmp_path / "one.duckdb", sql) == [
        *(("drammensregionen", kind, "loaded") for kind in LOAD_ORDER),
        ("hallingdal", "courses", "loaded"),
        ("hallingdal", "clients", "failed"),
    ]
    assert third_prepared.is_set()
    in_archive = {p.stem for p in (tmp_path / "a_one").rglob("*.*")}
    assert not in_archive & {api.file_sha256(p) for p in third.iterdir()}


def test_a_folder_with_two_files_of_one_kind_stops_the_run_when_it_is_reached(
    tmp_path: Path,
) -> None:
    folders = _three_folders(tmp_path)
    third = folders[2][0]
    clients = next(third.glob("clients.*"))
    (third / f"klienter{clients.suffix}").write_bytes(clients.read_bytes())
    error = _same_as_the_loop(tmp_path, folders)
    assert isinstance(error, ValueError) and "Lever én fil per type" in str(error)
    sql = "select distinct region_id from raw.load_log order by all"
    assert _rows(tmp_path / "one.duckdb", sql) == [("drammensregionen",), ("hallingdal",)]
