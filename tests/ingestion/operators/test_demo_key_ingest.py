"""Ingest refuses the public demo key for operator files that are not the bundled sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.operators import PseudonymKeyMissing, ingest_directories, ingest_file
from ingestion.operators.identifiers import DEMO_KEY, SYNTHETIC_DATA_ENV
from ingestion.paths import OPERATOR_SAMPLE_DIR

SAMPLE_FOLDER = OPERATOR_SAMPLE_DIR / "ringeriksregionen" / "2025"


def _copy_of_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "operators" / "ringeriksregionen" / "2025"
    shutil.copytree(SAMPLE_FOLDER, folder)
    return folder


def test_demo_key_is_refused_for_other_files_before_anything_is_written(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv(SYNTHETIC_DATA_ENV, raising=False)
    folder = _copy_of_sample(tmp_path)
    db, archive = tmp_path / "w.duckdb", tmp_path / "archive"
    clients = folder / "clients.csv"
    with pytest.raises(PseudonymKeyMissing, match="Demonøkkelen"):
        ingest_file(
            db,
            clients,
            region_id="ringeriksregionen",
            year=2025,
            kind="clients",
            archive_dir=archive,
        )
    with pytest.raises(PseudonymKeyMissing, match="Demonøkkelen"):
        ingest_directories(
            db, [(folder, "ringeriksregionen", 2025)], archive_dir=archive, key=DEMO_KEY
        )
    assert not db.exists() and not archive.exists()


def test_demo_key_loads_the_bundled_sample_and_declared_synthetic_data(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv(SYNTHETIC_DATA_ENV, raising=False)
    db, archive = tmp_path / "w.duckdb", tmp_path / "archive"
    results = ingest_directories(
        db, [(SAMPLE_FOLDER, "ringeriksregionen", 2025)], archive_dir=archive
    )
    assert {r.status for r in results} == {"loaded"}
    monkeypatch.setenv(SYNTHETIC_DATA_ENV, "1")
    copy = _copy_of_sample(tmp_path)
    results = ingest_directories(
        tmp_path / "w2.duckdb", [(copy, "ringeriksregionen", 2025)], archive_dir=archive
    )
    assert {r.status for r in results} == {"loaded"}
    with duckdb.connect(str(tmp_path / "w2.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.clients").fetchone()[0] > 0
