"""No payout rests on a draft, an illustrative date or an open blocking finding (issue 18, must-show
1): the county's 128 672,50 for Ringeriksregionen becomes ready only once the agreement is
signed, the plan approval is recorded and Modum is resolved, all three by configuration. Signing
is a new version of the agreement: its own text, with its own sha256, checked by the agreement
check (here: checked clean), so the draft's findings no longer apply."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb

from ingestion.paths import DBT_PROJECT_DIR
from tests.e2e.dbt.conftest import DBT_EXECUTABLE

AGREEMENT = "buskerud_etablerer_2026_2028_ringeriksregionen"


def _edit_seed(seeds: Path, name: str, change) -> None:
    path = seeds / f"{name}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# The signed text: another document than the draft, checked clean by the agreement check.
SIGNED_TEXT_SHA256 = "5" * 64


def _signed(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row["agreement_id"] == AGREEMENT:
            row.update(
                agreement_status="signert",
                agreement_version="signert 20.11.2025",
                document_sha256=SIGNED_TEXT_SHA256,
                source_document="ringeriksregionen_2026-2028_signert.txt",
            )
    return rows


def _signatures(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row["agreement_id"] == AGREEMENT:
            row["signed_on"] = "2025-11-20"
    return rows


def _recorded_approval(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row["agreement_id"] == AGREEMENT and row["year"] == "2026":
            row.update(
                approved_date="2025-12-10", is_illustrative="false", note="Vedtak 10.12.2025"
            )
    return rows


def _modum_resolved(rows: list[dict]) -> list[dict]:
    decision = "Modum finansierer egen andel; ikke i fylkets grunnlag"
    return [
        *rows,
        {
            "agreement_id": AGREEMENT,
            "rule_id": "parties_in_population_basis",
            "subject_id": "3316",
            "resolved_on": "2025-12-01",
            "decision": decision,
        },
    ]


def _payouts(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select payout_month, amount_nok, status, blocked_reason, data_standing "
            "from marts.fct_payouts where agreement_id = ? and year = 2026 and funder_id = '33' "
            "order by payout_month",
            [AGREEMENT],
        ).fetchall()


def test_the_county_payout_is_ready_once_signed_approved_on_record_and_modum_resolved(
    sample_warehouse, tmp_path
):
    assert {row[2] for row in _payouts(sample_warehouse.db_path)} == {"blocked"}
    project = tmp_path / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
    )
    seeds = project / "seeds"
    db = tmp_path / "etablerer.duckdb"
    shutil.copyfile(sample_warehouse.db_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "insert into raw.agreement_checks values (?, ?, ?, now()::timestamp, 0, 0, null)",
            [AGREEMENT, "ringeriksregionen_2026-2028_signert.txt", SIGNED_TEXT_SHA256],
        )

    def build() -> list[tuple]:
        completed = subprocess.run(
            [
                str(DBT_EXECUTABLE),
                "build",
                "--select",
                "+fct_payouts",
                "--vars",
                json.dumps({"year": 2026}),
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(project),
                "--target-path",
                str(tmp_path / "target"),
                "--log-path",
                str(tmp_path / "target" / "logs"),
            ],
            env={**os.environ, "ETABLERER_DUCKDB_PATH": str(db)},
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout[-6000:]
        return _payouts(db)

    # Signed (its text checked clean) and approved on record: still blocked, by Modum alone.
    _edit_seed(seeds, "agreements", _signed)
    _edit_seed(seeds, "agreement_signatures", _signatures)
    _edit_seed(seeds, "agreement_plan_approvals", _recorded_approval)
    for _month, _amount, status, reason, _standing in build():
        assert status == "blocked"
        assert reason == (
            "Åpne blokkerende funn: parties_in_population_basis (§1, §6): Modum (3316) er part i "
            "avtalen, men er ikke med i befolkningsgrunnlaget for fylkeskommunens tilskudd. Avklar "
            "om grunnlaget eller partslisten er feil."
        )

    _edit_seed(seeds, "agreement_finding_resolutions", _modum_resolved)
    # The stated basis (46 790) governs and rests on the agreement's text: measured, although
    # the bundled SSB figures are synthetic.
    assert build() == [
        (1, Decimal("128672.50"), "ready", None, "measured"),
        (8, Decimal("128672.50"), "ready", None, "measured"),
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        resolved = con.execute(
            "select result, explanation from marts.fct_compliance where agreement_id = ? "
            "and year = 2026 and rule_id = 'parties_in_population_basis'",
            [AGREEMENT],
        ).fetchall()
    assert resolved[0][0] == "resolved"
    assert resolved[0][1].endswith(
        f"Avgjort {dt.date(2025, 12, 1):%d.%m.%Y}: Modum finansierer egen andel; ikke i fylkets "
        "grunnlag"
    )
