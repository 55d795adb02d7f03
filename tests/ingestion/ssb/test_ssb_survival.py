"""SSB table 08316 (new enterprises and their survival): the snapshot's shape and figures, the load
into raw.ssb_enterprise_survival (values, synthetic flag, idempotent per cohort), faked HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import unquote

import duckdb
import httpx
import polars as pl
import pytest

from ingestion.paths import SSB_SNAPSHOT_DIR
from ingestion.ssb import (
    PopulationLoadError,
    SurvivalLoadError,
    fetch_population,
    load_enterprise_survival,
    load_population,
    load_ssb,
    parse_jsonstat2,
    read_enterprise_survival,
)
from tests.ingestion.ssb.ssb_testkit import archive_doc, fake_client, set_cell, snapshot_doc

CORRECTED_AT = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
FORMS = ["Alle", "AS", "ENK", "ANS", "DA", "NUF"]
COHORTS = [str(year) for year in range(2017, 2025)]


@pytest.fixture
def loaded(tmp_path):
    archive_dir = tmp_path / "archive" / "ssb"
    db_path = tmp_path / "warehouse" / "etablerer.duckdb"
    responses = fetch_population(offline=True, archive_dir=archive_dir)
    first = load_ssb(db_path, responses)
    return {"archive_dir": archive_dir, "db": db_path, "responses": responses, "first": first}


def survivors(cells: pl.DataFrame, form: str, cohort: str) -> list[int | None]:
    rows = cells.filter(
        (pl.col("OrgFormer") == form)
        & (pl.col("Tid") == cohort)
        & (pl.col("ContentsCode") == "Foretak")
    ).sort("OverlevAar")
    return rows["value"].to_list()


def test_snapshot_has_the_json_stat2_shape_of_pxwebapi_v2_and_says_it_is_synthetic():
    doc = snapshot_doc("08316")
    assert (doc["version"], doc["class"]) == ("2.0", "dataset")
    assert doc["id"] == ["Region", "NACE2007", "OrgFormer", "OverlevAar", "ContentsCode", "Tid"]
    assert doc["size"] == [1, 1, 6, 6, 2, 8]
    assert doc["role"] == {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]}
    assert len(doc["value"]) == 6 * 6 * 2 * 8
    dimension = doc["dimension"]
    assert list(dimension["OrgFormer"]["category"]["index"]) == FORMS
    assert list(dimension["OverlevAar"]["category"]["index"]) == [
        "00",
        "01",
        "02",
        "03",
        "04",
        "05",
    ]
    assert list(dimension["Tid"]["category"]["index"]) == COHORTS
    assert dimension["Region"]["category"]["label"] == {"33": "Buskerud"}
    assert dimension["ContentsCode"]["category"]["unit"] == {
        "Foretak": {"base": "foretak", "decimals": 0},
        "OverlevdProsent": {"base": "prosent", "decimals": 1},
    }
    assert doc["extension"]["synthetic"] is True
    assert doc["extension"]["px"]["tableid"] == "08316"
    assert "SYNTETISKE" in doc["note"][0] and "SYNTETISKE" in doc["source"]
    # Every missing cell says why: "." (not measurable yet, or no percentage in year 0).
    missing = [i for i, v in enumerate(doc["value"]) if v is None]
    assert sorted(map(int, doc["status"])) == missing and set(doc["status"].values()) == {"."}


def test_snapshot_figures_sit_near_ssbs_reference_points_and_never_rise():
    cells = parse_jsonstat2(snapshot_doc("08316"))
    share = cells.filter(
        (pl.col("ContentsCode") == "OverlevdProsent") & (pl.col("OverlevAar") == "05")
    )
    five_years = (
        share.filter(pl.col("value").is_not_null())
        .group_by("OrgFormer")
        .agg(pl.col("value").mean())
    )
    mean = dict(five_years.iter_rows())
    assert 52 <= mean["AS"] <= 58 and 34 <= mean["ENK"] <= 40
    # Only cohorts with five years behind them (2017-2019 with activity data up to 2024).
    assert share.filter(pl.col("value").is_not_null())["Tid"].unique().sort().to_list() == [
        "2017",
        "2018",
        "2019",
    ]
    for form in FORMS:
        for cohort in COHORTS:
            counts = [n for n in survivors(cells, form, cohort) if n is not None]
            assert counts == sorted(counts, reverse=True), (form, cohort)
            assert len(counts) == min(6, 2025 - int(cohort))
    for cohort in COHORTS:
        by_form = {form: survivors(cells, form, cohort)[0] for form in FORMS}
        assert by_form["Alle"] >= sum(by_form[form] for form in FORMS[1:])


def test_first_load_maps_codes_and_keeps_values_status_and_provenance(loaded):
    survival = loaded["first"].survival
    assert (survival.rows_loaded, survival.cohorts_replaced, survival.cohorts_unchanged) == (
        576,
        8,
        0,
    )
    assert survival.tables == ("08316",)
    with duckdb.connect(str(loaded["db"]), read_only=True) as connection:
        described = connection.sql("describe raw.ssb_enterprise_survival").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [
        ("region_code", "VARCHAR"),
        ("org_form", "VARCHAR"),
        ("nace", "VARCHAR"),
        ("cohort_year", "INTEGER"),
        ("years_after", "INTEGER"),
        ("value_code", "VARCHAR"),
        ("value", "DECIMAL(18,3)"),
        ("is_synthetic", "BOOLEAN"),
        ("table_id", "VARCHAR"),
        ("fetched_at", "TIMESTAMP"),
        ("status", "VARCHAR"),
        ("response_sha256", "VARCHAR"),
    ]
    table = read_enterprise_survival(loaded["db"])
    assert table["org_form"].unique().sort().to_list() == ["ALLE", "ANS", "AS", "DA", "ENK", "NUF"]
    assert table["nace"].unique().to_list() == ["ALLE"]
    assert table["region_code"].unique().to_list() == ["33"]
    assert table["years_after"].unique().sort().to_list() == [0, 1, 2, 3, 4, 5]
    as_2019 = table.filter(
        (pl.col("org_form") == "AS")
        & (pl.col("cohort_year") == 2019)
        & (pl.col("years_after") == 5)
    )
    assert dict(as_2019.select("value_code", "value").iter_rows()) == {
        "Foretak": 622.0,
        "OverlevdProsent": 54.7,
    }
    row = as_2019.row(0, named=True)
    assert row["is_synthetic"] is True and row["status"] is None
    assert row["fetched_at"] == datetime(2026, 8, 20, 6, 0)
    survival_response = next(r for r in loaded["responses"] if r.table_id == "08316")
    assert row["response_sha256"] == survival_response.sha256
    too_young = table.filter((pl.col("cohort_year") == 2024) & (pl.col("years_after") == 1))
    assert too_young["value"].null_count() == too_young.height == 12
    assert too_young["status"].unique().to_list() == ["."]


def test_loading_the_same_snapshot_twice_changes_nothing(loaded):
    before = read_enterprise_survival(loaded["db"])
    again = load_ssb(
        loaded["db"], fetch_population(offline=True, archive_dir=loaded["archive_dir"])
    )
    assert (
        again.survival.rows_loaded,
        again.survival.cohorts_replaced,
        again.survival.cohorts_unchanged,
    ) == (0, 0, 8)
    assert again.as_metadata()["survival_cohorts_unchanged"] == 8
    assert again.population.periods_unchanged == 29
    assert read_enterprise_survival(loaded["db"]).equals(before)


def test_a_corrected_response_replaces_exactly_its_cohort(loaded):
    before = read_enterprise_survival(loaded["db"])
    doc = snapshot_doc("08316")
    set_cell(
        doc, 530, Region="33", NACE2007="00-99", OrgFormer="ENK", OverlevAar="05",
        ContentsCode="Foretak", Tid="2018",
    )  # fmt: skip
    corrected = archive_doc(doc, loaded["archive_dir"], table_id="08316", fetched_at=CORRECTED_AT)

    result = load_enterprise_survival(loaded["db"], [corrected])
    after = read_enterprise_survival(loaded["db"])

    assert (result.rows_loaded, result.cohorts_replaced, result.cohorts_unchanged) == (72, 1, 7)
    in_cohort = pl.col("cohort_year") == 2018
    assert after.filter(~in_cohort).equals(before.filter(~in_cohort))
    assert after.filter(in_cohort)["fetched_at"].unique().to_list() == [datetime(2026, 9, 1, 6)]
    changed = after.filter(in_cohort).join(
        before.filter(in_cohort), on=["org_form", "years_after", "value_code"]
    )
    assert changed.filter(pl.col("value") != pl.col("value_right")).select(
        "org_form", "years_after", "value_code", "value", "value_right"
    ).rows() == [("ENK", 5, "Foretak", 530.0, 501.0)]


def test_a_form_without_a_mapping_to_ours_is_refused(tmp_path):
    doc = snapshot_doc("08316")
    labels = doc["dimension"]["OrgFormer"]["category"]
    labels["index"] = {("SA" if code == "NUF" else code): i for code, i in labels["index"].items()}
    response = archive_doc(doc, tmp_path / "archive", table_id="08316", fetched_at=CORRECTED_AT)
    with pytest.raises(SurvivalLoadError, match="organisasjonsform.*SA.*ORG_FORMS"):
        load_enterprise_survival(tmp_path / "db.duckdb", [response])
    assert not (tmp_path / "db.duckdb").exists()


def test_a_dimension_outside_the_contract_is_refused_by_name(tmp_path):
    doc = snapshot_doc("08316")
    doc["id"].insert(3, "AntSyss")
    doc["size"].insert(3, 1)
    doc["dimension"]["AntSyss"] = {"category": {"label": {"999": "I alt"}}}
    response = archive_doc(doc, tmp_path / "archive", table_id="08316", fetched_at=CORRECTED_AT)
    with pytest.raises(SurvivalLoadError, match="AntSyss.*queries.yaml"):
        load_enterprise_survival(tmp_path / "db.duckdb", [response])


def test_the_population_loader_points_a_08316_response_to_load_ssb(loaded):
    survival_response = next(r for r in loaded["responses"] if r.table_id == "08316")
    with pytest.raises(PopulationLoadError, match="raw.ssb_enterprise_survival.*load_ssb"):
        load_population(loaded["db"], [survival_response])


def test_online_fetch_asks_ssb_for_08316_and_loads_it_as_not_synthetic(tmp_path):
    def ssb(request: httpx.Request) -> httpx.Response:
        table_id = request.url.path.split("/")[-2]
        doc = snapshot_doc(table_id)
        doc["extension"] = {"px": {"tableid": table_id}}  # SSB's own answer: not synthetic
        return httpx.Response(200, json=doc)

    client, recorder, _ = fake_client(ssb)
    records = fetch_population(offline=False, archive_dir=tmp_path / "ssb", client=client)
    survival_url = unquote(str(next(r.url for r in recorder.requests if "/08316/" in r.url.path)))
    assert survival_url.endswith(
        "tables/08316/data?lang=no&outputFormat=json-stat2&valueCodes[Region]=33"
        "&valueCodes[NACE2007]=00-99&valueCodes[OrgFormer]=Alle,AS,ENK,ANS,DA,NUF"
        "&valueCodes[OverlevAar]=*&valueCodes[ContentsCode]=Foretak,OverlevdProsent&valueCodes[Tid]=*"
    )
    result = load_ssb(tmp_path / "etablerer.duckdb", records)
    assert result.survival.rows_loaded == 576
    table = read_enterprise_survival(tmp_path / "etablerer.duckdb")
    assert table["is_synthetic"].unique().to_list() == [False]


def test_snapshot_file_is_small_and_manifest_lists_it():
    manifest = json.loads((SSB_SNAPSHOT_DIR / "manifest.json").read_bytes())
    entry = next(e for e in manifest["responses"] if e["table_id"] == "08316")
    assert entry["query"] == "enterprise_survival_buskerud" and entry["method"] == "GET"
    assert (SSB_SNAPSHOT_DIR / "08316.json").stat().st_size < 100_000
