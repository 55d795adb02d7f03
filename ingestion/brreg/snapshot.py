"""The bundled offline snapshot of the register in `data/sample/brreg/` (synthetic; see its README).

Each dated snapshot is one gzipped JSON array of the bodies the register would have answered with
200 on that day (full bodies for active units, the small `slettedato` body for deleted ones), as
`/enheter/lastned` delivers units. The numbers it would have answered 404 or 410 are listed in
the manifest beside the file, with the file's sha256 and the `synthetic` flag. The generator is
`python -m samples.brreg`; this module only reads.

ETABLERER_BRREG_SNAPSHOT_DIR points the offline refresh at another folder of the same shape (the
benchmark's national-scale register); read at call time, as `ingestion.paths` does.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ingestion.paths import SAMPLE_DIR

BRREG_SNAPSHOT_DIR = SAMPLE_DIR / "brreg"
SNAPSHOT_DIR_ENV = "ETABLERER_BRREG_SNAPSHOT_DIR"
MANIFEST_FILE = "manifest.json"
REGENERATE_HINT = "Lag øyeblikksbildet på nytt med `python -m samples.brreg`."


class SnapshotError(RuntimeError):
    """The bundled snapshot is missing or was edited after it was made."""


@dataclass(frozen=True)
class DatedSnapshot:
    observed_on: date
    path: Path
    sha256: str
    url: str
    fetched_at: datetime
    not_found: frozenset[str]
    removed: frozenset[str]
    is_synthetic: bool


def configured_snapshot_dir() -> Path:
    """The offline snapshots' folder: ETABLERER_BRREG_SNAPSHOT_DIR, else the bundled sample's."""
    return Path(os.environ.get(SNAPSHOT_DIR_ENV) or BRREG_SNAPSHOT_DIR)


def read_manifest(snapshot_dir: Path | None = None) -> dict[str, Any]:
    path = (snapshot_dir or configured_snapshot_dir()) / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(
            f"Fant ikke et lesbart øyeblikksbilde av Enhetsregisteret i {path}: {exc}"
        ) from exc


def dated_snapshots(snapshot_dir: Path | None = None) -> list[DatedSnapshot]:
    """Every dated snapshot in the manifest, oldest first, each file checked against its sha256."""
    snapshot_dir = snapshot_dir or configured_snapshot_dir()
    manifest = read_manifest(snapshot_dir)
    synthetic = manifest.get("synthetic") is True
    snapshots = []
    for entry in manifest.get("snapshots", []):
        path = snapshot_dir / entry["file"]
        try:
            actual = _file_sha256(path)
        except OSError as exc:
            raise SnapshotError(f"Fant ikke {path}. {REGENERATE_HINT}") from exc
        if actual != entry["sha256"]:
            raise SnapshotError(
                f"{path} er endret etter at øyeblikksbildet ble laget (sha256 stemmer ikke). "
                f"{REGENERATE_HINT}"
            )
        snapshots.append(
            DatedSnapshot(
                observed_on=date.fromisoformat(entry["observed_on"]),
                path=path,
                sha256=actual,
                url=entry["url"],
                fetched_at=datetime.fromisoformat(entry["fetched_at"]),
                not_found=frozenset(entry.get("not_found", [])),
                removed=frozenset(entry.get("removed", [])),
                is_synthetic=synthetic,
            )
        )
    if not snapshots:
        raise SnapshotError(f"Øyeblikksbildet i {snapshot_dir} har ingen datoer. {REGENERATE_HINT}")
    return sorted(snapshots, key=lambda s: s.observed_on)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as body:
        for chunk in iter(lambda: body.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


__all__ = [
    "BRREG_SNAPSHOT_DIR",
    "MANIFEST_FILE",
    "DatedSnapshot",
    "SNAPSHOT_DIR_ENV",
    "SnapshotError",
    "configured_snapshot_dir",
    "dated_snapshots",
    "read_manifest",
]
