"""Loading raw.ssb_population: idempotent, exact per-period replacement, archive round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import polars as pl
import pytest

from ingestion.ssb import (
    PopulationLoadError,
    fetch_population,
    load_population,
    load_ssb,
    parse_jsonstat2,
    read_archive,
    read_population,
)
from ingestion.ssb.archive import ArchiveError
from ingestion.ssb.load import RAW_SCHEMA
from tests.ingestion.ssb.ssb_testkit import archive_doc, set_cell, snapshot_doc

CORRECTED_AT = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def loaded(tmp_path):
    archive_dir = tmp_path / "archive" / "ssb"
    db_path = tmp_path / "warehouse" / "etablerer.duckdb"
    responses = fetch_population(offline=True, archive_dir=archive_dir)
    first = load_ssb(db_path, responses).population
    return {"archive_dir": archive_dir, "db": db_path, "responses": responses, "first": first}


def test_first_load_writes_every_cell_with_contract_columns(loaded):
    table = read_population(loaded["db"])
    assert loaded["first"].rows_loaded == 19 * 2 * 26 + 19 * 2 * 106 * 3 == 13_072
    assert loaded["first"].periods_replaced == 26 + 3
    assert loaded["first"].tables == ("01222", "07459")
    assert table.height == 13_072
    with duckdb.connect(str(loaded["db"]), read_only=True) as connection:
        described = connection.sql("describe raw.ssb_population").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        ("table_id", "VARCHAR"),
        ("contents_code", "VARCHAR"),
        ("region_code", "VARCHAR"),
        ("region_label", "VARCHAR"),
        ("period", "VARCHAR"),
        ("sex", "VARCHAR"),
        ("age", "VARCHAR"),
        ("value", "BIGINT"),
        ("status", "VARCHAR"),
        ("response_sha256", "VARCHAR"),
        ("fetched_at", "TIMESTAMP"),
        ("is_synthetic", "BOOLEAN"),
    ]
    hole = table.filter(
        (pl.col("table_id") == "01222")
        & (pl.col("region_code") == "3310")
        & (pl.col("contents_code") == "Folketallet11")
        & (pl.col("period") == "2025K1")
    ).row(0, named=True)
    assert hole["value"] == 7_180 and hole["region_label"] == "Hole"
    assert hole["sex"] is None and hole["age"] is None
    assert hole["is_synthetic"] is True
    assert hole["fetched_at"] == datetime(2026, 8, 20, 6, 0)
    assert table.filter(pl.col("table_id") == "07459")["sex"].unique().sort().to_list() == [
        "1",
        "2",
    ]


def test_loading_the_same_snapshot_twice_changes_nothing(loaded):
    before = read_population(loaded["db"])
    again = fetch_population(offline=True, archive_dir=loaded["archive_dir"])
    second = load_ssb(loaded["db"], again).population
    after = read_population(loaded["db"])
    assert (second.rows_loaded, second.periods_replaced, second.periods_unchanged) == (0, 0, 29)
    assert after.equals(before)
    assert second.as_metadata() == {
        "rows_loaded": 0,
        "periods_replaced": 0,
        "periods_unchanged": 29,
        "tables": "01222, 07459",
    }


def test_a_corrected_response_replaces_exactly_its_period(loaded, tmp_path):
    before = read_population(loaded["db"])
    doc = snapshot_doc("01222")
    set_cell(doc, 7_181, Region="3310", ContentsCode="Folketallet11", Tid="2025K1")
    corrected = archive_doc(doc, loaded["archive_dir"], table_id="01222", fetched_at=CORRECTED_AT)

    result = load_population(loaded["db"], [corrected])
    after = read_population(loaded["db"])

    assert (result.rows_loaded, result.periods_replaced, result.periods_unchanged) == (38, 1, 25)
    assert after.height == before.height
    in_period = (pl.col("table_id") == "01222") & (pl.col("period") == "2025K1")
    # Every other period, and the other table, is untouched: same rows, same provenance.
    assert after.filter(~in_period).equals(before.filter(~in_period))
    replaced = after.filter(in_period)
    assert replaced.height == 38
    assert replaced["response_sha256"].unique().to_list() == [corrected.sha256]
    assert replaced["fetched_at"].unique().to_list() == [datetime(2026, 9, 1, 6, 0)]
    changed = replaced.join(before.filter(in_period), on=["contents_code", "region_code"])
    differing = changed.filter(pl.col("value") != pl.col("value_right"))
    assert differing.select("region_code", "contents_code", "value", "value_right").rows() == [
        ("3310", "Folketallet11", 7_181, 7_180)
    ]


def test_a_response_with_one_period_only_touches_that_period(loaded):
    before = read_population(loaded["db"])
    doc = snapshot_doc("01222")
    full = parse_jsonstat2(doc)
    keep = full.filter(pl.col("Tid") == "2026K2")
    doc["size"][2] = 1
    doc["dimension"]["Tid"]["category"] = {"index": {"2026K2": 0}, "label": {"2026K2": "2026K2"}}
    doc["value"] = [v + 1 for v in keep["value"].to_list()]
    response = archive_doc(doc, loaded["archive_dir"], table_id="01222", fetched_at=CORRECTED_AT)

    result = load_population(loaded["db"], [response])
    after = read_population(loaded["db"])
    assert (result.periods_replaced, result.periods_unchanged, result.rows_loaded) == (1, 0, 38)
    other = pl.col("period") != "2026K2"
    assert after.filter(other).equals(before.filter(other))
    new_total = after.filter(pl.col("period") == "2026K2")["value"].sum()
    assert new_total == keep["value"].sum() + 38


def test_reparsing_the_archive_reproduces_the_raw_table(loaded):
    table = read_population(loaded["db"])
    records = [r for r in read_archive(loaded["archive_dir"]) if r.table_id != "08316"]
    assert sorted(r.table_id for r in records) == ["01222", "07459"]
    rebuilt = []
    for record in records:
        sidecar = next(record.path.parent.glob(f"{record.sha256}.*.meta.json"))
        assert json.loads(sidecar.read_text())["url"] == record.url
        cells = parse_jsonstat2(json.loads(record.path.read_bytes()))
        rebuilt.append(
            cells.select(
                table_id=pl.lit(record.table_id),
                contents_code="ContentsCode",
                region_code="Region",
                region_label="Region_label",
                period="Tid",
                sex=pl.col("Kjonn") if "Kjonn" in cells.columns else pl.lit(None),
                age=pl.col("Alder") if "Alder" in cells.columns else pl.lit(None),
                value="value",
                status="status",
                response_sha256=pl.lit(record.sha256),
                fetched_at=pl.lit(record.fetched_at.replace(tzinfo=None)),
                is_synthetic=pl.lit(record.is_synthetic),
            ).cast(RAW_SCHEMA)
        )
    keys = ["table_id", "contents_code", "region_code", "period", "sex", "age"]
    rebuilt_table = pl.concat(rebuilt).sort(keys, nulls_last=True)
    assert rebuilt_table.equals(table.sort(keys, nulls_last=True))


def test_two_responses_for_the_same_period_in_one_load_are_refused(loaded):
    doc = snapshot_doc("01222")
    set_cell(doc, 1, Region="3301", ContentsCode="Folketallet1", Tid="2020K1")
    other = archive_doc(doc, loaded["archive_dir"], table_id="01222", fetched_at=CORRECTED_AT)
    original = next(r for r in loaded["responses"] if r.table_id == "01222")
    with pytest.raises(PopulationLoadError, match="periode 2020K1"):
        load_population(loaded["db"], [original, other])


def test_an_edited_archive_file_is_refused(loaded):
    record = loaded["responses"][0]
    record.path.write_bytes(record.path.read_bytes().replace(b"Ringerike", b"Ringerikk"))
    with pytest.raises(ArchiveError, match="er endret"):
        load_population(loaded["db"], [record])


def test_a_dimension_outside_the_contract_is_refused(tmp_path):
    doc = snapshot_doc("01222")
    doc["id"].append("Statsborgerskap")
    doc["size"].append(1)
    doc["dimension"]["Statsborgerskap"] = {"category": {"label": {"1": "Norge"}}}
    response = archive_doc(doc, tmp_path / "archive", table_id="01222", fetched_at=CORRECTED_AT)
    with pytest.raises(PopulationLoadError, match="Statsborgerskap"):
        load_population(tmp_path / "db.duckdb", [response])
    assert not (tmp_path / "db.duckdb").exists()


def test_missing_cells_load_as_null_with_their_status(tmp_path):
    doc = snapshot_doc("01222")
    set_cell(doc, None, Region="3320", ContentsCode="Folketallet11", Tid="2026K2")
    index = doc["dimension"]
    flat = (index["Region"]["category"]["index"]["3320"] * 2 + 1) * 26 + 25
    doc["status"] = {str(flat): ".."}
    response = archive_doc(doc, tmp_path / "archive", table_id="01222", fetched_at=CORRECTED_AT)
    load_population(tmp_path / "db.duckdb", [response])
    table = read_population(tmp_path / "db.duckdb")
    flagged = table.filter(pl.col("status").is_not_null())
    assert flagged.select("region_code", "period", "contents_code", "value", "status").rows() == [
        ("3320", "2026K2", "Folketallet11", None, "..")
    ]
    assert table["value"].null_count() == 1
