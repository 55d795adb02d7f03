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


def graphql(url: str) -> dict:
    # The code location loads in the background; ask until it has.
    deadline = time.monotonic() + 90
    while True:
        data = httpx.post(f"{url}/graphql", json={"query": QUERY}, timeout=30).json()["data"]
        if data["assetNodes"] or time.monotonic() > deadline:
            return data
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
