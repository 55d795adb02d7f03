"""Deliveries: a file can never reduce a partition to nothing by accident, and every run loads a
region-year-kind from one place, the operator's latest delivery, never an older or bundled file
over it (issue 23, points 1 and 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingestion.operators import IngestError, ingest_deliveries, ingest_file
from ingestion.operators.cli import ingest, validate
from ingestion.paths import OPERATOR_SAMPLE_DIR

from .conftest import KEY

HALLINGDAL = OPERATOR_SAMPLE_DIR / "hallingdal"


def _count(db: Path, kind: str, region_id: str = "hallingdal", year: int = 2026) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        sql = f"select count(*) from raw.{kind} where region_id = ? and year = ?"
        return con.execute(sql, [region_id, year]).fetchall()[0][0]


def _last_log(db: Path, kind: str) -> tuple:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select status, origin, note from raw.load_log where kind = ? "
            "order by loaded_at desc limit 1",
            [kind],
        ).fetchall()[0]


def _write_lines(path: Path, lines: list[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(lines))
    return path


@pytest.fixture
def loaded_sample(tmp_path) -> tuple[Path, Path]:
    """Hallingdal 2026 from the sample: 100 clients, 480 activities. (db, archive)"""
    db, archive = tmp_path / "w.duckdb", tmp_path / "archive"
    for kind in ("courses", "clients", "activities"):
        ingest_file(
            db,
            HALLINGDAL / "2026" / f"{kind}.csv",
            region_id="hallingdal",
            year=2026,
            kind=kind,
            archive_dir=archive,
            key=KEY,
        )
    assert (_count(db, "clients"), _count(db, "activities")) == (100, 480)
    return db, archive


def _ingest_cli(path: Path, kind: str, db: Path, archive: Path, *extra: str):
    args = [str(path), "--region", "hallingdal", "--year", "2026", "--kind", kind]
    args += ["--db", str(db), "--archive-dir", str(archive), *extra]
    return CliRunner().invoke(ingest, args)


def test_a_header_only_file_is_not_deliverable_and_leaves_the_partition(loaded_sample, tmp_path):
    """It validated as «kan leveres» (exit 0), and its ingest took raw.clients for hallingdal 2026
    from 100 rows to 0 with exit 0."""
    db, archive = loaded_sample
    header = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)[0]
    empty = _write_lines(tmp_path / "delivery" / "clients.csv", [header])

    checked = CliRunner().invoke(validate, [str(empty), "--kind", "clients", "--year", "2026"])
    assert checked.exit_code == 2
    assert "0 rader lest" in checked.output
    assert "ingen rader, bare overskrift, og kan ikke leveres" in checked.output
    assert "kan leveres." not in checked.output.replace("kan ikke leveres", "")

    loaded = _ingest_cli(empty, "clients", db, archive)
    assert loaded.exit_code == 2
    assert "Ikke lest inn: clients.csv: filen har ingen rader, bare overskrift." in loaded.output
    assert "raw.clients for hallingdal 2026 beholder sine 100 rader" in loaded.output
    assert "--allow-fewer-rows" in loaded.output
    assert _count(db, "clients") == 100
    status, origin, note = _last_log(db, "clients")
    assert (status, origin) == ("refused", "delivery") and "bare overskrift" in note


def test_a_file_whose_rows_are_all_rejected_leaves_the_partition(loaded_sample, tmp_path):
    """20 activities of 2025 delivered as 2026: every row rejected (wrong year). It took
    raw.activities for hallingdal 2026 from 480 rows to 0."""
    db, archive = loaded_sample
    lines = (HALLINGDAL / "2025" / "activities.csv").read_bytes().splitlines(keepends=True)
    wrong_year = _write_lines(tmp_path / "delivery" / "activities.csv", lines[:21])

    checked = CliRunner().invoke(
        validate, [str(wrong_year), "--kind", "activities", "--year", "2026"]
    )
    assert checked.exit_code == 1
    assert "20 rader lest, 0 godkjent, 20 avvist" in checked.output
    assert "Ingen rader er godkjent, så filen kan ikke leveres" in checked.output

    loaded = _ingest_cli(wrong_year, "activities", db, archive)
    assert loaded.exit_code == 2
    assert "ingen av de 20 radene ble godkjent" in loaded.output
    assert "raw.activities for hallingdal 2026 beholder sine 480 rader" in loaded.output
    assert "etablerer validate activities.csv --kind activities --year 2026" in loaded.output
    assert _count(db, "activities") == 480
    assert _last_log(db, "activities")[0] == "refused"


def test_a_file_that_drops_most_of_a_partition_is_refused_unless_allowed(
    loaded_sample, tmp_path, monkeypatch
):
    db, archive = loaded_sample
    lines = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)
    thirty = _write_lines(tmp_path / "delivery" / "clients.csv", lines[:31])

    refused = _ingest_cli(thirty, "clients", db, archive)
    assert refused.exit_code == 2
    assert "bare 30 godkjente rader mot 100 i raw.clients for hallingdal 2026 nå" in refused.output
    assert "70 % færre (grensen er 50 %, ETABLERER_MAX_ROW_DROP)" in refused.output
    assert _count(db, "clients") == 100

    monkeypatch.setenv("ETABLERER_MAX_ROW_DROP", "0.8")  # the share is configurable
    assert _ingest_cli(thirty, "clients", db, archive).exit_code == 0
    assert _count(db, "clients") == 30


def test_allow_fewer_rows_empties_a_partition_on_purpose(loaded_sample, tmp_path):
    db, archive = loaded_sample
    header = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)[0]
    empty = _write_lines(tmp_path / "delivery" / "clients.csv", [header])
    emptied = _ingest_cli(empty, "clients", db, archive, "--allow-fewer-rows")
    assert emptied.exit_code == 0, emptied.output
    assert "0 rader lest, 0 lastet inn i raw.clients" in emptied.output
    assert _count(db, "clients") == 0
    assert _last_log(db, "clients")[0] == "loaded"


def test_a_bad_max_row_drop_setting_is_a_clear_error(loaded_sample, tmp_path, monkeypatch):
    db, archive = loaded_sample
    lines = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)
    monkeypatch.setenv("ETABLERER_MAX_ROW_DROP", "50%")
    result = _ingest_cli(_write_lines(tmp_path / "c.csv", lines[:90]), "clients", db, archive)
    assert result.exit_code == 2
    assert "ETABLERER_MAX_ROW_DROP='50%' er ikke en andel mellom 0 og 1" in result.output


# --- one source of truth ----------------------------------------------------------------------


def _deliver(landing: Path, kind: str, lines: list[bytes]) -> Path:
    return _write_lines(landing / "hallingdal" / "2026" / f"{kind}.csv", lines)


def _run(db: Path, archive: Path, landing: Path, *, sample: bool) -> dict[str, tuple[str, str]]:
    """What a run loads for hallingdal 2026: per kind, (status, origin)."""
    results = ingest_deliveries(
        db,
        [("hallingdal", 2026)],
        landing_dir=landing,
        archive_dir=archive,
        sample_dir=OPERATOR_SAMPLE_DIR if sample else None,
        key=KEY,
    )
    return {r.kind: (r.status, r.origin) for r in results}


def test_a_run_takes_the_delivery_and_never_puts_the_sample_back(tmp_path):
    db, archive, landing = tmp_path / "w.duckdb", tmp_path / "archive", tmp_path / "landing"
    first = _run(db, archive, landing, sample=True)  # no deliveries yet: the sample, as asked
    assert first["clients"] == ("loaded", "sample") and _count(db, "clients") == 100
    assert _run(db, archive, landing, sample=False) == {}  # nothing delivered, nothing asked
    lines = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)
    delivered = _deliver(landing, "clients", lines[:61])
    with_delivery = _run(db, archive, landing, sample=True)
    assert with_delivery["clients"] == ("loaded", "delivery")
    assert with_delivery["activities"] == ("unchanged", "sample")
    assert _count(db, "clients") == 60
    # The operator clears the landing folder; a run with the sample keeps the delivery.
    delivered.unlink()
    again = _run(db, archive, landing, sample=True)
    assert again["clients"] == ("kept", "sample")
    assert _count(db, "clients") == 60
    status, origin, note = _last_log(db, "clients")
    assert (status, origin) == ("kept", "sample")
    assert "operatørens levering («clients.csv», lest inn" in note


def test_a_run_does_not_load_an_older_delivery_over_a_newer_one(tmp_path):
    db, archive, landing = tmp_path / "w.duckdb", tmp_path / "archive", tmp_path / "landing"
    lines = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)
    _deliver(landing, "clients", lines[:61])
    assert _run(db, archive, landing, sample=False) == {"clients": ("loaded", "delivery")}
    newer = _write_lines(tmp_path / "by_hand" / "klienter.csv", lines[:81])
    ingest_file(
        db, newer, region_id="hallingdal", year=2026, kind="clients", archive_dir=archive, key=KEY
    )
    assert _count(db, "clients") == 80
    assert _run(db, archive, landing, sample=False) == {"clients": ("kept", "delivery")}
    assert _count(db, "clients") == 80
    assert (
        "er en eldre levering enn den som er lest inn («klienter.csv»"
        in _last_log(db, "clients")[2]
    )


def test_two_deliveries_of_one_kind_stop_the_run_with_the_names(tmp_path):
    db, archive, landing = tmp_path / "w.duckdb", tmp_path / "archive", tmp_path / "landing"
    folder = landing / "hallingdal" / "2026"
    folder.mkdir(parents=True)
    for name in ("clients.csv", "klienter.csv"):
        shutil.copyfile(HALLINGDAL / "2026" / "clients.csv", folder / name)
    with pytest.raises(ValueError, match="«clients.csv» og «klienter.csv». Lever én fil per type"):
        _run(db, archive, landing, sample=True)


def test_a_refused_delivery_in_a_run_raises_and_leaves_the_partition(tmp_path):
    db, archive, landing = tmp_path / "w.duckdb", tmp_path / "archive", tmp_path / "landing"
    _run(db, archive, landing, sample=True)
    header = (HALLINGDAL / "2026" / "clients.csv").read_bytes().splitlines(keepends=True)[0]
    _deliver(landing, "clients", [header])
    with pytest.raises(IngestError, match="filen har ingen rader, bare overskrift"):
        _run(db, archive, landing, sample=True)
    assert _count(db, "clients") == 100
