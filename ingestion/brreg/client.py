"""A small client for Enhetsregisteret's open API (Brønnøysundregistrene, NLOD licence).

Endpoints (https://data.brreg.no/enhetsregisteret/api/dokumentasjon/no/index.html):
- `GET /enheter/{orgnr}`: one unit. 200 with the unit, or with a small body carrying `slettedato`
  when the unit is deleted; 404 when the number is not in the register; 410 when the unit has been
  removed from the open data. All three are answers, returned as they are.
- `GET /enheter/lastned` and `/enheter/lastned/csv`: the whole register, gzipped JSON (an array of
  units) or gzipped CSV, rebuilt nightly, about 200 MB. Streamed to a file, never held in memory.
- `GET /oppdateringer/enheter?dato=...|oppdateringsid=...&size=...`: the update feed, a HAL page
  of `_embedded.oppdaterteEnheter` (`oppdateringsid`, `dato`, `organisasjonsnummer`,
  `endringstype`). Paged by update id, so the search's depth limit (page x size <= 10 000) never
  applies.

What it guarantees, as the SSB client does:
- a client-side sliding-window limit of `requests_per_minute` (the register publishes no limit;
  the default is modest), every request counted, retries included;
- retries with exponential backoff on 429, 5xx, timeouts and connection errors, honouring
  `Retry-After` (seconds or an HTTP date); a wait longer than `MAX_RETRY_AFTER_SECONDS` fails
  (ingestion/http.py's loop, shared with the SSB client);
- a configurable base URL (`ETABLERER_BRREG_BASE_URL`, read when the client is made).

Time is injected (`clock`, `sleep`) so tests run the limiter and the backoff on a fake clock.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

import httpx

from ingestion.http import (
    FailureWording,
    RetryingSender,
    SlidingWindowRateLimiter,
    retry_after_seconds,
)

DEFAULT_BASE_URL = "https://data.brreg.no/enhetsregisteret/api"
BASE_URL_ENV = "ETABLERER_BRREG_BASE_URL"
USER_AGENT = "etablerer-buskerud/0.1 (datapipeline for etablerertjenesten i Buskerud)"
# The bulk endpoints are content-negotiated and refuse application/json.
BULK_ACCEPT = "application/vnd.brreg.enhetsregisteret.enhet.v2+gzip;charset=UTF-8"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LOOKUP_STATUSES = frozenset({200, 404, 410})
# Response kinds, also the archive's folder names.
LOOKUP = "enheter"
BULK_JSON = "lastned"
BULK_CSV = "lastned_csv"
UPDATES = "oppdateringer"
FAILURES = FailureWording(
    timed_out="Enhetsregisteret svarte ikke innen {seconds:g} sekunder ({error})",
    unreachable="Enhetsregisteret kunne ikke nås ({error}: {detail})",
    too_many_requests="Enhetsregisteret sier at vi har sendt for mange forespørsler (429)",
    unavailable="Enhetsregisteret er midlertidig utilgjengelig ({status})",
    broken_off="Overføringen fra Enhetsregisteret brøt ({error}: {detail})",
)


class BrregError(RuntimeError):
    """Base class for errors talking to the register. Messages are Norwegian."""


class BrregUnavailableError(BrregError):
    """The register kept answering 429/5xx, timed out, or could not be reached, after retries."""


def configured_base_url() -> str:
    return os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL


@dataclass(frozen=True)
class RegisterResponse:
    """One HTTP response from the register, kept byte for byte with what was asked."""

    kind: str
    url: str
    status_code: int
    content: bytes
    content_type: str | None
    fetched_at: datetime
    org_number: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass(frozen=True)
class DownloadedFile:
    """A bulk file streamed to disk: what was asked, and the checksum of what came."""

    kind: str
    url: str
    status_code: int
    content_type: str | None
    fetched_at: datetime
    sha256: str
    size_bytes: int


class BrregClient:
    """Enhetsregisteret client. `transport` lets tests fake HTTP below the client."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60,
        max_retries: int = 5,
        requests_per_minute: int = 120,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base_seconds: float = 1.0,
        backoff_max_seconds: float = 60.0,
    ) -> None:
        self.base_url = (base_url or configured_base_url()).rstrip("/")
        self.timeout = timeout
        self.rate_limiter = SlidingWindowRateLimiter(
            requests_per_minute, 60.0, clock=clock, sleep=sleep
        )
        self._sender = RetryingSender(
            rate_limiter=self.rate_limiter,
            wording=FAILURES,
            unavailable_error=BrregUnavailableError,
            retry_statuses=RETRY_STATUSES,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base_seconds=backoff_base_seconds,
            backoff_max_seconds=backoff_max_seconds,
            sleep=sleep,
        )
        self._http = httpx.Client(
            transport=transport, timeout=timeout, headers={"User-Agent": USER_AGENT}
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BrregClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- single look-ups -------------------------------------------------------------------

    def lookup(self, org_number: str) -> RegisterResponse:
        """The register's answer for one number: 200 (active or deleted), 404 or 410."""
        if not (len(org_number) == 9 and org_number.isdigit()):
            raise ValueError(f"Ugyldig organisasjonsnummer: {org_number!r} (skal være 9 siffer).")
        url = f"{self.base_url}/enheter/{org_number}"
        request = self._http.build_request("GET", url, headers={"Accept": "application/json"})
        response = self._send(request, f"enhet {org_number}")
        if response.status_code not in LOOKUP_STATUSES:
            raise BrregError(
                f"Enhetsregisteret svarte uventet {response.status_code} på oppslag av en enhet "
                f"({url})."
            )
        return RegisterResponse(
            kind=LOOKUP,
            url=url,
            status_code=response.status_code,
            content=response.content,
            content_type=response.headers.get("content-type"),
            fetched_at=datetime.now(UTC),
            org_number=org_number,
        )

    # -- bulk files ------------------------------------------------------------------------

    def bulk_url(self, kind: str = BULK_JSON) -> str:
        if kind == BULK_JSON:
            return f"{self.base_url}/enheter/lastned"
        if kind == BULK_CSV:
            return f"{self.base_url}/enheter/lastned/csv"
        raise ValueError(f"Ukjent totaluttrekk: {kind!r}")

    def download_bulk(self, into: IO[bytes], kind: str = BULK_JSON) -> DownloadedFile:
        """Stream the bulk file (gzipped, as the register sends it) into `into`, a chunk at a
        time. A transfer broken off midway starts again from the beginning of `into`, retried as
        a failed request is."""
        url = self.bulk_url(kind)
        what = "totaluttrekket" if kind == BULK_JSON else "totaluttrekket i CSV"
        request = self._http.build_request("GET", url, headers={"Accept": BULK_ACCEPT})

        def write(response: httpx.Response) -> DownloadedFile:
            try:
                if response.status_code != 200:
                    raise BrregError(
                        f"Enhetsregisteret svarte {response.status_code} på {what} ({url})."
                    )
                into.seek(0)
                into.truncate()
                digest = hashlib.sha256()
                size = 0
                # Raw bytes: the gzip stays as it came; the archive keeps the original.
                for chunk in response.iter_raw():
                    into.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                into.flush()
            finally:
                response.close()
            return DownloadedFile(
                kind=kind,
                url=url,
                status_code=200,
                content_type=response.headers.get("content-type"),
                fetched_at=datetime.now(UTC),
                sha256=digest.hexdigest(),
                size_bytes=size,
            )

        return self._sender.exchange(lambda: self._http.send(request, stream=True), what, write)

    # -- the update feed -------------------------------------------------------------------

    def updates_url(
        self, *, since: date | datetime | None = None, since_id: int | None = None, size: int
    ) -> str:
        if (since is None) == (since_id is None):
            raise ValueError("Oppgi enten since (dato) eller since_id (oppdateringsid).")
        if since_id is not None:
            start = f"oppdateringsid={since_id}"
        else:
            start = f"dato={_feed_timestamp(since)}"
        return f"{self.base_url}/oppdateringer/enheter?{start}&page=0&size={size}"

    def iter_update_pages(
        self,
        *,
        since: date | datetime | None = None,
        since_id: int | None = None,
        size: int = 1000,
    ) -> Iterator[RegisterResponse]:
        """Every page of the update feed from `since` (a date or time) or `since_id` (an
        `oppdateringsid`, included), in order. The first page asks by date if given; each
        next page asks from the last id seen + 1. Ends with the first page that is not full."""
        url = self.updates_url(since=since, since_id=since_id, size=size)
        while True:
            request = self._http.build_request("GET", url, headers={"Accept": "application/json"})
            response = self._send(request, "oppdateringene")
            if response.status_code != 200:
                raise BrregError(
                    f"Enhetsregisteret svarte {response.status_code} på oppdateringene ({url})."
                )
            page = RegisterResponse(
                kind=UPDATES,
                url=url,
                status_code=200,
                content=response.content,
                content_type=response.headers.get("content-type"),
                fetched_at=datetime.now(UTC),
            )
            yield page
            items = ((page.json().get("_embedded") or {}).get("oppdaterteEnheter")) or []
            if len(items) < size:
                return
            last_id = max(int(item["oppdateringsid"]) for item in items)
            url = self.updates_url(since_id=last_id + 1, size=size)

    # -- sending, retrying -----------------------------------------------------------------

    def _send(self, request: httpx.Request, what: str) -> httpx.Response:
        """Send `request` within the rate limit, retried as the module docstring says."""
        return self._sender.send(lambda: self._http.send(request), what)


def _feed_timestamp(since: date | datetime | None) -> str:
    """The feed's `dato`: an ISO-8601 time in UTC with milliseconds, as the register writes it."""
    if isinstance(since, datetime):
        moment = since if since.tzinfo else since.replace(tzinfo=UTC)
    elif isinstance(since, date):
        moment = datetime(since.year, since.month, since.day, tzinfo=UTC)
    else:
        raise ValueError("since mangler")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


__all__ = [
    "BULK_CSV",
    "BULK_JSON",
    "DEFAULT_BASE_URL",
    "LOOKUP",
    "UPDATES",
    "BrregClient",
    "BrregError",
    "BrregUnavailableError",
    "DownloadedFile",
    "RegisterResponse",
    "configured_base_url",
    "retry_after_seconds",
]
