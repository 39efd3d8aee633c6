"""``personalize-mock serve`` / ``python -m personalize_mock serve`` in a subprocess.

The state file round trip: start with ``--state-file``, create things, SIGTERM, start again,
and find them, with the statuses they had (simulated time stands still while saved).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server_helpers import serving

from personalize_mock.options import DEFAULT_DURATIONS
from personalize_mock.server import cli
from personalize_mock.server.defaults import SERVER_DURATIONS


def test_the_state_file_survives_a_restart(tmp_path: Path) -> None:
    state_file = tmp_path / "state.bin"
    with serving("--state-file", str(state_file)) as served:
        personalize = served.client()
        active = personalize.create_dataset_group(name="active")["datasetGroupArn"]
        _post(served.url, "settle")
        pending = personalize.create_dataset_group(name="pending")["datasetGroupArn"]
        west = served.client(region="us-west-2").create_dataset_group(name="west")["datasetGroupArn"]
        code, stderr = served.stop(signal.SIGTERM)
    assert code == 0, stderr
    assert f"saved the state to {state_file}" in stderr
    assert state_file.stat().st_size > 0

    with serving("--state-file", str(state_file)) as served:
        personalize = served.client()
        statuses = {
            arn: personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
            for arn in (active, pending)
        }
        listed = served.client(region="us-west-2").list_dataset_groups()["datasetGroups"]
        code, stderr = served.stop(signal.SIGINT)
    assert statuses == {active: "ACTIVE", pending: "CREATE PENDING"}
    assert [group["datasetGroupArn"] for group in listed] == [west]
    assert "restored the state saved in" in stderr
    assert code == 0


def test_sigint_stops_cleanly_without_a_state_file() -> None:
    with serving("--account-id", "111122223333") as served:
        arn = served.client().create_dataset_group(name="g")["datasetGroupArn"]
        code, stderr = served.stop(signal.SIGINT)

    assert arn == "arn:aws:personalize:us-east-1:111122223333:dataset-group/g"
    assert code == 0
    assert "personalize_mock stopped" in stderr
    assert "Traceback" not in stderr


def test_the_server_keeps_serving_while_idle() -> None:
    # The main thread wakes every 0.5 s to look for a stop signal; waking must not stop it.
    with serving() as served:
        client = served.client()
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
        time.sleep(1.5)
        listed = [group["datasetGroupArn"] for group in client.list_dataset_groups()["datasetGroups"]]
        running = served.process.poll() is None
        code, stderr = served.stop()

    assert running
    assert listed == [arn]
    assert code == 0, stderr


def test_no_require_data_lets_training_start_without_data() -> None:
    recipe = "arn:aws:personalize:::recipe/aws-user-personalization"
    with serving("--no-require-data") as served:
        personalize = served.client()
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        _post(served.url, "settle")
        solution = personalize.create_solution(name="s", datasetGroupArn=group, recipeArn=recipe)[
            "solutionArn"
        ]
        version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        served.stop()

    assert version.startswith(solution + "/")


def test_durations_quotas_and_the_log_come_from_the_command_line() -> None:
    with serving(
        "--durations",
        "instant",
        "--duration",
        "dataset=5",
        "--quota",
        "dataset_groups=1",
        "--log-level",
        "DEBUG",
    ) as served:
        personalize = served.client()
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        status = personalize.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"]
        with pytest.raises(personalize.exceptions.LimitExceededException):
            personalize.create_dataset_group(name="h")
        code, stderr = served.stop()

    assert status == "ACTIVE"
    assert code == 0
    assert "personalize.CreateDatasetGroup OK" in stderr
    assert "personalize.CreateDatasetGroup LimitExceededException" in stderr


def test_the_console_script_is_installed() -> None:
    script = shutil.which("personalize-mock", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the personalize-mock console script is not installed (pip install -e . adds it)")
    with serving(command=[script]) as served:
        assert served.client().list_dataset_groups()["datasetGroups"] == []
        code, _ = served.stop()
    assert code == 0


def _post(url: str, name: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"{url}/_personalize_mock/{name}", data=b"{}", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


# -- the command line, in-process ------------------------------------------------------------


def test_the_parser_defaults_to_loopback_and_a_free_port() -> None:
    args = cli.build_parser().parse_args(["serve"])

    assert (args.host, args.port, args.state_file, args.account_id) == ("127.0.0.1", 0, None, "123456789012")
    assert args.require_data is True
    assert args.validate_responses is False


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main([])
    assert exited.value.code == 2
    assert "serve" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account-id", "12"], "account_id must be 12 digits"),
        (["--port", "70000"], "port"),
        (["--duration", "nope=1"], "unknown duration key 'nope'; known keys: batch_inference_job"),
        (["--duration", "solution_version=-1"], "must not be negative"),
        (["--quota", "nope=1"], "unknown quota key 'nope'"),
        (["--quota", "dataset_groups=-1"], "must be a non-negative int"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "solution_version"], "expected KIND=SECONDS, got 'solution_version'"),
        (["--duration", "=1"], "expected KIND=SECONDS"),
        (["--duration", "solution_version=soon"], "seconds must be a finite number, got 'soon'"),
        (["--duration", "solution_version=nan"], "seconds must be a finite number"),
        (["--quota", "dataset_groups"], "expected NAME=N"),
        (["--quota", "dataset_groups=1.5"], "the quota must be an integer, got '1.5'"),
        (["--durations", "fast"], "invalid choice: 'fast'"),
        (["--fast"], "unrecognized arguments: --fast"),
    ],
)
def test_malformed_flags_are_refused_by_the_parser(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", *args])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_the_duration_presets() -> None:
    assert cli.DURATION_PRESETS["in-process"] == DEFAULT_DURATIONS
    assert cli.DURATION_PRESETS["server"] == SERVER_DURATIONS
    assert set(cli.DURATION_PRESETS["instant"].values()) == {0.0}
    args = cli.build_parser().parse_args(["serve", "--duration", "dataset=5", "--duration", "filter=1.5"])
    assert (args.durations, args.duration, args.quota) == ("server", [("dataset", 5.0), ("filter", 1.5)], [])


def test_a_state_file_that_is_no_snapshot_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_file = tmp_path / "state.bin"
    state_file.write_bytes(b"hello")

    assert cli.main(["serve", "--state-file", str(state_file)]) == 2
    assert "not a personalize_mock snapshot" in capsys.readouterr().err


def test_help_describes_the_serve_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    text = capsys.readouterr().out
    for option in (
        "--host",
        "--port",
        "--account-id",
        "--state-file",
        "--no-require-data",
        "--validate-responses",
        "--durations",
        "--duration KIND=SECONDS",
        "--quota NAME=N",
        "--log-level",
    ):
        assert option in text


def test_python_dash_m_runs_the_same_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "personalize_mock", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
        check=True,
    )
    assert "--state-file" in result.stdout
