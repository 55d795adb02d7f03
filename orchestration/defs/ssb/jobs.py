"""The job that fetches SSB's tables (population 01222 and 07459, new enterprises 08316)."""

import dagster as dg

ssb_population_job = dg.define_asset_job(
    name="ssb_population_job",
    selection=dg.AssetSelection.assets("raw_ssb__population", "raw_ssb__enterprise_survival"),
    description="Henter folketall fra SSB (kvartalsvis).",
)
