"""Operator records: data contract, validation, pseudonymisation and loading of raw tables.

No Dagster here and no side effects at import time.
"""

from .api import (
    DELIVERY,
    SAMPLE,
    IngestError,
    IngestResult,
    delivery_files,
    detect_kind,
    ingest_deliveries,
    ingest_directories,
    ingest_directory,
    ingest_file,
)
from .contract import KINDS, REGIONS, load_contract
from .identifiers import PseudonymKeyMissing, is_valid_national_id, is_valid_org_number
from .readers import FileUnreadable
from .validation import ValidationReport, validate_file


def sample_identifiers(sample_dir):
    """Clear identifiers, names, e-mails and phones in the sample inputs (see samplegen)."""
    from .samplegen import sample_identifiers as _sample_identifiers

    return _sample_identifiers(sample_dir)


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
    "ingest_deliveries",
    "ingest_directories",
    "ingest_directory",
    "ingest_file",
    "is_valid_national_id",
    "is_valid_org_number",
    "load_contract",
    "sample_identifiers",
    "validate_file",
]
