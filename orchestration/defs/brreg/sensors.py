"""The register's freshness check evaluated between refreshes, so the UI shows its age grow."""

import warnings

import dagster as dg

from orchestration.defs.brreg.checks import brreg_freshness_checks

with warnings.catch_warnings():
    warnings.simplefilter("ignore", dg.SupersessionWarning)  # see checks.py
    brreg_freshness_sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=brreg_freshness_checks, name="brreg_freshness_sensor"
    )
