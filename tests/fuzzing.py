"""Support of the conformance tests: a seeded world, request strategies from botocore shapes,
and a fingerprint of everything the control plane can show.

* :func:`build_world` creates a small but complete set of resources through plain boto3 calls
  (two dataset groups, schemas, datasets with imported data, solutions with trained
  versions, a campaign, a recommender, a filter, an event tracker, jobs) so fuzzed calls
  can name resources that exist. With ``tight=True`` the mock's quotas equal what the world
  holds and a few jobs are left in flight, so one more creation reaches the quota checks.
* :func:`request` draws the keyword arguments of an operation from its botocore input shape:
  type-correct (botocore checks types, required members and ``min`` before the mock sees a
  call) but otherwise valid-ish or wrong on purpose: random and over-long strings, ARNs of
  the wrong kind or of nothing, enum values that are not in the enum, numbers past ``max``.
* :func:`fingerprint` reads every List* result (all pages) and describes every ARN they
  name, so two fingerprints are equal exactly when nothing a client can see has changed.

Modules directly under ``tests/`` import this as ``fuzzing`` (see ``helpers``).
"""

from __future__ import annotations

import functools
import json
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import boto3
from botocore import xform_name
from botocore.exceptions import ClientError
from botocore.model import OperationModel, Shape
from hypothesis import strategies as st

from personalize_mock import PersonalizeMock
from personalize_mock.interception.operations import TABLE
from personalize_mock.model import operation_model
from personalize_mock.model.input_validation import (
    UnsupportedJavaPattern,
    translate_java_pattern,
)

REGION = "us-east-1"
ACCOUNT = "123456789012"
PREFIX = f"arn:aws:personalize:{REGION}:{ACCOUNT}:"
RECIPE = "arn:aws:personalize:::recipe/"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/personalize"
S3 = "s3://personalize-mock-fuzz/"


def _avro(name: str, fields: list[tuple[str, Any]]) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "namespace": "com.amazonaws.personalize.schema",
            "fields": [{"name": field_name, "type": kind} for field_name, kind in fields],
            "version": "1.0",
        }
    )


INTERACTIONS_SCHEMA = _avro(
    "Interactions",
    [("USER_ID", "string"), ("ITEM_ID", "string"), ("EVENT_TYPE", "string"), ("TIMESTAMP", "long")],
)
ITEMS_SCHEMA = _avro("Items", [("ITEM_ID", "string"), ("GENRE", ["null", "string"])])
USERS_SCHEMA = _avro("Users", [("USER_ID", "string"), ("AGE", "int")])
ACTIONS_SCHEMA = _avro("Actions", [("ACTION_ID", "string"), ("VALUE", "int")])
SCHEMAS = [INTERACTIONS_SCHEMA, ITEMS_SCHEMA, USERS_SCHEMA, ACTIONS_SCHEMA]
DATASET_TYPES = ["Interactions", "ITEMS", "users", "Actions", "ACTION_INTERACTIONS"]
FILTER_EXPRESSIONS = [
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    "INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)",
    "EXCLUDE ItemID WHERE Items.GENRE IN (",
]
RECIPES = [
    "aws-user-personalization",
    "aws-user-personalization-v2",
    "aws-sims",
    "aws-personalized-ranking",
    "aws-item-affinity",
    "aws-popularity-count",
    "aws-ecomm-recommended-for-you",
    "aws-ecomm-customers-who-viewed-x-also-viewed",
]


@dataclass
class World:
    """What :func:`build_world` created; ``by_member`` maps an ARN member name to fitting ARNs."""

    by_member: dict[str, list[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    tracking_ids: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=lambda: ["u1", "u2"])
    item_ids: list[str] = field(default_factory=lambda: ["i1", "i2", "i3"])

    def add(self, member: str, arn: str, name: str | None = None) -> str:
        self.by_member.setdefault(member, []).append(arn)
        if name is not None:
            self.names.append(name)
        return arn

    @property
    def all_arns(self) -> list[str]:
        return [arn for arns in self.by_member.values() for arn in arns]


#: Quotas equal to what a tight world holds, so one more creation of each kind is refused.
TIGHT_QUOTAS = {
    "dataset_groups": 2,
    "schemas": 5,
    "solutions_per_dataset_group": 2,
    "solution_versions_in_flight": 1,
    "campaigns_per_dataset_group": 1,
    "recommenders_per_dataset_group": 1,
    "filters_per_dataset_group": 1,
    "event_trackers_per_dataset_group": 1,
    "metric_attributions_per_dataset_group": 1,
    "dataset_import_jobs_in_flight": 1,
    "batch_inference_jobs_in_flight": 1,
    "batch_segment_jobs_in_flight": 1,
    "data_deletion_jobs_pending_per_dataset_group": 1,
    "tags_per_resource": 2,
}


def clients() -> dict[str, Any]:
    """A client of each Personalize service (a fresh session: clients carry the handlers)."""
    session = boto3.session.Session()
    return {service: session.client(service, region_name=REGION) for service in TABLE}


def build_world(pm: PersonalizeMock, personalize: Any, *, tight: bool = False) -> World:
    """Create the resources fuzzed calls refer to; everything ends settled unless ``tight``."""
    world = World()
    tags = [{"tagKey": "team", "tagValue": "recs"}]
    schema_arns = []
    for name, text in zip(("interactions", "items", "users", "actions"), SCHEMAS, strict=True):
        schema_arns.append(
            world.add("schemaArn", personalize.create_schema(name=name, schema=text)["schemaArn"], name)
        )
    domain_schema = personalize.create_schema(
        name="shop-interactions", schema=INTERACTIONS_SCHEMA, domain="ECOMMERCE"
    )["schemaArn"]
    world.add("schemaArn", domain_schema, "shop-interactions")

    group = personalize.create_dataset_group(name="movies", tags=tags)["datasetGroupArn"]
    shop = personalize.create_dataset_group(name="shop", domain="ECOMMERCE")["datasetGroupArn"]
    world.add("datasetGroupArn", group, "movies")
    world.add("datasetGroupArn", shop, "shop")
    pm.settle()

    interactions = personalize.create_dataset(
        name="interactions", schemaArn=schema_arns[0], datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    items = personalize.create_dataset(
        name="items", schemaArn=schema_arns[1], datasetGroupArn=group, datasetType="Items"
    )["datasetArn"]
    users = personalize.create_dataset(
        name="users", schemaArn=schema_arns[2], datasetGroupArn=group, datasetType="Users"
    )["datasetArn"]
    shop_interactions = personalize.create_dataset(
        name="shop-interactions", schemaArn=domain_schema, datasetGroupArn=shop, datasetType="Interactions"
    )["datasetArn"]
    for arn, name in (
        (interactions, "interactions"),
        (items, "items"),
        (users, "users"),
        (shop_interactions, "shop-i"),
    ):
        world.add("datasetArn", arn, name)
    pm.settle()

    for dataset, name in (
        (interactions, "import-interactions"),
        (items, "import-items"),
        (shop_interactions, "import-shop"),
    ):
        job = personalize.create_dataset_import_job(
            jobName=name, datasetArn=dataset, dataSource={"dataLocation": S3 + name + ".csv"}, roleArn=ROLE
        )["datasetImportJobArn"]
        world.add("datasetImportJobArn", job, name)
        pm.settle()  # one at a time: a tight world allows one import in flight

    # Automatic training (on by default) starts an hour after creation; in a tight world it
    # would take the one in-flight training slot the world needs for itself.
    solution = personalize.create_solution(
        name="personal",
        datasetGroupArn=group,
        recipeArn=RECIPE + "aws-user-personalization",
        tags=tags,
        performAutoTraining=not tight,
    )["solutionArn"]
    segments = personalize.create_solution(
        name="segments",
        datasetGroupArn=group,
        recipeArn=RECIPE + "aws-item-affinity",
        performAutoTraining=not tight,
    )["solutionArn"]
    world.add("solutionArn", solution, "personal")
    world.add("solutionArn", segments, "segments")
    version = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    pm.settle()
    segment_version = personalize.create_solution_version(solutionArn=segments)["solutionVersionArn"]
    pm.settle()
    world.add("solutionVersionArn", version)
    world.add("solutionVersionArn", segment_version)

    campaign = personalize.create_campaign(name="campaign", solutionVersionArn=version)["campaignArn"]
    world.add("campaignArn", campaign, "campaign")
    filter_arn = personalize.create_filter(
        name="no-clicks", datasetGroupArn=group, filterExpression=FILTER_EXPRESSIONS[0]
    )["filterArn"]
    world.add("filterArn", filter_arn, "no-clicks")
    tracker = personalize.create_event_tracker(name="tracker", datasetGroupArn=group)
    world.add("eventTrackerArn", tracker["eventTrackerArn"], "tracker")
    world.tracking_ids.append(tracker["trackingId"])
    attribution = personalize.create_metric_attribution(
        name="attribution",
        datasetGroupArn=group,
        metrics=[{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}],
        metricsOutputConfig={"roleArn": ROLE},
    )["metricAttributionArn"]
    world.add("metricAttributionArn", attribution, "attribution")
    recommender = personalize.create_recommender(
        name="for-you", datasetGroupArn=shop, recipeArn=RECIPE + "aws-ecomm-recommended-for-you"
    )["recommenderArn"]
    world.add("recommenderArn", recommender, "for-you")
    pm.settle()

    export = personalize.create_dataset_export_job(
        jobName="export",
        datasetArn=interactions,
        roleArn=ROLE,
        jobOutput={"s3DataDestination": {"path": S3 + "export/"}},
    )["datasetExportJobArn"]
    world.add("datasetExportJobArn", export, "export")
    batch = personalize.create_batch_inference_job(
        jobName="batch",
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": S3 + "in.json"}},
        jobOutput={"s3DataDestination": {"path": S3 + "out/"}},
        roleArn=ROLE,
    )["batchInferenceJobArn"]
    world.add("batchInferenceJobArn", batch, "batch")
    segment_job = personalize.create_batch_segment_job(
        jobName="segment",
        solutionVersionArn=segment_version,
        jobInput={"s3DataSource": {"path": S3 + "items.json"}},
        jobOutput={"s3DataDestination": {"path": S3 + "segments/"}},
        roleArn=ROLE,
    )["batchSegmentJobArn"]
    world.add("batchSegmentJobArn", segment_job, "segment")
    deletion = personalize.create_data_deletion_job(
        jobName="deletion", datasetGroupArn=group, dataSource={"dataLocation": S3 + "users.csv"}, roleArn=ROLE
    )["dataDeletionJobArn"]
    world.add("dataDeletionJobArn", deletion, "deletion")
    if not tight:
        pm.settle()
    else:
        # Leave one of each kind of quota-limited job in flight (their quotas are 1).
        in_flight = personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        world.add("solutionVersionArn", in_flight)
        late_import = personalize.create_dataset_import_job(
            jobName="late-import",
            datasetArn=items,
            dataSource={"dataLocation": S3 + "more.csv"},
            roleArn=ROLE,
        )["datasetImportJobArn"]
        world.add("datasetImportJobArn", late_import, "late-import")

    world.by_member["recipeArn"] = [RECIPE + name for name in RECIPES]
    world.by_member["algorithmArn"] = ["arn:aws:personalize:::algorithm/aws-user-personalization"]
    world.by_member["featureTransformationArn"] = ["arn:aws:personalize:::feature-transformation/sims"]
    return world


# --------------------------------------------------------------------------------------------
# Requests drawn from input shapes
# --------------------------------------------------------------------------------------------

_SURROGATES: Any = ("Cs",)  # lone surrogates cannot be encoded in a request
_SAFE_TEXT = st.characters(exclude_categories=_SURROGATES)
_NAME_CHARS = string.ascii_letters + string.digits + "-_"
_MAX_DEPTH = 6


_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


@functools.cache
def _pattern_strategy(pattern: str | None) -> st.SearchStrategy[str] | None:
    """Strings matching a model pattern. Printable ASCII only: the default alphabet makes
    Hypothesis compute Unicode tables for every negated class, seconds per process; other
    characters come from the plain-text flavour of :func:`_string`."""
    if not pattern:
        return None
    try:
        compiled = re.compile(translate_java_pattern(pattern, java_dot=False))
    except (UnsupportedJavaPattern, re.error):
        return None
    return st.from_regex(compiled, fullmatch=True, alphabet=_PRINTABLE)


def _string(data: st.DataObject, shape: Shape, member: str, world: World) -> str:
    meta = shape.metadata
    low = int(meta.get("min", 0))
    high = int(meta.get("max", 64))
    enum = list(meta.get("enum", []))
    hinted = _hint(member, world)
    # One draw decides the flavour, so Hypothesis shrinks towards the first (most valid) one.
    flavour = data.draw(st.integers(0, 9), label=f"{member}:flavour")
    if enum and flavour < 7:
        return str(data.draw(st.sampled_from(enum), label=member))
    if hinted is not None and flavour < 7:
        value = data.draw(hinted, label=member)
        return value if len(value) >= low else value.ljust(low, "x")
    if flavour < 8:
        pattern = _pattern_strategy(meta.get("pattern"))
        if pattern is not None:
            value = data.draw(pattern.filter(lambda s: low <= len(s) <= high), label=member)
            return value
    if flavour == 9 and "max" in meta:
        # Over-long: one to a few characters past the modeled maximum.
        extra = data.draw(st.integers(1, 3), label=f"{member}:extra")
        return "a" * (high + extra)
    return data.draw(
        st.text(_SAFE_TEXT, min_size=max(low, 0), max_size=max(low, min(high, 40))), label=member
    )


def _hint(member: str, world: World) -> st.SearchStrategy[str] | None:
    """Values that make sense for a member of this name (ARNs that exist, Avro text, ...)."""
    key = member[0].lower() + member[1:] if member else member
    if key.endswith("Arn") or key.endswith("Arns") or key == "resourceArn":
        singular = key[:-1] if key.endswith("Arns") else key
        fitting = world.by_member.get(singular) or world.all_arns
        everything = world.all_arns or [PREFIX + "thing/none"]
        return st.one_of(
            st.sampled_from(fitting),
            st.sampled_from(fitting),
            st.sampled_from(everything),
            st.sampled_from(fitting).map(lambda arn: arn + "-missing"),
            st.sampled_from([ROLE, PREFIX + "nothing/at-all", "arn:aws:s3:::bucket", "not-an-arn"]),
        )
    if key in ("name", "jobName"):
        fresh = st.text(_NAME_CHARS, min_size=1, max_size=12).map(lambda s: "f" + s)
        return st.one_of(fresh, st.sampled_from(world.names or ["x"]))
    if key == "schema":
        return st.one_of(st.sampled_from(SCHEMAS), st.just("{}"), st.just("not json"))
    if key == "filterExpression":
        return st.sampled_from(FILTER_EXPRESSIONS)
    if key == "datasetType":
        return st.sampled_from(DATASET_TYPES)
    if key in ("dataLocation", "path"):
        return st.sampled_from([S3 + "data.csv", S3 + "prefix/", "s3://", "https://example.invalid/x"])
    if key == "trackingId":
        return st.sampled_from([*world.tracking_ids, "00000000-0000-0000-0000-000000000000"])
    if key in ("userId", "sessionId"):
        return st.sampled_from([*world.user_ids, "stranger"])
    if key in ("itemId", "actionId"):
        return st.sampled_from([*world.item_ids, "unknown-item"])
    if key == "properties":
        return st.sampled_from(['{"numberOfRatings": "12"}', '{"genre": "drama"}', "{}", "[not json"])
    if key == "expression":
        return st.sampled_from(["SAMPLECOUNT()", "SUM(Items.PRICE)", "SUM(nothing)"])
    if key in ("eventType", "metricName"):
        return st.sampled_from(["click", "watch", "purchase"])
    if key == "nextToken":
        return st.sampled_from(["bm90IGEgdG9rZW4=", "garbage"])
    return None


def _value(data: st.DataObject, shape: Shape, member: str, world: World, depth: int) -> Any:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        return _structure(data, shape, world, depth + 1)
    if kind == "list":
        low = int(meta.get("min", 0))
        high = int(meta.get("max", 3))
        size = data.draw(st.integers(low, max(low, min(high, 3))), label=f"{member}:size")
        if high <= 60 and data.draw(st.integers(0, 19), label=f"{member}:overfull") == 0:
            size = high + 1
        return [_value(data, shape.member, member, world, depth + 1) for _ in range(size)]
    if kind == "map":
        size = data.draw(st.integers(int(meta.get("min", 0)), 3), label=f"{member}:size")
        result: dict[str, Any] = {}
        for index in range(size):
            key = _string(data, shape.key, f"{member}.key{index}", world)
            result[key] = _value(data, shape.value, member, world, depth + 1)
        return result
    if kind == "string":
        return _string(data, shape, member, world)
    if kind in ("integer", "long"):
        low = int(meta.get("min", -(2**31)))
        high = int(meta["max"]) + 100 if "max" in meta else 2**31 - 1
        return data.draw(st.integers(low, max(low, high)), label=member)
    if kind in ("float", "double"):
        bottom = float(meta.get("min", -1e9))
        top = float(meta["max"]) + 100 if "max" in meta else 1e9
        return data.draw(st.floats(bottom, top, allow_nan=False, allow_infinity=False), label=member)
    if kind == "boolean":
        return data.draw(st.booleans(), label=member)
    if kind == "timestamp":
        return data.draw(
            st.datetimes(datetime(2001, 1, 1), datetime(2099, 1, 1), timezones=st.just(timezone.utc)),
            label=member,
        )
    if kind == "blob":
        return data.draw(st.binary(min_size=int(meta.get("min", 0)), max_size=16), label=member)
    raise AssertionError(f"no strategy for shape type {kind} ({shape.name})")


def _structure(data: st.DataObject, shape: Shape, world: World, depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    required = set(shape.required_members)
    for name, member in shape.members.items():
        if name not in required and (
            depth > _MAX_DEPTH or not data.draw(st.booleans(), label=f"{name}:present")
        ):
            continue
        result[name] = _value(data, member, name, world, depth)
    return result


def request(data: st.DataObject, model: OperationModel, world: World) -> dict[str, Any]:
    """Keyword arguments for ``model``'s operation, drawn from its input shape."""
    if model.input_shape is None:
        return {}
    return _structure(data, model.input_shape, world, 0)


# Valid requests of the operations that change state, built from the world: the starting
# point of mutations (and of the fuzz, so it reaches past the first checks).
Template = Callable[[World], dict[str, Any]]


def _first(world: World, member: str) -> str:
    return world.by_member[member][0]


TEMPLATES: dict[str, Template] = {
    "CreateDatasetGroup": lambda w: {"name": "fresh-group", "tags": [{"tagKey": "k", "tagValue": "v"}]},
    "CreateSchema": lambda w: {"name": "fresh-schema", "schema": ITEMS_SCHEMA},
    "CreateDataset": lambda w: {
        "name": "fresh-actions",
        "schemaArn": w.by_member["schemaArn"][3],
        "datasetGroupArn": _first(w, "datasetGroupArn"),
        "datasetType": "Actions",
    },
    "CreateDatasetImportJob": lambda w: {
        "jobName": "fresh-import",
        "datasetArn": _first(w, "datasetArn"),
        "dataSource": {"dataLocation": S3 + "fresh.csv"},
        "roleArn": ROLE,
    },
    "CreateDatasetExportJob": lambda w: {
        "jobName": "fresh-export",
        "datasetArn": _first(w, "datasetArn"),
        "roleArn": ROLE,
        "jobOutput": {"s3DataDestination": {"path": S3 + "fresh-export/"}},
    },
    "CreateDataDeletionJob": lambda w: {
        "jobName": "fresh-deletion",
        "datasetGroupArn": _first(w, "datasetGroupArn"),
        "dataSource": {"dataLocation": S3 + "forget.csv"},
        "roleArn": ROLE,
    },
    "CreateSolution": lambda w: {
        "name": "fresh-solution",
        "datasetGroupArn": _first(w, "datasetGroupArn"),
        "recipeArn": RECIPE + "aws-sims",
    },
    "CreateSolutionVersion": lambda w: {"solutionArn": _first(w, "solutionArn"), "trainingMode": "FULL"},
    "CreateCampaign": lambda w: {
        "name": "fresh-campaign",
        "solutionVersionArn": _first(w, "solutionVersionArn"),
        "minProvisionedTPS": 1,
    },
    "CreateRecommender": lambda w: {
        "name": "fresh-recommender",
        "datasetGroupArn": w.by_member["datasetGroupArn"][1],
        "recipeArn": RECIPE + "aws-ecomm-customers-who-viewed-x-also-viewed",
    },
    "CreateFilter": lambda w: {
        "name": "fresh-filter",
        "datasetGroupArn": _first(w, "datasetGroupArn"),
        "filterExpression": FILTER_EXPRESSIONS[1],
    },
    "CreateEventTracker": lambda w: {
        "name": "fresh-tracker",
        "datasetGroupArn": w.by_member["datasetGroupArn"][1],
    },
    "CreateBatchInferenceJob": lambda w: {
        "jobName": "fresh-batch",
        "solutionVersionArn": _first(w, "solutionVersionArn"),
        "jobInput": {"s3DataSource": {"path": S3 + "in2.json"}},
        "jobOutput": {"s3DataDestination": {"path": S3 + "out2/"}},
        "roleArn": ROLE,
    },
    "CreateBatchSegmentJob": lambda w: {
        "jobName": "fresh-segment",
        "solutionVersionArn": w.by_member["solutionVersionArn"][1],
        "jobInput": {"s3DataSource": {"path": S3 + "items2.json"}},
        "jobOutput": {"s3DataDestination": {"path": S3 + "segments2/"}},
        "roleArn": ROLE,
    },
    "CreateMetricAttribution": lambda w: {
        "name": "fresh-attribution",
        "datasetGroupArn": w.by_member["datasetGroupArn"][1],
        "metrics": [{"eventType": "view", "metricName": "views", "expression": "SAMPLECOUNT()"}],
        "metricsOutputConfig": {"roleArn": ROLE},
    },
    "UpdateDataset": lambda w: {
        "datasetArn": w.by_member["datasetArn"][1],
        "schemaArn": w.by_member["schemaArn"][1],
    },
    "UpdateSolution": lambda w: {"solutionArn": _first(w, "solutionArn"), "performAutoTraining": False},
    "UpdateCampaign": lambda w: {"campaignArn": _first(w, "campaignArn"), "minProvisionedTPS": 2},
    "UpdateRecommender": lambda w: {
        "recommenderArn": _first(w, "recommenderArn"),
        "recommenderConfig": {"minRecommendationRequestsPerSecond": 2},
    },
    "UpdateMetricAttribution": lambda w: {
        "metricAttributionArn": _first(w, "metricAttributionArn"),
        "addMetrics": [{"eventType": "view", "metricName": "views", "expression": "SAMPLECOUNT()"}],
    },
    "TagResource": lambda w: {
        "resourceArn": _first(w, "solutionArn"),
        "tags": [{"tagKey": "stage", "tagValue": "test"}],
    },
    "UntagResource": lambda w: {"resourceArn": _first(w, "solutionArn"), "tagKeys": ["team"]},
    "StopRecommender": lambda w: {"recommenderArn": _first(w, "recommenderArn")},
    "StopSolutionVersionCreation": lambda w: {"solutionVersionArn": w.by_member["solutionVersionArn"][-1]},
    # Runtime and events
    "GetRecommendations": lambda w: {
        "campaignArn": _first(w, "campaignArn"),
        "userId": "u1",
        "numResults": 5,
    },
    "GetPersonalizedRanking": lambda w: {
        "campaignArn": _first(w, "campaignArn"),
        "userId": "u1",
        "inputList": ["i1", "i2", "i3"],
    },
    "GetActionRecommendations": lambda w: {"campaignArn": _first(w, "campaignArn"), "userId": "u1"},
    "PutEvents": lambda w: {
        "trackingId": w.tracking_ids[0],
        "userId": "u1",
        "sessionId": "s1",
        "eventList": [
            {"eventType": "click", "itemId": "i1", "sentAt": datetime(2024, 1, 1, tzinfo=timezone.utc)}
        ],
    },
    "PutItems": lambda w: {
        "datasetArn": w.by_member["datasetArn"][1],
        "items": [{"itemId": "i9", "properties": '{"genre": "drama"}'}],
    },
    "PutUsers": lambda w: {"datasetArn": w.by_member["datasetArn"][2], "users": [{"userId": "u9"}]},
}


def mutated(
    data: st.DataObject, model: OperationModel, world: World, base: Mapping[str, Any]
) -> dict[str, Any]:
    """``base`` with some top-level members redrawn from their shapes (0 to all of them)."""
    params = dict(base)
    assert model.input_shape is not None
    members = model.input_shape.members
    for name in sorted(members):
        if data.draw(st.integers(0, 3), label=f"redraw {name}") == 0:
            params[name] = _value(data, members[name], name, world, 1)
    return params


def call(client: Any, operation: str, params: Mapping[str, Any]) -> tuple[dict[str, Any] | None, Any]:
    """``(response, None)`` on success, ``(None, error response)`` after a ``ClientError``."""
    try:
        response: dict[str, Any] = getattr(client, xform_name(operation))(**params)
    except ClientError as error:
        return None, error.response
    return response, None


#: Unmodeled codes the mock returns on purpose, each a choice recorded in docs/choices.md. Kept
#: to this list so that any other unmodeled code fails the conformance tests.
KNOWN_UNMODELED: dict[str, frozenset[str]] = {
    # An unknown metricAttributionArn: ResourceNotFoundException, as for every other
    # operation that names a resource (service/events/metric_attributions.py); the model lists only
    # InvalidInputException and InvalidNextTokenException for this operation.
    "ListMetricAttributionMetrics": frozenset({"ResourceNotFoundException"}),
}

#: The start of a Coral validation message: the model's max/pattern/enum checks, made before
#: any handler runs (personalize_mock.model.input_validation).
VALIDATION_MESSAGE = "1 validation error detected: "


def allowed_error(service: str, operation: str, error: Mapping[str, Any]) -> bool:
    """Whether ``error`` is one the operation may return.

    A modeled error of the operation; or, on the few operations whose model lists no
    validation error (ListDatasetGroups, ListSchemas), the ``InvalidInputException`` of a
    model-constraint violation: the service validates every request against the model
    before the operation runs, and InvalidInputException is Personalize's validation error
    (docs/choices.md, "Exception for model-constraint violations").
    """
    code = error["Error"]["Code"]
    if code in modeled_codes(service, operation) or code in KNOWN_UNMODELED.get(operation, ()):
        return True
    return code == "InvalidInputException" and str(error["Error"]["Message"]).startswith(VALIDATION_MESSAGE)


def modeled_codes(service: str, operation: str) -> set[str]:
    """The error codes botocore's model lists for the operation."""
    return {shape.name for shape in operation_model(service, operation).error_shapes}


def implemented_service(operation: str) -> str | None:
    """The service whose table implements ``operation`` (``None`` if none does)."""
    return next((service for service, handlers in TABLE.items() if operation in handlers), None)


def implemented() -> list[tuple[str, str]]:
    """Every (service, operation) the table implements, in a stable order."""
    return [(service, operation) for service, handlers in TABLE.items() for operation in sorted(handlers)]


# --------------------------------------------------------------------------------------------
# Fingerprint
# --------------------------------------------------------------------------------------------

#: ARN resource type -> (Describe operation, its ARN member).
DESCRIBE_BY_TYPE = {
    "dataset-group": ("DescribeDatasetGroup", "datasetGroupArn"),
    "schema": ("DescribeSchema", "schemaArn"),
    "dataset": ("DescribeDataset", "datasetArn"),
    "dataset-import-job": ("DescribeDatasetImportJob", "datasetImportJobArn"),
    "dataset-export-job": ("DescribeDatasetExportJob", "datasetExportJobArn"),
    "data-deletion-job": ("DescribeDataDeletionJob", "dataDeletionJobArn"),
    "solution": ("DescribeSolution", "solutionArn"),
    "campaign": ("DescribeCampaign", "campaignArn"),
    "recommender": ("DescribeRecommender", "recommenderArn"),
    "filter": ("DescribeFilter", "filterArn"),
    "event-tracker": ("DescribeEventTracker", "eventTrackerArn"),
    "batch-inference-job": ("DescribeBatchInferenceJob", "batchInferenceJobArn"),
    "batch-segment-job": ("DescribeBatchSegmentJob", "batchSegmentJobArn"),
    "metric-attribution": ("DescribeMetricAttribution", "metricAttributionArn"),
}
_NO_TAGS = {"schema", "metric-attribution"}


def _strip(response: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key not in ("ResponseMetadata", "nextToken")}


def _all_pages(client: Any, operation: str, **params: Any) -> list[dict[str, Any]]:
    pages = []
    token = None
    while True:
        page = getattr(client, xform_name(operation))(**params, **({"nextToken": token} if token else {}))
        pages.append(_strip(page))
        token = page.get("nextToken")
        if not token:
            return pages


def _arns_in(value: Any, found: set[str]) -> None:
    if isinstance(value, str) and value.startswith(PREFIX):
        found.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _arns_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _arns_in(item, found)


def fingerprint(client: Any, known: list[str]) -> dict[str, Any]:
    """Everything the control plane shows: every List* (all pages), and a describe of each ARN.

    ARNs are those in ``known`` plus any a listing names. Describing a missing ARN records its
    error code, so "gone" and "never existed" are part of the fingerprint too.
    """
    shown: dict[str, Any] = {}
    arns = set(known)
    for operation in sorted(TABLE["personalize"]):
        model = operation_model("personalize", operation)
        if operation == "ListMetricAttributionMetrics":
            continue  # needs its metricAttributionArn (optional in the model): listed per ARN below
        if operation.startswith("List") and not (model.input_shape and model.input_shape.required_members):
            pages = _all_pages(client, operation)
            shown[operation] = pages
            _arns_in(pages, arns)
    for arn in sorted(arns):
        resource_type = arn[len(PREFIX) :].split("/", 1)[0]
        if resource_type == "solution" and arn.count("/") == 2:
            operation, member = "DescribeSolutionVersion", "solutionVersionArn"
        elif resource_type in DESCRIBE_BY_TYPE:
            operation, member = DESCRIBE_BY_TYPE[resource_type]
        else:
            continue
        response, error = call(client, operation, {member: arn})
        shown[arn] = _strip(response) if response is not None else error["Error"]["Code"]
        if response is not None and resource_type not in _NO_TAGS:
            tags, error = call(client, "ListTagsForResource", {"resourceArn": arn})
            shown[arn + "#tags"] = _strip(tags) if tags is not None else error["Error"]["Code"]
        if operation == "DescribeMetricAttribution" and response is not None:
            shown[arn + "#metrics"] = _all_pages(
                client, "ListMetricAttributionMetrics", metricAttributionArn=arn
            )
    return shown
