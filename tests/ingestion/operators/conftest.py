from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.operators import ingest_file
from samples.operators import DirtyFile, generate_dirty

KEY = b"test-key-not-secret"


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY", "demo-key-for-the-bundled-synthetic-sample-only")
    monkeypatch.delenv("ETABLERER_PSEUDONYM_KEY_FILE", raising=False)


@pytest.fixture(scope="session")
def dirty_files(tmp_path_factory: pytest.TempPathFactory) -> list[DirtyFile]:
    return generate_dirty(tmp_path_factory.mktemp("dirty"))


def by_kind(files: list[DirtyFile], kind: str) -> DirtyFile:
    return next(f for f in files if f.kind == kind)


@pytest.fixture
def warehouse(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "warehouse" / "etablerer.duckdb", tmp_path / "archive"


def ingest_into(tmp_path: Path, path: Path, kind: str, *, year: int = 2025):
    """`ingest_file` of Ringeriksregionen's `kind` file into tmp_path/w.duckdb, test key."""
    return ingest_file(
        tmp_path / "w.duckdb",
        path,
        region_id="ringeriksregionen",
        year=year,
        kind=kind,
        archive_dir=tmp_path / "archive",
        key=KEY,
    )
