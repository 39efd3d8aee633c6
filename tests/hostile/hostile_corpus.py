"""A corpus of hostile requests, one or more for every operation the mock implements.

Each entry starts from a request that names resources of :func:`fuzzing.build_world` (the
operation's template, else its required members filled from the world) and spoils one
top-level member with a value the service refuses: the wrong type, ``None``, an empty or
over-long string, a control character, an integer past int32/int64, a JSON document with
``NaN`` or nested thousands of levels deep, a list or map of the wrong element type. A few
hand-written entries add what no shape-driven rule finds (deep ``properties`` in
PutItems/PutUsers/PutActions, duplicate tag keys, ``explorationWeight`` "NaN", HPO ranges
with ``minValue`` > ``maxValue``, forged ``nextToken`` values).

Entries are functions of the world: every path builds its own world, and the same entry
gives the same request on each (same names, same ARNs).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import fuzzing
from botocore import xform_name
from botocore.model import Shape

from personalize_mock.model import operation_model

Params = dict[str, Any]

DEEP_ARRAY = "[" * 9000 + "]" * 9000
DEEP_OBJECT = '{"a":' * 6000 + "1" + "}" * 6000
NAN_DOCUMENT = '{"a": NaN}'
INFINITY_DOCUMENT = '{"a": [Infinity, -Infinity]}'


@dataclass(frozen=True)
class Entry:
    """One hostile request: ``build(world)`` gives its keyword arguments."""

    service: str
    operation: str
    label: str
    build: Callable[[fuzzing.World], Params]

    @property
    def method(self) -> str:
        return xform_name(self.operation)

    def __str__(self) -> str:
        return f"{self.operation}[{self.label}]"


#: Hostile values by shape type: (label, value).
_BY_TYPE: dict[str, list[tuple[str, Any]]] = {
    "string": [
        ("int", 5),
        ("none", None),
        ("list", ["x"]),
        ("empty", ""),
        ("long", "x" * 70_000),
        ("nul", "a\x00b"),
        ("deep json", DEEP_ARRAY),
        ("nan json", NAN_DOCUMENT),
    ],
    "integer": [
        ("str", "5"),
        ("none", None),
        ("over int32", 2**31),
        ("negative", -(2**31) - 1),
        ("float", 1.5),
    ],
    "long": [("str", "5"), ("over int64", 2**63), ("float", 2.5)],
    "boolean": [("str", "false"), ("int", 1), ("none", None)],
    "list": [
        ("str", "x"),
        ("none", None),
        ("dict", {"a": 1}),
        ("list of none", [None]),
        ("list of int", [1]),
    ],
    "map": [("list", []), ("str", "x"), ("int value", {"k": 1}), ("none", None)],
    "structure": [("str", "x"), ("list", [1]), ("int", 3), ("nested wrong", {"a": {"b": 1}})],
    "timestamp": [("str", "not a time"), ("list", [1])],
    "float": [("str", "lots"), ("list", [1])],
    "double": [("str", "lots"), ("list", [1])],
    "blob": [("int", 1)],
}


def _base(operation: str, world: fuzzing.World) -> Params:
    template = fuzzing.TEMPLATES.get(operation)
    if template is not None:
        return dict(template(world))
    model = operation_model(_service(operation), operation)
    assert model.input_shape is not None
    params: Params = {}
    for name in model.input_shape.required_members:
        known = world.by_member.get(name)
        params[name] = known[0] if known else "x"
    return params


def _service(operation: str) -> str:
    service = fuzzing.implemented_service(operation)
    assert service is not None
    return service


def _spoiled(operation: str, member: str, value: Any) -> Callable[[fuzzing.World], Params]:
    def build(world: fuzzing.World) -> Params:
        params = _base(operation, world)
        params[member] = value
        return params

    return build


def _with(operation: str, **changes: Any) -> Callable[[fuzzing.World], Params]:
    def build(world: fuzzing.World) -> Params:
        return {**_base(operation, world), **changes}

    return build


def _shape_entries(service: str, operation: str) -> Iterator[Entry]:
    model = operation_model(service, operation)
    assert model.input_shape is not None
    members: dict[str, Shape] = dict(model.input_shape.members)
    required = set(model.input_shape.required_members)
    for member in sorted(members):
        for label, value in _BY_TYPE.get(members[member].type_name, []):
            if value is None and member not in required:
                continue  # botocore does not send an optional member set to None: it is omitted
            yield Entry(service, operation, f"{member}={label}", _spoiled(operation, member, value))


def _deep_properties(key: str, id_member: str, kind: str) -> Callable[[fuzzing.World], Params]:
    def build(world: fuzzing.World) -> Params:
        params = _base(kind, world)
        params[key] = [{id_member: "deep", "properties": DEEP_OBJECT}]
        return params

    return build


def _forged(operation: str, token: str) -> Callable[[fuzzing.World], Params]:
    """A listing of ``operation``, filtered by the world's first ARN of each filter member it has."""

    def build(world: fuzzing.World) -> Params:
        params = _base(operation, world)
        members = operation_model("personalize", operation).input_shape.members  # type: ignore[union-attr]
        for member in members:
            if member.endswith("Arn") and world.by_member.get(member):
                params[member] = world.by_member[member][0]
        params["nextToken"] = token
        return params

    return build


def _extra_entries() -> Iterator[Entry]:
    for operation, key, id_member in [
        ("PutItems", "items", "itemId"),
        ("PutUsers", "users", "userId"),
        ("PutActions", "actions", "actionId"),
    ]:
        service = _service(operation)
        yield Entry(service, operation, "deep properties", _deep_properties(key, id_member, operation))
        for label, document in [("nan", NAN_DOCUMENT), ("infinity", INFINITY_DOCUMENT)]:

            def build(
                world: fuzzing.World,
                key: str = key,
                id_member: str = id_member,
                doc: str = document,
                operation: str = operation,
            ) -> Params:
                return {**_base(operation, world), key: [{id_member: "n", "properties": doc}]}

            yield Entry(service, operation, f"{label} properties", build)
    for label, schema in [
        ("deep schema", DEEP_ARRAY),
        ("deep object schema", DEEP_OBJECT),
        ("nan schema", '{"type": "record", "name": "x", "fields": [], "default": NaN}'),
    ]:
        yield Entry(
            "personalize", "CreateSchema", label, _with("CreateSchema", name="hostile", schema=schema)
        )
    duplicate = [{"tagKey": "k", "tagValue": "1"}, {"tagKey": "k", "tagValue": "2"}]
    for operation in sorted(fuzzing.TEMPLATES):
        if "tags" in operation_model(_service(operation), operation).input_shape.members:  # type: ignore[union-attr]
            yield Entry(_service(operation), operation, "duplicate tag key", _with(operation, tags=duplicate))
    for weight in ["NaN", "lots", "1.5", "-0.1", "Infinity"]:
        yield Entry(
            "personalize",
            "CreateCampaign",
            f"explorationWeight={weight}",
            _with("CreateCampaign", campaignConfig={"itemExplorationConfig": {"explorationWeight": weight}}),
        )
        yield Entry(
            "personalize",
            "CreateRecommender",
            f"explorationWeight={weight}",
            _with(
                "CreateRecommender",
                recommenderConfig={"itemExplorationConfig": {"explorationWeight": weight}},
            ),
        )
    for label, ranges in [
        (
            "integer min>max",
            {"integerHyperParameterRanges": [{"name": "bptt", "minValue": 40, "maxValue": 20}]},
        ),
        (
            "continuous min>max",
            {"continuousHyperParameterRanges": [{"name": "lambda", "minValue": 0.9, "maxValue": 0.1}]},
        ),
    ]:
        config = {
            "hpoConfig": {
                "hpoResourceConfig": {"maxNumberOfTrainingJobs": "4", "maxParallelTrainingJobs": "2"},
                "algorithmHyperParameterRanges": ranges,
            }
        }
        yield Entry(
            "personalize",
            "CreateSolution",
            label,
            _with("CreateSolution", performHPO=True, solutionConfig=config),
        )
    personalize = [name for service, name in fuzzing.implemented() if service == "personalize"]
    for model in [operation_model("personalize", name) for name in personalize]:
        if (
            model.name.startswith("List")
            and model.input_shape is not None
            and "nextToken" in model.input_shape.members
        ):
            # The last: well formed for its own listing, but made by hand (no valid tag).
            hand_made = base64.urlsafe_b64encode(f"pm2\n{model.name}\n1".encode()).decode()
            for token in ["forged", "cG0xCkxpc3RYCjk5", "pm1\nListDatasetGroups\n1", hand_made]:
                yield Entry(
                    "personalize", model.name, f"forged nextToken {token[:8]!r}", _forged(model.name, token)
                )


def corpus() -> list[Entry]:
    """Every entry: the shape-driven ones of each operation, then the hand-written ones."""
    entries = [
        entry for service, operation in fuzzing.implemented() for entry in _shape_entries(service, operation)
    ]
    entries.extend(_extra_entries())
    return entries


CORPUS = corpus()
