"""The AWS CLI against the server: the seed flow as ``aws personalize ...`` commands.

awscli (v1, from PyPI) is in the ``[test]`` extra: it vendors its own botocore, so it does not
conflict with the botocore pins of aiobotocore. Where it is not installed, a virtualenv is
made once per session under pytest's temporary directory and awscli installed there; the
test is skipped only if PyPI cannot be reached for that. AWS CLI v1 has no pager (and no
``--no-cli-pager`` option); ``AWS_PAGER=""`` turns v2's off should one be used instead.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path
from typing import Any

import pytest
from server_helpers import Live

REGION = "us-west-2"
ROLE = "arn:aws:iam::123456789012:role/personalize"
RECIPE = "arn:aws:personalize:::recipe/aws-user-personalization"
SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)
NETWORK_TROUBLE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies",
    "ConnectTimeoutError",
    "ProxyError",
)


@pytest.fixture(scope="session")
def aws_cli(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs the AWS CLI (``python -m awscli``)."""
    if importlib.util.find_spec("awscli") is not None:
        return [sys.executable, "-m", "awscli"]
    home = tmp_path_factory.mktemp("awscli-venv")
    venv.EnvBuilder(with_pip=True).create(home)
    python = str(home / ("Scripts" if os.name == "nt" else "bin") / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "awscli"], capture_output=True, text=True, timeout=600
    )
    if installed.returncode != 0:
        output = installed.stdout + installed.stderr
        if any(sign in output for sign in NETWORK_TROUBLE):
            pytest.skip(f"awscli is not installed and PyPI cannot be reached: {output.strip()[-300:]}")
        raise AssertionError(f"pip install awscli failed:\n{output}")
    return [python, "-m", "awscli"]


def cli_environment(home: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") or key == "AWS_CA_BUNDLE"
    }
    environment.update(
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="fake-secret",
        AWS_CONFIG_FILE=str(home / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
        AWS_PAGER="",
        NO_PROXY="127.0.0.1,localhost",
    )
    return environment


def test_the_seed_flow_through_the_aws_cli(live: Live, aws_cli: list[str], tmp_path: Path) -> None:
    environment = cli_environment(tmp_path)

    def aws(service: str, command: str, *args: str, expect_error: bool = False) -> Any:
        argv = [*aws_cli, service, command, *args]
        argv += ["--endpoint-url", live.url, "--region", REGION, "--output", "json"]
        result = subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=120)
        if expect_error:
            assert result.returncode != 0, result.stdout
            return result.stderr
        assert result.returncode == 0, f"{command}: {result.stderr}"
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def personalize(command: str, *args: str, expect_error: bool = False) -> Any:
        return aws("personalize", command, *args, expect_error=expect_error)

    def version_status(arn: str) -> str:
        status: str = personalize("describe-solution-version", "--solution-version-arn", arn)[
            "solutionVersion"
        ]["status"]
        return status

    schema = personalize("create-schema", "--name", "interactions", "--schema", SCHEMA)["schemaArn"]
    group = personalize("create-dataset-group", "--name", "seed")["datasetGroupArn"]
    assert group == f"arn:aws:personalize:{REGION}:123456789012:dataset-group/seed"
    assert personalize("describe-dataset-group", "--dataset-group-arn", group)["datasetGroup"]["status"] == (
        "CREATE PENDING"
    )
    live.control("settle")
    dataset = personalize(
        "create-dataset",
        "--name",
        "interactions",
        "--schema-arn",
        schema,
        "--dataset-group-arn",
        group,
        "--dataset-type",
        "Interactions",
    )["datasetArn"]
    live.control("settle")
    personalize(
        "create-dataset-import-job",
        "--job-name",
        "import",
        "--dataset-arn",
        dataset,
        "--data-source",
        "dataLocation=s3://bucket/interactions.csv",
        "--role-arn",
        ROLE,
    )
    live.control("settle")

    solution = personalize(
        "create-solution", "--name", "seed", "--dataset-group-arn", group, "--recipe-arn", RECIPE
    )["solutionArn"]
    full = personalize("create-solution-version", "--solution-arn", solution, "--training-mode", "FULL")[
        "solutionVersionArn"
    ]
    described = personalize("describe-solution-version", "--solution-version-arn", full)["solutionVersion"]
    assert (described["status"], described["trainingMode"]) == ("CREATE PENDING", "FULL")
    assert isinstance(described["creationDateTime"], (int, float, str))
    live.control("advance", {"seconds": 3600})
    assert version_status(full) == "ACTIVE"

    # New interactions through the events API, so an UPDATE has something to train on.
    tracker = personalize("create-event-tracker", "--name", "clicks", "--dataset-group-arn", group)
    live.control("settle")
    aws(
        "personalize-events",
        "put-events",
        "--tracking-id",
        tracker["trackingId"],
        "--session-id",
        "s1",
        "--user-id",
        "u1",
        "--event-list",
        "eventType=click,itemId=i1,sentAt=1704067200",
    )
    update = personalize("create-solution-version", "--solution-arn", solution, "--training-mode", "UPDATE")[
        "solutionVersionArn"
    ]
    live.control("settle")
    assert version_status(update) == "ACTIVE"

    stopped = personalize("create-solution-version", "--solution-arn", solution)["solutionVersionArn"]
    live.control("advance", {"seconds": 600})
    assert personalize("stop-solution-version-creation", "--solution-version-arn", stopped) == {}
    assert version_status(stopped) == "CREATE STOPPING"
    live.control("settle")

    everything = personalize("list-solution-versions", "--solution-arn", solution)["solutionVersions"]
    assert [version["solutionVersionArn"] for version in everything] == [full, update, stopped]
    assert [version["status"] for version in everything] == ["ACTIVE", "ACTIVE", "CREATE STOPPED"]
    page = personalize(
        "list-solution-versions", "--solution-arn", solution, "--max-items", "1", "--page-size", "1"
    )
    assert len(page["solutionVersions"]) == 1 and page["NextToken"]
    rest = personalize(
        "list-solution-versions",
        "--solution-arn",
        solution,
        "--page-size",
        "1",
        "--starting-token",
        page["NextToken"],
    )
    assert [v["solutionVersionArn"] for v in page["solutionVersions"] + rest["solutionVersions"]] == [
        version["solutionVersionArn"] for version in everything
    ]

    metrics = personalize("get-solution-metrics", "--solution-version-arn", full)
    assert metrics["solutionVersionArn"] == full and "precision_at_25" in metrics["metrics"]

    campaign = personalize("create-campaign", "--name", "seed", "--solution-version-arn", full)["campaignArn"]
    live.control("settle")
    recommended = aws(
        "personalize-runtime", "get-recommendations", "--campaign-arn", campaign, "--user-id", "u1"
    )
    assert recommended["itemList"] and recommended["recommendationId"].startswith("RID-")

    missing = personalize(
        "describe-dataset-group", "--dataset-group-arn", group + "-missing", expect_error=True
    )
    assert "ResourceNotFoundException" in missing
    too_long = personalize("create-dataset-group", "--name", "n" * 64, expect_error=True)
    assert "InvalidInputException" in too_long and "less than or equal to 63" in too_long


def test_the_control_api_is_plain_http(live: Live) -> None:
    request = urllib.request.Request(
        f"{live.url}/_personalize_mock/advance", data=b'{"seconds": 1}', method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert "now" in json.load(response)
