"""The job a delivery starts: the region-year's files, and what is built from them."""

import dagster as dg

from orchestration.defs.brreg.jobs import REGISTER
from orchestration.defs.common.partitions import COUNTY_YEAR_ASSETS, year_region_partitions
from orchestration.defs.operators.assets import raw_operators

operator_records_job = dg.define_asset_job(
    name="operator_records_job",
    # The county's year-level files follow through region_years_built_sensor. The register is
    # not looked up for every delivery: the weekly schedule and the report runs do it.
    selection=dg.AssetSelection.assets(raw_operators).downstream() - COUNTY_YEAR_ASSETS - REGISTER,
    partitions_def=year_region_partitions,
    description="Laster en regions filer for et år og bygger alt som avhenger av dem.",
)
