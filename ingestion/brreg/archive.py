"""The archive of raw register responses: every body kept verbatim, described by a sidecar.

Layout under the archive directory (the refresh uses `ingestion.paths.archive_dir() / "brreg"`):

    <kind>/<sha256>.<ext>                        the body, byte for byte
    <kind>/<sha256>.<fetched_at>.meta.json       one sidecar per fetch: URL, status, number, time

`kind` is `enheter` (look-ups, 200/404/410 alike), `lastned` and `lastned_csv` (the bulk files,
gzipped as they came), `oppdateringer` (pages of the update feed) or `snapshot` (the bundled
synthetic snapshot, when the refresh runs offline). Bodies are content-addressed, so the same
answer fetched again adds a sidecar, not a copy. The archive holds clear organisation numbers
(in bodies, URLs and sidecars), so it is protected as the operators' originals are.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ingestion.brreg.client import (
    BULK_CSV,
    BULK_JSON,
    BrregClient,
    DownloadedFile,
    RegisterResponse,
)

SIDECAR_SUFFIX = ".meta.json"
SNAPSHOT = "snapshot"
_EXTENSIONS = {BULK_JSON: ".json.gz", BULK_CSV: ".csv.gz"}


class ArchiveError(RuntimeError):
    """An archived response is missing or does not match its recorded checksum."""


@dataclass(frozen=True)
class ArchivedResponse:
    """One archived raw response. `path` is the verbatim body; its sidecar sits beside it."""

    path: Path
    kind: str
    url: str
    status_code: int
    fetched_at: datetime
    sha256: str
    org_number: str | None = None
    is_synthetic: bool = False
    observed_on: date | None = None

    def read_bytes(self) -> bytes:
        """The body, after checking it still has the checksum it was archived with."""
        try:
            content = self.path.read_bytes()
        except OSError as exc:
            raise ArchiveError(f"Fant ikke arkivert registersvar {self.path}: {exc}") from exc
        self._check(hashlib.sha256(content).hexdigest())
        return content

    def verify(self) -> None:
        """Check a (large) body's checksum, reading it a chunk at a time."""
        try:
            actual, _ = _file_digest(self.path)
        except OSError as exc:
            raise ArchiveError(f"Fant ikke arkivert registersvar {self.path}: {exc}") from exc
        self._check(actual)

    def _check(self, actual: str) -> None:
        if actual != self.sha256:
            raise ArchiveError(
                f"Arkivert registersvar {self.path} er endret: sha256 er {actual}, "
                f"men ble arkivert som {self.sha256}."
            )


def archive_response(
    response: RegisterResponse,
    archive_dir: Path,
    *,
    is_synthetic: bool = False,
    observed_on: date | None = None,
) -> ArchivedResponse:
    """Write a look-up's or an update page's body (once per content) and a sidecar."""
    kind_dir = archive_dir / response.kind
    kind_dir.mkdir(parents=True, exist_ok=True)
    body_path = kind_dir / f"{response.sha256}.json"
    if not body_path.exists():
        _write_atomically(body_path, response.content)
    return _record(body_path, response, is_synthetic=is_synthetic, observed_on=observed_on)


def archive_download(
    client: BrregClient, archive_dir: Path, kind: str = BULK_JSON
) -> ArchivedResponse:
    """Stream a bulk file straight into the archive (a temporary file, renamed by checksum)."""
    kind_dir = archive_dir / kind
    kind_dir.mkdir(parents=True, exist_ok=True)
    temporary = kind_dir / f".download.{os.getpid()}.tmp"
    try:
        with temporary.open("w+b") as into:
            downloaded = client.download_bulk(into, kind)
        body_path = kind_dir / f"{downloaded.sha256}{_EXTENSIONS[kind]}"
        if body_path.exists():
            temporary.unlink()
        else:
            os.replace(temporary, body_path)
    finally:
        temporary.unlink(missing_ok=True)
    return _record(body_path, downloaded)


def archive_file(
    source: Path,
    archive_dir: Path,
    *,
    kind: str,
    url: str,
    fetched_at: datetime,
    is_synthetic: bool,
    observed_on: date | None = None,
) -> ArchivedResponse:
    """Copy a file (the bundled snapshot) into the archive, as if it had been fetched."""
    kind_dir = archive_dir / kind
    kind_dir.mkdir(parents=True, exist_ok=True)
    sha256, size = _file_digest(source)
    suffix = "".join(source.suffixes[-2:]) if source.name.endswith(".gz") else source.suffix
    body_path = kind_dir / f"{sha256}{suffix}"
    if not body_path.exists():
        temporary = kind_dir / f".copy.{os.getpid()}.tmp"
        shutil.copyfile(source, temporary)
        os.replace(temporary, body_path)
    copied = DownloadedFile(
        kind=kind,
        url=url,
        status_code=200,
        content_type=None,
        fetched_at=fetched_at,
        sha256=sha256,
        size_bytes=size,
    )
    return _record(body_path, copied, is_synthetic=is_synthetic, observed_on=observed_on)


def read_sidecar(sidecar_path: Path) -> ArchivedResponse:
    """The archived fetch a sidecar describes."""
    return _described(json.loads(sidecar_path.read_text(encoding="utf-8")), sidecar_path)


def _described(meta: dict, sidecar_path: Path) -> ArchivedResponse:
    """The archived fetch of a sidecar's contents (its body lies beside the sidecar)."""
    observed_on = meta.get("observed_on")
    return ArchivedResponse(
        path=sidecar_path.with_name(meta["body_file"]),
        kind=meta["kind"],
        url=meta["url"],
        status_code=int(meta["status_code"]),
        fetched_at=datetime.fromisoformat(meta["fetched_at"]),
        sha256=meta["sha256"],
        org_number=meta.get("org_number"),
        is_synthetic=bool(meta["is_synthetic"]),
        observed_on=date.fromisoformat(observed_on) if observed_on else None,
    )


def read_archive(archive_dir: Path, kind: str | None = None) -> list[ArchivedResponse]:
    """Every archived fetch (optionally of one kind), oldest first."""
    pattern = f"{kind or '*'}/*{SIDECAR_SUFFIX}"
    records = [read_sidecar(path) for path in archive_dir.glob(pattern)]
    return sorted(records, key=lambda r: (r.fetched_at, r.kind, r.org_number or "", r.sha256))


def _record(
    body_path: Path,
    fetched: RegisterResponse | DownloadedFile,
    *,
    is_synthetic: bool = False,
    observed_on: date | None = None,
) -> ArchivedResponse:
    """Write the sidecar of one fetch beside its body, and return the archived fetch."""
    if isinstance(fetched, RegisterResponse):
        size_bytes, org_number = len(fetched.content), fetched.org_number
    else:
        size_bytes, org_number = fetched.size_bytes, None
    fetched_at = fetched.fetched_at.astimezone(UTC)
    sidecar = {
        "kind": fetched.kind,
        "url": fetched.url,
        "status_code": fetched.status_code,
        "content_type": fetched.content_type,
        "org_number": org_number,
        "fetched_at": fetched_at.isoformat(),
        "observed_on": observed_on.isoformat() if observed_on else None,
        "sha256": fetched.sha256,
        "bytes": size_bytes,
        "is_synthetic": is_synthetic,
        "body_file": body_path.name,
    }
    stamp = fetched_at.strftime("%Y%m%dT%H%M%S%fZ")
    # A number per look-up: two numbers may share a body (an identical 404), never a sidecar.
    who = f".{org_number}" if org_number else ""
    sidecar_path = body_path.parent / f"{fetched.sha256}{who}.{stamp}{SIDECAR_SUFFIX}"
    _write_atomically(
        sidecar_path, (json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    )
    return _described(sidecar, sidecar_path)


def _file_digest(path: Path) -> tuple[str, int]:
    """A file's sha256 and size, read a chunk at a time."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as body:
        for chunk in iter(lambda: body.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_atomically(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, then rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


__all__ = [
    "SNAPSHOT",
    "ArchiveError",
    "ArchivedResponse",
    "archive_download",
    "archive_file",
    "archive_response",
    "read_archive",
    "read_sidecar",
]
