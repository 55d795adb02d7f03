"""How old the register data is: the newest day the register was read, not when it was loaded.

The GX suite on the data (share of linked numbers found, no clear number or name, no day in the
future) is in orchestration/defs/quality/checks.py with the other suites, blocking."""

import warnings
from datetime import timedelta

import dagster as dg

# A day observed is taken at its start, and the weekly refresh comes early on the seventh day
# after: the check fails once the newest observation is more than a week old by date.
REGISTER_MAX_AGE = timedelta(days=8)

with warnings.catch_warnings():
    # Dagster 1.12 superseded these checks by FreshnessPolicy, which measures the time of the
    # last materialization. The register's age is the day it was read (a synthetic snapshot is
    # dated), which only the checks read, from `dagster/last_updated_timestamp`.
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    brreg_freshness_checks = dg.build_last_update_freshness_checks(
        assets=["raw_brreg__units"],
        lower_bound_delta=REGISTER_MAX_AGE,
        timezone="Europe/Oslo",
        # A warning, not a stop: the refresh before the annual report fails the run itself when
        # the register cannot be read, and the bundled sample is old by design.
        severity=dg.AssetCheckSeverity.WARN,
    )
