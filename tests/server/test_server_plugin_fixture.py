"""The plugin's session-scoped ``personalize_server`` fixture."""

from __future__ import annotations

import json
import re
import urllib.request

import boto3
from server_helpers import FAKE_CREDENTIALS, NO_RETRIES


def test_the_fixture_yields_the_url_of_a_running_server(personalize_server: str) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", personalize_server)
    client = boto3.client(
        "personalize",
        endpoint_url=personalize_server,
        region_name="us-east-1",
        config=NO_RETRIES,
        **FAKE_CREDENTIALS,
    )
    reset = urllib.request.Request(f"{personalize_server}/_personalize_mock/reset", data=b"{}", method="POST")
    urllib.request.urlopen(reset, timeout=30).close()

    arn = client.create_dataset_group(name="from-the-fixture")["datasetGroupArn"]

    with urllib.request.urlopen(f"{personalize_server}/_personalize_mock/state", timeout=30) as response:
        state = json.load(response)
    assert [resource["arn"] for resource in state["resources"]] == [arn]
    assert state["resources"][0]["status"] == "CREATE PENDING"  # server durations: pending for a minute


def test_the_fixture_is_shared_by_the_session(personalize_server: str) -> None:
    with urllib.request.urlopen(f"{personalize_server}/_personalize_mock/state", timeout=30) as response:
        assert response.status == 200
