"""Per-call latency: bare ``before-call`` floor, personalize_mock, botocore Stubber and moto.

All four run in one process at the same time, each on its own client, so their batches can be
interleaved round by round:

* personalize_mock answers the clients made with ``boto3.client`` (the default session);
* the floor, Stubber and moto clients come from sessions without personalize_mock's handlers,
  so the active mock never sees their calls (moto answers on ``before-send``, which is only
  reached when nothing answered ``before-call``).

The floor and Stubber return the very responses personalize_mock produced (captured once), so
the payload botocore hands back is identical; moto only implements schemas, so the moto
comparison uses CreateSchema / DescribeSchema / ListSchemas and the floor is measured on those
too. Creates run in chunks of :data:`CHUNK` calls: between chunks (untimed) Stubber gets its
responses queued and personalize_mock's simulated clock is moved past any training still in
flight, as a test that creates a handful of resources would see it.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from bench_core import Contender, Series, Settings, clean_session, interleave, loop, perf_counter_ns
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from personalize_mock import mock_personalize
from personalize_mock.options import DEFAULT_QUOTAS

CHUNK = 20
FRESH = "floor + fresh copy"
#: personalize_mock with ``fast=True`` (answers in the client's ``_make_api_call``).
FAST = "fast mode"
#: botocore's ``validate_parameters`` alone on the same arguments: what fast mode keeps.
VALIDATION = "validation alone"
SCHEMA_FLOOR = "floor (schema ops)"
LIST_SIZE = 10
CREATE_REGION = "us-east-1"
READ_REGION = "us-west-2"
VERSION_REGION = "eu-west-1"
SCRATCH_REGION = "ap-south-1"
RECIPE_ARN = "arn:aws:personalize:::recipe/aws-user-personalization"
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
FAKE_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@dataclass(frozen=True)
class Family:
    """Create / Describe / List of one resource family, as client method names."""

    label: str
    create: str
    describe: str
    list: str
    arn_key: str  # DescribeX's ARN parameter, also the key of CreateX's output

    def create_kwargs(self, name: str) -> dict[str, Any]:
        if self.label == "schema":
            return {"name": name, "schema": SCHEMA}
        return {"name": name}

    def operations(self) -> tuple[str, str, str]:
        return tuple(_operation_name(method) for method in (self.create, self.describe, self.list))  # type: ignore[return-value]


DATASET_GROUPS = Family(
    "dataset group",
    "create_dataset_group",
    "describe_dataset_group",
    "list_dataset_groups",
    "datasetGroupArn",
)
SCHEMAS = Family("schema", "create_schema", "describe_schema", "list_schemas", "schemaArn")


def _operation_name(method: str) -> str:
    return "".join(part.capitalize() for part in method.split("_"))


#: Where the operation table lives, newest layout first: ab.py runs this file against earlier
#: commits too, from before the table moved into ``interception/`` (366ee56).
_TABLE_MODULES = ("personalize_mock.interception.operations", "personalize_mock.operations")


def operation_table() -> dict[str, dict[str, Any]]:
    """The package's table of implemented operations, whichever layout the imported tree has."""
    for name in _TABLE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        table: dict[str, dict[str, Any]] = module.TABLE
        return table
    raise ModuleNotFoundError(f"no operation table in any of {', '.join(_TABLE_MODULES)}")


def mock_family() -> Family:
    """Schemas if personalize_mock implements them (then moto and the mock compare directly)."""
    implemented = operation_table()["personalize"]
    if all(operation in implemented for operation in SCHEMAS.operations()):
        return SCHEMAS
    return DATASET_GROUPS


@dataclass
class Row:
    """One operation: what each contender called and how long it took."""

    key: str
    label: str
    mock_operation: str
    moto_operation: str | None
    results: dict[str, Series] = field(default_factory=dict)


@dataclass
class PerCall:
    family: Family
    rows: list[Row]


def floor_handler(canned: dict[str, dict[str, Any]]) -> Callable[..., Any]:
    """The bare floor: answer ``before-call`` with a canned, already-parsed response."""

    def answer(model: Any, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse(params["url"], 200, {}, None), canned[model.name]

    return answer


_SHARED = (str, int, float, bool, type(None))


def fresh_copy(value: Any) -> Any:
    """New dicts, lists and datetimes with the same content (immutable leaves are shared).

    A generic copy: roughly what building the same response from stored fields costs (one new
    object per dict, list and timestamp), without any of the mock's logic.
    """
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _SHARED else fresh_copy(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _SHARED else fresh_copy(item) for item in value]
    if kind is datetime.datetime:
        return value.replace()  # a new object, about the cost of datetime.fromtimestamp
    return value


def fresh_floor_handler(canned: dict[str, dict[str, Any]]) -> Callable[..., Any]:
    """The floor, but every answer is a new object, as any mock that keeps state must build.

    It isolates what personalize_mock adds beyond allocating the response: validation, state,
    quota and status logic, request ids.
    """

    def answer(model: Any, params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse(params["url"], 200, {}, None), fresh_copy(canned[model.name])

    return answer


def _chunked(
    call: Callable[[str], Any], prefix: str, before_chunk: Callable[[int], None] | None = None
) -> Contender:
    """Creates with fresh names, timed in chunks of CHUNK; ``before_chunk(k)`` runs untimed."""
    counter = itertools.count()

    def run(n: int) -> int:
        total = 0
        done = 0
        while done < n:
            size = min(CHUNK, n - done)
            names = [f"{prefix}-{next(counter)}" for _ in range(size)]
            if before_chunk is not None:
                before_chunk(size)
            start = perf_counter_ns()
            for name in names:
                call(name)
            total += perf_counter_ns() - start
            done += size
        return total

    return run


def _stubbed(stubber: Stubber, method: str, response: dict[str, Any], call: Callable[[], Any]) -> Contender:
    """Queue exactly ``n`` responses (untimed), then time the ``n`` calls that consume them."""

    def run(n: int) -> int:
        for _ in range(n):
            stubber.add_response(method, response)
        return loop(call)(n)

    return run


def _stubbed_create(
    stubber: Stubber, method: str, response: dict[str, Any], call: Callable[[str], Any]
) -> Contender:
    def queue(size: int) -> None:
        for _ in range(size):
            stubber.add_response(method, response)

    return _chunked(call, "stub", queue)


def _fast(pm: Any, contender: Contender) -> Contender:
    """``contender`` with the active mock in fast mode for the batch (switched untimed).

    The mock's options are swapped for the batch instead of starting a second mock, so the
    normal and fast paths are interleaved against the same state in one run.
    """
    normal = pm.state.options
    fast = dataclasses.replace(normal, fast=True)

    def run(n: int) -> int:
        pm.state.options = fast
        try:
            return contender(n)
        finally:
            pm.state.options = normal

    return run


def _validation(client: Any, operation: str, kwargs: Callable[[], dict[str, Any]]) -> Contender:
    shape = client.meta.service_model.operation_model(operation).input_shape
    return loop(lambda: validate_parameters(kwargs(), shape))


def run(settings: Settings) -> PerCall:
    from moto import mock_aws

    family = mock_family()
    quotas = {
        key: 10**9
        for key in ("dataset_groups", "schemas", "solution_versions_in_flight")
        if key in DEFAULT_QUOTAS
    }
    moto_mock = mock_aws()
    moto_mock.start()
    pm = mock_personalize(quotas=quotas)
    pm.start()
    try:
        return _measure(settings, family, pm)
    finally:
        pm.stop()
        moto_mock.stop()


def _measure(settings: Settings, family: Family, pm: Any) -> PerCall:
    # -- personalize_mock: clients from the default session, as user code makes them -----------
    mock_create = boto3.client("personalize", region_name=CREATE_REGION)
    mock_read = boto3.client("personalize", region_name=READ_REGION)
    mock_versions = boto3.client("personalize", region_name=VERSION_REGION)
    scratch = boto3.client("personalize", region_name=SCRATCH_REGION)

    read_arns = [
        getattr(mock_read, family.create)(**family.create_kwargs(f"bench-read-{i}"))[family.arn_key]
        for i in range(LIST_SIZE)
    ]
    group_arn = mock_versions.create_dataset_group(name="bench-versions")["datasetGroupArn"]
    scratch_group = scratch.create_dataset_group(name="bench-scratch")["datasetGroupArn"]
    pm.advance(60)  # dataset groups ACTIVE
    solution_arn = mock_versions.create_solution(
        name="bench-solution", datasetGroupArn=group_arn, recipeArn=RECIPE_ARN, performAutoTraining=False
    )["solutionArn"]
    scratch_solution = scratch.create_solution(
        name="bench-scratch", datasetGroupArn=scratch_group, recipeArn=RECIPE_ARN, performAutoTraining=False
    )["solutionArn"]
    version_arn = mock_versions.create_solution_version(solutionArn=solution_arn)["solutionVersionArn"]
    pm.advance(24 * 3600)  # the version is ACTIVE

    # Responses personalize_mock produced, replayed by the floor and Stubber.
    describe_arg = {family.arn_key: read_arns[0]}
    canned: dict[str, dict[str, Any]] = {
        _operation_name(family.create): getattr(scratch, family.create)(
            **family.create_kwargs("bench-canned")
        ),
        _operation_name(family.describe): getattr(mock_read, family.describe)(**describe_arg),
        _operation_name(family.list): getattr(mock_read, family.list)(),
        "DescribeSolutionVersion": mock_versions.describe_solution_version(solutionVersionArn=version_arn),
        "CreateSolutionVersion": scratch.create_solution_version(solutionArn=scratch_solution),
    }
    assert len(canned[_operation_name(family.list)][_list_key(family)]) == LIST_SIZE

    # -- moto: schemas only; creates in one region, reads in another with exactly 10 -----------
    moto_session = clean_session()
    moto_create = moto_session.client("personalize", region_name=CREATE_REGION)
    moto_read = moto_session.client("personalize", region_name=READ_REGION)
    moto_arns = [
        moto_read.create_schema(name=f"bench-read-{i}", schema=SCHEMA)["schemaArn"] for i in range(LIST_SIZE)
    ]
    moto_canned = {
        "CreateSchema": moto_session.client("personalize", region_name=SCRATCH_REGION).create_schema(
            name="bench-canned", schema=SCHEMA
        ),
        "DescribeSchema": moto_read.describe_schema(schemaArn=moto_arns[0]),
        "ListSchemas": moto_read.list_schemas(),
    }
    assert len(moto_canned["ListSchemas"]["schemas"]) == LIST_SIZE

    # -- floor and Stubber clients --------------------------------------------------------------
    floor = clean_session(**FAKE_KEYS).client("personalize", region_name=READ_REGION)
    floor.meta.events.register("before-call.personalize", floor_handler(canned))
    fresh = clean_session(**FAKE_KEYS).client("personalize", region_name=READ_REGION)
    fresh.meta.events.register("before-call.personalize", fresh_floor_handler(canned))
    floor_schema = clean_session(**FAKE_KEYS).client("personalize", region_name=READ_REGION)
    floor_schema.meta.events.register("before-call.personalize", floor_handler(moto_canned))
    stubbed = clean_session(**FAKE_KEYS).client("personalize", region_name=READ_REGION)
    stubber = Stubber(stubbed)
    stubber.activate()

    def settle_versions(_: int) -> None:
        pm.advance(2 * 3600)  # every version created so far has finished training

    rows: list[Row] = []
    create_op, describe_op, list_op = family.operations()
    with_schema_floor = family is not SCHEMAS

    def schema_floor(call: Callable[[], Any]) -> dict[str, Contender]:
        return {SCHEMA_FLOOR: loop(call)} if with_schema_floor else {}

    specs: list[tuple[Row, dict[str, Contender]]] = [
        (
            Row("create", "create", create_op, "CreateSchema"),
            {
                "floor": _chunked(
                    lambda name: getattr(floor, family.create)(**family.create_kwargs(name)), "f"
                ),
                FRESH: _chunked(
                    lambda name: getattr(fresh, family.create)(**family.create_kwargs(name)), "ff"
                ),
                "personalize_mock": _chunked(
                    lambda name: getattr(mock_create, family.create)(**family.create_kwargs(name)), "pm"
                ),
                FAST: _fast(
                    pm,
                    _chunked(
                        lambda name: getattr(mock_create, family.create)(**family.create_kwargs(name)), "pmf"
                    ),
                ),
                VALIDATION: _validation(mock_create, create_op, lambda: family.create_kwargs("validated")),
                "Stubber": _stubbed_create(
                    stubber,
                    family.create,
                    canned[create_op],
                    lambda name: getattr(stubbed, family.create)(**family.create_kwargs(name)),
                ),
                "moto": _chunked(lambda name: moto_create.create_schema(name=name, schema=SCHEMA), "moto"),
                **(
                    {
                        SCHEMA_FLOOR: _chunked(
                            lambda name: floor_schema.create_schema(name=name, schema=SCHEMA), "fs"
                        )
                    }
                    if with_schema_floor
                    else {}
                ),
            },
        ),
        (
            Row("describe", "describe", describe_op, "DescribeSchema"),
            {
                "floor": loop(lambda: getattr(floor, family.describe)(**describe_arg)),
                FRESH: loop(lambda: getattr(fresh, family.describe)(**describe_arg)),
                "personalize_mock": loop(lambda: getattr(mock_read, family.describe)(**describe_arg)),
                FAST: _fast(pm, loop(lambda: getattr(mock_read, family.describe)(**describe_arg))),
                VALIDATION: _validation(mock_read, describe_op, lambda: describe_arg),
                "Stubber": _stubbed(
                    stubber,
                    family.describe,
                    canned[describe_op],
                    lambda: getattr(stubbed, family.describe)(**describe_arg),
                ),
                "moto": loop(lambda: moto_read.describe_schema(schemaArn=moto_arns[0])),
                **schema_floor(lambda: floor_schema.describe_schema(schemaArn=moto_arns[0])),
            },
        ),
        (
            Row("list", f"list ({LIST_SIZE} items)", list_op, "ListSchemas"),
            {
                "floor": loop(lambda: getattr(floor, family.list)()),
                FRESH: loop(lambda: getattr(fresh, family.list)()),
                "personalize_mock": loop(lambda: getattr(mock_read, family.list)()),
                FAST: _fast(pm, loop(lambda: getattr(mock_read, family.list)())),
                VALIDATION: _validation(mock_read, list_op, dict),
                "Stubber": _stubbed(
                    stubber, family.list, canned[list_op], lambda: getattr(stubbed, family.list)()
                ),
                "moto": loop(moto_read.list_schemas),
                **schema_floor(floor_schema.list_schemas),
            },
        ),
        (
            Row("describe_version", "describe version", "DescribeSolutionVersion", None),
            {
                "floor": loop(lambda: floor.describe_solution_version(solutionVersionArn=version_arn)),
                FRESH: loop(lambda: fresh.describe_solution_version(solutionVersionArn=version_arn)),
                "personalize_mock": loop(
                    lambda: mock_versions.describe_solution_version(solutionVersionArn=version_arn)
                ),
                FAST: _fast(
                    pm, loop(lambda: mock_versions.describe_solution_version(solutionVersionArn=version_arn))
                ),
                VALIDATION: _validation(
                    mock_versions, "DescribeSolutionVersion", lambda: {"solutionVersionArn": version_arn}
                ),
                "Stubber": _stubbed(
                    stubber,
                    "describe_solution_version",
                    canned["DescribeSolutionVersion"],
                    lambda: stubbed.describe_solution_version(solutionVersionArn=version_arn),
                ),
            },
        ),
        (
            Row("create_version", "create version", "CreateSolutionVersion", None),
            {
                "floor": _chunked(lambda _: floor.create_solution_version(solutionArn=solution_arn), "f"),
                FRESH: _chunked(lambda _: fresh.create_solution_version(solutionArn=solution_arn), "ff"),
                "personalize_mock": _chunked(
                    lambda _: mock_versions.create_solution_version(solutionArn=solution_arn),
                    "pm",
                    settle_versions,
                ),
                FAST: _fast(
                    pm,
                    _chunked(
                        lambda _: mock_versions.create_solution_version(solutionArn=solution_arn),
                        "pmf",
                        settle_versions,
                    ),
                ),
                VALIDATION: _validation(
                    mock_versions, "CreateSolutionVersion", lambda: {"solutionArn": solution_arn}
                ),
                "Stubber": _stubbed_create(
                    stubber,
                    "create_solution_version",
                    canned["CreateSolutionVersion"],
                    lambda _: stubbed.create_solution_version(solutionArn=solution_arn),
                ),
            },
        ),
    ]
    for row, contenders in specs:
        row.results = interleave(contenders, settings.calls, settings.rounds)
        rows.append(row)
    stubber.deactivate()
    return PerCall(family, rows)


def _list_key(family: Family) -> str:
    return "schemas" if family is SCHEMAS else "datasetGroups"
