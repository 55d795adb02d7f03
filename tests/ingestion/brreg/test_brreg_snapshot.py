"""The bundled snapshot is what its generator makes, refuses edits, and ingestion.brreg stays
free of Dagster."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from ingestion.brreg.snapshot import (
    BRREG_SNAPSHOT_DIR,
    SNAPSHOT_DIR_ENV,
    SnapshotError,
    dated_snapshots,
)
from samples.brreg import write_snapshot


def test_generator_reproduces_the_bundled_files_byte_for_byte(tmp_path):
    manifest = write_snapshot(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    bundled = sorted(p.name for p in BRREG_SNAPSHOT_DIR.iterdir() if p.name != "README.md")
    assert written == bundled
    for name in written:
        assert (tmp_path / name).read_bytes() == (BRREG_SNAPSHOT_DIR / name).read_bytes(), name
    # Every case is named in the README, with its number.
    readme = (BRREG_SNAPSHOT_DIR / "README.md").read_text(encoding="utf-8")
    for case, number in manifest["cases"].items():
        assert f"| `{case}`" in readme and number in readme


def test_an_edited_snapshot_is_refused_in_norwegian(tmp_path):
    copy = tmp_path / "brreg"
    shutil.copytree(BRREG_SNAPSHOT_DIR, copy)
    assert [s.observed_on.isoformat() for s in dated_snapshots(copy)] == [
        "2025-12-01",
        "2026-06-01",
        "2026-12-01",
    ]
    target = copy / "enheter-2026-06-01.json.gz"
    target.write_bytes(target.read_bytes() + b"\0")
    with pytest.raises(SnapshotError, match="er endret etter at øyeblikksbildet ble laget"):
        dated_snapshots(copy)
    with pytest.raises(SnapshotError, match="Fant ikke et lesbart øyeblikksbilde"):
        dated_snapshots(tmp_path / "nowhere")


def test_the_snapshot_folder_is_configurable(tmp_path, monkeypatch):
    copy = tmp_path / "elsewhere"
    shutil.copytree(BRREG_SNAPSHOT_DIR, copy)
    (copy / "enheter-2025-12-01.json.gz").unlink()
    monkeypatch.setenv(SNAPSHOT_DIR_ENV, str(copy))
    # The copy is read, not the bundled folder: its missing day is reported where it is missing.
    with pytest.raises(SnapshotError, match=f"Fant ikke {copy / 'enheter-2025-12-01.json.gz'}"):
        dated_snapshots()
    monkeypatch.delenv(SNAPSHOT_DIR_ENV)
    assert {s.path.parent for s in dated_snapshots()} == {BRREG_SNAPSHOT_DIR}


def test_ingestion_brreg_imports_without_dagster_or_side_effects():
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ingestion.brreg, ingestion.brreg.cli; "
            "print(any(m.split('.')[0] == 'dagster' for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "False"
