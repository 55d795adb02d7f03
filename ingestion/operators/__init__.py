"""Operator records: data contract, validation, pseudonymisation and loading of raw tables.

No Dagster here and no side effects at import time.
"""

from .api import (
    DELIVERY,
    SAMPLE,
    IngestError,
    IngestResult,
    delivery_files,
    ingest_deliveries,
    ingest_directories,
    ingest_directory,
    ingest_file,
)
from .contract import KINDS, REGIONS, detect_kind, load_contract
from .identifiers import PseudonymKeyMissing, is_valid_national_id, is_valid_org_number
from .readers import FileUnreadable
from .report import format_report
from .validation import ValidationReport, validate_file

__all__ = [
    "DELIVERY",
    "KINDS",
    "REGIONS",
    "SAMPLE",
    "FileUnreadable",
    "IngestError",
    "IngestResult",
    "PseudonymKeyMissing",
    "ValidationReport",
    "delivery_files",
    "detect_kind",
    "format_report",
    "ingest_deliveries",
    "ingest_directories",
    "ingest_directory",
    "ingest_file",
    "is_valid_national_id",
    "is_valid_org_number",
    "load_contract",
    "validate_file",
]
