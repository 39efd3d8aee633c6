"""The AWS SDK for JavaScript v3 against the server (seed_flow.mjs), when Node.js is available.

``@aws-sdk/client-personalize`` (with the runtime and events clients) is installed with npm
into a temporary directory once per session. The test is skipped when node or npm is
missing, or when the npm registry cannot be reached (an environment problem, said so).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from server_helpers import Live

SCRIPT = Path(__file__).with_name("seed_flow.mjs")
PACKAGES = (
    "@aws-sdk/client-personalize",
    "@aws-sdk/client-personalize-runtime",
    "@aws-sdk/client-personalize-events",
)
NETWORK_TROUBLE = ("ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "ECONNRESET", "network")


@pytest.fixture(scope="session")
def node_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with the SDK installed and seed_flow.mjs copied in; skips without node/npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the JavaScript SDK test")
    project = tmp_path_factory.mktemp("node-sdk")
    (project / "package.json").write_text('{"private": true, "type": "module"}\n')
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", *PACKAGES],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if installed.returncode != 0:
        output = installed.stdout + installed.stderr
        if any(sign in output for sign in NETWORK_TROUBLE):
            pytest.skip(f"the npm registry cannot be reached: {output.strip()[-300:]}")
        raise AssertionError(f"npm install failed:\n{output}")
    shutil.copy(SCRIPT, project / SCRIPT.name)
    return project


def test_the_seed_flow_through_the_javascript_sdk(live: Live, node_project: Path) -> None:
    node = shutil.which("node")
    assert node is not None
    environment = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    for variable in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        environment.pop(variable, None)

    result = subprocess.run(
        [node, SCRIPT.name, live.url],
        cwd=node_project,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )

    assert result.returncode == 0, result.stderr
    observed = json.loads(result.stdout.strip().splitlines()[-1])
    assert observed["datasetGroupArn"] == "arn:aws:personalize:us-west-2:123456789012:dataset-group/seed"
    assert observed["groupStatus"] == "CREATE PENDING"
    assert observed["creationIsDate"] is True
    assert observed["creationMillis"] % 1 == 0 and observed["creationMillis"] > 1.6e12
    assert (observed["fullPending"], observed["fullActive"]) == ("CREATE PENDING", "ACTIVE")
    assert observed["updateActive"] == "ACTIVE"
    assert (observed["stopping"], observed["stopped"]) == ("CREATE STOPPING", "CREATE STOPPED")
    versions = observed["versions"]
    assert observed["pages"] == [
        [[versions["full"], "FULL"]],
        [[versions["update"], "UPDATE"]],
        [[versions["stopped"], "FULL"]],
    ]
    assert "precision_at_25" in observed["metrics"]
    assert observed["recommended"] == 3
    assert observed["missing"]["name"] == "ResourceNotFoundException"
    assert observed["missing"]["status"] == 400
    assert "does not exist" in observed["missing"]["message"]
    assert observed["runtimeMissing"] == {"name": "ResourceNotFoundException", "status": 404}
