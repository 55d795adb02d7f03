"""A failed blocking check stops the reports: nothing downstream is built, the last report stays."""

from tests.helpers import copy_of_sample_run, isolated_env, run_etablerer

CORRUPTED = "ringeriksregionen/2026/activities.csv"


def corrupt_activity_types(csv_path, every: int = 5) -> int:
    """Give every `every`-th activity an unknown type: ingestion quarantines those rows, and the
    quarantined share (20 %) goes far above the GX suite's limit."""
    raw = csv_path.read_bytes()
    lines = raw.split(b"\r\n")
    changed = 0
    for i in range(1, len(lines)):
        fields = lines[i].split(b";")
        if len(fields) > 3 and i % every == 0:
            fields[3] = b"ukjent_aktivitet"
            lines[i] = b";".join(fields)
            changed += 1
    csv_path.write_bytes(b"\r\n".join(lines))
    return changed


def test_failed_check_blocks_the_report_and_keeps_the_last_one(sample_pipeline, tmp_path):
    # Start from the good state of the sample run: its warehouse, reports and run history.
    root, operators = copy_of_sample_run(sample_pipeline, tmp_path)
    assert corrupt_activity_types(operators / CORRUPTED) > 200

    report = root / "reports" / "2026" / "arsrapport_ringeriksregionen_2026.html"
    before = report.read_bytes()
    before_mtime = report.stat().st_mtime_ns

    env = {**isolated_env(root), "ETABLERER_LANDING_DIR": str(operators)}
    completed = run_etablerer(["run", "--year", "2026", "--skip-ssb"], env)

    assert completed.returncode == 1, completed.stdout
    out = completed.stdout
    assert "kontroll feilet: raw_operators__activities:gx_raw_operators__activities" in out
    # Said once, as the failed check, not again as a Dagster step error in English.
    assert "DagsterAssetCheckFailedError" not in out and "steg feilet" not in out
    # The failing expectation is named, with what it saw and where.
    assert "Andelen rader i karantene er høyst 5%" in out
    assert "ringeriksregionen/2026: 0,2" in out
    assert "ikke bygget" in out and "annual_reports" in out
    assert report.read_bytes() == before
    assert report.stat().st_mtime_ns == before_mtime
