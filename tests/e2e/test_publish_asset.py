"""The `published_warehouse` asset materialised against a temporary warehouse, with dbt's real
manifest for the descriptions."""

import json

import dagster as dg
import duckdb

from orchestration.defs.common.resources import WarehouseResource
from tests.deliverables.warehouse_fixture import COUNTY_AMOUNT, build_live_warehouse


def test_the_asset_publishes_beside_the_warehouse_with_dbt_descriptions(tmp_path, dbt_manifest):
    from orchestration.defs.publish.assets import MART_KEYS, published_warehouse

    live = build_live_warehouse(tmp_path / "warehouse" / "etablerer.duckdb")
    result = dg.materialize(
        [published_warehouse],
        partition_key="2026",
        resources={"warehouse": WarehouseResource(duckdb_path=str(live))},
    )

    assert result.success
    metadata = result.asset_materializations_for_node("published_warehouse")[0].metadata
    published = tmp_path / "warehouse" / "published" / "etablerer_bi.duckdb"
    assert metadata["path"].value == str(published)
    assert metadata["storage_version"].value == "v1.0.0"
    assert metadata["rows"].value == {
        "dim_municipality": 3,
        "dim_region": 2,
        "fct_funding": 3,
        "fct_region_kpis": 2,
    }
    assert metadata["total_rows"].value == 10

    manifest = json.loads(dbt_manifest.read_text(encoding="utf-8"))
    dbt_description = " ".join(
        manifest["nodes"]["model.etablerer.fct_funding"]["description"].split()
    )
    with duckdb.connect(str(published), read_only=True) as con:
        described = con.execute(
            "select description from docs.tables where table_name = 'fct_funding'"
        ).fetchone()[0]
        amount = con.execute(
            "select amount_nok from marts.fct_funding where funder_id = '33' "
            "and region_id = 'ringeriksregionen'"
        ).fetchone()[0]
    assert described == dbt_description
    assert described.startswith("Årlig finansiering")
    assert amount == COUNTY_AMOUNT

    # Downstream of every dbt model in models/marts, and in the publish group.
    assert {key.path[-1] for key in MART_KEYS} >= {"fct_funding", "dim_region", "dim_municipality"}
    assert set(published_warehouse.asset_deps[dg.AssetKey("published_warehouse")]) == set(MART_KEYS)
    assert published_warehouse.group_names_by_key[dg.AssetKey("published_warehouse")] == "publish"
