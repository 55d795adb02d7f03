"""Fetching (offline snapshot, online through faked HTTP), archiving, and the bundled snapshot."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
import polars as pl
import pytest
import yaml

from ingestion.paths import PROJECT_ROOT, SSB_SNAPSHOT_DIR
from ingestion.ssb import SnapshotError, fetch_population, parse_jsonstat2
from ingestion.ssb.queries import DEFAULT_QUERIES_PATH, load_queries
from ingestion.ssb.snapshot import build_snapshot
from tests.ingestion.ssb.ssb_testkit import fake_client


def test_queries_cover_buskerud_and_jevnaker_from_2020k1():
    config = load_queries()
    assert config.base_url == "https://data.ssb.no/api/pxwebapi/v2" and config.lang == "no"
    by_table = {q.table_id: q for q in config.queries}
    assert set(by_table) == {"01222", "07459", "08316"}
    regions = by_table["01222"].value_codes["Region"]
    buskerud = [3301, 3303, 3305, 3310, 3312, 3314, 3316, 3318, 3320]
    buskerud += list(range(3322, 3339, 2))
    assert regions == [str(code) for code in buskerud] + ["3236"]
    assert by_table["07459"].value_codes["Region"] == regions
    assert len(regions) == 19 and "3236" in regions
    assert by_table["01222"].value_codes["ContentsCode"] == ["Folketallet1", "Folketallet11"]
    assert by_table["01222"].value_codes["Tid"] == "from(2020K1)"
    assert by_table["07459"].value_codes["Kjonn"] == ["1", "2"]
    # 08316: Buskerud county, all industries, all forms and the operators' forms, every cohort.
    assert by_table["08316"].value_codes == {
        "Region": ["33"],
        "NACE2007": ["00-99"],
        "OrgFormer": ["Alle", "AS", "ENK", "ANS", "DA", "NUF"],
        "OverlevAar": "*",
        "ContentsCode": ["Foretak", "OverlevdProsent"],
        "Tid": "*",
    }


def test_committed_snapshot_is_exactly_what_the_generator_writes():
    for name, content in build_snapshot().items():
        assert (SSB_SNAPSHOT_DIR / name).read_bytes() == content, name
    assert build_snapshot() == build_snapshot()


def test_adding_08316_left_the_population_files_byte_for_byte():
    manifest = json.loads((SSB_SNAPSHOT_DIR / "manifest.json").read_bytes())
    sha256 = {entry["table_id"]: entry["sha256"] for entry in manifest["responses"]}
    assert sha256["01222"] == "24893eab975e62145c5706c5869b3d81264540774d2232908c6fbd38d30814d0"
    assert sha256["07459"] == "c967e7c9cbe5a18a7bb0ab30077d341d9307fbb8d3a71ea22e8b02f0431285ac"


def test_snapshot_holds_the_agreements_funding_basis_of_46790():
    cells = parse_jsonstat2(json.loads((SSB_SNAPSHOT_DIR / "01222.json").read_bytes()))
    basis = cells.filter(
        pl.col("Region").is_in(["3305", "3310", "3318"])
        & (pl.col("ContentsCode") == "Folketallet11")
        & (pl.col("Tid") == "2025K1")
    )
    assert basis.height == 3
    assert basis["value"].sum() == 46_790


def test_snapshot_coverage_size_and_synthetic_marking():
    quarterly = json.loads((SSB_SNAPSHOT_DIR / "01222.json").read_bytes())
    yearly = json.loads((SSB_SNAPSHOT_DIR / "07459.json").read_bytes())
    for doc in (quarterly, yearly):
        assert doc["extension"]["synthetic"] is True
        assert "SYNTETISKE" in doc["note"][0]
        assert {"version", "class", "label", "source", "updated", "role", "id", "size"} <= set(doc)
    assert json.loads((SSB_SNAPSHOT_DIR / "manifest.json").read_bytes())["synthetic"] is True
    periods = list(quarterly["dimension"]["Tid"]["category"]["index"])
    assert (periods[0], periods[-1], len(periods)) == ("2020K1", "2026K2", 26)
    assert len(quarterly["dimension"]["Region"]["category"]["index"]) == 19
    assert list(yearly["dimension"]["Tid"]["category"]["index"]) == ["2024", "2025", "2026"]
    assert quarterly["dimension"]["ContentsCode"]["category"]["unit"]["Folketallet11"] == {
        "base": "personar",
        "decimals": 0,
    }
    for name in ("01222.json", "07459.json", "08316.json"):
        assert (SSB_SNAPSHOT_DIR / name).stat().st_size < 1_000_000


def test_snapshot_is_internally_consistent():
    quarterly = parse_jsonstat2(json.loads((SSB_SNAPSHOT_DIR / "01222.json").read_bytes()))
    yearly = parse_jsonstat2(json.loads((SSB_SNAPSHOT_DIR / "07459.json").read_bytes()))
    wide = quarterly.pivot(on="ContentsCode", index=["Region", "Tid"], values="value").sort(
        "Region", "Tid"
    )
    # A quarter starts where the previous one ended.
    chained = wide.with_columns(previous_end=pl.col("Folketallet11").shift(1).over("Region"))
    assert chained.filter(
        pl.col("previous_end").is_not_null() & (pl.col("previous_end") != pl.col("Folketallet1"))
    ).is_empty()
    # Growth is slow: no quarter moves more than 1 %.
    assert (chained["Folketallet11"] / chained["Folketallet1"] - 1).abs().max() < 0.01
    # 1 January of year Y sums to the end of (Y-1)K4.
    january = yearly.group_by("Region", "Tid").agg(pl.col("value").sum())
    year_end = wide.filter(pl.col("Tid").str.ends_with("K4")).select(
        "Region",
        Tid=(pl.col("Tid").str.slice(0, 4).cast(pl.Int32) + 1).cast(pl.String),
        end="Folketallet11",
    )
    joined = january.join(year_end, on=["Region", "Tid"])
    assert joined.height == 19 * 3
    assert (joined["value"] == joined["end"]).all()


def test_offline_fetch_archives_the_snapshot_verbatim(tmp_path):
    records = fetch_population(offline=True, archive_dir=tmp_path / "ssb")
    manifest = json.loads((SSB_SNAPSHOT_DIR / "manifest.json").read_bytes())
    assert [r.table_id for r in records] == ["01222", "07459", "08316"]
    for record, entry in zip(records, manifest["responses"], strict=True):
        assert record.path.read_bytes() == (SSB_SNAPSHOT_DIR / entry["file"]).read_bytes()
        assert (
            record.sha256 == entry["sha256"] == hashlib.sha256(record.path.read_bytes()).hexdigest()
        )
        assert record.url == entry["url"]
        assert record.fetched_at == datetime(2026, 8, 20, 6, 0, tzinfo=UTC)
        assert record.is_synthetic is True
        assert record.path == tmp_path / "ssb" / record.table_id / f"{record.sha256}.json"


def test_online_fetch_archives_each_response_with_url_time_and_checksum(tmp_path):
    served = {}

    def ssb(request: httpx.Request) -> httpx.Response:
        table_id = request.url.path.split("/")[-2]
        body = (SSB_SNAPSHOT_DIR / f"{table_id}.json").read_bytes().replace(b"true", b"false", 1)
        body = json.dumps(json.loads(body) | {"extension": {"px": {"tableid": table_id}}}).encode()
        served[table_id] = (str(request.url), body)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    client, recorder, _ = fake_client(ssb)
    started = datetime.now(UTC)
    records = fetch_population(offline=False, archive_dir=tmp_path / "ssb", client=client)
    assert len(recorder.requests) == 3
    for record in records:
        url, body = served[record.table_id]
        assert record.path.read_bytes() == body
        assert record.url == url
        assert record.sha256 == hashlib.sha256(body).hexdigest()
        assert started <= record.fetched_at <= datetime.now(UTC) + timedelta(seconds=1)
        assert record.is_synthetic is False
        sidecar = json.loads(next(record.path.parent.glob("*.meta.json")).read_text())
        assert sidecar["url"] == url and sidecar["method"] == "GET"
        assert sidecar["sha256"] == record.sha256
        assert datetime.fromisoformat(sidecar["fetched_at"]) == record.fetched_at


def test_an_edited_snapshot_is_refused(tmp_path):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(SSB_SNAPSHOT_DIR, snapshot)
    edited = (snapshot / "01222.json").read_bytes().replace(b"37240", b"37241", 1)
    (snapshot / "01222.json").write_bytes(edited)
    with pytest.raises(SnapshotError, match="01222.json er endret"):
        fetch_population(offline=True, archive_dir=tmp_path / "ssb", snapshot_dir=snapshot)


def test_a_snapshot_for_another_query_is_refused(tmp_path):
    config = yaml.safe_load(DEFAULT_QUERIES_PATH.read_text())
    config["queries"][0]["value_codes"]["Tid"] = "from(2021K1)"
    queries = tmp_path / "queries.yaml"
    queries.write_text(yaml.safe_dump(config))
    with pytest.raises(SnapshotError, match="population_by_quarter.*annen spørring"):
        fetch_population(offline=True, archive_dir=tmp_path / "ssb", queries_path=queries)


def test_importing_ingestion_ssb_pulls_in_no_dagster_and_writes_nothing(tmp_path):
    code = (
        "import sys, ingestion.ssb, ingestion.ssb.cli, ingestion.ssb.snapshot; "
        "assert not any(m.split('.')[0] == 'dagster' for m in sys.modules), 'dagster imported'"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        check=True,
        env={
            "PYTHONPATH": str(PROJECT_ROOT),
            "PATH": "/usr/bin:/bin",
        },
    )
    assert list(tmp_path.iterdir()) == []
