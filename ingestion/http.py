"""HTTP plumbing shared by the SSB and register clients (ingestion/ssb/client.py,
ingestion/brreg/client.py): a client-side rate limit, and retries with exponential backoff that
honour `Retry-After`.

Each client keeps its own limits, retried statuses and words: `RetryingSender` only runs the loop,
and says what went wrong in the client's `FailureWording` (Norwegian: operators read it). Time is
injected (`clock`, `sleep`) so tests run the limiter and the backoff on a fake clock.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

T = TypeVar("T")

# Longer waits than this are not slept through: the run fails and says when to try again.
MAX_RETRY_AFTER_SECONDS = 900.0
TRY_LATER = "Prøv igjen senere, eller kjør med --offline for å bruke øyeblikksbildet."


class SlidingWindowRateLimiter:
    """At most `max_requests` in any window of `window_seconds`, on an injectable clock."""

    def __init__(
        self,
        max_requests: int,
        window_seconds: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._paused_until = float("-inf")

    def acquire(self) -> None:
        """Block until one more request fits in the window, then record it."""
        while True:
            now = self._clock()
            if now < self._paused_until:
                self._sleep(self._paused_until - now)
                continue
            while self._sent and now - self._sent[0] >= self.window_seconds:
                self._sent.popleft()
            if len(self._sent) < self.max_requests:
                self._sent.append(now)
                return
            # A floor on the wait so float rounding can never spin the loop.
            self._sleep(max(self._sent[0] + self.window_seconds - now, 1e-3))

    def pause_for(self, seconds: float) -> None:
        """Hold every request back for `seconds` (the server said its quota is spent)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)


@dataclass(frozen=True)
class FailureWording:
    """A service's failed requests in its own words, each naming the service. Templates for
    `str.format`: `timed_out` gets `seconds` and `error` (the exception's type), `unreachable`
    and `broken_off` get `error` and `detail` (its message), `unavailable` gets `status`.
    `broken_off` is a body that broke off while it was read (a streamed download); without it,
    `unreachable` says that too."""

    timed_out: str
    unreachable: str
    too_many_requests: str
    unavailable: str
    broken_off: str | None = None


@dataclass
class RetryingSender:
    """Sends a client's requests through its rate limit, retrying a timeout, a connection error
    or a status in `retry_statuses` with exponential backoff, or as long as `Retry-After` says.

    Gives up with `unavailable_error` after `max_retries` retries, or at once when the wait asked
    for is longer than `max_retry_after_seconds`. `on_response` sees every response that arrives,
    retried or not (SSB's quota headers)."""

    rate_limiter: SlidingWindowRateLimiter
    wording: FailureWording
    unavailable_error: type[Exception]
    retry_statuses: Collection[int]
    timeout: float
    max_retries: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    sleep: Callable[[float], None] = time.sleep
    max_retry_after_seconds: float = MAX_RETRY_AFTER_SECONDS
    on_response: Callable[[httpx.Response], None] | None = None

    def send(self, send: Callable[[], httpx.Response], what: str) -> httpx.Response:
        """The first response `send()` gets whose status is not retried. `what` names what was
        asked for in the error («enhet 123456789», «tabell 01222»)."""
        return self.exchange(send, what, lambda response: response)

    def exchange(
        self, send: Callable[[], httpx.Response], what: str, read: Callable[[httpx.Response], T]
    ) -> T:
        """`read` of the first response whose status is not retried. A timeout or a broken
        connection while `read` takes in a streamed body is retried as one in `send()` is: the
        whole exchange again, within the same limits."""
        attempt = 0
        while True:
            self.rate_limiter.acquire()
            try:
                response = send()
            except httpx.TransportError as exc:
                failure = self._failed(exc, reading=False)
                delay = self.backoff(attempt)
            else:
                if self.on_response is not None:
                    self.on_response(response)
                if response.status_code in self.retry_statuses:
                    failure, delay = self._refused(response, attempt, what)
                else:
                    try:
                        return read(response)
                    except httpx.TransportError as exc:
                        failure = self._failed(exc, reading=True)
                        delay = self.backoff(attempt)
            if attempt >= self.max_retries:
                raise self.unavailable_error(
                    f"{failure} for {what}, også etter {attempt + 1} forsøk. {TRY_LATER}"
                )
            self.sleep(delay)
            attempt += 1

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` + 1: doubling from the base, capped."""
        return min(self.backoff_max_seconds, self.backoff_base_seconds * 2**attempt)

    def _failed(self, exc: httpx.TransportError, *, reading: bool) -> str:
        """A timeout or a connection error in the service's words."""
        if isinstance(exc, httpx.TimeoutException):
            return self.wording.timed_out.format(seconds=self.timeout, error=type(exc).__name__)
        wording = (reading and self.wording.broken_off) or self.wording.unreachable
        return wording.format(error=type(exc).__name__, detail=exc)

    def _refused(self, response: httpx.Response, attempt: int, what: str) -> tuple[str, float]:
        """A retried status: its words and how long to wait, or the error when the service asks
        for a longer wait than we take."""
        response.close()
        failure = (
            self.wording.too_many_requests
            if response.status_code == 429
            else self.wording.unavailable.format(status=response.status_code)
        )
        retry_after = retry_after_seconds(response)
        delay = self.backoff(attempt) if retry_after is None else retry_after
        if delay > self.max_retry_after_seconds:
            raise self.unavailable_error(
                f"{failure} for {what}, og ber oss vente {delay:.0f} sekunder. {TRY_LATER}"
            )
        return failure, delay


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds: a number, or an HTTP date counted from now; None if absent."""
    raw = response.headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


__all__ = [
    "MAX_RETRY_AFTER_SECONDS",
    "TRY_LATER",
    "FailureWording",
    "RetryingSender",
    "SlidingWindowRateLimiter",
    "retry_after_seconds",
]
