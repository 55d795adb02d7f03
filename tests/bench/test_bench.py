"""The scale generator and the table printer (the benchmark itself is `make bench`, not a test)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bench.register import generate_register, observation_days
from bench.run import (
    START_UP,
    Row,
    format_table,
    measure,
    params_from,
    parse_args,
    rate,
    time_split,
)
from bench.scale import ScaleParams, codes_in_year, generate
from bench.stages import _read_csv_sql, data_rows, operator_files, settle
from ingestion.brreg.load import read_brreg_units
from ingestion.brreg.refresh import refresh_units
from ingestion.brreg.snapshot import SNAPSHOT_DIR_ENV, dated_snapshots, read_manifest
from ingestion.linkage import record_links
from ingestion.operators import validate_file
from ingestion.operators.contract import KINDS, REGIONS
from ingestion.operators.identifiers import DEMO_KEY, business_keys
from ingestion.operators.load import bulk_loading
from samples.brreg import read_sample_businesses

TINY = ScaleParams(activities=900, clients=120, years=(2019, 2024))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return generate(TINY, tmp_path_factory.mktemp("cache"), workers=1)


def test_counts_split_by_region_size_and_years():
    params = ScaleParams(activities=5_000_000, clients=500_000)
    total = sum(params.counts(r)[1] for r in REGIONS) * len(params.years)
    assert abs(total - 5_000_000) < 50
    assert params.counts("drammensregionen")[1] == round(5_000_000 * 1.6 / 3.72 / 10)


def test_codes_follow_the_municipality_register():
    assert codes_in_year(("3305", "3236"), 2019) == ("0605", "0532")
    assert codes_in_year(("3305", "3236"), 2021) == ("3007", "3053")
    assert codes_in_year(("3305", "3236"), 2025) == ("3305", "3236")


def test_generator_writes_every_kind_as_csv_with_the_asked_row_counts(tiny):
    folders = operator_files(tiny)
    assert [(r, y) for r, y, _ in folders][:2] == [("drammensregionen", 2019), ("hallingdal", 2019)]
    assert len(folders) == 5 * 2
    for _region, _year, folder in folders:
        assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(KINDS)
    activities = sum(data_rows(f / "activities.csv") for _, _, f in folders)
    assert activities == sum(TINY.counts(r)[1] for r in REGIONS) * 2
    # Formats as delivered: cp1252 with ';' and dd.mm.yyyy in Ringeriksregionen.
    raw = (tiny / "ringeriksregionen" / "2019" / "activities.csv").read_bytes()
    header, first = raw.decode("cp1252").splitlines()[:2]
    assert ";" in header and first.split(";")[2][2] == "."
    assert (tiny / "drammensregionen" / "2024" / "clients.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_generated_files_pass_the_contract_in_old_years(tiny):
    report = validate_file(tiny / "hallingdal" / "2019" / "courses.csv", "courses", 2019)
    assert report.rejected_rows == 0 and report.valid_rows > 0


def test_generator_reuses_a_complete_folder(tiny):
    marker = tiny / "scale.json"
    before = marker.stat().st_mtime_ns
    assert generate(TINY, tiny.parent, workers=1) == tiny
    assert marker.stat().st_mtime_ns == before
    assert (
        ScaleParams(activities=901, clients=120, years=(2019, 2024)).cache_key() != TINY.cache_key()
    )


def test_read_csv_baseline_reads_the_typed_file(tiny, tmp_path):
    path = tiny / "midt_buskerud" / "2024" / "activities.csv"  # ',' with quoted decimal commas
    with duckdb.connect(str(tmp_path / "b.duckdb")) as con:
        con.execute(f"create table a as {_read_csv_sql(path, 'activities', 'midt_buskerud')}")
        types = dict(
            con.execute(
                "select column_name, data_type from duckdb_columns() where table_name = 'a'"
            ).fetchall()
        )
        n, hours = con.execute("select count(*), sum(hours) from a").fetchone()
    assert types["activity_date"] == "DATE" and types["hours"] == "DECIMAL(9,2)"
    assert n == data_rows(path) and hours > 0


def test_settle_merges_the_row_groups_bulk_loads_left_and_keeps_the_rows(tmp_path):
    db = tmp_path / "history.duckdb"

    def row_groups(con: duckdb.DuckDBPyConnection) -> int:
        sql = "select count(distinct row_group_id) from pragma_storage_info('main.activities')"
        return con.execute(sql).fetchone()[0]

    with duckdb.connect(str(db)) as con:
        con.execute("create table activities (activity_id integer)")
        for year in range(3):  # three loads, as ingest_directories makes them
            with bulk_loading(con):
                con.execute(f"insert into activities select range from range({year}000, {year}999)")
        assert row_groups(con) == 3
    settle({"db": str(db)})
    with duckdb.connect(str(db)) as con:
        assert row_groups(con) == 1
        assert con.execute("select count(*) from activities").fetchone()[0] == 3 * 999
        assert (
            con.execute(
                "select count(*) from duckdb_tables() where table_name = 'bench_settle'"
            ).fetchone()[0]
            == 0
        )


def test_table_has_ratio_time_and_rss_aligned():
    rows = [
        Row(
            "1",
            "ingestion",
            12.34,
            3 * 2**30,
            rate(1_000_000, 2.0),
            "1.60 M rows/s",
            0.3125,
            "≥ 0.60×",
            False,
        ),
        Row("1b", "baseline", 0.9, 200 * 2**20, "1.60 M rows/s"),
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].startswith("| #") and "peak RSS" in lines[0]
    assert "| 12.3 s |" in lines[2] and "3.00 GiB" in lines[2] and "0.31×" in lines[2]
    assert "500 k rows/s" in lines[2] and lines[2].rstrip().endswith("NO  |")
    assert "200 MiB" in lines[3]
    assert len({len(line) for line in lines}) == 1


def test_time_split_by_kind_of_step_and_the_rest_is_start_up():
    jobs = {
        "a": {
            "steps": {"raw_operators": 3.0, "raw_operators__clients_gx_raw_operators__clients": 1.5}
        },
        "b": {
            "steps": {
                "fct_funding_gx_marts_funding": 0.5,
                "dbt_models": 5.0,
                "annual_reports": 1.0,
                "published_warehouse": 0.5,
            }
        },
    }
    jobs["b"]["steps"] |= {
        "raw_brreg__units": 1.25,
        "raw_brreg__units_gx_raw_brreg__units": 0.25,
        "dbt_register_models": 0.75,  # the register's tables: the register's time, not dbt's
    }
    assert time_split(jobs, 16.25) == {
        START_UP: 2.5,
        "loading": 3.0,
        "register": 2.0,
        "dbt": 5.0,
        "GX": 2.25,
        "reports and files": 1.5,
    }


def test_measure_reports_the_child_peak_rss(tmp_path):
    code = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('{\"ok\": 1}')"
    result = measure([os.sys.executable, "-c", code], dict(os.environ), tmp_path / "log")
    assert result.returncode == 0 and result.json() == {"ok": 1}
    assert 200 * 2**20 < result.max_rss < 400 * 2**20


def test_measure_leaves_out_the_peak_of_the_process_that_measures(tmp_path):
    """Linux gives a spawned child its parent's peak RSS; a long pytest run's once was 423 MB."""
    ballast = bytearray(600 * 2**20)
    ballast[::4096] = b"x" * len(ballast[::4096])
    del ballast
    assert measure(["true"], dict(os.environ), tmp_path / "log").max_rss < 100 * 2**20
    killed = measure(["sh", "-c", "kill -9 $$"], dict(os.environ), tmp_path / "log")
    assert killed.returncode == -9


def test_quick_flags():
    params = params_from(parse_args(["--quick"]))
    assert params.years == (2025, 2026) and params.activities == 20_000
    assert params_from(parse_args(["--years", "3", "--last-year", "2025"])).years == (
        2023,
        2024,
        2025,
    )


def test_register_days_are_weekly_mondays_never_after_today():
    assert observation_days(2026, today=date(2026, 12, 4)) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]
    # A past year ends at its 31 December (a Tuesday in 2024), not today.
    assert observation_days(2024, today=date(2026, 12, 4))[-1] == date(2024, 12, 30)


def test_the_scale_register_is_read_by_the_offline_refresh_it_is_pointed_at(
    tiny, tmp_path, monkeypatch
):
    days = observation_days(2024, today=date(2026, 12, 4))
    register = generate_register(tiny, days, tmp_path / "cache")
    assert generate_register(tiny, days, tmp_path / "cache") == register  # reused
    assert [s.observed_on for s in dated_snapshots(register / "earlier")] == days[:-1]
    numbers = sorted({b.org_number for b in read_sample_businesses(tiny)})
    linkage = tmp_path / "linkage.sqlite"
    keys = business_keys(DEMO_KEY, numbers)
    record_links(zip(keys, numbers, strict=True), source_sha256="0" * 64, path=linkage)

    monkeypatch.setenv(SNAPSHOT_DIR_ENV, str(register / "latest"))
    db = tmp_path / "w.duckdb"
    result = refresh_units(
        db, offline=True, archive_dir=tmp_path / "archive", linkage_path=linkage, key=DEMO_KEY
    )
    (latest,) = read_manifest(register / "latest")["snapshots"]
    (observed,) = result.observations
    assert observed.observed_on == days[-1] and result.is_synthetic
    # Every scale business is observed: in the register by then, or 404 (registered later).
    assert observed.rows == len(numbers) and observed.not_covered == 0
    assert (observed.found, observed.deleted) == (latest["units"], latest["deleted"])
    assert observed.not_found == len(latest["not_found"]) < len(numbers)
    assert set(read_brreg_units(db)["business_key"]) == set(keys)
