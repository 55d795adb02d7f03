"""`etablerer validate --region`: the register's linkage findings (int_linkage_findings, the
real dbt view) reach the operator as remarks on their rows, without changing the exit code; a
missing region or warehouse, or a writer's lock, skips the check with a line saying why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingestion.operators.cli import validate
from ingestion.paths import OPERATOR_SAMPLE_DIR
from tests.e2e.dbt.conftest import finish_build, load_sample, start_build

REGION = "ringeriksregionen"
ESTABLISHMENTS = OPERATOR_SAMPLE_DIR / REGION / "2025" / "establishments.csv"
# The planted cases of data/sample/brreg/README.md, by their row in the file above.
PLANTED = {
    30: "organisasjonsnummeret finnes ikke i Enhetsregisteret",  # 900667027, 404 on every date
    37: "registreringsdato 08.09.2025 er 47 dager fra registerets 23.07.2025 "  # 906379384
    "(registeret 47 dager før; mer enn 30 dager er en merknad)",
    31: "organisasjonsform ENK, i registeret: AS",  # 909248728
    12: "næringskode 56.101, i registeret: 55.101",  # 923289143
}
CASE_NUMBERS = ("900667027", "906379384", "909248728", "923289143", "997624939", "912016846")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample and the offline register snapshots loaded by the real loaders, and the
    dbt models up to int_linkage_findings built on them (with their unit tests)."""
    root = tmp_path_factory.mktemp("validate_linkage")
    db_path = load_sample(root / "etablerer.duckdb", root / "archive")
    build = start_build(
        db_path,
        root / "target",
        ["--select", "+int_linkage_findings", "--exclude", "test_type:data"],
    )
    return finish_build(build, db_path, root / "target").db_path


def run_validate(db_path: Path, *extra: str):
    return CliRunner().invoke(
        validate,
        [str(ESTABLISHMENTS), "--kind", "establishments", "--year", "2025", *extra],
        env={"ETABLERER_DUCKDB_PATH": str(db_path)},
    )


def remark_lines(output: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    prefix = "establishments.csv, rad "
    for line in output.splitlines():
        if line.startswith(prefix) and ": merknad: " in line:
            number, message = line[len(prefix) :].split(": merknad: ", 1)
            found.setdefault(int(number), []).append(message)
    return found


def test_each_planted_finding_is_a_remark_on_its_row(sample_db):
    result = run_validate(sample_db, "--region", REGION)
    assert result.exit_code == 0, result.output
    remarks = remark_lines(result.output)
    # Each planted finding on its row, and no other row has a remark.
    assert remarks == {line: [message] for line, message in PLANTED.items()}, result.output
    # The deleted and the bankrupt business were reported as the register has them: no remark.
    assert 7 not in remarks and 19 not in remarks
    assert "Filen følger datakontrakten og kan leveres." in result.output
    assert (
        f"Registerkontroll ({REGION} 2025): leveransen som er lest inn, mot registeret slik det "
        "var 01.12.2026. Registerdataene er SYNTETISKE (eksempeldata), ikke "
        "Brønnøysundregistrenes." in result.output
    )
    # No organisation number in clear, not even the ones with a remark.
    assert not any(number in result.output for number in CASE_NUMBERS)


def test_the_summary_counts_checked_rows_and_remarks(sample_db):
    result = run_validate(sample_db, "--region", REGION)
    summary = next(x for x in result.output.splitlines() if x.startswith("Registerkontroll: "))
    assert summary == (
        "Registerkontroll: 36 rader kontrollert, 4 merknader; "
        "ikke kontrollert ennå: 0 rader (0 ikke i leveransen som er lest inn, 0 ikke slått opp "
        "i registeret etter registreringsdatoen)."
    )


def test_rows_of_another_year_are_not_checked_yet(sample_db):
    """Validated as 2026: that year's loaded delivery holds other businesses, so the 2025 rows
    are counted as not checked (not in the loaded delivery), with no remark."""
    result = CliRunner().invoke(
        validate,
        [str(ESTABLISHMENTS), "--kind", "establishments", "--year", "2026", "--region", REGION],
        env={"ETABLERER_DUCKDB_PATH": str(sample_db)},
    )
    assert "merknad:" not in result.output
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Registerkontroll: 0 rader kontrollert, 0 merknader; ikke kontrollert ennå: 36 rader "
        "(36 ikke i leveransen som er lest inn, 0 ikke slått opp i registeret etter "
        "registreringsdatoen)."
    )


def test_without_a_warehouse_the_check_is_skipped_and_the_exit_code_stays(tmp_path):
    missing = tmp_path / "none.duckdb"
    plain = run_validate(missing)
    with_region = run_validate(missing, "--region", REGION)
    assert plain.exit_code == with_region.exit_code == 0
    assert plain.output.splitlines()[-1] == (
        "Registerkontroll mot Enhetsregisteret hoppet over: ingen --region oppgitt (funnene "
        "gjelder en delregion og et år)."
    )
    assert with_region.output.splitlines()[-1] == (
        f"Registerkontroll mot Enhetsregisteret hoppet over: fant ikke datavarehuset {missing} "
        "(ETABLERER_DUCKDB_PATH)."
    )


def test_a_writers_lock_skips_the_check_and_never_fails_validation(tmp_path):
    db_path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(db_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run_validate(db_path, "--region", REGION)
    finally:
        holder.communicate("")
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert last.startswith(
        f"Registerkontroll mot Enhetsregisteret hoppet over: datavarehuset {db_path} er låst av "
        f"prosess {holder.pid} ("
    ), last
    assert "merknad:" not in result.output
    # The lock is gone with its holder; the file is an empty warehouse, not a broken one.
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("select 1").fetchone() == (1,)
