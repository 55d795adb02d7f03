"""SSB tables: fetched (or taken from the bundled snapshot), archived verbatim, loaded raw.

One step fetches every configured query and writes two raw tables, one asset each (as
raw_agreements does): population (01222, 07459) in raw.ssb_population, and new enterprises'
survival (08316) in raw.ssb_enterprise_survival."""

import os

import dagster as dg

from ingestion import ssb
from ingestion.ssb.survival import SURVIVAL_TABLE_IDS
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource


class SsbFetchConfig(dg.Config):
    """`offline: true` uses the bundled snapshot. Left unset, the asset goes online only when
    ETABLERER_SSB_ONLINE=1, so nothing reaches the internet by default."""

    offline: bool | None = None


SSB_TABLES = {
    "raw_ssb__population": (
        "SSB tables 01222 and 07459 (PxWebApi v2, JSON-stat2) in raw.ssb_population."
    ),
    "raw_ssb__enterprise_survival": (
        "SSB table 08316 (new enterprises and their survival, PxWebApi v2, JSON-stat2) in "
        "raw.ssb_enterprise_survival."
    ),
}


@dg.multi_asset(
    name="raw_ssb",
    specs=[
        dg.AssetSpec(key, group_name="raw", kinds={"python", "duckdb"}, description=description)
        for key, description in SSB_TABLES.items()
    ],
    pool=DUCKDB_WRITER_POOL,
)
def raw_ssb(
    context: dg.AssetExecutionContext, config: SsbFetchConfig, warehouse: WarehouseResource
):
    offline = config.offline
    if offline is None:
        offline = os.environ.get("ETABLERER_SSB_ONLINE") != "1"
    responses = ssb.fetch_population(offline=offline, archive_dir=warehouse.archive_dir / "ssb")
    result = ssb.load_ssb(warehouse.db_path, responses)
    context.log.info(f"SSB: {len(responses)} svar lastet ({'offline' if offline else 'online'})")
    for asset_key, load, is_survival in (
        ("raw_ssb__population", result.population, False),
        ("raw_ssb__enterprise_survival", result.survival, True),
    ):
        these = [r for r in responses if (r.table_id in SURVIVAL_TABLE_IDS) == is_survival]
        yield dg.MaterializeResult(
            asset_key=asset_key,
            metadata={
                **load.as_metadata(),
                "mode": "offline snapshot" if offline else "online",
                "synthetic": any(r.is_synthetic for r in these),
                "responses": dg.MetadataValue.json(
                    [{"table": r.table_id, "sha256": r.sha256, "url": r.url} for r in these]
                ),
            },
        )
