"""Check-digit rules: both fødselsnummer K1 rules, D-numbers, synthetic months, org numbers."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ingestion.operators.identifiers import (
    client_key,
    client_keys,
    hmac_hex,
    hmac_hex_many,
    is_valid_national_id,
    is_valid_org_number,
    mask_value,
    national_id_check_digits,
    national_id_expr,
    org_number_expr,
    person_key,
    person_keys,
)
from samples.operators import _rule_2032_example, synthetic_national_id


def test_known_valid_and_invalid_national_ids() -> None:
    first_nine = next(
        f"010190{i:03d}" for i in range(100, 200) if national_id_check_digits(f"010190{i:03d}")
    )
    valid = first_nine + national_id_check_digits(first_nine)
    assert is_valid_national_id(valid)
    assert not is_valid_national_id(valid[:-1] + str((int(valid[-1]) + 1) % 10))
    assert not is_valid_national_id(valid[:10])  # Excel ate a digit
    assert is_valid_national_id(valid[:6] + " " + valid[6:])  # spaces are normalised away


def test_d_number_and_synthetic_months() -> None:
    d_number = "410190123"  # day + 40
    h_month = "015190123"  # month + 40
    tenor = "018190123"  # month + 80 (Tenor test numbers)
    for first_nine in (d_number, h_month, tenor):
        checks = national_id_check_digits(first_nine)
        if checks is None:  # this individual number gives no valid K1; take the next one
            first_nine = first_nine[:6] + "124"
            checks = national_id_check_digits(first_nine)
        assert is_valid_national_id(first_nine + checks)
    bad_month = "011390123"  # month 13 is neither real nor synthetic
    assert not is_valid_national_id(bad_month + (national_id_check_digits(bad_month) or "00"))


def test_2032_rule_is_accepted_but_old_rule_would_reject() -> None:
    number = _rule_2032_example()
    weights = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
    s1 = sum(w * int(d) for w, d in zip(weights, number[:10], strict=True))
    assert s1 % 11 in (1, 2, 3)  # invalid before 2032
    assert is_valid_national_id(number)


def test_org_numbers() -> None:
    assert is_valid_org_number("974760673")  # Brønnøysundregistrene
    assert is_valid_org_number("923 609 016")
    assert not is_valid_org_number("974760674")
    assert not is_valid_org_number("97476067")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 ", min_size=9, max_size=12))
def test_polars_expressions_agree_with_python(value: str) -> None:
    frame = pl.DataFrame({"v": [value]})
    _, fnr_ok = national_id_expr(pl.col("v"))
    _, org_ok = org_number_expr(pl.col("v"))
    row = frame.select(fnr_ok.alias("fnr"), org_ok.alias("org")).row(0)
    assert row == (is_valid_national_id(value), is_valid_org_number(value))


def test_generated_numbers_are_valid_and_keys_normalise() -> None:
    from datetime import date

    rng = random.Random(7)
    numbers = [synthetic_national_id(rng, date(1990, 5, 17)) for _ in range(50)]
    assert all(is_valid_national_id(n) for n in numbers)
    assert {int(n[2:4]) for n in numbers} <= {45, 85}
    assert person_key(b"k", numbers[0]) == person_key(b"k", f"{numbers[0][:6]} {numbers[0][6:]}")


def test_masking_never_shows_identifiers() -> None:
    assert mask_value("01019012345", "national_id") == "010190*****"
    assert "kari" not in mask_value("kari.nordmann@example.no", "drop")
    assert mask_value("912 34 567", "drop") == "******67"
    assert mask_value("Kari Nordmann", "drop") == "K***"
    assert mask_value("ring 01019012345", None) == "ring ***********"


@settings(max_examples=200, deadline=None)
@given(
    key=st.binary(min_size=1, max_size=130),  # shorter and longer than the 64-byte block
    messages=st.lists(st.text(max_size=40), max_size=5),
)
def test_batched_hmac_is_byte_identical_to_hmac_new(key: bytes, messages: list[str]) -> None:
    assert hmac_hex_many(key, messages) == [hmac_hex(key, m) for m in messages]


@settings(max_examples=200, deadline=None)
@given(
    key=st.binary(min_size=1, max_size=130),
    prefix=st.text(max_size=70),  # the prefix alone can fill a SHA-256 block
    messages=st.lists(st.text(max_size=40), max_size=5),
)
def test_batched_hmac_with_a_prefix_is_the_hmac_of_prefix_and_message(
    key: bytes, prefix: str, messages: list[str]
) -> None:
    """The prefix is hashed once into the inner state; the result must be as if each message
    carried it."""
    assert hmac_hex_many(key, messages, prefix=prefix) == [
        hmac_hex(key, prefix + m) for m in messages
    ]


def test_batched_keys_equal_the_single_value_keys() -> None:
    key = b"test-key-not-secret"
    assert client_keys(key, "hallingdal", ["K-1", "K-2"]) == [
        client_key(key, "hallingdal", "K-1"),
        client_key(key, "hallingdal", "K-2"),
    ]
    assert client_keys(key, "hallingdal", ["K-1"]) != client_keys(key, "midt_buskerud", ["K-1"])
    ids = ["01418010181", "014180 10181"]
    assert person_keys(key, ids) == [person_key(key, n) for n in ids]
    assert person_keys(key, ids)[0] == person_keys(key, ids)[1]
    # A known value, so a change to the HMAC construction cannot go unnoticed.
    assert hmac_hex(b"key", "The quick brown fox jumps over the lazy dog") == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )
