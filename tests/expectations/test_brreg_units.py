"""raw_brreg__units: the share of linked numbers found, no clear number or name, no day ahead.

The share on the bundled sample, and the suite as a blocking Dagster check, are tested in
tests/orchestration/test_brreg.py."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from expectations import run_suite
from expectations.thresholds import BRREG_MIN_FOUND_SHARE_ENV, brreg_min_found_share
from ingestion.brreg.load import CREATE_SQL

TODAY = date.today()


def key(n: int) -> str:
    return f"{n:064x}"


def write_register(
    db_path: Path,
    statuses: list[str],
    *,
    observed_on: date = TODAY - timedelta(days=2),
    registered: date = TODAY - timedelta(days=400),
    clear_key: str | None = None,
    extra_column: str | None = None,
) -> Path:
    """One observation of len(statuses) businesses, all reported registered on `registered`."""
    keys = [key(i) for i in range(len(statuses))]
    if clear_key is not None:
        keys[0] = clear_key
    with duckdb.connect(str(db_path)) as con:
        con.execute(CREATE_SQL)
        con.execute(
            "create table raw.establishments (business_key varchar, registration_date date)"
        )
        for business_key, status in zip(keys, statuses, strict=True):
            con.execute("insert into raw.establishments values (?, ?)", [business_key, registered])
            con.execute(
                "insert into raw.brreg_units (observed_on, business_key, status, source, "
                "source_sha256, is_synthetic, fetched_at) "
                "values (?, ?, ?, 'lookup', ?, false, now())",
                [observed_on, business_key, status, "a" * 64],
            )
        if extra_column:
            con.execute(f"alter table raw.brreg_units add column {extra_column} varchar")
    return db_path


def failed(result) -> list[tuple[str | None, str]]:
    return sorted((f.column, f.summary) for f in result.failed)


def test_nine_found_of_ten_passes_the_default_threshold(tmp_path, monkeypatch):
    monkeypatch.delenv(BRREG_MIN_FOUND_SHARE_ENV, raising=False)
    db = write_register(tmp_path / "w.duckdb", ["active"] * 8 + ["deleted", "not_found"])
    result = run_suite("raw_brreg__units", db)
    assert result.success, [f.describe() for f in result.failed]
    assert (result.evaluated, result.successful) == (4, 4)


def test_eight_found_of_ten_fails_and_a_later_registration_does_not_count(tmp_path, monkeypatch):
    monkeypatch.delenv(BRREG_MIN_FOUND_SHARE_ENV, raising=False)
    statuses = ["active"] * 8 + ["removed", "not_found"]
    result = run_suite("raw_brreg__units", write_register(tmp_path / "a.duckdb", statuses))
    ((column, summary),) = failed(result)
    assert column == "found_share" and "0,8" in summary and "Minst 90 %" in summary
    # The same 404s for numbers reported registered after the day the register was read: the
    # register did not know them yet, and nothing counts.
    later = write_register(
        tmp_path / "b.duckdb",
        statuses,
        observed_on=TODAY - timedelta(days=30),
        registered=TODAY - timedelta(days=10),
    )
    assert run_suite("raw_brreg__units", later).success


def test_a_clear_number_a_name_column_and_a_day_ahead_fail(tmp_path, monkeypatch):
    monkeypatch.delenv(BRREG_MIN_FOUND_SHARE_ENV, raising=False)
    db = write_register(
        tmp_path / "w.duckdb",
        ["active"] * 10,
        observed_on=TODAY + timedelta(days=1),
        registered=TODAY - timedelta(days=400),
        clear_key="997624939",
        extra_column="navn",
    )
    result = run_suite("raw_brreg__units", db)
    columns = [column for column, _ in failed(result)]
    assert columns == ["clear_keys", "column_name", "days_after_today"]
    summaries = dict(failed(result))
    assert "navn" in summaries["column_name"]
    # The frames hold counts, never a key: the clear number is not quoted.
    assert "997624939" not in " ".join(summaries.values())


@pytest.mark.parametrize(("value", "share"), [("", 0.9), ("0.95", 0.95), ("0,8", 0.8)])
def test_the_threshold_comes_from_the_environment(monkeypatch, value, share):
    monkeypatch.setenv(BRREG_MIN_FOUND_SHARE_ENV, value)
    assert brreg_min_found_share() == share


@pytest.mark.parametrize("value", ["90", "nitti", "-0.1"])
def test_a_threshold_outside_0_to_1_is_refused_in_norwegian(monkeypatch, value):
    monkeypatch.setenv(BRREG_MIN_FOUND_SHARE_ENV, value)
    with pytest.raises(ValueError, match="er ikke en andel mellom 0 og 1"):
        brreg_min_found_share()
