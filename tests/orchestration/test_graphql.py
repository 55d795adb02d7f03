"""The real webserver serves the definitions: assets and schedules listed through GraphQL."""

import time

import httpx
import pytest

from tests.helpers import isolated_env, running_webserver

QUERY = """
{
  assetNodes { assetKey { path } }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes { name schedules { name cronSchedule executionTimezone } sensors { name } }
    }
  }
}
"""


@pytest.fixture(scope="module")
def webserver_url(tmp_path_factory, dbt_manifest):
    with running_webserver(isolated_env(tmp_path_factory.mktemp("webserver"))) as url:
        yield url


LOCATIONS = """
{
  workspaceOrError {
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError { __typename ... on PythonError { message } }
      }
    }
  }
}
"""
# Bounds for a hung test only: a busy machine loads the definitions and answers slowly.
LOADED_WITHIN_S = 600
ANSWER_WITHIN_S = 120


def _ask(url: str, query: str) -> dict:
    answer = httpx.post(f"{url}/graphql", json={"query": query}, timeout=ANSWER_WITHIN_S)
    return answer.json()["data"]


def graphql(url: str) -> dict:
    """QUERY, asked once the code location, which loads in the background, says it has loaded."""
    deadline = time.monotonic() + LOADED_WITHIN_S
    while True:
        entries = _ask(url, LOCATIONS)["workspaceOrError"].get("locationEntries") or []
        loaded = [e["locationOrLoadError"] or {} for e in entries]  # null while loading
        failed = [e for e in loaded if e.get("__typename") == "PythonError"]
        assert not failed, failed
        if entries and all(e["loadStatus"] == "LOADED" for e in entries):
            return _ask(url, QUERY)
        assert time.monotonic() < deadline, f"not loaded in {LOADED_WITHIN_S} s: {entries}"
        time.sleep(1)


def test_graphql_lists_assets_and_schedules(webserver_url):
    data = graphql(webserver_url)
    assets = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
    assert {"raw_ssb__population", "fct_funding", "annual_reports"} <= assets
    (repository,) = data["repositoriesOrError"]["nodes"]
    schedules = {
        s["name"]: (s["cronSchedule"], s["executionTimezone"]) for s in repository["schedules"]
    }
    assert schedules["payout_january_schedule"] == ("0 6 3 1 *", "Europe/Oslo")
    assert schedules["annual_report_schedule"] == ("0 6 2 5 *", "Europe/Oslo")
    assert {"landing_sensor", "run_failure_sensor"} <= {s["name"] for s in repository["sensors"]}
