"""Helpers shared by the register tests: faked HTTP at the transport, the bundled snapshot's bodies
and its named cases, and a linkage store of the sample's businesses under a temporary folder."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from ingestion.brreg.client import BrregClient
from ingestion.brreg.snapshot import BRREG_SNAPSHOT_DIR, read_manifest
from ingestion.linkage import record_links
from ingestion.operators.identifiers import DEMO_KEY, business_keys
from tests.ingestion.ssb.ssb_testkit import FakeClock, Recorder, faked

BASE = "https://data.brreg.no/enhetsregisteret/api"
MANIFEST = read_manifest()
CASES: dict[str, str] = MANIFEST["cases"]
SNAPSHOT_DATES = [date.fromisoformat(s["observed_on"]) for s in MANIFEST["snapshots"]]


def fake_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[BrregClient, Recorder, FakeClock]:
    return faked(BrregClient, handler, base_url=kwargs.pop("base_url", BASE), **kwargs)


def snapshot_path(observed_on: date) -> Path:
    return BRREG_SNAPSHOT_DIR / f"enheter-{observed_on.isoformat()}.json.gz"


def snapshot_bodies(observed_on: date) -> dict[str, dict[str, Any]]:
    """org_number -> the body the register answers with 200 on that day, from the snapshot."""
    units = json.loads(gzip.decompress(snapshot_path(observed_on).read_bytes()))
    return {unit["organisasjonsnummer"]: unit for unit in units}


def all_sample_numbers() -> list[str]:
    """Every organisation number the snapshot was made for (found on some day, or never)."""
    latest = MANIFEST["snapshots"][-1]
    return sorted(set(snapshot_bodies(SNAPSHOT_DATES[-1])) | set(latest["not_found"]))


def sample_names() -> set[str]:
    return {body["navn"] for day in SNAPSHOT_DATES for body in snapshot_bodies(day).values()}


def link_sample(path: Path, numbers: list[str] | None = None) -> dict[str, str]:
    """A linkage store at `path` with the sample's businesses (or `numbers`), keyed with the
    demo key the tests use; returns business_key -> org_number."""
    numbers = numbers if numbers is not None else all_sample_numbers()
    keys = business_keys(DEMO_KEY, numbers)
    record_links(zip(keys, numbers, strict=True), source_sha256="0" * 64, path=path)
    return dict(zip(keys, numbers, strict=True))


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"content-type": "application/json", **headers},
    )


def error_body(status: int, number: str) -> dict[str, Any]:
    # The register does not document its error bodies; the refresh decides by status alone.
    return {
        "timestamp": "2026-12-01T06:00:00.000+00:00",
        "status": status,
        "error": "Not Found" if status == 404 else "Gone",
        "path": f"/enhetsregisteret/api/enheter/{number}",
    }
