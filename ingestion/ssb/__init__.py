"""SSB: PxWebApi v2 client, JSON-stat2 parser, archive, offline snapshot, raw loaders.

Population (tables 01222 and 07459) goes to raw.ssb_population; new enterprises and their survival
(table 08316) to raw.ssb_enterprise_survival; `load_ssb` loads both.

Plain Python, no Dagster, no side effects at import. docs/raw_tables.md describes the tables.
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
    SsbLoadResult,
    load_population,
    load_ssb,
    raw_rows,
    read_population,
)
from ingestion.ssb.survival import (
    SurvivalLoadError,
    SurvivalLoadResult,
    load_enterprise_survival,
    read_enterprise_survival,
    survival_rows,
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
    "SsbLoadResult",
    "SsbQueryError",
    "SsbUnavailableError",
    "SurvivalLoadError",
    "SurvivalLoadResult",
    "fetch_population",
    "load_enterprise_survival",
    "load_population",
    "load_ssb",
    "parse_jsonstat2",
    "raw_rows",
    "read_archive",
    "read_enterprise_survival",
    "read_population",
    "survival_rows",
]
