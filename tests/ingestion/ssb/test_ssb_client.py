"""PxWebClient against faked HTTP (httpx.MockTransport), on a fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ingestion.ssb import SsbQueryError, SsbUnavailableError
from tests.ingestion.ssb.ssb_testkit import fake_client, snapshot_doc

SELECTION = {
    "Region": ["3305", "3310", "3318"],
    "ContentsCode": ["Folketallet11"],
    "Tid": "from(2025K1)",
}
BODY = json.dumps(snapshot_doc("01222"), separators=(",", ":")).encode()

METADATA_01222 = {
    "version": "2.0",
    "class": "dataset",
    "id": ["Region", "ContentsCode", "Tid"],
    "size": [3, 2, 2],
    "dimension": {
        "Region": {"category": {"index": {"3305": 0, "3310": 1, "3318": 2}}},
        "ContentsCode": {"category": {"index": {"Folketallet1": 0, "Folketallet11": 1}}},
        "Tid": {"category": {"index": {"2025K1": 0, "2025K2": 1}}},
    },
}


def problem(status: int, detail: str) -> httpx.Response:
    return httpx.Response(
        status,
        json={"type": "about:blank", "title": "Bad request", "status": status, "detail": detail},
    )


def query_of(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(request.url)).query)


def test_200_returns_the_body_verbatim_from_a_get():
    client, recorder, _ = fake_client(lambda request: httpx.Response(200, content=BODY))
    fetched = client.get_table_data("01222", SELECTION)
    assert fetched.content == BODY
    assert fetched.method == "GET" and fetched.request_body is None
    assert fetched.url == str(recorder.requests[0].url)
    assert urlsplit(fetched.url).path == "/api/pxwebapi/v2/tables/01222/data"
    assert query_of(recorder.requests[0]) == {
        "lang": ["no"],
        "outputFormat": ["json-stat2"],
        "valueCodes[Region]": ["3305,3310,3318"],
        "valueCodes[ContentsCode]": ["Folketallet11"],
        "valueCodes[Tid]": ["from(2025K1)"],
    }
    assert fetched.json()["extension"]["px"]["tableid"] == "01222"
    assert len(recorder.requests) == 1


def test_base_url_is_configurable():
    client, recorder, _ = fake_client(
        lambda request: httpx.Response(200, content=b"{}"), base_url="https://example.test/pxweb/"
    )
    client.get_table_data("01222", SELECTION)
    assert str(recorder.requests[0].url).startswith(
        "https://example.test/pxweb/tables/01222/data?lang=no&outputFormat=json-stat2"
    )


def test_400_names_the_value_that_does_not_exist():
    def ssb(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/metadata"):
            return httpx.Response(200, json=METADATA_01222)
        return problem(400, "Non-existent value")

    client, recorder, _ = fake_client(ssb)
    with pytest.raises(SsbQueryError) as raised:
        client.get_table_data("01222", {**SELECTION, "Region": ["3305", "3399"]})
    error = raised.value
    assert (error.table_id, error.status_code, error.variable, error.value) == (
        "01222",
        400,
        "Region",
        "3399",
    )
    assert "Verdien «3399» finnes ikke for variabelen «Region» i tabell 01222" in str(error)
    assert "Non-existent value" in str(error)
    assert [r.url.path.rsplit("/", 1)[1] for r in recorder.requests] == ["data", "metadata"]


def test_400_names_the_variable_that_does_not_exist():
    def ssb(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/metadata"):
            return httpx.Response(200, json=METADATA_01222)
        return problem(400, "Non-existent variable")

    client, _, _ = fake_client(ssb)
    with pytest.raises(SsbQueryError) as raised:
        client.get_table_data("01222", {"Regoin": ["3305"], "Tid": "top(1)"})
    assert raised.value.variable == "Regoin" and raised.value.value is None
    assert "Variabelen «Regoin» finnes ikke i tabell 01222" in str(raised.value)
    assert "Region, ContentsCode, Tid" in str(raised.value)


def test_404_says_the_table_does_not_exist():
    client, recorder, _ = fake_client(lambda request: problem(404, "Not found"))
    with pytest.raises(SsbQueryError) as raised:
        client.get_table_data("99999", SELECTION)
    assert raised.value.status_code == 404
    assert str(raised.value).startswith("Tabell 99999 finnes ikke hos SSB (404).")
    assert len(recorder.requests) == 2  # the data request, then the metadata check


def test_404_for_a_table_that_exists_points_at_the_url_length():
    def ssb(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/metadata"):
            return httpx.Response(200, json=METADATA_01222)
        return httpx.Response(404, text="Not Found")

    client, _, _ = fake_client(ssb)
    with pytest.raises(SsbQueryError, match="URL-en er for lang") as raised:
        client.get_table_data("01222", SELECTION)
    assert raised.value.status_code == 404 and raised.value.detail == "Not Found"


def test_403_says_the_extract_is_too_large():
    def ssb(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/metadata"):
            return httpx.Response(200, json=METADATA_01222)
        return problem(403, "Too many cells selected")

    client, _, _ = fake_client(ssb)
    with pytest.raises(SsbQueryError, match="800\u00a0000 celler") as raised:
        client.get_table_data("01222", {"Region": "*", "Tid": "*"})
    assert raised.value.status_code == 403


def test_429_waits_as_long_as_retry_after_says():
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=BODY)]
    )
    client, recorder, clock = fake_client(lambda request: next(answers))
    fetched = client.get_table_data("01222", SELECTION)
    assert fetched.content == BODY
    assert clock.sleeps == [7.0]
    assert recorder.times[1] - recorder.times[0] == 7.0


def test_retry_after_as_an_http_date():
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=40), usegmt=True)
    answers = iter([httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200)])
    client, _, clock = fake_client(lambda request: next(answers))
    client.get_table_data("01222", SELECTION)
    assert len(clock.sleeps) == 1 and 37 <= clock.sleeps[0] <= 40


def test_503_then_200_backs_off_and_succeeds():
    answers = iter([httpx.Response(503), httpx.Response(503), httpx.Response(200, content=BODY)])
    client, recorder, clock = fake_client(lambda request: next(answers), backoff_base_seconds=1.5)
    assert client.get_table_data("01222", SELECTION).content == BODY
    assert clock.sleeps == [1.5, 3.0]
    assert len(recorder.requests) == 3


def test_503_that_never_ends_gives_up_after_max_retries():
    client, recorder, clock = fake_client(lambda request: httpx.Response(503), max_retries=3)
    with pytest.raises(SsbUnavailableError, match="midlertidig utilgjengelig .* etter 4 forsøk"):
        client.get_table_data("01222", SELECTION)
    assert len(recorder.requests) == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_a_timeout_is_retried_and_then_succeeds():
    calls = []

    def ssb(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, content=BODY)

    client, _, clock = fake_client(ssb)
    assert client.get_table_data("01222", SELECTION).content == BODY
    assert len(calls) == 2 and clock.sleeps == [1.0]


def test_timeouts_every_time_give_a_plain_error():
    def ssb(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    client, recorder, _ = fake_client(ssb, max_retries=2, timeout=12)
    with pytest.raises(
        SsbUnavailableError, match="SSB svarte ikke innen 12 sekunder.*etter 3 forsøk"
    ):
        client.get_table_data("01222", SELECTION)
    assert len(recorder.requests) == 3


def test_the_timeout_is_passed_to_httpx():
    client, recorder, _ = fake_client(lambda request: httpx.Response(200), timeout=12.5)
    client.get_table_data("01222", SELECTION)
    assert recorder.requests[0].extensions["timeout"]["read"] == 12.5


def test_a_long_selection_switches_to_post_with_the_selection_in_the_body():
    regions = [f"{n:04d}" for n in range(3000, 3450)]
    client, recorder, _ = fake_client(lambda request: httpx.Response(200, content=BODY))
    assert len(client.data_url("01222", {**SELECTION, "Region": regions})) > 2000
    fetched = client.get_table_data("01222", {**SELECTION, "Region": regions})
    request = recorder.requests[0]
    assert request.method == "POST" and fetched.method == "POST"
    assert query_of(request) == {"lang": ["no"], "outputFormat": ["json-stat2"]}
    body = json.loads(request.content)
    assert body == {
        "selection": [
            {"variableCode": "Region", "valueCodes": regions},
            {"variableCode": "ContentsCode", "valueCodes": ["Folketallet11"]},
            {"variableCode": "Tid", "valueCodes": ["from(2025K1)"]},
        ]
    }
    assert fetched.request_body == body
    assert len(str(request.url)) < 2000


def test_a_selection_just_under_the_limit_stays_a_get():
    client, recorder, _ = fake_client(lambda request: httpx.Response(200))
    url = client.data_url("01222", SELECTION)
    client.max_get_url_length = len(url)
    client.get_table_data("01222", SELECTION)
    client.max_get_url_length = len(url) - 1
    client.get_table_data("01222", SELECTION)
    assert [r.method for r in recorder.requests] == ["GET", "POST"]


def test_rate_limit_is_never_exceeded_on_a_fake_clock():
    client, recorder, _ = fake_client(lambda request: httpx.Response(200), requests_per_minute=30)
    for _ in range(95):
        client.get_table_data("01222", SELECTION)
    times = recorder.times
    assert len(times) == 95
    # Any 31 consecutive requests span at least a minute: never more than 30 in 60 s.
    assert min(times[i + 30] - times[i] for i in range(len(times) - 30)) >= 60.0
    # And it is not slower than it must be: bursts of 30, a minute apart.
    assert times[29] == times[0]
    assert [times[30] - times[0], times[60] - times[0], times[90] - times[0]] == [60, 120, 180]


def test_retries_count_against_the_rate_limit():
    answers = iter([httpx.Response(503)] * 3 + [httpx.Response(200)] * 40)
    client, recorder, _ = fake_client(
        lambda request: next(answers), requests_per_minute=5, backoff_base_seconds=0.01
    )
    for _ in range(3):
        client.get_table_data("01222", SELECTION)
    times = recorder.times
    assert len(times) == 6
    assert times[5] - times[0] >= 60.0


def test_server_quota_headers_hold_back_the_next_request():
    answers = iter(
        [
            httpx.Response(200, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "20"}),
            httpx.Response(200),
        ]
    )
    client, recorder, _ = fake_client(lambda request: next(answers))
    client.get_table_data("01222", SELECTION)
    client.get_table_data("01222", SELECTION)
    assert recorder.times[1] - recorder.times[0] == 20.0


def test_an_unsafe_table_id_is_refused_before_any_request():
    client, recorder, _ = fake_client(lambda request: httpx.Response(200))
    with pytest.raises(ValueError, match="Ugyldig tabell-id"):
        client.get_table_data("../01222", SELECTION)
    assert recorder.requests == []
