"""The register refresh on its own (weekly), with the register's dbt tables built from it; the
year's runs and the annual report's refresh it too (orchestration/defs/reports/jobs.py)."""

import dagster as dg

from orchestration.defs.dbt.assets import dbt_register_models

REGISTER = dg.AssetSelection.assets("raw_brreg__units")

brreg_units_job = dg.define_asset_job(
    name="brreg_units_job",
    selection=REGISTER | dg.AssetSelection.assets(dbt_register_models),
    description="Slår opp de koblede foretakene i Enhetsregisteret og laster observasjonen.",
)
