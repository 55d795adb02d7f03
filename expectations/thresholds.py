"""Every threshold and accepted set the suites use, in one place.

Change a limit here, never in a suite. Each value says why it is what it is.
"""

from __future__ import annotations

import os
from decimal import Decimal

# --- SSB population (raw.ssb_population) ------------------------------------------------------

# Municipality codes valid from 1 January 2024: Buskerud (33xx) plus Jevnaker (3236, Akershus),
# which belongs to Ringeriksregionen.
SSB_REGION_CODES: frozenset[str] = frozenset(
    {
        "3301", "3303", "3305", "3310", "3312", "3314", "3316", "3318", "3320",
        "3322", "3324", "3326", "3328", "3330", "3332", "3334", "3336", "3338",
        "3236",
    }
)  # fmt: skip
SSB_QUARTERLY_TABLE = "01222"
# Population at the end and at the start of the quarter; the series whose changes are checked.
SSB_QUARTERLY_CONTENTS: tuple[str, ...] = ("Folketallet11", "Folketallet1")
# A municipality rarely moves more than a percent or two in a quarter; 5 % catches unit slips,
# swapped codes and half-loaded responses without tripping on real growth.
SSB_MAX_QUARTER_CHANGE = 0.05

# --- Operator records (raw.<kind>) ------------------------------------------------------------

# The quarantined share of a file's rows (raw.quarantine vs raw.load_log.rows_in) above which
# the data is too incomplete to report on.
OPERATOR_MAX_QUARANTINE_SHARE = 0.05
# Required columns are complete: no missing values at all.
OPERATOR_MAX_MISSING_SHARE = 0.0
# Distributions are checked on a reservoir sample of at most this many rows per kind, so memory
# stays bounded (about 100 MB at worst) whatever the table size.
OPERATOR_SAMPLE_ROWS = 100_000
OPERATOR_SAMPLE_SEED = 20260101

# Guidance sessions: hours per session mostly between a quarter of an hour and a working day.
GUIDANCE_HOURS_MIN = 0.25
GUIDANCE_HOURS_MAX = 8.0
GUIDANCE_HOURS_MOSTLY = 0.95
# Business assessments: days from request to completed assessment.
ASSESSMENT_DAYS_MAX = 365
ASSESSMENT_DAYS_MOSTLY = 0.95
# Activities dated inside the reporting year.
ACTIVITIES_IN_YEAR_MIN_SHARE = 0.95

# Clients: age in the reporting year (year - birth_year).
CLIENT_AGE_MIN = 15
CLIENT_AGE_MAX = 100
CLIENT_AGE_MOSTLY = 0.99
CLIENT_MEDIAN_AGE_MIN = 20
CLIENT_MEDIAN_AGE_MAX = 65

# Courses: length in days and participant fee (the basic course is free, agreement §5.2.1).
COURSE_MAX_DAYS = 366
COURSE_MAX_FEE_NOK = 10_000.0
BASIC_COURSE_MAX_FEE_NOK = 0.0

# Establishments: registration year relative to the reporting year (conversion counts from 30
# days before first contact to 24 months after, and clients come back over several years).
ESTABLISHMENT_YEARS_BEFORE = 3
ESTABLISHMENT_YEARS_AFTER = 2
ESTABLISHMENT_YEAR_MOSTLY = 0.95

# Survey: the mean normalised score (0 = worst, 1 = best). Below this the figures are more
# likely a reversed scale than real dissatisfaction.
SURVEY_MEAN_SCORE_MIN = 0.2

# Finance: an amount above this in one line is a unit slip (kroner vs øre, or thousands).
FINANCE_MAX_AMOUNT_NOK = 50_000_000.0

# Activity plan: targets are counts or hours for one region-year, submitted the year before or
# early in the year.
PLAN_MAX_VALUE = 100_000.0
PLAN_SUBMITTED_YEARS: tuple[int, int] = (-1, 0)

# Accepted codes per column come from the data contract, ingestion/operators/contract.yaml.

# --- The register (raw.brreg_units) -----------------------------------------------------------

# The share of linked businesses the register knows (active or deleted) among those the operators
# say were registered on or before the day it was read; a number registered later is not counted
# (the register did not know it yet). Below this, numbers are mistyped or the refresh is broken.
# The bundled sample has one number the register does not know: about 0.99 on every date.
BRREG_MIN_FOUND_SHARE_ENV = "ETABLERER_BRREG_MIN_FOUND_SHARE"
BRREG_MIN_FOUND_SHARE_DEFAULT = 0.9


def brreg_min_found_share() -> float:
    """The lowest share found, from ETABLERER_BRREG_MIN_FOUND_SHARE (0-1), default 0.9."""
    raw = os.environ.get(BRREG_MIN_FOUND_SHARE_ENV, "").strip()
    if not raw:
        return BRREG_MIN_FOUND_SHARE_DEFAULT
    try:
        share = float(raw.replace(",", "."))
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise ValueError(
            f"{BRREG_MIN_FOUND_SHARE_ENV}={raw!r} er ikke en andel mellom 0 og 1. Skriv f.eks. "
            f"0.9, eller fjern innstillingen (standard {BRREG_MIN_FOUND_SHARE_DEFAULT})."
        )
    return share


# --- Marts ------------------------------------------------------------------------------------

# Agreement §6: the county pays at least NOK 5.50 per inhabitant.
COUNTY_MIN_RATE_NOK = Decimal("5.50")
# Amount = population x rate, and payout halves = amount, to the øre.
MONEY_TOLERANCE_NOK = Decimal("0.00")
# The county's funder id (SSB county code) in fct_funding.
COUNTY_FUNDER_ID = "33"
FUNDING_STATUSES: tuple[str, ...] = ("ok", "rate_missing", "population_missing")
PAYOUT_STATUSES: tuple[str, ...] = ("ready", "blocked")
# Agreement §7: 50 % in January and 50 % in August.
PAYOUT_MONTHS: tuple[int, ...] = (1, 8)
# NPS is a difference of two percentages.
NPS_RANGE: tuple[float, float] = (-100.0, 100.0)
