"""SSB population: PxWebApi v2 client, JSON-stat2 parser, archive, offline snapshot, raw loader.

Plain Python, no Dagster, no side effects at import. See docs/raw_tables.md for the table it writes.
"""

from ingestion.ssb.archive import ArchivedResponse, read_archive
from ingestion.ssb.client import (
    FetchedResponse,
    PxWebClient,
    SsbError,
    SsbQueryError,
    SsbUnavailableError,
)
from ingestion.ssb.fetch import SnapshotError, fetch_population
from ingestion.ssb.jsonstat import JsonStatError, parse_jsonstat2
from ingestion.ssb.load import (
    PopulationLoadError,
    PopulationLoadResult,
    load_population,
    raw_rows,
    read_population,
)

__all__ = [
    "ArchivedResponse",
    "FetchedResponse",
    "JsonStatError",
    "PopulationLoadError",
    "PopulationLoadResult",
    "PxWebClient",
    "SnapshotError",
    "SsbError",
    "SsbQueryError",
    "SsbUnavailableError",
    "fetch_population",
    "load_population",
    "parse_jsonstat2",
    "raw_rows",
    "read_archive",
    "read_population",
]
