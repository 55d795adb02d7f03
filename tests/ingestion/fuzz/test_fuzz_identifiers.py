"""Identifier rules as properties: every valid number passes, every corrupted check digit fails,
and the plain function and the polars expression always agree."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ingestion.operators.identifiers import (
    FNR_K1_WEIGHTS,
    FNR_K2_WEIGHTS,
    ORGNR_WEIGHTS,
    is_valid_national_id,
    is_valid_org_number,
    national_id_expr,
    org_number_expr,
)
from tests.e2e.reliability.figures import count
from tests.ingestion.fuzz.fuzzkit import fuzz_settings, tried

# Which kind of number: (day offset, month offset). D-numbers add 4 to the first digit; synthetic
# test numbers add 40 (H-numbers, Tenor before) or 80 (Tenor) to the month.
VARIANTS = {
    "fødselsnummer": (0, 0),
    "D-nummer": (40, 0),
    "syntetisk +40": (0, 40),
    "syntetisk +80": (0, 80),
    "D-nummer syntetisk +80": (40, 80),
}


@st.composite
def national_ids(draw) -> tuple[str, str, str]:
    """(number, variant, K1 rule). The pre-2032 rule makes the K1 sum 0 mod 11; the 2032 rule
    allows 0, 1, 2 or 3 (K1 may then be any digit that lands there)."""
    variant = draw(st.sampled_from(sorted(VARIANTS)))
    day_offset, month_offset = VARIANTS[variant]
    day = draw(st.integers(1, 31)) + day_offset
    month = draw(st.integers(1, 12)) + month_offset
    rest = draw(st.text("0123456789", min_size=5, max_size=5))  # year (2) + individual number (3)
    nine = f"{day:02d}{month:02d}{rest}"
    digits = [int(c) for c in nine]
    s1 = sum(w * d for w, d in zip(FNR_K1_WEIGHTS[:9], digits, strict=True))
    rule = draw(st.sampled_from(["pre-2032", "2032"]))
    residues = (0,) if rule == "pre-2032" else (0, 1, 2, 3)
    candidates = [k1 for k1 in range(10) if (s1 + k1) % 11 in residues]
    if not candidates:
        return draw(st.nothing())
    k1 = draw(st.sampled_from(candidates))
    s2 = sum(w * d for w, d in zip(FNR_K2_WEIGHTS[:10], [*digits, k1], strict=True))
    k2 = -s2 % 11
    if k2 == 10:
        return draw(st.nothing())
    return f"{nine}{k1}{k2}", variant, rule


@st.composite
def org_numbers(draw) -> str:
    eight = draw(st.text("0123456789", min_size=8, max_size=8))
    remainder = sum(w * int(d) for w, d in zip(ORGNR_WEIGHTS, eight, strict=True)) % 11
    if remainder == 1:
        return draw(st.nothing())
    return f"{eight}{0 if remainder == 0 else 11 - remainder}"


def _expr_valid(values: list[str], expr) -> list[bool]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    _norm, valid = expr(pl.col("v"))
    return frame.select(valid.alias("ok")).to_series().to_list()


def _corrupt(number: str, position: int, draw) -> str:
    wrong = draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    return number[:position] + wrong + number[position + 1 :]


@fuzz_settings(300)
@given(case=national_ids(), data=st.data())
def test_valid_national_ids_pass_and_corrupted_check_digits_fail(case, data):
    number, _variant, _rule = case
    spaced = f"{number[:6]} {number[6:]}"
    dashed = f"{number[:6]}-{number[6:]}"
    assert is_valid_national_id(number) and is_valid_national_id(spaced)
    assert is_valid_national_id(dashed)
    position = data.draw(st.sampled_from([9, 10]), label="check digit")  # K1 or K2
    corrupted = _corrupt(number, position, data.draw)
    assert not is_valid_national_id(corrupted)
    assert _expr_valid([number, spaced, dashed, corrupted], national_id_expr) == [
        True,
        True,
        True,
        False,
    ]
    count("identifier_cases")
    tried()


@fuzz_settings(300)
@given(number=org_numbers(), data=st.data())
def test_valid_org_numbers_pass_and_corrupted_check_digits_fail(number, data):
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    corrupted = _corrupt(number, 8, data.draw)
    assert is_valid_org_number(number) and is_valid_org_number(spaced)
    assert not is_valid_org_number(corrupted)
    assert _expr_valid([number, spaced, corrupted], org_number_expr) == [True, True, False]
    count("identifier_cases")
    tried()


@fuzz_settings(300)
@given(
    values=st.lists(
        st.one_of(st.text(max_size=16), st.text("0123456789 -.", min_size=9, max_size=13)),
        min_size=1,
        max_size=20,
    )
)
def test_function_and_expression_agree_on_any_text(values):
    assert _expr_valid(values, national_id_expr) == [is_valid_national_id(v) for v in values]
    assert _expr_valid(values, org_number_expr) == [is_valid_org_number(v) for v in values]
    tried()
