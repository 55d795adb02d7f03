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
