"""The summary `etablerer run` prints at the end (orchestration/cli.py)."""

from orchestration.cli import RunSummary, print_summary


def test_the_summary_counts_in_norwegian_and_points_to_an_index_only_when_there_is_one(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("ETABLERER_REPORTS_DIR", str(tmp_path / "reports"))
    (tmp_path / "reports" / "2031").mkdir(parents=True)
    (tmp_path / "reports" / "2026").mkdir(parents=True)
    (tmp_path / "reports" / "2026" / "index.html").write_text("<html></html>")
    (tmp_path / "reports" / "2026" / "oversikt.pdf").write_bytes(b"%PDF")
    one = RunSummary("county_reports_job", "2026", True, 1.0, materialized=["county_overview"])
    two = RunSummary("ssb_population_job", None, True, 1.0, materialized=["a", "b"])

    print_summary([one, two], [2026, 2031])

    out = capsys.readouterr().out
    assert "county_reports_job [2026]: OK på 1.0 s, 1 eiendel, kontroller" in out
    assert "ssb_population_job: OK på 1.0 s, 2 eiendeler, kontroller" in out
    assert f"{tmp_path / 'reports' / '2026'} (2 filer, se index.html)" in out
    assert f"{tmp_path / 'reports' / '2031'} (0 filer)" in out


def test_a_failed_warning_check_is_told_apart_from_a_failed_check(tmp_path, monkeypatch, capsys):
    """The register's freshness check warns (the bundled snapshots are old by design): the
    summary says so with the day the data is from, and does not call it a failure."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import dagster as dg

    from orchestration.cli import _last_updated

    monkeypatch.setenv("ETABLERER_REPORTS_DIR", str(tmp_path / "reports"))
    observed = datetime(2026, 12, 1, tzinfo=ZoneInfo("Europe/Oslo")).timestamp()
    detail = _last_updated({"dagster/last_updated_timestamp": dg.MetadataValue.timestamp(observed)})
    assert detail == " (data fra 2026-12-01)"
    assert _last_updated({}) == ""
    run = RunSummary(
        "brreg_units_job",
        None,
        True,
        1.0,
        materialized=["raw_brreg__units"],
        checks_passed=["raw_brreg__units:gx_raw_brreg__units"],
        checks_warned=[f"raw_brreg__units:freshness_check{detail}"],
    )

    print_summary([run], [])

    out = capsys.readouterr().out
    assert (
        "brreg_units_job: OK på 1.0 s, 1 eiendel, kontroller 1 bestått / 0 feilet / 1 advarer"
        in out
    )
    warned = "raw_brreg__units:freshness_check (data fra 2026-12-01)"
    assert f"⚠ kontroll advarer (stopper ingenting): {warned}" in out
    assert "✘" not in out
