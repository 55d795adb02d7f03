"""`etablerer run --region R` rebuilds one region-year partition (`R|2026`) alone; other regions'
raw rows, marts and annual reports stay as they were, and the county's files for the year follow.
Meanwhile an analyst holds the published BI copy open, and never blocks or sees a half state."""

import subprocess
import sys

import duckdb

from tests.helpers import copy_of_sample_run, isolated_env, run_etablerer

REGION = "hallingdal"


def region_rows(db_path, sql: str) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    by_region: dict[str, list[tuple]] = {}
    for row in rows:
        by_region.setdefault(row[0], []).append(row)
    return by_region


RAW_SQL = (
    "select region_id, source_sha256, loaded_at, count(*) from raw.activities "
    "where year = 2026 group by all"
)
KPI_SQL = "select * from marts.fct_region_kpis where year = 2026 order by all"


# What the analyst's BI tool asks: a fingerprint of the region's KPI row.
FINGERPRINT_SQL = (
    "select md5(string_agg(k::varchar, '|')) from marts.fct_region_kpis k "
    f"where region_id = '{REGION}' and year = 2026"
)
READER = f"""
import sys, duckdb
path = sys.argv[1]
con = duckdb.connect(path, read_only=True)
for line in sys.stdin:
    if line.strip() == "reopen":
        con.close()
        con = duckdb.connect(path, read_only=True)
    print(con.execute(\"{FINGERPRINT_SQL}\").fetchone()[0], flush=True)
"""


def ask(reader: subprocess.Popen, command: str) -> str:
    reader.stdin.write(command + "\n")
    reader.stdin.flush()
    return reader.stdout.readline().strip()


def drop_last_activities(csv_path, n: int) -> None:
    lines = csv_path.read_bytes().rstrip(b"\r\n").split(b"\r\n")
    csv_path.write_bytes(b"\r\n".join(lines[:-n]) + b"\r\n")


def test_region_run_rebuilds_only_that_region(sample_pipeline, tmp_path):
    root, operators = copy_of_sample_run(sample_pipeline, tmp_path)
    drop_last_activities(operators / REGION / "2026" / "activities.csv", 50)
    db_path = root / "warehouse" / "etablerer.duckdb"
    raw_before, kpis_before = region_rows(db_path, RAW_SQL), region_rows(db_path, KPI_SQL)
    reports = root / "reports" / "2026"
    reports_before = {p.name: p.stat().st_mtime_ns for p in reports.glob("arsrapport_*")}

    published = root / "warehouse" / "published" / "etablerer_bi.duckdb"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        old = ask(reader, "query")
        env = {**isolated_env(root), "ETABLERER_LANDING_DIR": str(operators)}
        completed = run_etablerer(["run", "--year", "2026", "--region", REGION, "--skip-ssb"], env)
        # The run succeeded although the BI copy was held open the whole time...
        assert completed.returncode == 0, completed.stdout + completed.stderr
        assert f"yearly_pipeline_job [{REGION}|2026]: OK" in completed.stdout
        assert "county_reports_job [2026]: OK" in completed.stdout
        assert "✔ published_warehouse" in completed.stderr
        # ...the open connection still sees the old snapshot, and a reopen sees the new one.
        assert ask(reader, "query") == old
        new = ask(reader, "reopen")
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert new == con.execute(FINGERPRINT_SQL).fetchone()[0] != old

    raw_after, kpis_after = region_rows(db_path, RAW_SQL), region_rows(db_path, KPI_SQL)
    others = set(raw_before) - {REGION}
    assert len(others) == 4
    for region in others:  # not reloaded, not rebuilt
        assert raw_after[region] == raw_before[region]
        assert kpis_after[region] == kpis_before[region]
    (before,), (after,) = raw_before[REGION], raw_after[REGION]
    assert after[3] == before[3] - 50  # the corrected file replaced exactly its partition
    assert kpis_after[REGION] != kpis_before[REGION]
    # Only the region's own annual report was written again.
    reports_after = {p.name: p.stat().st_mtime_ns for p in reports.glob("arsrapport_*")}
    assert {name for name in reports_after if reports_after[name] != reports_before[name]} == {
        f"arsrapport_{REGION}_2026.html",
        f"arsrapport_{REGION}_2026.pdf",
    }


def test_an_unknown_region_is_refused_with_the_known_ones(tmp_path):
    completed = run_etablerer(["run", "--region", "atlantis"], isolated_env(tmp_path))
    assert completed.returncode == 2
    assert "atlantis er ikke en region" in completed.stderr
    assert "hallingdal" in completed.stderr
