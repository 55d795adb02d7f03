"""The register refresh on its own (weekly); the year's runs and the annual report's refresh it
too (orchestration/defs/reports/jobs.py)."""

import dagster as dg

REGISTER = dg.AssetSelection.assets("raw_brreg__units")

brreg_units_job = dg.define_asset_job(
    name="brreg_units_job",
    selection=REGISTER,
    description="Slår opp de koblede foretakene i Enhetsregisteret og laster observasjonen.",
)
