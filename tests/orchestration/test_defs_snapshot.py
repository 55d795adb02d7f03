"""A snapshot of the definitions: an accidental change to the graph shows up as a diff.

Update on purpose with `pytest tests/orchestration/test_defs_snapshot.py --snapshot-update`.
"""

import dagster as dg


def partitioning(partitions_def: dg.PartitionsDefinition | None) -> str:
    """`year × region`, `year`, or `none`."""
    if isinstance(partitions_def, dg.MultiPartitionsDefinition):
        return " × ".join(sorted(partitions_def.partition_dimension_names, reverse=True))
    return "year" if partitions_def is not None else "none"


def describe_definitions(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    checks = []
    for check_key in sorted(graph.asset_check_keys, key=lambda k: k.to_user_string()):
        spec = graph.get_check_spec(check_key)
        checks.append({"check": check_key.to_user_string(), "blocking": spec.blocking})
    return {
        "assets": sorted(
            (k.to_user_string(), partitioning(graph.get(k).partitions_def))
            for k in graph.get_all_asset_keys()
        ),
        "checks": checks,
        "jobs": sorted(
            (job.name, partitioning(job.partitions_def)) for job in defs.resolve_all_job_defs()
        ),
        "schedules": sorted(
            (s.name, s.cron_schedule, s.execution_timezone, s.job_name) for s in defs.schedules
        ),
        "sensors": sorted(s.name for s in defs.sensors),
    }


def test_definitions_match_the_snapshot(dbt_manifest, snapshot):
    from orchestration.definitions import defs

    assert describe_definitions(defs) == snapshot


def test_gx_checks_are_blocking(dbt_manifest):
    from orchestration.definitions import defs

    described = describe_definitions(defs)
    gx = [c for c in described["checks"] if ":gx_" in c["check"]]
    assert len(gx) == 11
    assert all(c["blocking"] for c in gx)
