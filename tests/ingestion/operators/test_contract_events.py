"""Contract version 2: a network attendance names its event (Arrangement-ID), so events can be
counted as arrangements rather than dates (issue 19.1). A version-1 export is told what is
missing, in Norwegian, and a warehouse made under version 1 gets the column on the next ingest."""

from __future__ import annotations

import duckdb

from ingestion.operators import validate_file
from ingestion.operators.load import ensure_raw_tables
from ingestion.operators.report import format_report
from ingestion.paths import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "data/sample/operators/ringeriksregionen/2026/activities.csv"


def test_a_version_1_export_has_its_network_rows_rejected_with_what_to_add(tmp_path):
    lines = SAMPLE.read_text(encoding="windows-1252").splitlines()
    header = lines[0].split(";")
    column = header.index("Arrangement-ID")
    version_1 = [
        ";".join(c for i, c in enumerate(line.split(";")) if i != column) for line in lines
    ]
    path = tmp_path / "activities.csv"
    path.write_text("\n".join(version_1) + "\n", encoding="windows-1252")
    network = sum(1 for line in lines[1:] if line.split(";")[3] == "nettverk")

    report = validate_file(path, "activities", 2026)

    assert report.rejected_rows == network > 0
    assert {(e.column, e.reason_code) for e in report.errors} == {
        ("event_id", "missing_conditional")
    }
    text = format_report(report)
    assert "arrangement_id" in text and "nettverk" in text
    assert validate_file(SAMPLE, "activities", 2026).rejected_rows == 0


def test_a_warehouse_made_under_version_1_gets_the_event_column(tmp_path):
    with duckdb.connect(str(tmp_path / "old.duckdb")) as con:
        con.execute("create schema raw")
        con.execute(
            "create table raw.activities (region_id varchar, year integer, activity_id varchar)"
        )
        con.execute("insert into raw.activities values ('hallingdal', 2025, 'A-1')")
        ensure_raw_tables(con)
        assert con.execute("select activity_id, event_id from raw.activities").fetchall() == [
            ("A-1", None)
        ]
