"""ingestion/http.py, the retry loop both clients send through, on a fake clock (the clients' own
faked-HTTP tests cover it as each client uses it)."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from ingestion.http import FailureWording, RetryingSender, SlidingWindowRateLimiter
from tests.ingestion.ssb.ssb_testkit import FakeClock

WORDING = FailureWording(
    timed_out="Tjenesten svarte ikke innen {seconds:g} sekunder ({error})",
    unreachable="Tjenesten kunne ikke nås ({error}: {detail})",
    too_many_requests="Tjenesten sier stopp (429)",
    unavailable="Tjenesten er nede ({status})",
)
REQUEST = httpx.Request("GET", "https://service.example.test/x")


class Unavailable(RuntimeError):
    pass


def sender(clock: FakeClock, **changes) -> RetryingSender:
    settings = dict(
        rate_limiter=SlidingWindowRateLimiter(100, clock=clock, sleep=clock.sleep),
        wording=WORDING,
        unavailable_error=Unavailable,
        retry_statuses=frozenset({429, 500}),
        timeout=12.5,
        max_retries=3,
        backoff_base_seconds=1.0,
        backoff_max_seconds=3.0,
        sleep=clock.sleep,
    )
    return RetryingSender(**{**settings, **changes})


def answers(*responses: httpx.Response | Exception):
    """A `send` that gives each answer in turn, raising the exceptions."""
    pending = iter(responses)

    def send() -> httpx.Response:
        answer = next(pending)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return send


def test_retries_back_off_doubling_up_to_the_cap_then_fail_in_the_clients_words():
    clock = FakeClock()
    with pytest.raises(Unavailable) as raised:
        sender(clock).send(answers(*[httpx.Response(500)] * 4), "tabell 01222")
    assert clock.sleeps == [1.0, 2.0, 3.0]
    assert str(raised.value) == (
        "Tjenesten er nede (500) for tabell 01222, også etter 4 forsøk. "
        "Prøv igjen senere, eller kjør med --offline for å bruke øyeblikksbildet."
    )


def test_timeouts_and_connection_errors_are_retried_and_a_good_answer_returned():
    clock = FakeClock()
    seen = []
    response = sender(clock, on_response=seen.append).send(
        answers(
            httpx.ReadTimeout("slow", request=REQUEST),
            httpx.ConnectError("refused", request=REQUEST),
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(404),
        ),
        "enhet 123456789",
    )
    assert response.status_code == 404
    assert clock.sleeps == [1.0, 2.0, 7.0]
    # The hook sees every response that arrived, the retried 429 too.
    assert [r.status_code for r in seen] == [429, 404]


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (
            httpx.ReadTimeout("slow", request=REQUEST),
            "Tjenesten svarte ikke innen 12.5 sekunder (ReadTimeout) for x, også etter 1 forsøk.",
        ),
        (
            httpx.ConnectError("refused", request=REQUEST),
            "Tjenesten kunne ikke nås (ConnectError: refused) for x, også etter 1 forsøk.",
        ),
        (httpx.Response(429), "Tjenesten sier stopp (429) for x, også etter 1 forsøk."),
    ],
)
def test_each_failure_is_worded_by_its_template(failure, message):
    with pytest.raises(Unavailable) as raised:
        sender(FakeClock(), max_retries=0).send(answers(failure), "x")
    assert str(raised.value).startswith(message)


def test_a_retry_after_longer_than_the_limit_fails_at_once():
    clock = FakeClock()
    with pytest.raises(
        Unavailable, match="Tjenesten sier stopp \\(429\\) for x, og ber oss vente 901"
    ):
        sender(clock, max_retry_after_seconds=900).send(
            answers(httpx.Response(429, headers={"Retry-After": "901"})), "x"
        )
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("broken_off", "message"),
    [
        (
            "Overføringen fra tjenesten brøt ({error}: {detail})",
            "Overføringen fra tjenesten brøt (ReadError: reset) for x, også etter 4 forsøk.",
        ),
        (None, "Tjenesten kunne ikke nås (ReadError: reset) for x, også etter 4 forsøk."),
    ],
)
def test_a_body_that_breaks_off_while_read_is_asked_for_again_then_worded(broken_off, message):
    """`exchange`: the request and the reading of its body are one unit, retried and counted
    against the same limit as a failed request."""
    clock = FakeClock()
    reads = []

    def read(response: httpx.Response) -> str:
        reads.append(response.status_code)
        raise httpx.ReadError("reset", request=REQUEST)

    wording = dataclasses.replace(WORDING, broken_off=broken_off)
    with pytest.raises(Unavailable) as raised:
        sender(clock, wording=wording).exchange(answers(*[httpx.Response(200)] * 4), "x", read)
    assert reads == [200] * 4 and clock.sleeps == [1.0, 2.0, 3.0]
    assert str(raised.value).startswith(message)


def test_an_exchange_returns_what_read_makes_of_the_first_good_answer():
    clock = FakeClock()
    answer = sender(clock).exchange(
        answers(httpx.ConnectError("refused", request=REQUEST), httpx.Response(200, text="ja")),
        "x",
        lambda response: response.text.upper(),
    )
    assert answer == "JA" and clock.sleeps == [1.0]
