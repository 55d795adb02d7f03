"""`raw_operators__<kind>`: operator records in `raw.<kind>`, one suite per kind.

Two batches per kind, both bounded in memory whatever the table size:

- `partitions`: one row per (region_id, year), aggregated in DuckDB: the missing share of every
  required column (`expectations.raw_columns`, after docs/raw_tables.md), the quarantined share
  (distinct quarantined lines of the current file in `raw.quarantine` over `rows_in` of the
  partition's latest `loaded` entry in `raw.load_log`, as ingestion reads it), and kind-specific
  aggregates (digital share, median age, mean score, ...).
- `sample`: a repeatable reservoir sample of at most `OPERATOR_SAMPLE_ROWS` rows of non-key
  columns and derived values, for accepted codes and plausible distributions.

Person keys (client_key, person_key) and row ids never enter a frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import great_expectations.expectations as gxe

from expectations import raw_columns
from expectations import thresholds as t
from expectations.batch import (
    Batch,
    RegionIds,
    Years,
    fetch_frame,
    format_number,
    partition_filter,
    require_table,
)

# Columns that identify a person or a row; kept out of every frame (see module docstring).
_KEY_COLUMNS = frozenset({"client_key", "person_key", "activity_id", "response_id", "business_key"})


@dataclass(frozen=True)
class _Required:
    column: str
    when_column: str | None = None
    when_value: str | None = None


@dataclass
class _KindChecks:
    """What a kind checks beyond completeness and quarantine."""

    partition_sql: dict[str, str] = field(default_factory=dict)
    """Aggregate column name -> SQL expression over the kind's rows of one partition."""
    partition_expectations: list[object] = field(default_factory=list)
    sample_sql: dict[str, str] = field(default_factory=dict)
    """Sample column name -> SQL expression over one row (the reporting year is `year`)."""
    sample_expectations: list[object] = field(default_factory=list)


def build(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    year: Years = None,
    region_id: RegionIds = None,
) -> list[Batch]:
    table = f"raw.{kind}"
    for needed in (table, "raw.load_log", "raw.quarantine"):
        require_table(con, needed)
    required = _required_columns(kind)
    codes = _code_columns(kind)
    checks = _KIND_CHECKS[kind]()
    partitions = _partition_frame(con, kind, required, checks, year, region_id)
    sample = _sample_frame(con, kind, codes, checks, year, region_id)
    leaked = _KEY_COLUMNS & {*partitions.columns, *sample.columns}
    if leaked:  # a programming error in this module, never a data problem
        raise AssertionError(f"Key columns {sorted(leaked)} must not reach GX or Data Docs.")
    return [
        Batch(
            name="partitions",
            table=f"{table}, raw.quarantine, raw.load_log",
            frame=partitions,
            label_column="partition",
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=1,
                    description=f"Det finnes innlastede {kind}-data for utvalget.",
                ),
                gxe.ExpectColumnValuesToNotBeNull(
                    column="quarantine_share",
                    meta={"column": "rows_in"},
                    description="Partisjonen har en innlasting i raw.load_log.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="quarantine_share",
                    min_value=0,
                    max_value=t.OPERATOR_MAX_QUARANTINE_SHARE,
                    description=(
                        f"Andelen rader i karantene er høyst {t.OPERATOR_MAX_QUARANTINE_SHARE:.0%}."
                    ),
                ),
                *(_completeness(spec) for spec in required),
                *checks.partition_expectations,
            ],
        ),
        Batch(
            name="sample",
            table=table,
            frame=sample,
            expectations=[
                *(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=column,
                        value_set=list(accepted),
                        description=f"{column} har bare gyldige koder.",
                    )
                    for column, accepted in codes.items()
                ),
                *checks.sample_expectations,
            ],
        ),
    ]


def _required_columns(kind: str) -> list[_Required]:
    required = [_Required(column) for column in (*raw_columns.REQUIRED[kind], *raw_columns.LINEAGE)]
    required += [
        _Required(column, when_column, when_value)
        for column, (when_column, when_value) in raw_columns.REQUIRED_WHEN.get(kind, {}).items()
    ]
    return required


def _code_columns(kind: str) -> dict[str, tuple[str, ...]]:
    return raw_columns.CODES[kind]


def _missing_share_column(spec: _Required) -> str:
    return f"missing_share__{spec.column}"


def _completeness(spec: _Required) -> object:
    condition = (
        f" der {spec.when_column} er {spec.when_value}" if spec.when_column is not None else ""
    )
    return gxe.ExpectColumnValuesToBeBetween(
        column=_missing_share_column(spec),
        min_value=0,
        max_value=t.OPERATOR_MAX_MISSING_SHARE,
        meta={"column": spec.column},
        description=(
            f"{spec.column} er utfylt{condition} "
            f"(høyst {t.OPERATOR_MAX_MISSING_SHARE:.0%} mangler)."
        ),
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _partition_frame(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    required: list[_Required],
    checks: _KindChecks,
    year: Years,
    region_id: RegionIds,
):
    where, params = partition_filter(year, region_id)
    aggregates = ["count(*) as row_count"]
    for spec in required:
        missing = f"avg(case when {_quote(spec.column)} is null then 1.0 else 0.0 end)"
        if spec.when_column is not None:
            missing += f" filter (where {_quote(spec.when_column)} = '{spec.when_value}')"
        aggregates.append(f"{missing} as {_quote(_missing_share_column(spec))}")
    aggregates += [f"{expr} as {_quote(name)}" for name, expr in checks.partition_sql.items()]
    extra_columns = [_missing_share_column(spec) for spec in required] + list(checks.partition_sql)
    sql = f"""
    with table_partitions as (
        select region_id, year, {", ".join(aggregates)}
        from raw.{kind}
        where {where}
        group by region_id, year
    ),
    loads as (
        select
            region_id, year, source_sha256, rows_in,
            -- The file that fills the partition now, as ingestion sees it (last `loaded`).
            row_number() over (partition by region_id, year order by loaded_at desc) as recency
        from raw.load_log
        where kind = ? and status = 'loaded' and {where}
    ),
    current_loads as (
        select region_id, year, sum(rows_in) as rows_in
        from loads
        where recency = 1
        group by region_id, year
    ),
    quarantined as (
        select
            q.region_id,
            q.year,
            count(distinct q.source_sha256 || ':' || q.source_line) as quarantined_rows
        from raw.quarantine as q
        inner join loads as l
            on q.region_id = l.region_id
            and q.year = l.year
            and q.source_sha256 = l.source_sha256
            and l.recency = 1
        where q.kind = ?
        group by q.region_id, q.year
    )
    select
        coalesce(p.region_id, c.region_id) || '/' || coalesce(p.year, c.year) as partition,
        coalesce(p.region_id, c.region_id) as region_id,
        coalesce(p.year, c.year) as year,
        coalesce(p.row_count, 0) as row_count,
        c.rows_in,
        coalesce(q.quarantined_rows, 0) as quarantined_rows,
        cast(coalesce(q.quarantined_rows, 0) as double) / nullif(c.rows_in, 0)
            as quarantine_share,
        {", ".join(f"p.{_quote(name)}" for name in extra_columns if name != "row_count")}
    from table_partitions as p
    full outer join current_loads as c on p.region_id = c.region_id and p.year = c.year
    left join quarantined as q
        on coalesce(p.region_id, c.region_id) = q.region_id
        and coalesce(p.year, c.year) = q.year
    order by partition
    """
    return fetch_frame(con, sql, [*params, kind, *params, kind])


def _sample_frame(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    codes: dict[str, tuple[str, ...]],
    checks: _KindChecks,
    year: Years,
    region_id: RegionIds,
):
    where, params = partition_filter(year, region_id)
    columns = {name: _quote(name) for name in codes} | checks.sample_sql
    select_list = ", ".join(f"{expr} as {_quote(name)}" for name, expr in columns.items())
    sql = f"""
    select {select_list}
    from (select * from raw.{kind} where {where})
    using sample reservoir({int(t.OPERATOR_SAMPLE_ROWS)} rows) repeatable ({t.OPERATOR_SAMPLE_SEED})
    """
    return fetch_frame(con, sql, params)


# --- Per-kind checks ---------------------------------------------------------------------------


def _clients() -> _KindChecks:
    return _KindChecks(
        partition_sql={"median_age": "median(year - birth_year)"},
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="median_age",
                min_value=t.CLIENT_MEDIAN_AGE_MIN,
                max_value=t.CLIENT_MEDIAN_AGE_MAX,
                meta={"column": "birth_year"},
                description=(
                    f"Medianalderen i rapporteringsåret er mellom {t.CLIENT_MEDIAN_AGE_MIN} "
                    f"og {t.CLIENT_MEDIAN_AGE_MAX} år."
                ),
            )
        ],
        sample_sql={
            "age_in_year": "year - birth_year",
            "municipality_code": "municipality_code",
        },
        sample_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="age_in_year",
                min_value=t.CLIENT_AGE_MIN,
                max_value=t.CLIENT_AGE_MAX,
                mostly=t.CLIENT_AGE_MOSTLY,
                meta={"column": "birth_year"},
                description=(
                    f"Minst {t.CLIENT_AGE_MOSTLY:.0%} av klientene er mellom {t.CLIENT_AGE_MIN} "
                    f"og {t.CLIENT_AGE_MAX} år i rapporteringsåret."
                ),
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="municipality_code",
                regex=r"^\d{4}$",
                description="Kommunenummeret har fire siffer.",
            ),
        ],
    )


def _activities() -> _KindChecks:
    return _KindChecks(
        partition_sql={
            "digital_share": (
                "avg(case when channel = 'digital' then 1.0 else 0.0 end) "
                "filter (where activity_type = 'veiledning')"
            ),
            "in_year_share": (
                "avg(case when extract(year from activity_date) = year then 1.0 else 0.0 end)"
            ),
        },
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="digital_share",
                min_value=0,
                max_value=1,
                meta={"column": "channel"},
                description="Digital andel av veiledningene er mellom 0 og 1.",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="in_year_share",
                min_value=t.ACTIVITIES_IN_YEAR_MIN_SHARE,
                max_value=1,
                meta={"column": "activity_date"},
                description=(
                    f"Minst {t.ACTIVITIES_IN_YEAR_MIN_SHARE:.0%} av aktivitetene er datert "
                    "i rapporteringsåret."
                ),
            ),
        ],
        sample_sql={
            "guidance_hours": (
                "case when activity_type = 'veiledning' then cast(hours as double) end"
            ),
            "assessment_days": (
                "case when activity_type = 'naeringsfaglig_vurdering' "
                "then date_diff('day', activity_date, assessment_completed_date) end"
            ),
        },
        sample_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="guidance_hours",
                min_value=t.GUIDANCE_HOURS_MIN,
                max_value=t.GUIDANCE_HOURS_MAX,
                mostly=t.GUIDANCE_HOURS_MOSTLY,
                meta={"column": "hours"},
                description=(
                    f"Minst {t.GUIDANCE_HOURS_MOSTLY:.0%} av veiledningene varer mellom "
                    f"{format_number(t.GUIDANCE_HOURS_MIN)} og "
                    f"{format_number(t.GUIDANCE_HOURS_MAX)} timer."
                ),
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="assessment_days",
                min_value=0,
                max_value=t.ASSESSMENT_DAYS_MAX,
                mostly=t.ASSESSMENT_DAYS_MOSTLY,
                meta={"column": "assessment_completed_date"},
                description=(
                    f"Minst {t.ASSESSMENT_DAYS_MOSTLY:.0%} av næringsfaglige vurderinger er "
                    f"ferdige innen {t.ASSESSMENT_DAYS_MAX} dager."
                ),
            ),
        ],
    )


def _courses() -> _KindChecks:
    return _KindChecks(
        partition_sql={
            "basic_course_max_fee": (
                "cast(max(fee_nok) filter (where course_type = 'grunnkurs') as double)"
            )
        },
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="basic_course_max_fee",
                min_value=0,
                max_value=t.BASIC_COURSE_MAX_FEE_NOK,
                meta={"column": "fee_nok"},
                description="Grunnkurset er gratis (avtalen §5.2.1).",
            )
        ],
        sample_sql={
            "course_days": "date_diff('day', start_date, end_date)",
            "fee_nok": "cast(fee_nok as double)",
        },
        sample_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="course_days",
                min_value=0,
                max_value=t.COURSE_MAX_DAYS,
                meta={"column": "end_date"},
                description=f"Kurset varer mellom 0 og {t.COURSE_MAX_DAYS} dager.",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="fee_nok",
                min_value=0,
                max_value=t.COURSE_MAX_FEE_NOK,
                description=f"Egenandelen er mellom 0 og {t.COURSE_MAX_FEE_NOK:.0f} kroner.",
            ),
        ],
    )


def _establishments() -> _KindChecks:
    return _KindChecks(
        # The business key is a key; its form is checked here, in aggregate, never sampled: a
        # pseudonym (64 hex digits), never a clear organisation number.
        partition_sql={
            "business_key_pseudonym_share": (
                "avg(case when regexp_full_match(business_key, '[0-9a-f]{64}') "
                "then 1.0 else 0.0 end)"
            )
        },
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="business_key_pseudonym_share",
                min_value=1,
                max_value=1,
                meta={"column": "business_key"},
                description=(
                    "Alle foretak har et pseudonym (64 heksadesimale tegn), ikke "
                    "organisasjonsnummeret i klartekst."
                ),
            )
        ],
        sample_sql={
            "nace_code": "nace_code",
            "registration_year_offset": "extract(year from registration_date) - year",
        },
        sample_expectations=[
            gxe.ExpectColumnValuesToMatchRegex(
                column="nace_code",
                regex=r"^\d{2}\.\d{3}$",
                description="Næringskoden har formen nn.nnn.",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="registration_year_offset",
                min_value=-t.ESTABLISHMENT_YEARS_BEFORE,
                max_value=t.ESTABLISHMENT_YEARS_AFTER,
                mostly=t.ESTABLISHMENT_YEAR_MOSTLY,
                meta={"column": "registration_date"},
                description=(
                    f"Minst {t.ESTABLISHMENT_YEAR_MOSTLY:.0%} av foretakene er registrert fra "
                    f"{t.ESTABLISHMENT_YEARS_BEFORE} år før til {t.ESTABLISHMENT_YEARS_AFTER} "
                    "år etter rapporteringsåret."
                ),
            ),
        ],
    )


# Score normalised to 0..1 on its own scale.
_NORMALISED_SCORE = "case scale when '1-5' then (score - 1) / 4.0 when '0-10' then score / 10.0 end"


def _survey_responses() -> _KindChecks:
    return _KindChecks(
        partition_sql={
            "mean_score": f"avg({_NORMALISED_SCORE})",
            "wrong_scale_share": (
                "avg(case when question_id = 'anbefale' and scale <> '0-10' then 1.0 else 0.0 end)"
            ),
        },
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="mean_score",
                min_value=t.SURVEY_MEAN_SCORE_MIN,
                max_value=1,
                meta={"column": "score"},
                description=(
                    "Gjennomsnittlig svar (0 = dårligst, 1 = best) er minst "
                    f"{format_number(t.SURVEY_MEAN_SCORE_MIN)}; lavere tyder på snudd skala."
                ),
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="wrong_scale_share",
                min_value=0,
                max_value=0,
                meta={"column": "scale"},
                description="Spørsmålet «anbefale» har alltid skala 0-10 (NPS).",
            ),
        ],
        sample_sql={"normalised_score": _NORMALISED_SCORE},
        sample_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="normalised_score",
                min_value=0,
                max_value=1,
                meta={"column": "score"},
                description="Svaret ligger innenfor skalaen.",
            ),
        ],
    )


def _finance() -> _KindChecks:
    return _KindChecks(
        partition_sql={"duplicate_lines": "count(*) - count(distinct (record_type, category))"},
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="duplicate_lines",
                min_value=0,
                max_value=0,
                meta={"column": "category"},
                description="Hver type og kategori forekommer én gang.",
            )
        ],
        sample_sql={"amount_nok": "cast(amount_nok as double)"},
        sample_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="amount_nok",
                min_value=0,
                max_value=t.FINANCE_MAX_AMOUNT_NOK,
                description=(
                    f"Beløpet er mellom 0 og {t.FINANCE_MAX_AMOUNT_NOK:,.0f} kroner.".replace(
                        ",", " "
                    )
                ),
            )
        ],
    )


def _activity_plan() -> _KindChecks:
    first, last = t.PLAN_SUBMITTED_YEARS
    return _KindChecks(
        partition_sql={"duplicate_targets": "count(*) - count(distinct target_id)"},
        partition_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="duplicate_targets",
                min_value=0,
                max_value=0,
                meta={"column": "target_id"},
                description="Hvert mål forekommer én gang i planen.",
            )
        ],
        sample_sql={
            "planned_value": "cast(planned_value as double)",
            "submitted_year_offset": "extract(year from submitted_date) - year",
        },
        sample_expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="planned_value",
                min_value=0,
                max_value=t.PLAN_MAX_VALUE,
                description=f"Planlagt verdi er mellom 0 og {t.PLAN_MAX_VALUE:.0f}.",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="submitted_year_offset",
                min_value=first,
                max_value=last,
                meta={"column": "submitted_date"},
                description="Planen er sendt inn året før eller i rapporteringsåret.",
            ),
        ],
    )


_KIND_CHECKS = {
    "clients": _clients,
    "activities": _activities,
    "courses": _courses,
    "establishments": _establishments,
    "survey_responses": _survey_responses,
    "finance": _finance,
    "activity_plan": _activity_plan,
}
