"""The shared dbt models (seeds, dims, the views on SSB and the agreements) on their own: built
when missing or changed, by `etablerer run` before a year's runs, or from the UI."""

import dagster as dg

from orchestration.defs.dbt.assets import dbt_shared_models

shared_models_job = dg.define_asset_job(
    name="shared_models_job",
    selection=dg.AssetSelection.assets(dbt_shared_models),
    description="Seeds, dimensjoner og visningene på SSB og avtalene: bygges når de mangler "
    "eller koden er endret.",
)
