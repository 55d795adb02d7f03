"""The agreements the county has configured (dbt seed `agreements`), each checked from its text in
`data/agreements/`, loaded into raw.agreement_checks and raw.agreement_findings; dbt puts the
findings into fct_compliance, where a blocking one stops the agreement's payouts."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingestion.db import connect_writer

from .check import CheckReport, check_agreement
from .config import SEEDS_DIR, ConfigError
from .reader import AgreementUnreadable

CHECKS_DDL = """
create table if not exists raw.agreement_checks (
    agreement_id varchar, source_document varchar, document_sha256 varchar, checked_at timestamp,
    n_findings integer, n_blocking integer, error varchar
)"""
FINDINGS_DDL = """
create table if not exists raw.agreement_findings (
    agreement_id varchar, document_sha256 varchar, finding_id varchar, rule_id varchar,
    clause varchar, severity varchar, message varchar, action varchar, evidence varchar,
    line integer
)"""


@dataclass(frozen=True)
class AgreementCheck:
    """One configured agreement's text, checked; `error` when it could not be read."""

    agreement_id: str
    source_document: str
    report: CheckReport | None
    error: str | None = None


def check_configured_agreements(
    documents_dir: Path, seeds_dir: Path = SEEDS_DIR
) -> list[AgreementCheck]:
    """Every agreement in the seeds whose `source_document` is a file in `documents_dir`: an
    illustrative agreement has no text, so nothing to check."""
    with (Path(seeds_dir) / "agreements.csv").open(encoding="utf-8") as fh:
        agreements = list(csv.DictReader(fh))
    checks = []
    for agreement in agreements:
        path = Path(documents_dir) / agreement["source_document"]
        if not path.is_file():
            continue
        try:
            report = check_agreement(path, seeds_dir=seeds_dir)
        except (AgreementUnreadable, ConfigError) as exc:
            checks.append(AgreementCheck(agreement["agreement_id"], path.name, None, str(exc)))
            continue
        checks.append(AgreementCheck(agreement["agreement_id"], path.name, report))
    return checks


def load_agreement_checks(db_path: Path, checks: list[AgreementCheck]) -> int:
    """Replace both tables with `checks` in one transaction; returns the number of findings."""
    now = datetime.now(UTC).replace(tzinfo=None)
    check_rows, finding_rows = [], []
    for check in checks:
        report = check.report
        findings = report.findings if report is not None else ()
        sha256 = report.document.sha256 if report is not None else None
        blocking = sum(f.severity == "blokkerer_utbetaling" for f in findings)
        check_rows.append(
            (check.agreement_id, check.source_document, sha256, now, len(findings), blocking,
             check.error)
        )  # fmt: skip
        finding_rows += [
            (check.agreement_id, f.document_sha256, f.finding_id, f.rule_id, f.clause, f.severity,
             f.message_no, f.action_no, f.evidence, f.line)
            for f in findings
        ]  # fmt: skip
    with connect_writer(Path(db_path)) as con:
        con.execute("create schema if not exists raw")
        con.execute(CHECKS_DDL)
        con.execute(FINDINGS_DDL)
        con.execute("begin transaction")
        try:
            con.execute("delete from raw.agreement_checks")
            con.execute("delete from raw.agreement_findings")
            if check_rows:
                con.executemany(
                    "insert into raw.agreement_checks values (?, ?, ?, ?, ?, ?, ?)", check_rows
                )
            if finding_rows:
                con.executemany(
                    "insert into raw.agreement_findings values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    finding_rows,
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return len(finding_rows)
