"""BrregClient against faked HTTP (httpx.MockTransport), on a fake clock; the archive of its raw
responses."""

from __future__ import annotations

import gzip
import json
from datetime import date

import httpx
import pytest

from ingestion.brreg.archive import archive_download, archive_response, read_archive
from ingestion.brreg.client import BULK_ACCEPT, BrregClient, BrregUnavailableError
from ingestion.brreg.units import read_units
from ingestion.brreg.updates import fetch_updates, latest_changes
from tests.ingestion.brreg.brreg_testkit import (
    BASE,
    CASES,
    SNAPSHOT_DATES,
    error_body,
    fake_client,
    json_response,
    snapshot_bodies,
)

LATEST = SNAPSHOT_DATES[-1]
BODIES = snapshot_bodies(LATEST)


def register(request: httpx.Request) -> httpx.Response:
    """The register as the snapshot's latest date has it; one number removed (410)."""
    number = request.url.path.rsplit("/", 1)[-1]
    if number == "974760673":
        return json_response(410, error_body(410, number))
    if number in BODIES:
        return json_response(200, BODIES[number])
    return json_response(404, error_body(404, number))


def test_200_active_unit_is_returned_verbatim_and_archived(tmp_path):
    client, recorder, _ = fake_client(register)
    response = client.lookup(CASES["bankrupt"])
    assert response.status_code == 200
    assert response.content == json.dumps(BODIES[CASES["bankrupt"]], ensure_ascii=False).encode()
    assert str(recorder.requests[0].url) == f"{BASE}/enheter/{CASES['bankrupt']}"
    assert recorder.requests[0].headers["accept"] == "application/json"
    archived = archive_response(response, tmp_path)
    assert archived.read_bytes() == response.content
    assert archived.path == tmp_path / "enheter" / f"{response.sha256}.json"
    [record] = read_archive(tmp_path, "enheter")
    assert (record.org_number, record.status_code, record.url) == (
        CASES["bankrupt"],
        200,
        f"{BASE}/enheter/{CASES['bankrupt']}",
    )
    assert read_units(archived.read_bytes())["is_bankrupt"].to_list() == [True]


def test_200_deleted_unit_is_the_small_body():
    client, _, _ = fake_client(register)
    response = client.lookup(CASES["deleted"])
    assert response.status_code == 200
    assert read_units(response.content).select("status", "deleted_date").row(0) == (
        "deleted",
        date(2026, 2, 16),
    )


def test_404_and_410_are_answers_not_errors_and_are_archived(tmp_path):
    client, recorder, clock = fake_client(register)
    not_found = client.lookup(CASES["not_in_register"])
    removed = client.lookup("974760673")
    assert (not_found.status_code, removed.status_code) == (404, 410)
    assert len(recorder.requests) == 2 and clock.sleeps == []
    for response in (not_found, removed):
        archive_response(response, tmp_path)
    statuses = {r.org_number: r.status_code for r in read_archive(tmp_path)}
    assert statuses == {CASES["not_in_register"]: 404, "974760673": 410}


def test_429_waits_the_advertised_retry_after_then_succeeds():
    answers = iter(
        [
            json_response(429, {"error": "Too Many Requests"}, **{"Retry-After": "7"}),
            json_response(200, BODIES[CASES["bankrupt"]]),
        ]
    )
    client, recorder, clock = fake_client(lambda request: next(answers))
    response = client.lookup(CASES["bankrupt"])
    assert response.status_code == 200
    assert clock.sleeps == [7.0]
    assert recorder.times == [1_000.0, 1_007.0]


def test_503_backs_off_exponentially_and_a_long_retry_after_fails_in_norwegian():
    client, recorder, clock = fake_client(
        lambda request: httpx.Response(503), max_retries=2, backoff_base_seconds=2
    )
    with pytest.raises(BrregUnavailableError, match="også etter 3 forsøk.*--offline"):
        client.lookup(CASES["bankrupt"])
    assert clock.sleeps == [2.0, 4.0] and len(recorder.requests) == 3
    client, _, clock = fake_client(
        lambda request: httpx.Response(429, headers={"Retry-After": "3600"})
    )
    with pytest.raises(BrregUnavailableError, match="ber oss vente 3600 sekunder"):
        client.lookup(CASES["bankrupt"])
    assert clock.sleeps == []


def test_rate_limit_spaces_requests_on_the_fake_clock():
    client, recorder, clock = fake_client(register, requests_per_minute=2)
    for number in (CASES["bankrupt"], CASES["deleted"], CASES["nace_differs"]):
        client.lookup(number)
    assert recorder.times == [1_000.0, 1_000.0, 1_060.0]


def test_base_url_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ETABLERER_BRREG_BASE_URL", "https://register.example.test/api/")
    seen = []
    client = BrregClient(
        transport=httpx.MockTransport(lambda r: seen.append(str(r.url)) or register(r)),
        sleep=lambda s: None,
    )
    client.lookup(CASES["bankrupt"])
    assert seen == [f"https://register.example.test/api/enheter/{CASES['bankrupt']}"]
    with pytest.raises(ValueError, match="9 siffer"):
        client.lookup("12345")


def test_gzipped_bulk_stream_is_archived_whole_and_read_filtered(tmp_path):
    units = list(BODIES.values())
    gzipped = gzip.compress(json.dumps(units, ensure_ascii=False).encode("utf-8"))

    def bulk(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/enhetsregisteret/api/enheter/lastned"
        assert request.headers["accept"] == BULK_ACCEPT
        # Sent in small pieces: the client writes them as they come.
        chunks = [gzipped[i : i + 1000] for i in range(0, len(gzipped), 1000)]
        return httpx.Response(
            200,
            stream=httpx.ByteStream(b"".join(chunks)),
            headers={"content-type": "application/vnd.brreg.enhetsregisteret.enhet.v2+gzip"},
        )

    client, _, _ = fake_client(bulk)
    archived = archive_download(client, tmp_path)
    assert archived.path.read_bytes() == gzipped
    assert archived.path.name.endswith(".json.gz") and archived.path.parent.name == "lastned"
    archived.verify()
    wanted = {CASES["bankrupt"], CASES["missing_employees"], CASES["not_in_register"]}
    frame = read_units(archived.path, org_numbers=wanted)
    assert frame["org_number"].to_list() == sorted(wanted - {CASES["not_in_register"]})
    assert [r.kind for r in read_archive(tmp_path)] == ["lastned"]


class BreaksOff(httpx.SyncByteStream):
    """A body that sends its first five bytes, then breaks off with `error`."""

    def __init__(self, content: bytes, error: httpx.TransportError) -> None:
        self.content, self.error = content, error

    def __iter__(self):
        yield self.content[:5]
        raise self.error


def test_a_broken_bulk_transfer_starts_again(tmp_path):
    content = gzip.compress(b"[]")
    answers = iter(
        [
            httpx.Response(200, stream=BreaksOff(content, httpx.ReadError("connection reset"))),
            httpx.Response(200, stream=httpx.ByteStream(content)),
        ]
    )
    client, recorder, clock = fake_client(lambda request: next(answers))
    archived = archive_download(client, tmp_path)
    assert archived.path.read_bytes() == content
    assert len(recorder.requests) == 2 and clock.sleeps == [1.0]
    assert not list((tmp_path / "lastned").glob(".*tmp"))


def test_a_bulk_transfer_that_keeps_breaking_off_gives_up_in_norwegian(tmp_path):
    broken = BreaksOff(gzip.compress(b"[]"), httpx.RemoteProtocolError("peer closed connection"))
    client, recorder, clock = fake_client(
        lambda request: httpx.Response(200, stream=broken), max_retries=2
    )
    with pytest.raises(BrregUnavailableError) as raised:
        archive_download(client, tmp_path)
    assert len(recorder.requests) == 3 and clock.sleeps == [1.0, 2.0]
    assert str(raised.value).startswith(
        "Overføringen fra Enhetsregisteret brøt (RemoteProtocolError: peer closed connection) for "
        "totaluttrekket, også etter 3 forsøk. Prøv igjen senere"
    )
    assert not list((tmp_path / "lastned").glob("*"))  # nothing half-written kept


def test_paged_update_feed_follows_the_update_ids_and_archives_each_page(tmp_path):
    feed = [
        {
            "oppdateringsid": 15184180 + i,
            "dato": f"2026-06-0{1 + i // 2}T04:01:36.478Z",
            "organisasjonsnummer": number,
            "endringstype": kind,
            "_links": {"enhet": {"href": f"{BASE}/enheter/{number}"}},
        }
        for i, (number, kind) in enumerate(
            [
                (CASES["bankrupt"], "Endring"),
                ("999999999", "Ny"),
                (CASES["deleted"], "Sletting"),
                (CASES["bankrupt"], "Endring"),
                ("974760673", "Fjernet"),
            ]
        )
    ]

    def updates(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        size = int(params["size"])
        if "dato" in params:
            assert params["dato"] == "2026-06-01T00:00:00.000Z"
            start = 0
        else:
            start = int(params["oppdateringsid"]) - feed[0]["oppdateringsid"]
        items = feed[start : start + size]
        body = {"page": {"size": size, "totalElements": len(items), "totalPages": 1, "number": 0}}
        if items:
            body["_embedded"] = {"oppdaterteEnheter": items}
        return json_response(200, body)

    client, recorder, _ = fake_client(updates)
    found = fetch_updates(client, tmp_path, since=date(2026, 6, 1), size=2)
    assert [u.update_id for u in found] == [item["oppdateringsid"] for item in feed]
    assert [str(r.url).split("?")[1] for r in recorder.requests] == [
        "dato=2026-06-01T00:00:00.000Z&page=0&size=2",
        "oppdateringsid=15184182&page=0&size=2",
        "oppdateringsid=15184184&page=0&size=2",
    ]
    assert len(read_archive(tmp_path, "oppdateringer")) == 3
    changes = latest_changes(found, {CASES["bankrupt"], CASES["deleted"]})
    assert {n: u.change_type for n, u in changes.items()} == {
        CASES["bankrupt"]: "Endring",
        CASES["deleted"]: "Sletting",
    }
    assert changes[CASES["bankrupt"]].update_id == 15184183
