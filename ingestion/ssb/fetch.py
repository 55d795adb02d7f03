"""Fetch the configured SSB queries (online) or take the bundled snapshot (offline)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ingestion.paths import SSB_SNAPSHOT_DIR
from ingestion.ssb.archive import ArchivedResponse, archive_response
from ingestion.ssb.client import FetchedResponse, PxWebClient
from ingestion.ssb.queries import QueryConfig, load_queries

MANIFEST_FILE = "manifest.json"
REGENERATE_HINT = "Lag øyeblikksbildet på nytt med `python -m ingestion.ssb.snapshot`."


class SnapshotError(RuntimeError):
    """The bundled snapshot is missing, edited, or does not answer the configured queries."""


def fetch_population(
    *,
    offline: bool,
    archive_dir: Path,
    queries_path: Path | None = None,
    snapshot_dir: Path | None = None,
    client: PxWebClient | None = None,
) -> list[ArchivedResponse]:
    """Archive one response per configured query and return the archive records.

    Offline, the responses come from the snapshot in `snapshot_dir` (default `data/sample/ssb`),
    with the URL and `fetched_at` recorded when the snapshot was made. Online, each query goes
    through `client` (default: a `PxWebClient` on the configured base URL).
    """
    config = load_queries(queries_path)
    if offline:
        fetched = _snapshot_responses(config, snapshot_dir or SSB_SNAPSHOT_DIR)
    else:
        fetched = _online_responses(config, client)
    return [archive_response(response, archive_dir, query_name=name) for name, response in fetched]


def _online_responses(
    config: QueryConfig, client: PxWebClient | None
) -> list[tuple[str, FetchedResponse]]:
    owned = client is None
    client = client or PxWebClient(config.base_url)
    try:
        return [
            (query.name, client.get_table_data(query.table_id, query.value_codes, lang=config.lang))
            for query in config.queries
        ]
    finally:
        if owned:
            client.close()


def read_manifest(snapshot_dir: Path) -> dict[str, Any]:
    path = snapshot_dir / MANIFEST_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"Fant ikke et lesbart øyeblikksbilde i {path}: {exc}") from exc


def _snapshot_responses(
    config: QueryConfig, snapshot_dir: Path
) -> list[tuple[str, FetchedResponse]]:
    manifest = read_manifest(snapshot_dir)
    entries = {entry["query"]: entry for entry in manifest.get("responses", [])}
    # Only to build the URLs each query would use today; no request is sent.
    planner = PxWebClient(config.base_url)
    responses = []
    try:
        for query in config.queries:
            entry = entries.get(query.name)
            if entry is None:
                raise SnapshotError(
                    f"Øyeblikksbildet i {snapshot_dir} har ikke svar på spørringen «{query.name}» "
                    f"(tabell {query.table_id}). {REGENERATE_HINT}"
                )
            method, url, body = planner.plan_request(
                query.table_id, query.value_codes, lang=config.lang
            )
            if (entry["method"], entry["url"], entry.get("request_body")) != (method, url, body):
                raise SnapshotError(
                    f"Øyeblikksbildet for «{query.name}» ble laget for en annen spørring enn den "
                    f"som står i {config.path}. {REGENERATE_HINT}"
                )
            path = snapshot_dir / entry["file"]
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise SnapshotError(f"Fant ikke {path}. {REGENERATE_HINT}") from exc
            if hashlib.sha256(content).hexdigest() != entry["sha256"]:
                raise SnapshotError(
                    f"{path} er endret etter at øyeblikksbildet ble laget (sha256 stemmer ikke). "
                    f"{REGENERATE_HINT}"
                )
            fetched = FetchedResponse(
                table_id=query.table_id,
                url=url,
                method=method,
                request_body=body,
                status_code=200,
                content=content,
                content_type="application/json; charset=utf-8",
                fetched_at=datetime.fromisoformat(entry["fetched_at"]),
            )
            responses.append((query.name, fetched))
    finally:
        planner.close()
    return responses
