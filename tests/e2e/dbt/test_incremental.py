"""Year-partitioned marts are incremental by year: rebuilding one year (or one region-year) leaves
the other partitions untouched."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal

import duckdb

from tests.e2e.dbt.conftest import dbt_command, run_dbt

COUNTY = (
    "select year, amount_nok, ssb_population from marts.fct_funding "
    "where region_id = ? and funder_id = '33' order by year"
)


def fetch(db_path, sql: str, params: list) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_rebuilding_2027_leaves_2026_untouched(warehouse_copy, tmp_path):
    assert fetch(warehouse_copy, COUNTY, ["ringeriksregionen"]) == [
        (2026, Decimal("257345.00"), 46790)
    ]
    # New SSB figure for Ringerike: only the year rebuilt may pick it up.
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "update raw.ssb_population set value = value + 100 "
            "where region_code = '3305' and period = '2025K1'"
        )
    completed = run_dbt(
        ["run", "--select", "fct_funding", "fct_payouts", "--vars", json.dumps({"year": 2027})],
        warehouse_copy,
        tmp_path / "target",
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    # The agreement's stated 46 790 governs the amount; SSB's new sum shows beside it in 2027.
    assert fetch(warehouse_copy, COUNTY, ["ringeriksregionen"]) == [
        (2026, Decimal("257345.00"), 46790),
        (2027, Decimal("257345.00"), 46890),
    ]
    payouts = fetch(
        warehouse_copy,
        "select year, payout_month, amount_nok from marts.fct_payouts "
        "where region_id = ? and funder_id = '33' order by year, payout_month",
        ["ringeriksregionen"],
    )
    assert payouts == [
        (2026, 1, Decimal("128672.50")),
        (2026, 8, Decimal("128672.50")),
        (2027, 1, Decimal("128672.50")),
        (2027, 8, Decimal("128672.50")),
    ]

    # One region: only that region's rows of the year are replaced.
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "update raw.ssb_population set value = value + 10 "
            "where region_code = '3301' and period = '2025K1'"
        )
    completed = run_dbt(
        [
            "run",
            "--select",
            "fct_funding",
            "--vars",
            json.dumps({"year": 2026, "region_id": "drammensregionen"}),
        ],
        warehouse_copy,
        tmp_path / "target",
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    assert fetch(warehouse_copy, COUNTY, ["drammensregionen"]) == [
        (2026, Decimal("837705.00"), 152310),  # (104000 + 27900 + 20400 + 10) x 5.50
        (2027, Decimal("837650.00"), 152300),  # built before the change, untouched
    ]
    assert fetch(warehouse_copy, COUNTY, ["ringeriksregionen"]) == [
        (2026, Decimal("257345.00"), 46790),
        (2027, Decimal("257345.00"), 46890),
    ]
    counts = fetch(
        warehouse_copy,
        "select year, count(distinct region_id) from marts.fct_funding group by year order by year",
        [],
    )
    assert counts == [(2026, 5), (2027, 5)]


def test_scope_from_the_environment_keeps_the_partial_parse(warehouse_copy, tmp_path):
    """Pipeline runs give dbt their scope in ETABLERER_DBT_SCOPE: dbt keeps its partial parse
    (changed --vars make it parse everything again), and the partition is replaced whole, so a
    region-year with no rows any more is emptied, not left stale."""
    target = tmp_path / "target"
    assert run_dbt(["parse"], warehouse_copy, target).returncode == 0
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "insert into marts.fct_funding by name select * replace (2030 as year) "
            "from marts.fct_funding where region_id = 'hallingdal'"
        )
    by_year = "select year, count(*) from marts.fct_funding group by year order by year"
    assert fetch(warehouse_copy, by_year, []) == [(2026, 25), (2030, 7)]
    command, env = dbt_command(["run", "--select", "fct_funding"], warehouse_copy, target)
    env["ETABLERER_DBT_SCOPE"] = json.dumps({"year": [2030], "region_id": ["hallingdal"]})
    scoped = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert scoped.returncode == 0, scoped.stdout[-4000:]
    assert "Unable to do partial parsing" not in scoped.stdout
    assert fetch(warehouse_copy, by_year, []) == [(2026, 25)]

    with_vars = run_dbt(
        ["run", "--select", "fct_funding", "--vars", json.dumps({"year": 2026})],
        warehouse_copy,
        target,
    )
    assert with_vars.returncode == 0, with_vars.stdout[-4000:]
    assert "Unable to do partial parsing" in with_vars.stdout


def test_a_warehouse_from_before_a_new_column_takes_it_on_the_next_run(warehouse_copy, tmp_path):
    """An upgrade that adds a column to an incremental mart: the next run adds it to the
    existing table (on_schema_change='append_new_columns') and fills it for the partition it
    builds, leaving the others' rows in place. With 'fail' the run stopped on such a warehouse."""
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("alter table marts.fct_region_kpis drop column funding_known_nok")
        before = con.execute("select count(*) from marts.fct_region_kpis").fetchone()[0]
    completed = run_dbt(
        ["run", "--select", "fct_region_kpis", "--vars", json.dumps({"year": 2026})],
        warehouse_copy,
        tmp_path / "target",
    )
    assert completed.returncode == 0, completed.stdout[-4000:]
    known = fetch(
        warehouse_copy,
        "select count(*), count(funding_known_nok) from marts.fct_region_kpis where year = ?",
        [2026],
    )
    assert known[0][0] > 0 and known[0][1] > 0
    assert fetch(warehouse_copy, "select count(*) from marts.fct_region_kpis", [])[0][0] == before
