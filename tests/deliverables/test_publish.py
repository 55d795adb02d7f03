"""The publisher's guards and file handling: refusals leave the last good file untouched, a locked
stable name (Windows) does not fail the publish, and old dated versions are pruned."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from deliverables import publish
from deliverables.publish import PersonLevelDataError, PublishError, publish_warehouse
from tests.deliverables.warehouse_fixture import (
    CHANGED_COUNTY_AMOUNT,
    COUNTY_AMOUNT,
    build_live_warehouse,
    write_manifest,
)
from tests.helpers import PROJECT_ROOT

COUNTY_SQL = (
    "select amount_nok from marts.fct_funding "
    "where region_id = 'ringeriksregionen' and funder_id = '33'"
)


def county_amount(path: Path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(COUNTY_SQL).fetchone()[0]


@pytest.fixture()
def live(tmp_path) -> dict:
    return {
        "db": build_live_warehouse(tmp_path / "warehouse" / "etablerer.duckdb"),
        "manifest": write_manifest(tmp_path / "manifest.json"),
        "out": tmp_path / "published",
    }


def _alter_live(db: Path, sql: str) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute(sql)


def _publish(live: dict, keep: int = 5) -> publish.PublishResult:
    return publish_warehouse(live["db"], live["out"], manifest_path=live["manifest"], keep=keep)


@pytest.mark.parametrize(
    "column",
    [
        "client_key",
        "person_key",
        "business_key",
        "fodselsnummer",
        "email",
        "has_phone",
        "birth_year",
        "org_number",
    ],
)
def test_a_mart_with_a_person_level_column_is_refused_and_nothing_changes(live, column):
    first = _publish(live)
    before = sorted(p.name for p in live["out"].rglob("*"))
    _alter_live(live["db"], f"alter table marts.fct_region_kpis add column {column} varchar")
    # A changed figure in the same run must not reach the published file either.
    _alter_live(live["db"], f"update marts.fct_funding set amount_nok = {CHANGED_COUNTY_AMOUNT}")

    with pytest.raises(PersonLevelDataError, match=f"fct_region_kpis.{column}"):
        _publish(live)

    assert sorted(p.name for p in live["out"].rglob("*")) == before  # no temp files either
    assert county_amount(first.path) == COUNTY_AMOUNT


def test_a_mart_without_region_or_municipality_is_refused(live):
    _alter_live(live["db"], "create table marts.fct_totals as select 2026 as year, 10 as n")
    with pytest.raises(PublishError, match="fct_totals har verken region_id"):
        _publish(live)
    assert not live["out"].joinpath("etablerer_bi.duckdb").exists()


def test_a_missing_manifest_is_a_clear_error(live, tmp_path):
    with pytest.raises(PublishError, match="Fant ikke dbt-manifestet"):
        publish_warehouse(live["db"], live["out"], manifest_path=tmp_path / "nope.json")


def test_a_locked_stable_name_still_publishes_to_the_dated_file(live, monkeypatch):
    first = _publish(live)
    build_live_warehouse(live["db"], county_amount=CHANGED_COUNTY_AMOUNT)
    real_replace = os.replace

    def replace_like_windows(src, dst):
        if Path(dst).name == "etablerer_bi.duckdb":  # Power BI holds it open on a share
            raise PermissionError(32, "The process cannot access the file")
        return real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", replace_like_windows)
    second = _publish(live)

    assert second.replaced_stable is False
    assert county_amount(second.path) == COUNTY_AMOUNT  # the old file, untouched
    assert county_amount(second.dated_path) == CHANGED_COUNTY_AMOUNT
    assert second.dated_path != first.dated_path
    assert [p.name for p in live["out"].glob(".*")] == []


def test_only_the_last_keep_dated_versions_are_kept(live):
    results = [_publish(live, keep=2) for _ in range(4)]
    assert publish.dated_versions(live["out"]) == [results[2].dated_path, results[3].dated_path]
    assert results[3].removed_versions == [results[1].dated_path]


def test_a_list_column_is_published_as_text_so_duckdb_1_can_read_it(live):
    _alter_live(
        live["db"],
        "create table marts.dim_agreement as select 'ringeriksregionen' as region_id, "
        "['3305', '3310'] as member_codes",
    )
    result = _publish(live)
    assert result.cast_to_text == ["dim_agreement.member_codes"]
    with duckdb.connect(str(result.path), read_only=True) as con:
        value, value_type = con.execute(
            "select member_codes, typeof(member_codes) from marts.dim_agreement"
        ).fetchone()
        documented = con.execute(
            "select data_type, source_data_type from docs.columns "
            "where column_name = 'member_codes'"
        ).fetchone()
    assert (value, value_type) == ("[3305, 3310]", "VARCHAR")
    assert documented == ("VARCHAR", "VARCHAR[]")


def test_the_publisher_imports_without_dagster():
    completed = subprocess.run(
        [sys.executable, "-c",
         "import sys, deliverables.publish; print('dagster' in sys.modules)"],
        capture_output=True, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert completed.stdout.strip() == "False", completed.stderr
