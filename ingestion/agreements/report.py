"""The report, as Norwegian text for people and as JSON for the pipeline."""

from __future__ import annotations

import json

from .check import CheckReport
from .findings import BLOCKS_PAYOUT, REMARK


def format_text(report: CheckReport) -> str:
    document = report.document
    lines = [
        f"Avtalekontroll: {document.path.name} ({document.file_format}, sha256 "
        f"{document.sha256[:12]}…)",
        _config_line(report),
        "Avtaleperiode: "
        + (f"{report.period[0]}–{report.period[1]}" if report.period else "ikke funnet"),
        "",
    ]
    if not report.findings:
        lines.append("Ingen funn: teksten har ingen av feilene kontrollen ser etter.")
        return "\n".join(lines) + "\n"
    blocking, remarks = report.count(BLOCKS_PAYOUT), report.count(REMARK)
    lines.append(
        f"{len(report.findings)} funn: {blocking} blokkerer utbetaling, {remarks} "
        f"{'merknad' if remarks == 1 else 'merknader'}."
    )
    for finding in report.findings:
        where = finding.clause + (f", linje {finding.line}" if finding.line else "")
        lines += [
            "",
            f"[{finding.severity}] {where} ({finding.rule_id})",
            f"  Feil: {finding.message_no}",
            f"  Gjør: {finding.action_no}",
        ]
        if finding.evidence:
            lines.append(f"  Sitat: «{finding.evidence}»")
    return "\n".join(lines) + "\n"


def _config_line(report: CheckReport) -> str:
    config = report.config
    if config is None:
        return (
            "Konfigurasjon: ingen (verken --config eller en avtale i dbt-seedene passer); bare "
            "teksten er kontrollert"
        )
    illustrative = " (ILLUSTRATIV)" if config.is_illustrative else ""
    return f"Konfigurasjon: {config.agreement_id}{illustrative} fra {config.source}"


def to_json(report: CheckReport) -> str:
    document, config = report.document, report.config
    payload = {
        "document": {
            "file": document.path.name,
            "path": str(document.path),
            "format": document.file_format,
            "sha256": document.sha256,
        },
        "agreement_id": config.agreement_id if config else None,
        "config_source": config.source if config else None,
        "config_is_illustrative": config.is_illustrative if config else None,
        "period": {"from": report.period[0], "to": report.period[1]} if report.period else None,
        "summary": {
            BLOCKS_PAYOUT: report.count(BLOCKS_PAYOUT),
            REMARK: report.count(REMARK),
            "exit_code": report.exit_code,
        },
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
