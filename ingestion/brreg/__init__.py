"""Enhetsregisteret (Brønnøysundregistrene): client, archive, unit reader, raw loader, refresh.

Plain Python, no Dagster, no side effects at import. The table it writes, raw.brreg_units, is
described in docs/raw_tables.md; the bundled synthetic snapshot in data/sample/brreg/README.md.
"""

from ingestion.brreg.archive import ArchivedResponse, ArchiveError, read_archive
from ingestion.brreg.client import (
    BrregClient,
    BrregError,
    BrregUnavailableError,
    RegisterResponse,
)
from ingestion.brreg.load import UnitLoadError, load_units, read_brreg_units
from ingestion.brreg.refresh import RefreshResult, refresh_units
from ingestion.brreg.snapshot import SnapshotError
from ingestion.brreg.units import UnitReadError, absent_units, read_units
from ingestion.brreg.updates import UnitUpdate, fetch_updates, parse_update_page

__all__ = [
    "ArchiveError",
    "ArchivedResponse",
    "BrregClient",
    "BrregError",
    "BrregUnavailableError",
    "RefreshResult",
    "RegisterResponse",
    "SnapshotError",
    "UnitLoadError",
    "UnitReadError",
    "UnitUpdate",
    "absent_units",
    "fetch_updates",
    "load_units",
    "parse_update_page",
    "read_archive",
    "read_brreg_units",
    "read_units",
    "refresh_units",
]
