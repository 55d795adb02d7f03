"""Norwegian (bokmål) number and money formats, through Babel's CLDR data.

Formatting only: every value comes from a mart as dbt computed it, and prints with every decimal
its column holds: shares all four (0.8409 -> '84,09 %', 0.4960 -> '49,60 %'), a decimal(9,2)
both (2.90 -> '2,90'). A reader can trace a printed figure back to the mart exactly, and a
column prints alike down its rows.
Digit groups are separated by a plain space, as Språkrådet writes them ('257 345,00'); reports
keep numeric cells on one line with CSS/PDF layout, and a number inside a sentence whole with
`keep_numbers_whole`.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal, format_percent

LOCALE = "nb_NO"
SUPPRESSED = "–"
MISSING = "–"

# CLDR's nb separators are U+00A0 (group) and U+2212 (minus) in some versions; print ASCII.
_NORMALISE = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2212": "-"})


NO_BREAK_SPACE = "\u00a0"
# The space between two digit groups: after a digit, before exactly three digits.
_GROUP_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def keep_numbers_whole(text: str) -> str:
    """Prose with its numbers unbreakable: the space inside '257 345,00' or '46 790' becomes a
    no-break space, so a line never ends between '257' and '345,00'."""
    return _GROUP_SPACE.sub(NO_BREAK_SPACE, text)


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


def decimal(value: Decimal | int | None) -> str:
    """With the decimals the mart's column holds, so a column prints alike: a decimal(9,2) prints
    2.90 -> '2,90' beside 5.71 -> '5,71', a decimal(9,1) 33.3 -> '33,3'."""
    if value is None:
        return MISSING
    places = -value.as_tuple().exponent if isinstance(value, Decimal) else 0
    return _fmt(value, "#,##0" + ("." + "0" * places if places > 0 else ""))


def axis_number(value: float) -> str:
    """A chart's axis tick (not a figure): up to two decimals, none trailing: 2.5 -> '2,5'."""
    return _fmt(Decimal(str(round(value, 2))), "#,##0.##")


def decimal2(value: Decimal | None) -> str:
    if value is None:
        return MISSING
    return _fmt(value, "#,##0.00")


def share(value: Decimal | None) -> str:
    """0.4960 -> '49,60 %', 0.8409 -> '84,09 %': a decimal(9,4) share, all its digits."""
    if value is None:
        return MISSING
    return format_percent(value, format="#,##0.00 %", locale=LOCALE).translate(_NORMALISE)


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
