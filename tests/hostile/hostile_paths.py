"""Running the hostile corpus on one path and classifying each outcome.

An outcome is ``"ok"``, ``"ParamValidationError"`` (botocore refused it client-side), the
code of a modeled ``ClientError``, or ``"botocore:<exception>"`` when botocore itself raised
before any request existed (its serializer, with validation off, on a value it cannot
serialize): not an exception from inside the mock. Any other exception raised from a frame
of the mock, or an ``InternalFailure`` answer from the server, is a defect.
"""

from __future__ import annotations

import io
import pickle
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import fuzzing
from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError
from hostile_corpus import Entry

from personalize_mock import mock_personalize
from personalize_mock.server import MockServer
from personalize_mock.snapshot import MAGIC, dump_state

REGION = fuzzing.REGION
OK = "ok"
PARAM_VALIDATION = "ParamValidationError"
#: What the server answers when a handler raised: a Python exception inside the mock.
INTERNAL = {"InternalFailure", "InternalServerError", "ServiceException"}


@dataclass
class Report:
    """What one path did with the corpus."""

    outcomes: dict[str, str] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    checked: int = 0


def _raised_in_mock(error: BaseException) -> bool:
    """Whether the innermost frame of the mock or botocore that ``error`` went through is the mock's.

    The mock's activation wraps botocore's calls, so its frames are in every traceback; what
    matters is who called the code that raised.
    """
    frames = [
        frame.filename
        for frame in traceback.extract_tb(error.__traceback__)
        if "personalize_mock" in frame.filename or "botocore" in frame.filename
    ]
    return "personalize_mock" in frames[-1]


def digest(state: Any) -> bytes:
    """The state's snapshot without the time it was taken (a server's clock runs on)."""
    data = dump_state(state)
    body = io.BytesIO(data[len(MAGIC) :])
    header = pickle.load(body)
    del header["now"]
    return pickle.dumps(header) + body.read()


def run(entries: list[Entry], clients: dict[str, Any], state: Any, rebuild: Any) -> Report:
    """Every entry through ``clients``; ``state()`` is the state to compare, ``rebuild()`` the world.

    After each refused entry the state is compared with its snapshot (:func:`dump_state`);
    the snapshot also holds what no client can see (a namesake forgotten once its dataset
    group is gone, caches), so a snapshot that differs is then judged by
    :func:`fuzzing.fingerprint`: every List* and Describe* a client could make.
    """
    report = Report()
    world = rebuild()
    before = digest(state())
    seen = fuzzing.fingerprint(clients["personalize"], world.all_arns)
    for entry in entries:
        client = clients[entry.service]
        params = entry.build(world)
        try:
            getattr(client, entry.method)(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in INTERNAL:
                report.defects.append(f"{entry}: {code} {error.response['Error'].get('Message')}")
            outcome = code
        except ParamValidationError:
            outcome = PARAM_VALIDATION
        except Exception as error:  # the point: anything else is classified, never let through
            if _raised_in_mock(error):
                report.defects.append(f"{entry}: {type(error).__name__}: {str(error)[:200]}")
            outcome = f"botocore:{type(error).__name__}"
        else:
            outcome = OK
        report.outcomes[str(entry)] = outcome
        if outcome == OK:
            world = rebuild()
            before = digest(state())
            seen = fuzzing.fingerprint(clients["personalize"], world.all_arns)
            continue
        report.checked += 1
        after = digest(state())
        if after == before:
            continue
        if fuzzing.fingerprint(clients["personalize"], world.all_arns) != seen:
            report.changed.append(f"{entry} ({outcome})")
            world = rebuild()
            seen = fuzzing.fingerprint(clients["personalize"], world.all_arns)
        before = digest(state())
    return report


def _clients(config: Config, endpoint_url: str | None = None) -> dict[str, Any]:
    # Credentials of no one: a client aimed at a server signs its requests itself.
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return {
        service: boto3.client(
            service, region_name=REGION, config=config, endpoint_url=endpoint_url, **credentials
        )
        for service in ("personalize", "personalize-runtime", "personalize-events")
    }


def in_process(entries: list[Entry], *, fast: bool, validation: bool) -> Report:
    """The corpus in-process (normal or fast mode), with or without botocore's validation."""
    config = Config(parameter_validation=validation)
    with mock_personalize(fast=fast, freeze=True, require_data=False) as pm:
        clients = _clients(config)

        def rebuild() -> fuzzing.World:
            pm.reset()
            return fuzzing.build_world(pm, clients["personalize"])

        return run(entries, clients, lambda: pm.state, rebuild)


@contextmanager
def _server() -> Iterator[MockServer]:
    from personalize_mock.server import server_options

    server = MockServer(options=server_options(freeze=True, require_data=False)).start()
    try:
        yield server
    finally:
        server.stop()


def through_server(entries: list[Entry], *, validation: bool) -> Report:
    """The corpus through a server on a loopback port."""
    config = Config(parameter_validation=validation, retries={"max_attempts": 1})
    with _server() as server:
        clients = _clients(config, server.url)

        def rebuild() -> fuzzing.World:
            server.app.mock.reset()
            return fuzzing.build_world(server.app.mock, clients["personalize"])

        return run(entries, clients, lambda: server.app.state, rebuild)
