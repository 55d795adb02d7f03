"""One Norwegian number style: digit groups with a space, a decimal comma, and every decimal the
mart's column holds, so a column prints alike down its rows (issue 19.7)."""

from decimal import Decimal

from deliverables import formatting
from deliverables.formatting import NO_BREAK_SPACE, keep_numbers_whole


def test_a_decimal_prints_with_the_places_its_column_holds():
    per_1000 = [Decimal("2.90"), Decimal("5.71"), Decimal("10.00")]  # decimal(9,2)
    assert [formatting.decimal(v) for v in per_1000] == ["2,90", "5,71", "10,00"]
    assert formatting.decimal(Decimal("33.3")) == "33,3"  # NPS, decimal(9,1)
    assert formatting.decimal(Decimal("1234.50")) == "1 234,50"
    assert formatting.decimal(12) == "12"
    assert formatting.decimal(None) == formatting.MISSING


def test_a_share_prints_all_four_decimals_of_its_column():
    assert formatting.share(Decimal("0.4960")) == "49,60 %"
    assert formatting.share(Decimal("0.8409")) == "84,09 %"
    assert formatting.share(Decimal("1.0000")) == "100,00 %"


def test_money_and_counts_group_thousands_with_a_space():
    assert formatting.nok(Decimal("257345.00")) == "257 345,00"
    assert formatting.integer(46790) == "46 790"
    assert formatting.parse_number("257 345,00") == Decimal("257345.00")
    assert formatting.parse_number("49,60 %") == Decimal("0.4960")


def test_an_axis_tick_is_not_a_figure():
    assert [formatting.axis_number(v) for v in (0.0, 2.5, 1000.0)] == ["0", "2,5", "1 000"]


def test_numbers_in_prose_are_kept_whole_and_nothing_else_changes():
    nb = NO_BREAK_SPACE
    assert (
        keep_numbers_whole("46 790 × 5,50 = 257 345,00 kr")
        == f"46{nb}790 × 5,50 = 257{nb}345,00 kr"
    )
    assert keep_numbers_whole("1 234 567,00") == f"1{nb}234{nb}567,00"
    assert keep_numbers_whole("for 3305, 3310 og 3318") == "for 3305, 3310 og 3318"
    assert keep_numbers_whole("kommunene 3305 3310") == "kommunene 3305 3310"
