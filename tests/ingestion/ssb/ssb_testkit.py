"""Helpers shared by the SSB tests: a fake clock and faked HTTP at the transport."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from ingestion.paths import SSB_SNAPSHOT_DIR
from ingestion.ssb.archive import ArchivedResponse, archive_response
from ingestion.ssb.client import FetchedResponse, PxWebClient

Client = TypeVar("Client")


@dataclass
class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Recorder:
    """Faked SSB: answers with `handler`, records every request and the fake time it arrived."""

    handler: Callable[[httpx.Request], httpx.Response]
    clock: FakeClock
    requests: list[httpx.Request] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.clock.now)
        return self.handler(request)


def faked(
    client_class: Callable[..., Client],
    handler: Callable[[httpx.Request], httpx.Response],
    **kwargs: Any,
) -> tuple[Client, Recorder, FakeClock]:
    """A client (SSB's or the register's) whose HTTP `handler` answers, on a fake clock, with
    the recorder of what it asked and when."""
    clock = FakeClock()
    recorder = Recorder(handler, clock)
    client = client_class(
        transport=httpx.MockTransport(recorder), clock=clock, sleep=clock.sleep, **kwargs
    )
    return client, recorder, clock


def fake_client(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any
) -> tuple[PxWebClient, Recorder, FakeClock]:
    return faked(PxWebClient, handler, **kwargs)


def snapshot_doc(table_id: str) -> dict[str, Any]:
    return json.loads((SSB_SNAPSHOT_DIR / f"{table_id}.json").read_bytes())


def archive_doc(
    doc: dict[str, Any], archive_dir: Path, *, table_id: str, fetched_at: datetime
) -> ArchivedResponse:
    """Archive a JSON-stat document as if SSB had returned it at `fetched_at`."""
    content = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    fetched = FetchedResponse(
        table_id=table_id,
        url=f"https://data.ssb.no/api/pxwebapi/v2/tables/{table_id}/data?lang=no",
        method="GET",
        request_body=None,
        status_code=200,
        content=content,
        content_type="application/json",
        fetched_at=fetched_at.astimezone(UTC),
    )
    return archive_response(fetched, archive_dir)


def set_cell(doc: dict[str, Any], value: int | None, **coordinates: str) -> None:
    """Set one cell of a dense JSON-stat document, addressed by category codes."""
    flat = 0
    for dim_id, size in zip(doc["id"], doc["size"], strict=True):
        index = doc["dimension"][dim_id]["category"]["index"]
        flat = flat * size + index[coordinates[dim_id]]
    doc["value"][flat] = value
