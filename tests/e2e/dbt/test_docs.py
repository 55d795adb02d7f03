"""Every mart and every mart column is documented in Norwegian and English, with a data type."""

from __future__ import annotations

import json

MARTS = {
    "dim_region",
    "dim_municipality",
    "fct_funding",
    "fct_payouts",
    "fct_region_kpis",
    "fct_municipality_kpis",
    "fct_survey_results",
    "fct_plan_vs_actual",
    "fct_compliance",
    "fct_agreement_amounts",
    "fct_funding_lineage",
    "fct_outcome_cohorts",
    "fct_outcome_startups",
    "fct_outcome_businesses",
    "fct_linkage_findings",
}


def test_every_mart_column_is_described_in_both_languages(fixture_warehouse):
    manifest = json.loads((fixture_warehouse.target_dir / "manifest.json").read_text())
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert set(marts) == MARTS
    undocumented = [
        (name, column)
        for name, node in marts.items()
        for column, spec in node["columns"].items()
        if " / " not in spec.get("description", "") or not spec.get("data_type")
    ]
    assert undocumented == []
    assert all(node["config"]["contract"]["enforced"] for node in marts.values())
    assert all(" / " in node["description"] for node in marts.values())
    # Money is decimal(18,2) everywhere it shows.
    money = {
        (name, column): spec["data_type"]
        for name, node in marts.items()
        for column, spec in node["columns"].items()
        if column.endswith("_nok")
    }
    assert len(money) >= 10
    assert set(money.values()) == {"decimal(18,2)"}
