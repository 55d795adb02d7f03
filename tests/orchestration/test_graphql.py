"""The real webserver serves the definitions: assets and schedules listed through GraphQL."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.helpers import PROJECT_ROOT, isolated_env

WEBSERVER = Path(sys.executable).parent / "dagster-webserver"
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def webserver_url(tmp_path_factory, dbt_manifest):
    port = free_port()
    env = isolated_env(tmp_path_factory.mktemp("webserver"))
    process = subprocess.Popen(
        [str(WEBSERVER), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("dagster-webserver did not answer within 90 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


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
