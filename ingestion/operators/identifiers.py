"""Norwegian identifiers: check digits, masking and keyed pseudonyms.

Each rule exists twice: as a plain function (tests, sample generator) and as a polars expression
(validation of millions of rows without a Python loop). Tests prove the two agree. Bank account
numbers, which only the payment lists check (a few rows from configuration), have the plain
function only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl

FNR_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)  # the 1 covers the check digit itself
FNR_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
ACCOUNT_NUMBER_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

KEY_ENV = "ETABLERER_PSEUDONYM_KEY"
KEY_FILE_ENV = "ETABLERER_PSEUDONYM_KEY_FILE"
SYNTHETIC_DATA_ENV = "ETABLERER_SYNTHETIC_DATA"
# Public: the Makefile, the tests and the benchmarks hold it. With it, a person_key and a birth
# year give back the fødselsnummer by trying every date and individual number, in seconds.
DEMO_KEY = b"demo-key-for-the-bundled-synthetic-sample-only"


class PseudonymKeyMissing(RuntimeError):
    """No secret for the pseudonyms that may be used: ingest must refuse."""


# --- fødselsnummer / D-number -------------------------------------------------------------


def normalise_national_id(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace() and ch not in "-.")


def _date_part_ok(digits: str) -> bool:
    day, month = int(digits[0:2]), int(digits[2:4])
    if day > 40:  # D-number: first digit + 4
        day -= 40
    if month > 80:  # synthetic test numbers (Tenor)
        month -= 80
    elif month > 40:  # H-numbers / synthetic test numbers
        month -= 40
    return 1 <= day <= 31 and 1 <= month <= 12


def is_valid_national_id(value: str) -> bool:
    """Fødselsnummer or D-number. Accepts both K1 rules: before 2032 the weighted sum including
    K1 is 0 mod 11; from 2032 it may be 0, 1, 2 or 3 mod 11. K2 is unchanged (0 mod 11)."""
    digits = normalise_national_id(value)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    if not _date_part_ok(digits):
        return False
    nums = [int(c) for c in digits]
    s1 = sum(w * d for w, d in zip(FNR_K1_WEIGHTS, nums[:10], strict=True))
    s2 = sum(w * d for w, d in zip(FNR_K2_WEIGHTS, nums, strict=True))
    return s1 % 11 in (0, 1, 2, 3) and s2 % 11 == 0


def national_id_check_digits(first_nine: str) -> str | None:
    """K1 and K2 by the pre-2032 rule, or None when the nine digits give no valid number."""
    nums = [int(c) for c in first_nine]
    k1 = 11 - sum(w * d for w, d in zip(FNR_K1_WEIGHTS[:9], nums, strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    nums.append(k1)
    k2 = 11 - sum(w * d for w, d in zip(FNR_K2_WEIGHTS[:10], nums, strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        return None
    return f"{k1}{k2}"


def digit_exprs(norm: pl.Expr, width: int) -> list[pl.Expr]:
    """The `width` digits of `norm`, most significant first, where `norm` is `width` ASCII digits
    (null otherwise): one integer cast and arithmetic, not a slice and a cast per digit."""
    number = norm.cast(pl.Int64, strict=False)
    return [number // 10 ** (width - 1 - i) % 10 for i in range(width)]


def checked_once(norm: pl.Expr, rule: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`rule` over the values of `norm`, with `norm` computed once. Inside one expression polars
    recomputes `norm` (a regex replace) in each digit of a check-digit rule: 14 times, which made
    the fødselsnummer check the costliest rule of the clients file."""
    return norm.map_batches(
        lambda values: values.to_frame("norm").select(rule(pl.col("norm"))).to_series(),
        return_dtype=pl.Boolean,
        is_elementwise=True,
    )


def _national_id_valid(norm: pl.Expr) -> pl.Expr:
    shape_ok = norm.str.contains(r"^\d{11}$")
    digit = digit_exprs(norm, 11)
    s1 = pl.sum_horizontal([w * d for w, d in zip(FNR_K1_WEIGHTS, digit[:10], strict=True)])
    s2 = pl.sum_horizontal([w * d for w, d in zip(FNR_K2_WEIGHTS, digit, strict=True)])
    day = digit[0] * 10 + digit[1]
    month = digit[2] * 10 + digit[3]
    day = pl.when(day > 40).then(day - 40).otherwise(day)
    month = pl.when(month > 80).then(month - 80).when(month > 40).then(month - 40).otherwise(month)
    valid = (
        shape_ok
        & day.is_between(1, 31)
        & month.is_between(1, 12)
        & (s1 % 11).is_in([0, 1, 2, 3])
        & (s2 % 11 == 0)
    )
    return valid.fill_null(False)


def national_id_expr(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(normalised value, is_valid) for a string column of national ids."""
    norm = col.str.replace_all(r"[\s\-.]", "")
    return norm, checked_once(norm, _national_id_valid)


# --- organisasjonsnummer ------------------------------------------------------------------


def normalise_org_number(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace())


def org_number_check_digit(first_eight: str) -> int | None:
    remainder = sum(w * int(d) for w, d in zip(ORGNR_WEIGHTS, first_eight, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def is_valid_org_number(value: str) -> bool:
    digits = normalise_org_number(value)
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    return org_number_check_digit(digits[:8]) == int(digits[8])


def normalise_account_number(value: str) -> str:
    """The number without the spaces and dots people write in it («8601.11.17947»)."""
    return "".join(ch for ch in value if not ch.isspace() and ch != ".")


def is_valid_account_number(value: str) -> bool:
    """Norwegian bank account number: 11 digits, the last a mod-11 check digit (remainder 0 gives
    0; remainder 1 gives no valid number)."""
    digits = normalise_account_number(value)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    weighted = sum(w * int(d) for w, d in zip(ACCOUNT_NUMBER_WEIGHTS, digits[:10], strict=True))
    check = (11 - weighted % 11) % 11
    return check != 10 and check == int(digits[10])


def _org_number_valid(norm: pl.Expr) -> pl.Expr:
    shape_ok = norm.str.contains(r"^\d{9}$")
    digit = digit_exprs(norm, 9)
    remainder = (
        pl.sum_horizontal([w * d for w, d in zip(ORGNR_WEIGHTS, digit[:8], strict=True)]) % 11
    )
    check = (
        pl.when(remainder == 0).then(0).when(remainder == 1).then(None).otherwise(11 - remainder)
    )
    valid = shape_ok & (check == digit[8])
    return valid.fill_null(False)


def org_number_expr(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    norm = col.str.replace_all(r"\s", "")
    return norm, checked_once(norm, _org_number_valid)


# --- masking ------------------------------------------------------------------------------

# Eight or more digits, with up to three spaces, hyphens or dots between any two: a fødselsnummer
# (295080-28413, 29 05 80 284 13), a phone number (955 15 627, +47 95 51 56 27), an account number.
_DIGIT_RUN = r"\d(?:[\s\-.]{0,3}\d){7,}"
# Up to the space or punctuation around it: «ola@x.no, kari@y.no» is two addresses.
_EMAIL_LIKE = r"[^@\s,;:<>()\[\]\"']+@[^@\s,;:<>()\[\]\"']+"
_PHONE_LIKE = r"^\+?[\d\s\-()]{8,}$"
# A value that is one date and nothing else is shown as delivered (31.02.2025, 2025-03-03 and
# Excel's 2025-03-03 00:00:00): the operator needs it to correct the row, and it names no one.
_DATE_ONLY = r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)$"
_MASKED_DIGITS = "***********"
_MASKED_EMAIL = "***@***"
MASKED_LENGTH = 80


def mask_text_expr(value: pl.Expr) -> pl.Expr:
    """`value` with every e-mail address and every run of eight or more digits masked, wherever
    they stand in it; a value that is only a date is kept."""
    masked = value.str.replace_all(_EMAIL_LIKE, _MASKED_EMAIL).str.replace_all(
        _DIGIT_RUN, _MASKED_DIGITS
    )
    return pl.when(value.str.contains(_DATE_ONLY)).then(value).otherwise(masked)


def mask_expr(col: pl.Expr, pii: str | None) -> pl.Expr:
    """A value safe for quarantine and reports. PII fields by role; in any other field, whatever
    looks like an identifier (a run of digits, an e-mail address) is masked where it stands.
    Masked before it is cut to MASKED_LENGTH characters, so the cut cannot leave part of a
    number in clear."""
    value = col.cast(pl.String)
    email = value.str.slice(0, 1) + pl.lit(_MASKED_EMAIL)
    phone = pl.lit("******") + value.str.replace_all(r"\D", "").str.slice(-2)
    initial = value.str.slice(0, 1) + pl.lit("***")
    personal = (
        pl.when(value.str.contains(_EMAIL_LIKE))
        .then(email)
        .when(value.str.contains(_PHONE_LIKE))
        .then(phone)
        .otherwise(initial)
    )
    if pii == "national_id":
        # The first six digits of a fødselsnummer are the birth date, which lets the operator find
        # the row; ten digits are one that lost its leading zero in Excel. Anything else in the
        # column (a phone number, a name) is masked as personal data: its first six characters
        # could be most of a phone number.
        digits = value.str.replace_all(r"[\s\-.]", "")
        national_id = digits.str.slice(0, 6) + pl.lit("*****")
        masked = pl.when(digits.str.contains(r"^\d{10,11}$")).then(national_id).otherwise(personal)
    elif pii in ("drop", "client_id"):
        masked = personal
    else:
        masked = mask_text_expr(value)
    return masked.str.slice(0, MASKED_LENGTH)


def mask_value(value: str | None, pii: str | None = None) -> str | None:
    if value is None:
        return None
    return pl.select(mask_expr(pl.lit(value, dtype=pl.String), pii)).item()


def mask_text(text: str) -> str:
    """`text` (a message for the user) with identifiers masked as `mask_text_expr` does, uncut."""
    return pl.select(mask_text_expr(pl.lit(text, dtype=pl.String))).item()


# --- pseudonyms ---------------------------------------------------------------------------


def load_pseudonym_key() -> bytes:
    """The HMAC secret, from ETABLERER_PSEUDONYM_KEY or the file named by
    ETABLERER_PSEUDONYM_KEY_FILE, never both. The file must lie outside the warehouse."""
    from ingestion.paths import warehouse_dir

    value = os.environ.get(KEY_ENV, "").strip()
    key_file = os.environ.get(KEY_FILE_ENV, "").strip()
    if value and key_file:
        # Which one was meant cannot be known; the Makefile's demo key silently won before.
        raise PseudonymKeyMissing(
            f"Både {KEY_ENV} og {KEY_FILE_ENV} er satt, så det er uklart hvilken nøkkel "
            "pseudonymene skal lages med, og ingen personer lastes inn. Behold bare én: "
            f"fjern {KEY_ENV} fra miljøet og fra .env når nøkkelen ligger i {key_file}."
        )
    if value:
        return value.encode("utf-8")
    if key_file:
        path = Path(key_file).expanduser().resolve()
        if path.is_relative_to(warehouse_dir().resolve()):
            raise PseudonymKeyMissing(
                f"Nøkkelfilen {path} ligger i datavarehuset. Flytt den utenfor "
                f"{warehouse_dir()} og pek {KEY_FILE_ENV} dit."
            )
        if not path.is_file():
            raise PseudonymKeyMissing(
                f"Fant ikke nøkkelfilen {path} ({KEY_FILE_ENV}). Sjekk stien, eller sett {KEY_ENV}."
            )
        secret = path.read_bytes().strip()
        if secret:
            return secret
        raise PseudonymKeyMissing(f"Nøkkelfilen {path} er tom. Legg den hemmelige nøkkelen i den.")
    raise PseudonymKeyMissing(
        "Mangler hemmelig nøkkel for pseudonymisering, så ingen personer kan lastes inn. "
        f"Sett miljøvariabelen {KEY_ENV}, eller {KEY_FILE_ENV} til en fil utenfor datavarehuset. "
        "For det syntetiske eksempelet setter Makefile en demonøkkel når ingen av dem er satt "
        "(heller ikke i .env)."
    )


def refuse_demo_key(secret: bytes, sources: Iterable[Path]) -> None:
    """Raise unless `secret` may pseudonymise the operator files or folders `sources`: the public
    demo key is for the bundled sample only, or for data declared synthetic with
    ETABLERER_SYNTHETIC_DATA=1 (the tests and the benchmarks generate theirs elsewhere)."""
    from ingestion.paths import OPERATOR_SAMPLE_DIR

    if secret.strip() != DEMO_KEY or os.environ.get(SYNTHETIC_DATA_ENV) == "1":
        return
    sample = OPERATOR_SAMPLE_DIR.resolve()
    for source in sources:
        if not Path(source).resolve().is_relative_to(sample):
            raise PseudonymKeyMissing(
                f"Demonøkkelen for pseudonymer er offentlig og gjelder bare det syntetiske "
                f"eksempelet i {OPERATOR_SAMPLE_DIR}, ikke {source}: med den kan "
                "fødselsnumrene regnes ut igjen. Ingen personer er lastet inn. Sett "
                f"{KEY_FILE_ENV} til en fil med en hemmelig nøkkel utenfor datavarehuset (og "
                f"fjern {KEY_ENV}). Er filene genererte testdata, sett {SYNTHETIC_DATA_ENV}=1."
            )


def hmac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def hmac_hex_many(key: bytes, messages: list[str], prefix: str = "") -> list[str]:
    """`hmac_hex` of `prefix` + each message. HMAC-SHA256 as RFC 2104 defines it, with the
    padded-key states (and the prefix) hashed once and copied per message: half the cost of
    `hmac.new` per value."""
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    inner.update(prefix.encode("utf-8"))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
    keys = []
    for message in messages:
        h = inner.copy()
        h.update(message.encode("utf-8"))
        o = outer.copy()
        o.update(h.digest())
        keys.append(o.hexdigest())
    return keys


def client_key(key: bytes, region_id: str, client_id: str) -> str:
    return hmac_hex(key, f"client:{region_id}:{client_id}")


def person_key(key: bytes, national_id: str) -> str:
    return hmac_hex(key, normalise_national_id(national_id))


def client_keys(key: bytes, region_id: str, client_ids: list[str]) -> list[str]:
    """`client_key` for many IDs."""
    return hmac_hex_many(key, client_ids, prefix=f"client:{region_id}:")


def person_keys(key: bytes, national_ids: list[str]) -> list[str]:
    """`person_key` for many national ids."""
    # Validation hands over normalised digits; only other values need the (slower) normalising.
    normalised = [n if n.isdigit() else normalise_national_id(n) for n in national_ids]
    return hmac_hex_many(key, normalised)


def business_keys(key: bytes, org_numbers: list[str]) -> list[str]:
    """`business_key` for many organisation numbers (9 digits): the same business has the same key
    in every region and year, so the register refresh (ingestion/brreg) finds the operators'
    businesses by it. The clear number lives only in the linkage store (ingestion/linkage.py)."""
    return hmac_hex_many(key, org_numbers, prefix="business:")


def pseudonymise(
    frame: pl.DataFrame, source: str, target: str, make_keys: Callable[[list[str]], list[str]]
) -> pl.DataFrame:
    """Replace `source` by `target` = make_keys(distinct values), one HMAC per distinct value.
    Null stays null."""
    distinct = frame.get_column(source).drop_nulls().unique()
    keys = pl.Series(target, make_keys(distinct.to_list()), dtype=pl.String)
    # A lookup on the one column, not a join, which would copy every column of the frame.
    lookup = pl.col(source).replace_strict(distinct, keys, default=None, return_dtype=pl.String)
    return frame.with_columns(lookup.alias(target)).drop(source)
