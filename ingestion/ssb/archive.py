"""The archive of raw SSB responses: every body kept verbatim, described by a sidecar.

Layout under the archive directory (the CLI uses `ingestion.paths.archive_dir() / "ssb"`):

    <table_id>/<sha256>.json                        the response body, byte for byte
    <table_id>/<sha256>.<fetched_at>.meta.json      one sidecar per fetch: URL, method, body, time

Bodies are content-addressed, so fetching the same figures again adds a sidecar, not a copy.
Re-parsing an archived body reproduces the rows it was loaded as (`ingestion.ssb.load`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestion.ssb.client import FetchedResponse

SIDECAR_SUFFIX = ".meta.json"


class ArchiveError(RuntimeError):
    """An archived response is missing or does not match its recorded checksum."""


@dataclass(frozen=True)
class ArchivedResponse:
    """One archived raw response. `path` is the verbatim body; its sidecar sits beside it."""

    path: Path
    url: str
    table_id: str
    fetched_at: datetime
    sha256: str
    is_synthetic: bool

    def read_bytes(self) -> bytes:
        """The body, after checking it still has the checksum it was archived with."""
        try:
            content = self.path.read_bytes()
        except OSError as exc:
            raise ArchiveError(f"Fant ikke arkivert SSB-svar {self.path}: {exc}") from exc
        actual = hashlib.sha256(content).hexdigest()
        if actual != self.sha256:
            raise ArchiveError(
                f"Arkivert SSB-svar {self.path} er endret: sha256 er {actual}, "
                f"men ble arkivert som {self.sha256}."
            )
        return content

    def read_json(self) -> dict[str, Any]:
        return json.loads(self.read_bytes())


def is_synthetic_document(content: bytes) -> bool:
    """True when the response says so itself (`extension.synthetic: true`, as our snapshot does)."""
    try:
        doc = json.loads(content)
    except ValueError:
        return False
    extension = doc.get("extension") if isinstance(doc, dict) else None
    return isinstance(extension, dict) and extension.get("synthetic") is True


def archive_response(
    fetched: FetchedResponse, archive_dir: Path, *, query_name: str | None = None
) -> ArchivedResponse:
    """Write the body (once per content) and a sidecar for this fetch; return the record."""
    sha256 = fetched.sha256
    table_dir = archive_dir / fetched.table_id
    table_dir.mkdir(parents=True, exist_ok=True)
    body_path = table_dir / f"{sha256}.json"
    if not body_path.exists():
        _write_atomically(body_path, fetched.content)
    fetched_at = fetched.fetched_at.astimezone(UTC)
    is_synthetic = is_synthetic_document(fetched.content)
    sidecar = {
        "table_id": fetched.table_id,
        "query": query_name,
        "url": fetched.url,
        "method": fetched.method,
        "request_body": fetched.request_body,
        "status_code": fetched.status_code,
        "content_type": fetched.content_type,
        "fetched_at": fetched_at.isoformat(),
        "sha256": sha256,
        "bytes": len(fetched.content),
        "is_synthetic": is_synthetic,
        "body_file": body_path.name,
    }
    sidecar_path = table_dir / f"{sha256}.{fetched_at.strftime('%Y%m%dT%H%M%S%fZ')}{SIDECAR_SUFFIX}"
    _write_atomically(
        sidecar_path, (json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    )
    return ArchivedResponse(
        path=body_path,
        url=fetched.url,
        table_id=fetched.table_id,
        fetched_at=fetched_at,
        sha256=sha256,
        is_synthetic=is_synthetic,
    )


def read_sidecar(sidecar_path: Path) -> ArchivedResponse:
    meta = json.loads(sidecar_path.read_text(encoding="utf-8"))
    return ArchivedResponse(
        path=sidecar_path.with_name(meta["body_file"]),
        url=meta["url"],
        table_id=meta["table_id"],
        fetched_at=datetime.fromisoformat(meta["fetched_at"]),
        sha256=meta["sha256"],
        is_synthetic=bool(meta["is_synthetic"]),
    )


def read_archive(archive_dir: Path, table_id: str | None = None) -> list[ArchivedResponse]:
    """Every archived fetch (optionally of one table), oldest first."""
    pattern = f"{table_id or '*'}/*{SIDECAR_SUFFIX}"
    records = [read_sidecar(path) for path in archive_dir.glob(pattern)]
    return sorted(records, key=lambda r: (r.fetched_at, r.table_id, r.sha256))


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, path)
