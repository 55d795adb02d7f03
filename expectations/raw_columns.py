"""Required columns and accepted codes of the raw operator tables, per docs/raw_tables.md.

This mirrors the raw-layer contract rather than importing `ingestion/operators/contract.yaml`,
so a suite checks what the raw tables promise dbt, whatever the loader does; a test compares
the two.
"""

from __future__ import annotations

# Columns that must never be null, per kind (lineage columns are added for every kind).
REQUIRED: dict[str, tuple[str, ...]] = {
    "clients": (
        "client_key", "municipality_code", "sex", "birth_year", "immigrant_background",
        "first_contact_date", "referred_by", "has_email", "has_phone",
    ),
    "activities": (
        "activity_id", "client_key", "activity_date", "activity_type", "channel", "hours",
    ),
    "courses": (
        "course_id", "course_type", "title", "start_date", "end_date", "fee_nok",
        "target_group", "municipality_code", "channel",
    ),
    "establishments": ("client_key", "business_key", "registration_date", "org_form", "nace_code"),
    "survey_responses": ("response_id", "response_date", "question_id", "scale", "score"),
    "finance": ("record_type", "category", "amount_nok"),
    "activity_plan": ("target_id", "planned_value", "submitted_date"),
}  # fmt: skip

# Columns required only on some rows: column -> (condition column, condition value).
REQUIRED_WHEN: dict[str, dict[str, tuple[str, str]]] = {
    "activities": {
        "course_id": ("activity_type", "kurs"),
        "event_id": ("activity_type", "nettverk"),
        "referred_to": ("activity_type", "henvisning"),
    },
}

LINEAGE: tuple[str, ...] = ("source_file", "source_sha256", "source_line", "loaded_at")

# Accepted codes, per kind and column.
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "clients": {
        "sex": ("K", "M", "U"),
        "referred_by": (
            "selv", "nav", "kommune", "innovasjon_norge", "bank", "regnskapsforer", "annet",
        ),
    },
    "activities": {
        "activity_type": (
            "veiledning", "kurs", "nettverk", "henvisning", "naeringsfaglig_vurdering", "mentor",
        ),
        "channel": ("fysisk", "digital"),
        "referred_to": ("innovasjon_norge", "nav", "naeringsliv", "annet"),
    },
    "courses": {
        "course_type": ("grunnkurs", "temakurs"),
        "target_group": ("alle", "innvandrere", "kvinner", "ungdom"),
        "channel": ("fysisk", "digital"),
    },
    "establishments": {"org_form": ("ENK", "AS", "ANS", "DA", "SA", "NUF")},
    "survey_responses": {
        "question_id": ("fornoyd", "anbefale", "nytte_veiledning", "nytte_kurs"),
        "scale": ("1-5", "0-10"),
    },
    "finance": {
        "record_type": ("regnskap", "budsjett"),
        "category": (
            "lonn", "lokaler", "kurs", "markedsforing", "reise", "administrasjon", "annet",
            "inntekt_egenandel", "inntekt_tilskudd",
        ),
    },
    "activity_plan": {
        "target_id": (
            "unike_klienter", "nye_klienter", "veiledningstimer", "grunnkurs", "temakurs",
            "kursdeltakere", "nyetableringer", "nettverkssamlinger", "brukerundersokelse_svar",
        ),
    },
}  # fmt: skip
