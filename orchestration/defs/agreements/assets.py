"""The agreements' texts, checked (etablerer agreement check) and loaded raw for fct_compliance."""

import dagster as dg

from ingestion import agreements, paths
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource


@dg.multi_asset(
    name="raw_agreements",
    specs=[
        dg.AssetSpec(
            dg.AssetKey(f"raw_agreements__{table}"),
            group_name="raw",
            kinds={"python", "duckdb"},
            description=description,
        )
        for table, description in (
            ("checks", "raw.agreement_checks: hvilken avtaletekst som er kontrollert, og når."),
            ("findings", "raw.agreement_findings: funnene i avtaleteksten, per paragraf."),
        )
    ],
    pool=DUCKDB_WRITER_POOL,
)
def raw_agreements(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    checks = agreements.check_configured_agreements(paths.AGREEMENTS_DIR)
    n_findings = agreements.load_agreement_checks(warehouse.db_path, checks)
    for check in checks:
        if check.error:
            context.log.warning(f"{check.source_document}: {check.error}")
        else:
            blocking = check.report.count(agreements.BLOCKS_PAYOUT)
            context.log.info(
                f"{check.source_document}: {len(check.report.findings)} funn, {blocking} "
                "blokkerer utbetaling"
            )
    yield dg.MaterializeResult(
        asset_key="raw_agreements__checks",
        metadata={
            "agreements": dg.MetadataValue.json([c.agreement_id for c in checks]),
            "documents_dir": dg.MetadataValue.path(str(paths.AGREEMENTS_DIR)),
        },
    )
    yield dg.MaterializeResult(
        asset_key="raw_agreements__findings", metadata={"findings": n_findings}
    )
