"""Norwegian (bokmål) number and money formats, through Babel's CLDR data.

Formatting only: every value comes from a mart as dbt computed it. Shares keep all four decimals
of the mart (0.8409 -> '84,09 %'), so a reader can trace a printed figure back to the mart exactly.
Digit groups are separated by a plain space, as Språkrådet writes them ('257 345,00'); reports
keep numeric cells on one line with CSS/PDF layout instead of a no-break space.
"""

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal, format_percent

LOCALE = "nb_NO"
SUPPRESSED = "–"
MISSING = "–"

# CLDR's nb separators are U+00A0 (group) and U+2212 (minus) in some versions; print ASCII.
_NORMALISE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2212": "-"})


def _fmt(value: int | Decimal, pattern: str) -> str:
    return format_decimal(value, format=pattern, locale=LOCALE).translate(_NORMALISE)


def nok(amount: Decimal | None) -> str:
    """257345.00 -> '257 345,00'. A missing amount shows as the dash."""
    if amount is None:
        return MISSING
    return _fmt(amount, "#,##0.00")


def integer(value: int | Decimal | None) -> str:
    if value is None:
        return SUPPRESSED
    return _fmt(value, "#,##0")


def rate(value: Decimal | None) -> str:
    if value is None:
        return MISSING
    return _fmt(value, "#,##0.00")


def decimal1(value: Decimal | None) -> str:
    """One or two decimals as the mart holds them: 21.6 -> '21,6', 4.67 -> '4,67'."""
    if value is None:
        return MISSING
    return _fmt(value, "#,##0.0#")


def decimal2(value: Decimal | None) -> str:
    if value is None:
        return MISSING
    return _fmt(value, "#,##0.00")


def share(value: Decimal | None) -> str:
    """0.4960 -> '49,6 %', 0.8409 -> '84,09 %' (no rounding of a decimal(9,4) share)."""
    if value is None:
        return MISSING
    return format_percent(value, format="#,##0.0# %", locale=LOCALE).translate(_NORMALISE)


def date_no(value: date | datetime | None) -> str:
    """2026-01-31 -> '31.01.2026'."""
    if value is None:
        return MISSING
    return value.strftime("%d.%m.%Y")


def parse_number(text: str) -> Decimal:
    """The inverse of the formats above: '257 345,00' -> Decimal('257345.00'), '84,09 %' ->
    Decimal('0.8409'). Used to read a printed figure back (tests, checks)."""
    cleaned = text.translate(_NORMALISE).replace(" ", "").replace("kr", "")
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%").replace(",", ".")
    value = Decimal(cleaned)
    return value / 100 if percent else value
