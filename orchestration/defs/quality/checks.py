"""GX suites (expectations/) as blocking asset checks. A failed suite stops everything downstream
of its asset in the run, so no report is built from data that failed its checks.

A check covers the region-years its run builds (one region, or every region of the year, in one
suite run): it is not partitioned itself, and its metadata says which region-years it checked."""

import dagster as dg

from expectations.worker import run_suite_in_worker
from orchestration.defs.common.partitions import RegionYearScope
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.defs.operators.assets import OPERATOR_KINDS

# suite name -> (checked asset, other assets the suite reads, partitioned by year × region?)
SUITE_TARGETS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "raw_ssb__population": ("raw_ssb__population", (), False),
    # The found share counts what the operators say was registered by each observation day.
    "raw_brreg__units": ("raw_brreg__units", ("raw_operators__establishments",), False),
    **{
        f"raw_operators__{kind}": (f"raw_operators__{kind}", ("raw_operators__quarantine",), True)
        for kind in OPERATOR_KINDS
    },
    "marts_funding": ("fct_funding", ("fct_payouts",), True),
    "marts_kpis": ("fct_region_kpis", (), True),
}


def build_gx_check(suite_name: str) -> dg.AssetChecksDefinition:
    asset, reads, partitioned = SUITE_TARGETS[suite_name]

    @dg.asset_check(
        asset=asset,
        name=f"gx_{suite_name}",
        description=f"Great Expectations-suite `{suite_name}` (blokkerende).",
        blocking=True,
        additional_deps=list(reads),
        # Readers need the file free of writers too: DuckDB allows a writer or readers.
        pool=DUCKDB_WRITER_POOL,
    )
    def _gx_check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        scope = RegionYearScope.of_run(context.run) if partitioned else None
        result = run_suite_in_worker(
            suite_name,
            warehouse.db_path,
            year=scope.year_filter if scope else None,
            region_id=scope.region_filter if scope else None,
            docs_dir=warehouse.gx_docs_dir / context.run.run_id,
        )
        metadata = dict(result.as_metadata())
        if scope is not None:
            metadata["years"] = dg.MetadataValue.json(list(scope.years))
            metadata["regions"] = dg.MetadataValue.json(list(scope.region_ids))
        if result.docs_path is not None:
            # The UI shows a url as a link and a path as text to copy. Browsers may refuse a
            # file:// link from an http page (then copy it into the address bar), so both.
            metadata["data_docs"] = dg.MetadataValue.url(result.docs_path.absolute().as_uri())
            metadata["data_docs_path"] = dg.MetadataValue.path(str(result.docs_path))
        if result.failed:
            metadata["failed_expectations"] = dg.MetadataValue.md(
                "\n".join(
                    f"- `{f.expectation_type}` på {f.table}: {f.summary}" for f in result.failed
                )
            )
            for failure in result.failed:
                context.log.error(f"{suite_name}: {failure.expectation_type}: {failure.summary}")
        return dg.AssetCheckResult(
            passed=result.success, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata
        )

    return _gx_check


gx_checks = [build_gx_check(name) for name in SUITE_TARGETS]
