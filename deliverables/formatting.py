"""Norwegian (bokmål) number and money formats, through Babel's CLDR data."""

from decimal import Decimal

from babel.numbers import format_decimal

LOCALE = "nb_NO"
SUPPRESSED = "–"


def nok(amount: Decimal | None) -> str:
    """257345.00 -> '257 345,00'. A missing amount shows as the suppression dash."""
    if amount is None:
        return SUPPRESSED
    return format_decimal(amount, format="#,##0.00", locale=LOCALE)


def integer(value: int | Decimal | None) -> str:
    if value is None:
        return SUPPRESSED
    return format_decimal(value, format="#,##0", locale=LOCALE)


def rate(value: Decimal | None) -> str:
    if value is None:
        return SUPPRESSED
    return format_decimal(value, format="#,##0.00", locale=LOCALE)
