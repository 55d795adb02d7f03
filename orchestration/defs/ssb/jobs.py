"""The job that fetches SSB's population (table 01222)."""

import dagster as dg

ssb_population_job = dg.define_asset_job(
    name="ssb_population_job",
    selection=dg.AssetSelection.assets("raw_ssb__population"),
    description="Henter folketall fra SSB (kvartalsvis).",
)
