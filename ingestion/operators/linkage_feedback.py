"""The register check of `etablerer validate --region`: the linkage findings (dbt's
`intermediate.int_linkage_findings`) of the rows of an establishments file, as remarks (merknad).

The rules live in dbt; this module only reads the view. The view holds the region-year's
*loaded* delivery against the register's latest observation, so a row is checked when its
business is in that delivery and has been looked up in the register; other rows are counted as
not checked yet. Findings never stop a delivery and never change validate's exit code.

The organisation number is not printed, not even in part: the report masks every organisation
number it prints (`mask_expr`, pii `org_number`), because an ENK's number names its owner and the
feedback is pasted into e-mails and tickets. The row number finds it in the operator's own file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ingestion.db import is_lock_error, lock_holder

from .identifiers import PseudonymKeyMissing, business_keys, load_pseudonym_key

FINDINGS_VIEW = "intermediate.int_linkage_findings"
_COLUMNS = (
    "business_key",
    "is_checked",
    "register_status",
    "register_observed_on",
    "register_standing",
    "is_not_in_register",
    "is_registration_date_off",
    "is_org_form_different",
    "is_nace_different",
    "reported_registration_date",
    "register_registration_date",
    "registration_date_difference_days",
    "reported_org_form",
    "register_org_form",
    "reported_nace_code",
    "register_nace_code",
)


@dataclass(frozen=True)
class RowRemark:
    line: int
    finding_kind: str  # not_in_register, registration_date_off, org_form_differs, nace_differs
    message: str


@dataclass
class LinkageFeedback:
    region_id: str | None
    year: int
    skipped: str | None = None  # why the check did not run (Norwegian), else None
    remarks: list[RowRemark] = field(default_factory=list)
    rows_checked: int = 0
    rows_not_loaded: int = 0  # the business is not in the loaded delivery of the region-year
    rows_not_looked_up: int = 0  # loaded, but not looked up in the register since its date
    observed_on: date | None = None
    is_synthetic: bool = False


def _no_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value is not None else "(ingen)"


def _remarks(row: dict) -> list[tuple[str, str]]:
    found = []
    if row["is_not_in_register"]:
        where = (
            "er fjernet fra Enhetsregisteret"
            if row["register_status"] == "removed"
            else "finnes ikke i Enhetsregisteret"
        )
        found.append(("not_in_register", f"organisasjonsnummeret {where}"))
    if row["is_registration_date_off"]:
        days = row["registration_date_difference_days"]
        side = "før" if days < 0 else "etter"
        found.append(
            (
                "registration_date_off",
                f"registreringsdato {_no_date(row['reported_registration_date'])} er "
                f"{abs(days)} dager fra registerets {_no_date(row['register_registration_date'])} "
                f"(registeret {abs(days)} dager {side}; mer enn 30 dager er en merknad)",
            )
        )
    if row["is_org_form_different"]:
        found.append(
            (
                "org_form_differs",
                f"organisasjonsform {row['reported_org_form']}, i registeret: "
                f"{row['register_org_form']}",
            )
        )
    if row["is_nace_different"]:
        found.append(
            (
                "nace_differs",
                f"næringskode {row['reported_nace_code']}, i registeret: "
                f"{row['register_nace_code']}",
            )
        )
    return found


def _read_findings(db_path: Path, region_id: str, year: int) -> dict[str, dict] | str:
    """The view's rows for (region, year) by business key, or why they cannot be read
    (Norwegian)."""
    if not db_path.is_file():
        return f"fant ikke datavarehuset {db_path} (ETABLERER_DUCKDB_PATH)"
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.IOException as exc:
        if is_lock_error(exc):
            return (
                f"datavarehuset {db_path} er låst av {lock_holder(str(exc))} (en kjøring eller "
                "innlesing pågår); kontroller på nytt når den er ferdig"
            )
        return f"datavarehuset {db_path} kan ikke åpnes ({exc})"
    try:
        found = con.execute(
            f"select {', '.join(_COLUMNS)} from {FINDINGS_VIEW} where region_id = ? and year = ?",
            [region_id, year],
        ).fetchall()
    except duckdb.CatalogException:
        return (
            f"datavarehuset {db_path} har ikke registerkoblingen ({FINDINGS_VIEW}); kjør "
            "pipelinen (dbt) først"
        )
    finally:
        con.close()
    return {row[0]: dict(zip(_COLUMNS, row, strict=True)) for row in found}


def check_linkage(
    rows: pl.DataFrame, *, region_id: str | None, year: int, db_path: Path
) -> LinkageFeedback:
    """The register remarks for `rows` (columns `line` and `org_number`, the file's valid rows)
    from the warehouse at `db_path`, opened read-only. Never raises for a missing region, key or
    warehouse, or a writer's lock: the feedback then says the check was skipped, and why."""
    feedback = LinkageFeedback(region_id=region_id, year=year)
    if region_id is None:
        feedback.skipped = "ingen --region oppgitt (funnene gjelder en delregion og et år)"
        return feedback
    if rows.height == 0:
        feedback.skipped = "filen har ingen godkjente rader"
        return feedback
    try:
        secret = load_pseudonym_key()
    except PseudonymKeyMissing as exc:
        feedback.skipped = f"mangler nøkkelen for pseudonymer ({exc})"
        return feedback
    findings = _read_findings(Path(db_path), region_id, year)
    if isinstance(findings, str):
        feedback.skipped = findings
        return feedback

    numbers = rows.get_column("org_number").unique().to_list()
    keys = dict(zip(numbers, business_keys(secret, numbers), strict=True))
    checked = [row for row in findings.values() if row["is_checked"]]
    feedback.observed_on = max((row["register_observed_on"] for row in checked), default=None)
    feedback.is_synthetic = any(row["register_standing"] == "synthetic" for row in checked)
    for line, number in rows.sort("line").select("line", "org_number").iter_rows():
        row = findings.get(keys[number])
        if row is None:
            feedback.rows_not_loaded += 1
        elif not row["is_checked"]:
            feedback.rows_not_looked_up += 1
        else:
            feedback.rows_checked += 1
            feedback.remarks += [RowRemark(line, k, m) for k, m in _remarks(row)]
    return feedback


def format_linkage_feedback(feedback: LinkageFeedback, *, display_name: str) -> str:
    """The register section of validate's report, in Norwegian."""
    if feedback.skipped is not None:
        return f"Registerkontroll mot Enhetsregisteret hoppet over: {feedback.skipped}.\n"
    standing = (
        " Registerdataene er SYNTETISKE (eksempeldata), ikke Brønnøysundregistrenes."
        if feedback.is_synthetic
        else ""
    )
    basis = (
        f"registeret slik det var {_no_date(feedback.observed_on)}"
        if feedback.observed_on is not None
        else "registeret (ingen av radene er slått opp ennå)"
    )
    lines = [
        f"Registerkontroll ({feedback.region_id} {feedback.year}): leveransen som er lest inn, "
        f"mot {basis}.{standing}",
        "Merknader stopper ikke leveransen; organisasjonsnummeret vises ikke (det kan peke på en "
        "person), se raden i filen.",
    ]
    for remark in feedback.remarks:
        lines.append(f"{display_name}, rad {remark.line}: merknad: {remark.message}")
    not_checked = feedback.rows_not_loaded + feedback.rows_not_looked_up
    lines.append(
        f"Registerkontroll: {feedback.rows_checked} rader kontrollert, "
        f"{len(feedback.remarks)} merknader; ikke kontrollert ennå: {not_checked} rader "
        f"({feedback.rows_not_loaded} ikke i leveransen som er lest inn, "
        f"{feedback.rows_not_looked_up} ikke slått opp i registeret etter registreringsdatoen)."
    )
    return "\n".join(lines) + "\n"


__all__ = ["LinkageFeedback", "RowRemark", "check_linkage", "format_linkage_feedback"]
