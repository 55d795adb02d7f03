"""Resources shared by the domains."""

from pathlib import Path

import dagster as dg

from ingestion import paths

# DuckDB allows one writing process at a time. Every asset that writes the warehouse runs in this
# pool, whose limit is 1 (see dagster.yaml).
DUCKDB_WRITER_POOL = "duckdb_writer"


class WarehouseResource(dg.ConfigurableResource):
    """Where the live DuckDB warehouse and its side folders are. Defaults come from ingestion.paths,
    read at run time, so env overrides (ETABLERER_DUCKDB_PATH, ...) apply."""

    duckdb_path: str | None = None

    @property
    def db_path(self) -> Path:
        return Path(self.duckdb_path) if self.duckdb_path else paths.warehouse_path()

    @property
    def archive_dir(self) -> Path:
        return paths.archive_dir()

    @property
    def reports_dir(self) -> Path:
        return paths.reports_dir()

    @property
    def gx_docs_dir(self) -> Path:
        return self.db_path.parent / "gx_docs"
