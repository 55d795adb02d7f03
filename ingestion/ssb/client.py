"""A small client for Statistics Norway's PxWebApi v2 (`/tables/{id}/data`, JSON-stat2 out).

What it guarantees:
- GET with `valueCodes[VAR]=...`, switching to POST (the selection in a JSON body) when the GET URL
  would pass `max_get_url_length` characters; SSB answers 404 to URLs that are too long.
- A client-side sliding-window limit of `requests_per_minute` (SSB allows about 30 a minute per IP).
  Every HTTP request counts, retries and error diagnostics included.
- Retries with exponential backoff on 429, 503, timeouts and connection errors, honouring
  `Retry-After` (seconds or an HTTP date); the loop is ingestion/http.py's, shared with the
  register client.
- 400, 403 and 404 raise `SsbQueryError`, whose message says in Norwegian which table, variable or
  value was wrong (it asks the table's metadata to find out, when it can).

Time is injected (`clock`, `sleep`) so tests run the limiter and the backoff on a fake clock.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from ingestion.http import (
    MAX_RETRY_AFTER_SECONDS,
    FailureWording,
    RetryingSender,
    SlidingWindowRateLimiter,
)

DEFAULT_BASE_URL = "https://data.ssb.no/api/pxwebapi/v2"
MAX_GET_URL_LENGTH = 2000
OUTPUT_FORMAT = "json-stat2"
USER_AGENT = "etablerer-buskerud/0.1 (datapipeline for etablerertjenesten i Buskerud)"
# SSB's extract limit; named in the message when SSB refuses a selection as too large.
MAX_CELLS = 800_000
RETRY_STATUSES = frozenset({429, 503})
FAILURES = FailureWording(
    timed_out="SSB svarte ikke innen {seconds:g} sekunder ({error})",
    unreachable="fikk ikke kontakt med SSB ({error}: {detail})",
    too_many_requests="SSB sier at vi har sendt for mange spørringer (429)",
    unavailable="SSB er midlertidig utilgjengelig ({status})",
)

_IDENTIFIER = re.compile(r"^[A-Za-z0-9_\-]+$")
_WILDCARD = re.compile(r"[*?()]")
# Characters left readable in the query string; everything else is percent-encoded.
_SAFE_IN_QUERY = "[],*?():-_."

ValueCodes = Mapping[str, Sequence[str] | str]


class SsbError(RuntimeError):
    """Base class for errors talking to SSB. Messages are Norwegian: operators read them."""


class SsbQueryError(SsbError):
    """SSB refused the query (400, 403 or 404)."""

    def __init__(
        self,
        message: str,
        *,
        table_id: str,
        status_code: int,
        variable: str | None = None,
        value: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.table_id = table_id
        self.status_code = status_code
        self.variable = variable
        self.value = value
        self.detail = detail


class SsbUnavailableError(SsbError):
    """SSB kept answering 429/503, timed out, or could not be reached, after every retry."""


@dataclass(frozen=True)
class FetchedResponse:
    """One HTTP response from SSB, kept byte for byte together with what was asked."""

    table_id: str
    url: str
    method: str
    request_body: dict[str, Any] | None
    status_code: int
    content: bytes
    content_type: str | None
    fetched_at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def json(self) -> dict[str, Any]:
        return json.loads(self.content)


class PxWebClient:
    """PxWebApi v2 client. `transport` lets tests fake HTTP below the client."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30,
        max_retries: int = 5,
        requests_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base_seconds: float = 1.0,
        backoff_max_seconds: float = 60.0,
        max_get_url_length: int = MAX_GET_URL_LENGTH,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_get_url_length = max_get_url_length
        self.rate_limiter = SlidingWindowRateLimiter(
            requests_per_minute, 60.0, clock=clock, sleep=sleep
        )
        self._sender = RetryingSender(
            rate_limiter=self.rate_limiter,
            wording=FAILURES,
            unavailable_error=SsbUnavailableError,
            retry_statuses=RETRY_STATUSES,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base_seconds=backoff_base_seconds,
            backoff_max_seconds=backoff_max_seconds,
            sleep=sleep,
            on_response=self._respect_quota_headers,
        )
        self._http = httpx.Client(
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PxWebClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- URLs ------------------------------------------------------------------------------

    def data_url(
        self, table_id: str, value_codes: ValueCodes | None = None, *, lang: str = "no"
    ) -> str:
        """The GET URL for a selection; without `value_codes`, the POST URL."""
        _check_identifier(table_id, "tabell-id")
        params = [("lang", lang), ("outputFormat", OUTPUT_FORMAT)]
        for variable, codes in (value_codes or {}).items():
            _check_identifier(variable, "variabelnavn")
            params.append((f"valueCodes[{variable}]", _joined(codes)))
        query = "&".join(f"{key}={quote(value, safe=_SAFE_IN_QUERY)}" for key, value in params)
        return f"{self.base_url}/tables/{table_id}/data?{query}"

    def metadata_url(self, table_id: str, *, lang: str = "no") -> str:
        _check_identifier(table_id, "tabell-id")
        return (
            f"{self.base_url}/tables/{table_id}/metadata?lang={lang}&outputFormat={OUTPUT_FORMAT}"
        )

    def plan_request(
        self, table_id: str, value_codes: ValueCodes, *, lang: str = "no"
    ) -> tuple[str, str, dict[str, Any] | None]:
        """(method, url, JSON body) for a selection: GET unless the URL would be too long."""
        get_url = self.data_url(table_id, value_codes, lang=lang)
        if len(get_url) <= self.max_get_url_length:
            return "GET", get_url, None
        body = {
            "selection": [
                {"variableCode": variable, "valueCodes": _as_list(codes)}
                for variable, codes in value_codes.items()
            ]
        }
        return "POST", self.data_url(table_id, None, lang=lang), body

    # -- public API ------------------------------------------------------------------------

    def get_table_data(
        self, table_id: str, value_codes: dict[str, list[str] | str], *, lang: str = "no"
    ) -> FetchedResponse:
        """Fetch one selection as JSON-stat2.

        A list in `value_codes` selects those codes; a string is one selection expression, sent
        as is (`*`, `33??`, `top(4)`, `from(2020K1)`, `range(a,b)`, or a comma-joined list).
        """
        method, url, request_body = self.plan_request(table_id, value_codes, lang=lang)
        request = self._http.build_request(method, url, json=request_body)
        response = self._send(request, table_id)
        if response.status_code in (400, 403, 404):
            raise self._query_error(table_id, value_codes, response, lang=lang)
        if response.status_code != 200:
            raise SsbError(
                f"SSB svarte uventet {response.status_code} for tabell {table_id} ({url})."
            )
        return FetchedResponse(
            table_id=table_id,
            url=url,
            method=request.method,
            request_body=request_body,
            status_code=response.status_code,
            content=response.content,
            content_type=response.headers.get("content-type"),
            fetched_at=datetime.now(UTC),
        )

    # -- sending, retrying -----------------------------------------------------------------

    def _send(self, request: httpx.Request, table_id: str) -> httpx.Response:
        """Send `request` within the rate limit, retried as the module docstring says."""
        return self._sender.send(lambda: self._http.send(request), f"tabell {table_id}")

    def _respect_quota_headers(self, response: httpx.Response) -> None:
        # SSB reports its own count in x-ratelimit-* headers; when it says the quota is spent,
        # hold back even if our own window would allow another request.
        remaining = _header_number(response, "x-ratelimit-remaining")
        if remaining is not None and remaining <= 0:
            reset = _header_number(response, "x-ratelimit-reset")
            wait = reset if reset is not None and 0 < reset <= MAX_RETRY_AFTER_SECONDS else 60.0
            self.rate_limiter.pause_for(wait)

    # -- explaining refusals ---------------------------------------------------------------

    def _query_error(
        self, table_id: str, value_codes: ValueCodes, response: httpx.Response, *, lang: str
    ) -> SsbQueryError:
        status = response.status_code
        detail = _problem_detail(response)
        said = f" SSB sier: «{detail}»" if detail else ""

        def error(message: str, variable: str | None = None, value: str | None = None):
            return SsbQueryError(
                message + said,
                table_id=table_id,
                status_code=status,
                variable=variable,
                value=value,
                detail=detail,
            )

        metadata = self._metadata_or_none(table_id, lang=lang)
        if status == 404 and metadata is None:
            return error(
                f"Tabell {table_id} finnes ikke hos SSB (404). Sjekk tabell-id-en i "
                "spørringskonfigurasjonen (ingestion/ssb/queries.yaml)."
            )
        if metadata is not None:
            unknown = _first_unknown_selection(metadata, value_codes)
            if unknown is not None:
                variable, value, known = unknown
                if value is None:
                    return error(
                        f"Variabelen «{variable}» finnes ikke i tabell {table_id} ({status}). "
                        f"Tabellen har variablene {', '.join(known)}.",
                        variable=variable,
                    )
                return error(
                    f"Verdien «{value}» finnes ikke for variabelen «{variable}» i tabell "
                    f"{table_id} ({status}). Rett verdien i ingestion/ssb/queries.yaml.",
                    variable=variable,
                    value=value,
                )
        if status == 404 and response.request.method == "GET":
            return error(
                f"SSB fant ikke uttrekket fra tabell {table_id} (404), selv om tabellen finnes. "
                "SSB svarer slik når URL-en er for lang; senk max_get_url_length så klienten "
                "bruker POST."
            )
        if status == 403 or (detail and re.search(r"cell|celle", detail, re.IGNORECASE)):
            return error(
                f"SSB avviste spørringen mot tabell {table_id} ({status}): uttrekket er trolig for "
                f"stort (grensen er {_norwegian_int(MAX_CELLS)} celler). Del spørringen opp."
            )
        return error(
            f"SSB avviste spørringen mot tabell {table_id} ({status}). Sjekk variabler og verdier "
            "i ingestion/ssb/queries.yaml."
        )

    def _metadata_or_none(self, table_id: str, *, lang: str) -> dict[str, Any] | None:
        try:
            response = self._send(
                self._http.build_request("GET", self.metadata_url(table_id, lang=lang)), table_id
            )
            if response.status_code != 200:
                return None
            metadata = response.json()
        except (SsbError, ValueError):
            return None
        return metadata if isinstance(metadata, dict) else None


def _norwegian_int(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _check_identifier(text: str, what: str) -> None:
    if not _IDENTIFIER.match(text):
        raise ValueError(f"Ugyldig {what}: {text!r}.")


def _joined(codes: Sequence[str] | str) -> str:
    return codes if isinstance(codes, str) else ",".join(codes)


def _as_list(codes: Sequence[str] | str) -> list[str]:
    return [codes] if isinstance(codes, str) else list(codes)


def _header_number(response: httpx.Response, name: str) -> float | None:
    raw = response.headers.get(name)
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _problem_detail(response: httpx.Response) -> str | None:
    """SSB's own explanation: RFC 7807 `detail`/`title`, or a short plain-text body."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] or None
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ("title", "detail") if body.get(key)]
        return " – ".join(parts) or None
    return None


def _first_unknown_selection(
    metadata: Mapping[str, Any], value_codes: ValueCodes
) -> tuple[str, str | None, list[str]] | None:
    """The first selected variable, or plain value, that the table's metadata does not know."""
    dimensions = metadata.get("dimension")
    if not isinstance(dimensions, Mapping):
        return None
    known_variables = list(metadata.get("id") or dimensions.keys())
    for variable, codes in value_codes.items():
        if variable not in dimensions:
            return variable, None, known_variables
        category = dimensions[variable].get("category") or {}
        index = category.get("index")
        if isinstance(index, Mapping):
            known_codes = set(index)
        elif isinstance(index, Sequence) and not isinstance(index, str):
            known_codes = set(index)
        else:
            known_codes = set(category.get("label") or {})
        for code in _as_list(codes):
            # Expressions (`*`, `33??`, `from(...)`) are SSB's to judge; plain codes are checked.
            if _WILDCARD.search(code):
                continue
            for single in code.split(","):
                if single not in known_codes:
                    return variable, single, known_variables
    return None
