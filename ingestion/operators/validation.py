"""Column-wise row validation against the contract, with Norwegian messages that say what to do.

Every field gets a parsed (typed) column and one or more error columns holding a reason code.
Nothing is "fixed": a value either parses as the contract says or its row is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from .contract import Field, Schema, detect_kind, schema_for, valid_municipality_codes
from .identifiers import mask_expr, mask_text, national_id_expr, org_number_expr
from .readers import LINE_COLUMN, RAGGED_COLUMN, FileUnreadable, RawTable, read_table

MONEY = pl.Decimal(18, 2)
_DECIMAL_SHAPE = r"^-?\d{1,16}(\.\d{1,2})?$"
# The contract's two date forms, with a four-digit year: polars' lenient parse reads «23.1.25» as
# the year 25.
_DATE_SHAPE = r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2})$"
# No date in the contract can lie before 1900, the floor of Fødselsår; one that does is a typo
# (0025, 1025), and a first contact or registration date has no other lower bound.
EARLIEST_DATE = date(1900, 1, 1)
_TRUE = ("ja", "j", "yes", "y", "true", "sann", "1", "x")
_FALSE = ("nei", "n", "no", "false", "usann", "0")
ROW_COLUMN = "(rad)"
# Polars' in-memory engine runs the validation plan (many columns of one small frame) faster than
# the default streaming engine, which is built for data larger than memory (docs/performance.md).
ENGINE = "in-memory"

REASONS: dict[str, tuple[str, str]] = {
    # reason_code: (what is wrong, how to fix it). {no} = Norwegian column name.
    "missing_required": ("«{no}» er tom, men må fylles ut.", "Fyll inn {no} for raden."),
    "missing_conditional": (
        "«{no}» må fylles ut når {cond}.",
        "Fyll inn {no}, eller rett aktivitetstypen.",
    ),
    "invalid_integer": (
        "«{no}» er ikke et heltall.",
        "Skriv et helt tall uten tekst, f.eks. 1990.",
    ),
    "invalid_decimal": (
        "«{no}» er ikke et gyldig tall med høyst to desimaler.",
        "Skriv tallet med desimalkomma og høyst to desimaler, f.eks. 1,5.",
    ),
    "invalid_date": (
        "«{no}» er ikke en gyldig dato.",
        "Skriv datoen som dd.mm.åååå (f.eks. 15.03.2025) eller åååå-mm-dd.",
    ),
    "invalid_boolean": ("«{no}» må være ja eller nei.", "Skriv ja eller nei."),
    "invalid_code": ("«{no}» har en verdi som ikke er i kodelisten.", "Bruk en av: {codes}."),
    "invalid_municipality": (
        "«{no}» er ikke et kommunenummer i Buskerud eller Jevnaker for {year}.",
        "Bruk firesifret kommunenummer, f.eks. 3305 for Ringerike. Formater kolonnen som tekst "
        "i Excel så ledende null ikke forsvinner.",
    ),
    "invalid_national_id": (
        "«{no}» er ikke et gyldig fødselsnummer eller D-nummer "
        "(feil lengde, dato eller kontrollsiffer).",
        "Sjekk nummeret mot kilden (11 siffer), eller la feltet stå tomt. Formater kolonnen som "
        "tekst i Excel så ledende null ikke forsvinner.",
    ),
    "invalid_org_number": (
        "«{no}» er ikke et gyldig organisasjonsnummer (9 siffer, kontrollsiffer).",
        "Sjekk nummeret i Enhetsregisteret (brreg.no) og rett det.",
    ),
    "invalid_nace": (
        "«{no}» er ikke en næringskode på formen nn.nnn.",
        "Skriv næringskoden med punktum, f.eks. 62.010.",
    ),
    "negative_value": ("«{no}» kan ikke være negativ.", "Skriv 0 eller et positivt tall."),
    "out_of_range": ("«{no}» er utenfor gyldig område ({range}).", "Rett verdien."),
    "date_outside_year": (
        "«{no}» er ikke i rapporteringsåret {year}.",
        "Rett datoen, eller lever raden i filen for riktig år.",
    ),
    "date_after_year": (
        "«{no}» er etter rapporteringsåret {year}.",
        "Rett datoen, eller lever raden i filen for riktig år.",
    ),
    "date_outside_plan_window": (
        "«{no}» må være i {prev} eller {year} for planen for {year}.",
        "Skriv datoen planen ble sendt fylkeskommunen.",
    ),
    "date_order": (
        "«{no}» er før «{other}».",
        "Rett en av datoene så {no} ikke er før {other}.",
    ),
    "score_out_of_range": (
        "«{no}» er utenfor skalaen som er oppgitt i «skala».",
        "Bruk et heltall fra 1 til 5 på skala 1-5, og fra 0 til 10 på skala 0-10.",
    ),
    "scale_mismatch": (
        "Spørsmålet anbefale skal besvares på skala 0-10.",
        "Sett skala til 0-10 for anbefale (brukes til NPS).",
    ),
    "duplicate_key": (
        "Samme nøkkel ({key}) finnes på flere rader i filen; ingen av dem lastes inn.",
        "Fjern duplikatene eller gi radene hver sin ID.",
    ),
    "unknown_reference": (
        "«{no}» finnes ikke i {target} for samme region og år.",
        "Lever {target} først, eller rett ID-en.",
    ),
    "wrong_field_count": (
        "Raden har flere felt enn overskriften.",
        "Sett anførselstegn rundt tall med desimalkomma, eller bruk semikolon som skilletegn.",
    ),
}


def reason_message(
    reason: str, f: Field | None, schema: Schema, year: int, label: str | None = None
) -> str:
    what, fix = REASONS[reason]
    fields = {x.name: x for x in schema.fields}
    cond = ""
    if f is not None and f.required_when:
        cond = " og ".join(f"{fields[k].no} er {v}" for k, v in f.required_when.items())
    target = ""
    if f is not None and f.references:
        target = {"clients": "klientfilen", "courses": "kursfilen"}.get(f.references, f.references)
    values = {
        "no": label or (f.no if f else ROW_COLUMN),
        "codes": ", ".join(f.codes) if f else "",
        "year": year,
        "prev": year - 1,
        "cond": cond,
        "other": fields[f.not_before].no if f and f.not_before else "",
        "range": _range_text(f, year) if f else "",
        "key": " + ".join(fields[k].no for k in schema.key),
        "target": target,
    }
    return f"{what.format(**values)} {fix.format(**values)}"


def _range_text(f: Field, year: int) -> str:
    low = int(f.min) if f.min is not None else 0
    high = year + f.max_year_offset if f.max_year_offset is not None else f.max
    return f"{low}–{int(high)}" if high is not None else f"minst {low}"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    header: str
    value: str | None
    reason_code: str
    message: str


@dataclass
class ValidationReport:
    path: Path
    kind: str
    year: int
    rows_in: int = 0
    valid_rows: int = 0
    rejected_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None
    encoding: str | None = None
    separator: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def deliverable(self) -> bool:
        """Whether ingest would load the file: it is readable and has valid rows (a file with
        none is refused, so it cannot wipe out a partition by accident)."""
        return self.file_error is None and self.valid_rows > 0

    @property
    def exit_code(self) -> int:
        if self.file_error is not None or self.rows_in == 0:
            return 2
        return 1 if self.rejected_rows else 0


# --- per-type parsing ---------------------------------------------------------------------


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    stripped = expr.str.strip_chars()
    return pl.when(stripped == "").then(None).otherwise(stripped)


def normalise_code_expr(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.to_lowercase()
        .str.replace_many(
            ["æ", "ø", "å", "é", "è", "ü", "ö", "ä"], ["ae", "o", "a", "e", "e", "u", "o", "a"]
        )
        .str.replace_all(r"[^0-9a-z]+", "_")
        .str.strip_chars("_")
    )


def _parse(f: Field, value: pl.Expr, year: int) -> tuple[pl.Expr, pl.Expr | None, str]:
    """(parsed value, ok flag or None when any non-null value is ok, reason when not ok)."""
    if f.type == "string":
        return value, None, ""
    if f.type == "integer":
        ok = value.str.contains(r"^-?\d+(\.0+)?$")
        parsed = value.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
        return pl.when(ok).then(parsed), ok, "invalid_integer"
    if f.type == "decimal":
        compact = value.str.replace_all(r"[\s\u00a0\u202f]", "")
        compact = (
            pl.when(compact.str.contains(r"\.") & compact.str.contains(","))
            .then(compact.str.replace_all(r"\.", ""))
            .otherwise(compact)
            .str.replace(",", ".", literal=True)
        )
        ok = compact.str.contains(_DECIMAL_SHAPE)
        return pl.when(ok).then(compact.cast(MONEY, strict=False)), ok, "invalid_decimal"
    if f.type == "date":
        text = value.str.replace(r"[ T]00:00(:00)?(\.0+)?$", "")
        parsed = pl.coalesce(
            text.str.strptime(pl.Date, "%d.%m.%Y", strict=False),
            text.str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        )
        ok = (text.str.contains(_DATE_SHAPE) & (parsed >= EARLIEST_DATE)).fill_null(False)
        return pl.when(ok).then(parsed), ok, "invalid_date"
    if f.type == "boolean":
        lookup = {**{t: True for t in _TRUE}, **{t: False for t in _FALSE}}
        parsed = value.str.to_lowercase().replace_strict(
            lookup, default=None, return_dtype=pl.Boolean
        )
        return parsed, parsed.is_not_null(), "invalid_boolean"
    if f.type == "code":
        parsed = normalise_code_expr(value).replace_strict(
            f.code_lookup, default=None, return_dtype=pl.String
        )
        return parsed, parsed.is_not_null(), "invalid_code"
    if f.type == "municipality":
        ok = value.is_in(sorted(valid_municipality_codes(year)))
        return pl.when(ok).then(value), ok, "invalid_municipality"
    if f.type == "national_id":
        norm, ok = national_id_expr(value)
        return pl.when(ok).then(norm), ok, "invalid_national_id"
    if f.type == "org_number":
        norm, ok = org_number_expr(value)
        return pl.when(ok).then(norm), ok, "invalid_org_number"
    if f.type == "nace":
        ok = value.str.contains(r"^\d{2}\.\d{3}$")
        return pl.when(ok).then(value), ok, "invalid_nace"
    raise ValueError(f"unknown field type {f.type!r} in contract")


def _range_rules(f: Field, parsed: pl.Expr, year: int) -> list[tuple[pl.Expr, str]]:
    if f.type == "date" and f.date_rule == "in_year":
        return [(~parsed.is_between(date(year, 1, 1), date(year, 12, 31)), "date_outside_year")]
    if f.type == "date" and f.date_rule == "not_after_year":
        return [(parsed > date(year, 12, 31), "date_after_year")]
    if f.type == "date" and f.date_rule == "plan_window":
        window = parsed.is_between(date(year - 1, 1, 1), date(year, 12, 31))
        return [(~window, "date_outside_plan_window")]
    rules: list[tuple[pl.Expr, str]] = []
    if f.type in ("integer", "decimal"):
        high = year + f.max_year_offset if f.max_year_offset is not None else f.max
        if f.min == 0:
            rules.append((parsed < 0, "negative_value"))
        elif f.min is not None:
            rules.append((parsed < f.min, "out_of_range"))
        if high is not None:
            rules.append((parsed > high, "out_of_range"))
    return rules


def err_col(name: str, n: int = 0) -> str:
    return f"__err{n}__{name}"


def raw_col(name: str) -> str:
    return f"__raw__{name}"


@dataclass
class Annotated:
    """All rows, with parsed columns, raw strings and reason-code columns."""

    frame: pl.DataFrame
    schema: Schema
    year: int
    headers: dict[str, str]
    error_columns: list[tuple[str, str | None]]  # (error column, field name or None for the row)
    _mask: tuple[int, pl.Series] | None = field(default=None, repr=False)

    def add_error(self, field_name: str | None, condition: pl.Expr, reason: str) -> None:
        name = err_col(field_name or "row", len(self.error_columns) + 1)
        self.frame = self.frame.with_columns(_error_expr(condition, reason).alias(name))
        self.error_columns.append((name, field_name))

    def check_reference(
        self, field_name: str, column: str, known: Iterable[str] | pl.Series
    ) -> None:
        known_values = pl.Series(list(known) if not isinstance(known, pl.Series) else known)
        known_values = known_values.cast(pl.String)
        value = pl.col(column)
        self.add_error(
            field_name,
            value.is_not_null() & ~value.is_in(known_values.implode()),
            "unknown_reference",
        )

    @property
    def has_error(self) -> pl.Expr:
        return pl.any_horizontal([pl.col(c).is_not_null() for c, _ in self.error_columns])

    def error_mask(self) -> pl.Series:
        """True for every row with at least one error; computed once per set of error columns."""
        if self._mask is None or self._mask[0] != len(self.error_columns):
            self._mask = (len(self.error_columns), self.frame.select(self.has_error).to_series())
        return self._mask[1]

    def rejections(self) -> pl.DataFrame:
        # Only rows with an error can give a rejection; usually few, so filter them out first.
        rejected = self.frame.filter(self.error_mask())
        parts = []
        for column, field_name in self.error_columns:
            if rejected.height == 0:
                break
            f = self.schema.field(field_name) if field_name else None
            reasons = rejected.get_column(column).drop_nulls().unique().to_list()
            if not reasons:
                continue
            label = self.headers.get(field_name or "")
            messages = {r: reason_message(r, f, self.schema, self.year, label) for r in reasons}
            value = mask_expr(pl.col(raw_col(f.name)), f.pii) if f else pl.lit(None, pl.String)
            parts.append(
                rejected.filter(pl.col(column).is_not_null()).select(
                    pl.col(LINE_COLUMN).alias("source_line"),
                    pl.lit(field_name or ROW_COLUMN).alias("column_name"),
                    pl.lit(self.headers.get(field_name or "", ROW_COLUMN)).alias("header"),
                    value.alias("value_masked"),
                    pl.col(column).alias("reason_code"),
                    pl.col(column)
                    .replace_strict(messages, return_dtype=pl.String)
                    .alias("message"),
                )
            )
        if not parts:
            return pl.DataFrame(schema=REJECTION_SCHEMA)
        return pl.concat(parts).cast(REJECTION_SCHEMA).sort("source_line", maintain_order=True)

    def valid(self, columns: list[pl.Expr]) -> pl.DataFrame:
        """`columns` of the rows without errors. Selected before filtering, so the raw, lookup
        and error columns are never copied; usually no row has an error, and nothing is."""
        selected = self.frame.select(columns)
        mask = self.error_mask()
        return selected.filter(~mask) if mask.any() else selected


REJECTION_SCHEMA = {
    "source_line": pl.Int64,
    "column_name": pl.String,
    "header": pl.String,
    "value_masked": pl.String,
    "reason_code": pl.String,
    "message": pl.String,
}


# Field types whose values repeat (dates, amounts, codes): a file of a million rows has a few
# hundred distinct values, so each is parsed once and looked up, instead of once per row.
_PARSED_BY_DISTINCT_VALUE = frozenset(
    {"integer", "decimal", "date", "boolean", "code", "municipality", "nace"}
)


def _lookup_col(name: str) -> str:
    return f"__lookup__{name}"


def _ok_col(name: str) -> str:
    return f"__ok__{name}"


def _parse_distinct(column: pl.Series, f: Field, year: int) -> pl.Expr:
    """A struct (raw, parsed, ok) per row of `column`, computed once per distinct value by the
    same expressions `annotate` uses per row. Null stays null."""
    distinct = pl.DataFrame({"value": column.cast(pl.String).drop_nulls().unique()})
    parsed, ok, _ = _parse(f, pl.col("raw"), year)
    table = (
        distinct.lazy()
        .with_columns(_blank_to_null(pl.col("value")).alias("raw"))
        .select(
            "value",
            pl.struct(
                "raw", parsed.alias("parsed"), (ok if ok is not None else pl.lit(True)).alias("ok")
            ).alias("lookup"),
        )
        .collect(engine=ENGINE)
    )
    return pl.col(f.name).replace_strict(table["value"], table["lookup"], default=None)


def _error_expr(condition: pl.Expr, reason: str) -> pl.Expr:
    """The reason code where `condition` holds, else null."""
    return pl.when(condition.fill_null(False)).then(pl.lit(reason)).otherwise(None)


def annotate(raw: RawTable, schema: Schema, year: int) -> Annotated:
    """Parse every field column-wise and attach reason codes. References are checked by the caller
    (`Annotated.check_reference`), because ingest compares pseudonyms and validate clear IDs.

    Every rule is an expression in one lazy plan, collected once: polars then runs the columns in
    parallel and shares common subexpressions, instead of one pass over the rows per rule."""
    frame = raw.frame.lazy()
    missing_optional = [f for f in schema.fields if f.name not in raw.headers]
    frame = frame.with_columns(
        [pl.lit(None, dtype=pl.String).alias(f.name) for f in missing_optional]
    )
    by_value = [
        f for f in schema.fields if f.type in _PARSED_BY_DISTINCT_VALUE and f.name in raw.headers
    ]
    frame = frame.with_columns(
        [
            _blank_to_null(pl.col(f.name).cast(pl.String)).alias(raw_col(f.name))
            for f in schema.fields
            if f not in by_value
        ]
        + [
            _parse_distinct(raw.frame.get_column(f.name), f, year).alias(_lookup_col(f.name))
            for f in by_value
        ]
    )
    frame = frame.with_columns(
        [pl.col(_lookup_col(f.name)).struct.field("raw").alias(raw_col(f.name)) for f in by_value]
    )
    parsed_exprs, checks = [], []
    for f in schema.fields:
        value = pl.col(raw_col(f.name))
        if f in by_value:
            looked_up = pl.col(_lookup_col(f.name)).struct
            parsed, ok = looked_up.field("parsed"), looked_up.field("ok")
            reason = _parse(f, value, year)[2]
        else:
            parsed, ok, reason = _parse(f, value, year)
            if ok is not None:
                # Kept as a column beside the parsed value, so the checks below read it rather
                # than compute it again (a check-digit rule is the costliest of a file).
                parsed_exprs.append(ok.alias(_ok_col(f.name)))
                ok = pl.col(_ok_col(f.name))
        parsed_exprs.append(parsed.alias(f.name))
        if ok is not None:
            checks.append((f.name, value.is_not_null() & ~ok, reason))
        if f.required:
            checks.append((f.name, value.is_null(), "missing_required"))
    frame = frame.with_columns(parsed_exprs)
    # (field name or None for the row, reason-code expression, whether the column is numbered)
    errors: list[tuple[str | None, pl.Expr, bool]] = []

    def add_error(field_name: str | None, condition: pl.Expr, reason: str) -> None:
        errors.append((field_name, _error_expr(condition, reason), True))

    add_error(None, pl.col(RAGGED_COLUMN), "wrong_field_count")
    # One reason per field: the first that applies (missing, then type, then range).
    per_field: dict[str, list[tuple[pl.Expr, str]]] = {}
    for name, condition, reason in checks:
        per_field.setdefault(name, []).append((condition, reason))
    for f in schema.fields:
        rules = sorted(per_field.get(f.name, []), key=lambda r: r[1] != "missing_required")
        parsed = pl.col(f.name)
        for condition, reason in _range_rules(f, parsed, year):
            rules.append((parsed.is_not_null() & condition, reason))
        if f.required_when:
            cond = pl.all_horizontal([pl.col(k) == v for k, v in f.required_when.items()])
            rules.append(
                (parsed.is_null() & pl.col(raw_col(f.name)).is_null() & cond, "missing_conditional")
            )
        if f.not_before:
            rules.append((parsed < pl.col(f.not_before), "date_order"))
        if f.score_scale:
            scale = pl.col(f.score_scale)
            outside = (
                pl.when(scale == "1-5")
                .then(~parsed.is_between(1, 5))
                .when(scale == "0-10")
                .then(~parsed.is_between(0, 10))
                .otherwise(False)
            )
            rules.append((parsed.is_not_null() & outside, "score_out_of_range"))
        if not rules:
            continue
        chain = pl.when(rules[0][0].fill_null(False)).then(pl.lit(rules[0][1]))
        for condition, reason in rules[1:]:
            chain = chain.when(condition.fill_null(False)).then(pl.lit(reason))
        errors.append((f.name, chain.otherwise(None), False))
    if schema.kind == "survey_responses":
        add_error(
            "scale",
            (pl.col("question_id") == "anbefale") & (pl.col("scale") != "0-10"),
            "scale_mismatch",
        )
    keys = [pl.col(k) for k in schema.key]
    duplicated = pl.all_horizontal([k.is_not_null() for k in keys]) & (pl.len().over(keys) > 1)
    add_error(schema.key[0], duplicated, "duplicate_key")
    error_columns: list[tuple[str, str | None]] = []
    error_exprs = []
    for index, (field_name, expr, numbered) in enumerate(errors, start=1):
        name = err_col(field_name or "row", index) if numbered else err_col(field_name)
        error_exprs.append(expr.alias(name))
        error_columns.append((name, field_name))
    return Annotated(
        frame.with_columns(error_exprs).collect(engine=ENGINE),
        schema,
        year,
        dict(raw.headers),
        error_columns,
    )


# --- validate_file ------------------------------------------------------------------------


def _sibling_ids(path: Path, kind: str, year: int) -> pl.Series | None:
    """Clear IDs from the sibling file of `kind` in the same folder, for reference checks in
    `validate` (ingest compares against the warehouse instead)."""
    for candidate in sorted(path.parent.iterdir()):
        if candidate == path or candidate.suffix.lower() not in (".csv", ".xlsx"):
            continue
        try:
            if detect_kind(candidate) != kind:
                continue
            raw = read_table(candidate, schema_for(kind))
        except (ValueError, FileUnreadable):
            continue
        id_field = "client_id" if kind == "clients" else "course_id"
        return raw.frame.select(pl.col(id_field).str.strip_chars()).to_series().drop_nulls()
    return None


def validate_annotated(
    path: Path, kind: str, year: int, *, sheet: str | None = None
) -> tuple[ValidationReport, RawTable | None, Annotated | None]:
    schema = schema_for(kind)
    report = ValidationReport(path=Path(path), kind=kind, year=year)
    try:
        raw = read_table(Path(path), schema, sheet=sheet)
    except FileUnreadable as exc:
        # The reader may name what it found, e.g. a file's first record taken for its headers.
        report.file_error = mask_text(str(exc))
        return report, None, None
    report.encoding, report.separator = raw.encoding, raw.separator
    if raw.unknown_columns:
        report.notes.append(
            "Ukjente kolonner leses ikke inn: "
            + ", ".join(f"«{mask_text(c)}»" for c in raw.unknown_columns)
            + "."
        )
    annotated = annotate(raw, schema, year)
    return report, raw, annotated


def finish_report(report: ValidationReport, annotated: Annotated) -> pl.DataFrame:
    rejections = annotated.rejections()
    report.rows_in = annotated.frame.height
    report.rejected_rows = rejections.get_column("source_line").n_unique()
    report.valid_rows = report.rows_in - report.rejected_rows
    report.errors = [
        RowError(**row)
        for row in rejections.rename(
            {"source_line": "line", "column_name": "column", "value_masked": "value"}
        ).to_dicts()
    ]
    return rejections


def validate_file(
    path: Path, kind: str, year: int, *, sheet: str | None = None
) -> ValidationReport:
    """Check one file against the contract without loading anything."""
    return check_file(path, kind, year, sheet=sheet)[0]


def check_file(
    path: Path, kind: str, year: int, *, sheet: str | None = None
) -> tuple[ValidationReport, Annotated | None]:
    """`validate_file`, with the annotated rows (None when the file cannot be read), for checks
    that read the valid rows (validate's register check)."""
    path = Path(path)
    report, _, annotated = validate_annotated(path, kind, year, sheet=sheet)
    if annotated is None:
        return report, None
    schema = annotated.schema
    for f in schema.fields:
        if f.references and f.name in annotated.headers:
            known = _sibling_ids(path, f.references, year)
            if known is None:
                target = schema_for(f.references).no
                report.notes.append(
                    f"«{f.no}» er ikke kontrollert mot {target}: fant ingen slik fil i samme mappe."
                )
            else:
                annotated.check_reference(f.name, f.name, known)
    finish_report(report, annotated)
    return report, annotated
