"""SSB tables: fetched (or taken from the bundled snapshot), archived verbatim, loaded raw.

One asset fetches every configured query: population (01222, 07459) into raw.ssb_population, and
new enterprises' survival (08316) into raw.ssb_enterprise_survival, whose dbt source names this
asset as its upstream."""

import os

import dagster as dg

from ingestion import ssb
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource


class SsbFetchConfig(dg.Config):
    """`offline: true` uses the bundled snapshot. Left unset, the asset goes online only when
    ETABLERER_SSB_ONLINE=1, so nothing reaches the internet by default."""

    offline: bool | None = None


@dg.asset(
    key="raw_ssb__population",
    group_name="raw",
    kinds={"python", "duckdb"},
    pool=DUCKDB_WRITER_POOL,
    description=(
        "SSB tables 01222 and 07459 (PxWebApi v2, JSON-stat2) in raw.ssb_population, and 08316 "
        "(new enterprises' survival) in raw.ssb_enterprise_survival."
    ),
)
def raw_ssb__population(
    context: dg.AssetExecutionContext, config: SsbFetchConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    offline = config.offline
    if offline is None:
        offline = os.environ.get("ETABLERER_SSB_ONLINE") != "1"
    responses = ssb.fetch_population(offline=offline, archive_dir=warehouse.archive_dir / "ssb")
    result = ssb.load_ssb(warehouse.db_path, responses)
    context.log.info(f"SSB: {len(responses)} svar lastet ({'offline' if offline else 'online'})")
    return dg.MaterializeResult(
        metadata={
            **result.as_metadata(),
            "mode": "offline snapshot" if offline else "online",
            "synthetic": any(r.is_synthetic for r in responses),
            "responses": dg.MetadataValue.json(
                [{"table": r.table_id, "sha256": r.sha256, "url": r.url} for r in responses]
            ),
        }
    )
