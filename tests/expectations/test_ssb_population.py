"""raw_ssb__population: codes, positive counts, quarter-on-quarter change, no gaps."""

from pathlib import Path

import duckdb

from expectations import run_suite
from tests.expectations.warehouse import ssb_rows


def _failed_columns(result) -> list[tuple[str, str | None]]:
    return [(f.expectation_type, f.column) for f in result.failed]


def test_clean_series_passes(make_warehouse, raw_tables):
    db = make_warehouse(raw_tables)
    result = run_suite("raw_ssb__population", db)
    assert result.success, [f.describe() for f in result.failed]
    assert (result.evaluated, result.successful) == (8, 8)


def test_forty_percent_jump_fails_quarter_change(make_warehouse, raw_tables):
    raw_tables["ssb_population"] = ssb_rows(jump=("3310", "2025K2", 1.4))
    result = run_suite("raw_ssb__population", make_warehouse(raw_tables))
    assert not result.success
    assert _failed_columns(result) == [("expect_column_values_to_be_between", "quarter_change")]
    failure = result.failed[0]
    assert failure.table == "raw.ssb_population"
    # The jump up in 2025K2 and back down in 2025K3, for both contents codes.
    assert "4 av 56 verdier avviker" in failure.summary
    assert "3310 Folketallet1 2025K2: 0,4" in failure.summary


def test_missing_quarter_and_unknown_code_fail(make_warehouse, raw_tables):
    rows = [row for row in ssb_rows() if not (row[2] == "3318" and row[4] == "2024K3")]
    # Ringerike under its 2020-23 Viken code: not a valid code since 2024.
    rows += [[*row[:2], "3007", *row[3:]] for row in ssb_rows() if row[2] == "3305"]
    raw_tables["ssb_population"] = rows
    result = run_suite("raw_ssb__population", make_warehouse(raw_tables))
    assert sorted(_failed_columns(result)) == [
        ("expect_column_values_to_be_between", "quarters_since_previous"),
        ("expect_column_values_to_be_in_set", "region_code"),
    ]
    gap = next(f for f in result.failed if f.column == "quarters_since_previous")
    assert "3318 Folketallet1 2024K4: 2" in gap.summary


def test_non_positive_count_without_status_fails(make_warehouse, raw_tables):
    rows = ssb_rows()
    rows[0][7] = 0  # 3305 Folketallet11 2024K1, status null
    raw_tables["ssb_population"] = rows
    result = run_suite("raw_ssb__population", make_warehouse(raw_tables))
    assert ("expect_column_values_to_be_between", "total_value") in _failed_columns(result)
    failure = next(f for f in result.failed if f.column == "total_value")
    assert "01222 Folketallet11 3305 2024K1: 0" in failure.summary


def test_connection_is_closed_so_a_writer_can_follow(make_warehouse, raw_tables):
    db = make_warehouse(raw_tables)
    run_suite("raw_ssb__population", db)
    # DuckDB refuses a read-write connection in this process while a read-only one is open.
    writer = duckdb.connect(str(db))
    try:
        writer.execute("delete from raw.ssb_population where region_code = '3236'")
        remaining = writer.execute("select count(*) from raw.ssb_population").fetchone()
    finally:
        writer.close()
    assert remaining == (3 * 8 * 2,)


def test_missing_warehouse_table_is_a_failed_result(tmp_path: Path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = run_suite("raw_ssb__population", db)
    assert not result.success
    assert _failed_columns(result) == [("table_exists", None)]
    assert result.failed[0].table == "raw.ssb_population"
