"""The one entry point: every asset, check, job, schedule and sensor of the platform."""

import dagster as dg

from orchestration.defs.agreements.assets import raw_agreements
from orchestration.defs.agreements.jobs import agreement_check_job
from orchestration.defs.agreements.schedules import agreement_check_schedule
from orchestration.defs.brreg.assets import raw_brreg__units
from orchestration.defs.brreg.checks import brreg_freshness_checks
from orchestration.defs.brreg.jobs import brreg_units_job
from orchestration.defs.brreg.schedules import brreg_units_schedule
from orchestration.defs.brreg.sensors import brreg_freshness_sensor
from orchestration.defs.common.loggers import progress_logger
from orchestration.defs.common.resources import WarehouseResource
from orchestration.defs.common.sensors import run_failure_sensor
from orchestration.defs.dbt.assets import dbt_models, dbt_register_models, dbt_shared_models
from orchestration.defs.dbt.jobs import shared_models_job
from orchestration.defs.dbt.resources import dbt_resource
from orchestration.defs.operators.assets import raw_operators
from orchestration.defs.operators.jobs import operator_records_job
from orchestration.defs.operators.sensors import landing_sensor
from orchestration.defs.publish.assets import published_warehouse
from orchestration.defs.quality.checks import gx_checks
from orchestration.defs.reports.assets import report_assets
from orchestration.defs.reports.jobs import (
    activity_plan_job,
    annual_report_job,
    county_reports_job,
    payout_job,
    yearly_pipeline_job,
)
from orchestration.defs.reports.schedules import (
    activity_plan_schedule,
    annual_report_schedule,
    payout_august_schedule,
    payout_january_schedule,
)
from orchestration.defs.reports.sensors import region_years_built_sensor
from orchestration.defs.ssb.assets import raw_ssb
from orchestration.defs.ssb.jobs import ssb_population_job
from orchestration.defs.ssb.schedules import ssb_population_schedule

defs = dg.Definitions(
    assets=[
        raw_ssb,
        raw_brreg__units,
        raw_agreements,
        raw_operators,
        dbt_shared_models,
        dbt_register_models,
        dbt_models,
        *report_assets,
        published_warehouse,
    ],
    asset_checks=[*gx_checks, *brreg_freshness_checks],
    jobs=[
        ssb_population_job,
        brreg_units_job,
        agreement_check_job,
        shared_models_job,
        operator_records_job,
        yearly_pipeline_job,
        payout_job,
        annual_report_job,
        activity_plan_job,
        county_reports_job,
    ],
    schedules=[
        ssb_population_schedule,
        brreg_units_schedule,
        agreement_check_schedule,
        payout_january_schedule,
        payout_august_schedule,
        annual_report_schedule,
        activity_plan_schedule,
    ],
    sensors=[
        landing_sensor,
        region_years_built_sensor,
        run_failure_sensor,
        brreg_freshness_sensor,
    ],
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource},
    loggers={"progress": progress_logger, "console": dg.colored_console_logger},
    # One process: a step in process costs a small part of one in a subprocess of its own
    # (docs/performance.md), and DuckDB has a single writer anyway.
    executor=dg.in_process_executor,
)
