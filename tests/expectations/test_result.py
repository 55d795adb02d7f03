"""SuiteResult.as_metadata: a flat dict Dagster can take as metadata."""

from pathlib import Path

from expectations import FailedExpectation, SuiteResult


def test_metadata_is_flat_and_names_each_failure():
    failed = [
        FailedExpectation(
            "expect_column_values_to_be_between",
            "quarter_change",
            "raw.ssb_population",
            "Endringen fra forrige kvartal er innenfor ±5%: 1 av 56 verdier avviker.",
        ),
        FailedExpectation("table_exists", None, "marts.fct_payouts", "Tabellen finnes ikke."),
    ]
    result = SuiteResult("raw_ssb__population", False, 9, 7, failed, Path("/d/index.html"))
    metadata = result.as_metadata()
    assert all(isinstance(value, str | int | float) for value in metadata.values())
    assert metadata["success"] is False
    assert (metadata["evaluated_expectations"], metadata["failed_expectations"]) == (9, 2)
    assert metadata["failures"].splitlines() == [
        "raw.ssb_population.quarter_change [expect_column_values_to_be_between]: "
        "Endringen fra forrige kvartal er innenfor ±5%: 1 av 56 verdier avviker.",
        "marts.fct_payouts [table_exists]: Tabellen finnes ikke.",
    ]
    assert metadata["data_docs"] == "/d/index.html"


def test_long_failure_lists_are_cut():
    failed = [FailedExpectation("t", None, "raw.clients", "x" * 500) for _ in range(10)]
    metadata = SuiteResult("raw_operators__clients", False, 10, 0, failed).as_metadata()
    assert len(metadata["failures"]) == 2_000
    assert metadata["failures"].endswith("…")
    assert "data_docs" not in metadata
