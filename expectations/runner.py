"""Run a suite: pull its batches from DuckDB (read-only), validate them with GX, write Data Docs.

GX is imported inside the functions, after `GX_ANALYTICS_ENABLED=False` is set, so importing
`expectations` stays cheap (GX is slow to import: docs/performance.md) and free of side
effects.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from expectations.batch import Batch, MissingTableError, RegionIds, Years, format_number
from expectations.data_docs import make_offline
from expectations.result import FailedExpectation, SuiteResult

# Suite name -> module under expectations.suites, and the keyword it passes to `build`.
_SUITES: dict[str, tuple[str, dict[str, str]]] = {
    "raw_ssb__population": ("ssb_population", {}),
    "raw_brreg__units": ("brreg_units", {}),
    "raw_operators__clients": ("operators", {"kind": "clients"}),
    "raw_operators__activities": ("operators", {"kind": "activities"}),
    "raw_operators__courses": ("operators", {"kind": "courses"}),
    "raw_operators__establishments": ("operators", {"kind": "establishments"}),
    "raw_operators__survey_responses": ("operators", {"kind": "survey_responses"}),
    "raw_operators__finance": ("operators", {"kind": "finance"}),
    "raw_operators__activity_plan": ("operators", {"kind": "activity_plan"}),
    "marts_funding": ("marts", {"mart": "funding"}),
    "marts_kpis": ("marts", {"mart": "kpis"}),
}

SUITE_NAMES: tuple[str, ...] = tuple(_SUITES)

# How many unexpected values a summary quotes.
_EXAMPLES = 3


def run_suite(
    name: str,
    db_path: Path,
    *,
    year: Years = None,
    region_id: RegionIds = None,
    docs_dir: Path | None = None,
    defer_docs: bool = False,
) -> SuiteResult:
    """Validate one suite against the warehouse at `db_path`.

    The warehouse is opened read-only and closed before validation starts, so a writer can run
    right after. With `docs_dir`, Data Docs HTML is written to `docs_dir/<name>/index.html`;
    with `defer_docs` too, only when `build_deferred_docs()` is called (in the same process).
    Raises `ValueError` for an unknown suite and `FileNotFoundError` for a missing warehouse; a
    missing table is a failed result, not an error.
    """
    if name not in _SUITES:
        raise ValueError(f"Ukjent GX-suite {name!r}. Kjente suiter: {', '.join(SUITE_NAMES)}.")
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"Fant ikke lageret {db_path}. Kjør innlastingen først.")

    build = _builder(name)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        batches = build(con, year=year, region_id=region_id)
    except MissingTableError as missing:
        return SuiteResult(
            suite_name=name,
            success=False,
            evaluated=1,
            successful=0,
            failed=[
                FailedExpectation(
                    expectation_type="table_exists",
                    column=None,
                    table=missing.table,
                    summary=f"Tabellen {missing.table} finnes ikke i lageret; "
                    "kjør steget som skriver den før sjekken.",
                )
            ],
        )
    finally:
        con.close()
    return validate_batches(name, batches, docs_dir=docs_dir, defer_docs=defer_docs)


def _builder(name: str) -> Callable[..., list[Batch]]:
    _quiet_gx()
    module_name, fixed = _SUITES[name]
    module = importlib.import_module(f"expectations.suites.{module_name}")

    def build(con: duckdb.DuckDBPyConnection, **filters: Any) -> list[Batch]:
        return module.build(con, **fixed, **filters)

    return build


def _quiet_gx() -> None:
    """No telemetry, and set before GX is first imported (GX reads it at import)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"


def import_gx() -> None:
    """Import GX, quietly (the first import is the slow one)."""
    _quiet_gx()
    import great_expectations  # noqa: F401


# Data Docs still to write: (the suite's ephemeral context, its site name, its folder). Writing
# them is a good part of a suite's time (docs/performance.md), so the verdict does not wait for
# it (`defer_docs`).
_deferred_docs: list[tuple[Any, str, Path]] = []


def build_deferred_docs() -> int:
    """Write the Data Docs of every suite validated with `defer_docs` since the last call; returns
    how many sites were written."""
    built = 0
    while _deferred_docs:
        _build_docs(*_deferred_docs.pop(0))
        built += 1
    return built


def validate_batches(
    suite_name: str,
    batches: list[Batch],
    *,
    docs_dir: Path | None = None,
    defer_docs: bool = False,
) -> SuiteResult:
    """Validate each batch against its own GX suite `<suite_name>.<batch.name>` in one
    ephemeral context, and fold the results into one `SuiteResult`."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    # In memory, no default temp docs site, no tqdm bars, no analytics.
    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            progress_bars=ProgressBarsConfig(globally=False),
            analytics_enabled=False,
        ),
    )
    source = context.data_sources.add_pandas(suite_name)
    site_name = "run"
    docs_site = Path(docs_dir) / suite_name if docs_dir is not None else None
    if docs_site is not None:
        context.add_data_docs_site(
            site_name=site_name,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_site),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )

    evaluated = 0
    failed: list[FailedExpectation] = []
    for batch in batches:
        batch_definition = source.add_dataframe_asset(
            batch.name
        ).add_batch_definition_whole_dataframe("whole")
        # The suite goes into the context whole: each add_expectation on a stored suite
        # serialises the whole suite to the store again (docs/performance.md).
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=f"{suite_name}.{batch.name}", expectations=list(batch.expectations)
            )
        )
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(
                name=f"{suite_name}.{batch.name}", data=batch_definition, suite=suite
            )
        )
        # SUMMARY: counts and a few unexpected values, never full lists of rows; frames hold no
        # person keys anyway (see expectations.batch).
        outcome = validation.run(
            batch_parameters={"dataframe": batch.frame}, result_format="SUMMARY"
        )
        for result in outcome.results:
            evaluated += 1
            if not result.success:
                failed.append(_failure(batch, result))

    docs_path = None
    if docs_site is not None:
        if defer_docs:
            _deferred_docs.append((context, site_name, docs_site))
        else:
            _build_docs(context, site_name, docs_site)
        docs_path = docs_site / "index.html"
    return SuiteResult(
        suite_name=suite_name,
        success=not failed,
        evaluated=evaluated,
        successful=evaluated - len(failed),
        failed=failed,
        docs_path=docs_path,
    )


def _build_docs(context: Any, site_name: str, docs_site: Path) -> None:
    """Write the site's Data Docs, with local copies of what GX loads from CDNs."""
    context.build_data_docs(site_names=[site_name])
    make_offline(docs_site)


def _failure(batch: Batch, result: Any) -> FailedExpectation:
    config = result.expectation_config
    column = config.kwargs.get("column")
    meta = config.meta or {}
    return FailedExpectation(
        expectation_type=config.type,
        column=meta.get("column", column),
        table=batch.table,
        summary=_summary(batch, config.description, result),
    )


def _summary(batch: Batch, description: str | None, result: Any) -> str:
    lead = (description or result.expectation_config.type).rstrip(".")
    exception = result.exception_info or {}
    if exception.get("raised_exception"):
        return f"{lead}: kunne ikke beregnes ({exception.get('exception_message')})."
    observed = result.result or {}
    if "observed_value" in observed:
        return f"{lead}: observert {format_number(observed['observed_value'])}."
    if "unexpected_count" in observed:
        examples = _examples(batch, observed)
        # Nulls are outside most expectations (e.g. hours of non-guidance rows): not counted.
        checked = observed.get("element_count", 0) - observed.get("missing_count", 0)
        text = f"{lead}: {observed['unexpected_count']} av {checked} verdier avviker"
        return f"{text} (f.eks. {examples})." if examples else f"{text}."
    return f"{lead}: ikke oppfylt."


def _examples(batch: Batch, observed: dict[str, Any]) -> str:
    values = list(observed.get("partial_unexpected_list") or [])[:_EXAMPLES]
    indexes = list(observed.get("partial_unexpected_index_list") or [])[:_EXAMPLES]
    if batch.label_column and len(indexes) == len(values):
        labels = batch.frame[batch.label_column]
        return ", ".join(
            f"{labels.loc[index]}: {format_number(value)}"
            for index, value in zip(indexes, values, strict=True)
        )
    distinct = dict.fromkeys(format_number(value) for value in values)
    return ", ".join(distinct)
