"""`etablerer explain`: the whole chain behind the county's 2026 amount for Ringeriksregionen, on
the warehouse of the session's sample pipeline (tests/conftest.py `sample_pipeline`)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from deliverables.formatting import parse_number
from tests.helpers import run_etablerer

CHAIN = ["explain", "funding", "--region", "ringeriksregionen", "--year", "2026", "--funder", "33"]
BASIS_CODES = ("3305", "3310", "3318")


def _warehouse(sample_pipeline: dict) -> Path:
    assert sample_pipeline["completed"].returncode == 0, sample_pipeline["completed"].stdout[-2000:]
    return Path(sample_pipeline["env"]["ETABLERER_DUCKDB_PATH"])


@pytest.fixture(scope="module")
def explained(sample_pipeline) -> str:
    _warehouse(sample_pipeline)
    completed = run_etablerer(CHAIN, sample_pipeline["env"])
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_explain_funding_prints_the_chain_from_cells_to_payouts(explained, sample_pipeline):
    """46 790 as three municipalities' SSB cells, each with its response hash and fetch time;
    then × 5,50 = 257 345,00; then the two halves of 128 672,50."""
    with duckdb.connect(str(_warehouse(sample_pipeline)), read_only=True) as con:
        cells = dict(
            con.execute(
                "select region_code, response_sha256 from raw.ssb_population "
                "where table_id = '01222' and contents_code = 'Folketallet11' "
                "and period = '2025K1' and region_code in (?, ?, ?)",
                list(BASIS_CODES),
            ).fetchall()
        )
    lines = explained.splitlines()
    cell_lines = [line for line in lines if re.match(r"\s+33(05|10|18) ", line)]
    assert [line.split()[0] for line in cell_lines] == list(BASIS_CODES)
    for line in cell_lines:
        code = line.split()[0]
        assert f"SSB-svar sha256 {cells[code][:12]}" in line
        assert "hentet " in line and "[syntetiske tall]" in line
    shown = [parse_number(re.search(r"\s(\d[\d ]*\d)\s+SSB-svar", line)[1]) for line in cell_lines]
    assert sum(shown) == Decimal("46790")

    text = explained
    positions = [
        text.index("SSB-tabell 01222, Folketallet11, 2025K1"),
        text.index(cell_lines[0]),
        text.index("Sum SSB, 3 kommuner      46 790"),
        text.index("46 790, avtalens oppgitte tall (§6)"),
        text.index("3. Sats: 5,50 kr per innbygger (§6)."),
        text.index("4. Beregning: 46 790 × 5,50 = 257 345,00 kr  [målt]"),
        text.index("Avtaleperioden 2026–2028: 772 035,00 kr i alt."),
        text.index("5. Utbetalinger (§7): 2 × 128 672,50 kr"),
        text.index("januar, forfall 31.01.2026: 128 672,50 kr – stoppet"),
        text.index("august, forfall 31.08.2026: 128 672,50 kr – stoppet"),
        text.index("6. Funn i fct_compliance"),
    ]
    assert positions == sorted(positions)
    assert (
        "avtaletekstens sha256 68a27e1efee8f5d78930ec04a951dc8df7d63f784688383e7d200f5d5ecb8585"
        in text
    )
    assert "versjon «utkast (seed 000_357c578be99c7c2f)»" in text


def test_explain_names_the_findings_that_block_the_payouts(explained):
    # explanations are wrapped at 100 characters: compare the words
    findings = " ".join(explained[explained.index("6. Funn i fct_compliance") :].split())
    for rule in ("agreement_signed", "parties_in_population_basis", "plan_approved_before_payout"):
        assert f"- {rule} (" in findings
    assert "blokkerer utbetaling: ikke oppfylt" in findings
    assert "datoen 15.12.2025 er illustrativ" in findings
    # a remark outside the money clauses (§11's legal reference) is not about this amount
    assert "malformed_legal_reference" not in findings


def test_explain_payout_shows_one_month(sample_pipeline):
    _warehouse(sample_pipeline)
    args = ["explain", "payout", *CHAIN[2:], "--month", "8"]
    completed = run_etablerer(args, sample_pipeline["env"])
    assert completed.returncode == 0, completed.stderr
    assert "august, forfall 31.08.2026: 128 672,50 kr – stoppet" in completed.stdout
    assert "januar, forfall" not in completed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "nordland", "--year", "2026", "--funder", "33"], "Ukjent region «nordland»"),
        (
            ["--region", "ringeriksregionen", "--year", "2031", "--funder", "33"],
            "Ukjent år «2031» for Ringeriksregionen. Kjente: 2026, 2027, 2028.",
        ),
        (
            ["--region", "ringeriksregionen", "--year", "2026", "--funder", "3301"],
            "Ukjent finansierende part «3301» i Ringeriksregionen 2026.",
        ),
    ],
)
def test_explain_unknown_input_exits_2_in_norwegian(sample_pipeline, args, message):
    _warehouse(sample_pipeline)
    completed = run_etablerer(["explain", "funding", *args], sample_pipeline["env"])
    assert completed.returncode == 2
    assert message in completed.stderr


def test_explain_without_a_warehouse_exits_2(sample_pipeline, tmp_path):
    env = {**sample_pipeline["env"], "ETABLERER_DUCKDB_PATH": str(tmp_path / "mangler.duckdb")}
    completed = run_etablerer(CHAIN, env)
    assert completed.returncode == 2
    assert f"Fant ikke datavarehuset {tmp_path / 'mangler.duckdb'}" in completed.stderr


def test_agreement_amounts_and_lineage_marts_on_the_sample(sample_pipeline):
    """The marts explain reads: the agreement's own table (three years of 257 345,00, 772 035,00
    for the period, the basis fixed at 2025K1 and the stated figure governing), and the lineage's
    three cells for the county's 2026 amount."""
    with duckdb.connect(str(_warehouse(sample_pipeline)), read_only=True) as con:
        amounts = con.execute(
            "select year, population_basis_period, population, basis_population_source, "
            "amount_nok, period_total_nok, status from marts.fct_agreement_amounts "
            "where region_id = 'ringeriksregionen' and funder_id = '33' order by year"
        ).fetchall()
        blank_rate = con.execute(
            "select count(*), count(amount_nok), count(period_total_nok) "
            "from marts.fct_agreement_amounts where region_id = 'ringeriksregionen' "
            "and status = 'rate_missing'"
        ).fetchone()
        lineage = con.execute(
            "select municipality_code, population_table_id, population_contents_code, "
            "population_period, sum(municipality_population) over (), population, amount_nok "
            "from marts.fct_funding_lineage where region_id = 'ringeriksregionen' "
            "and funder_id = '33' and year = 2026 order by municipality_code"
        ).fetchall()
    county = ("2025K1", 46790, "avtale", Decimal("257345.00"), Decimal("772035.00"), "ok")
    assert amounts == [(year, *county) for year in (2026, 2027, 2028)]
    # six funders with blank rates, three years each: missing, never zero
    assert blank_rate == (18, 0, 0)
    assert lineage == [
        (code, "01222", "Folketallet11", "2025K1", 46790, 46790, Decimal("257345.00"))
        for code in BASIS_CODES
    ]
