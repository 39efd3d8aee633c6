"""ListRecipes, DescribeRecipe, DescribeAlgorithm, DescribeFeatureTransformation handlers."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import botocore.session
import pytest

from personalize_mock.clock import SimulatedClock
from personalize_mock.errors import (
    InvalidInputException,
    InvalidNextTokenException,
    ResourceNotFoundException,
)
from personalize_mock.faults import Faults
from personalize_mock.options import MockOptions
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.training.catalogue import ALGORITHMS, FEATURE_TRANSFORMATIONS, RECIPES
from personalize_mock.service.training.recipes import (
    describe_algorithm,
    describe_feature_transformation,
    describe_recipe,
    list_recipes,
)

MODEL = botocore.session.get_session().get_service_model("personalize")
LISTED = sorted(r.name for r in RECIPES if r.listed)
ECOMMERCE = [
    "aws-ecomm-customers-who-viewed-x-also-viewed",
    "aws-ecomm-frequently-bought-together",
    "aws-ecomm-popular-items-by-purchases",
    "aws-ecomm-popular-items-by-views",
    "aws-ecomm-recommended-for-you",
]
VIDEO_ON_DEMAND = [
    "aws-vod-because-you-watched-x",
    "aws-vod-more-like-x",
    "aws-vod-most-popular",
    "aws-vod-top-picks",
    "aws-vod-trending-now",
]


def make_backend(region: str = "us-east-1") -> RegionBackend:
    return RegionBackend(
        account_id="123456789012",
        region=region,
        clock=SimulatedClock(),
        options=MockOptions.build(),
        faults=Faults(),
        rng=random.Random(0),
    )


@pytest.fixture
def backend() -> RegionBackend:
    return make_backend()


def check_shape(value: Any, shape: Any, path: str = "$") -> None:
    """Assert ``value`` is botocore's parsed form of ``shape``: no unknown members, right types."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{path}: members not in {shape.name}: {unknown}"
        missing = set(shape.required_members) - set(value)
        assert not missing, f"{path}: required members missing: {missing}"
        for name, member in value.items():
            check_shape(member, shape.members[name], f"{path}.{name}")
    elif kind == "list":
        assert isinstance(value, list), path
        assert meta.get("min", 0) <= len(value) <= meta.get("max", len(value)), path
        for index, item in enumerate(value):
            check_shape(item, shape.member, f"{path}[{index}]")
    elif kind == "map":
        assert isinstance(value, dict), path
        assert len(value) <= meta.get("max", len(value)), path
        for key, item in value.items():
            check_shape(key, shape.key, f"{path} key")
            check_shape(item, shape.value, f"{path}[{key!r}]")
    elif kind == "string":
        assert isinstance(value, str), path
        assert meta.get("min", 0) <= len(value) <= meta.get("max", len(value)), path
        if "enum" in meta:
            assert value in meta["enum"], path
        pattern = meta.get("pattern")
        # \p{...} classes are Java regex; Python's re does not know them.
        if pattern and r"\p" not in pattern:
            assert re.fullmatch(pattern, value), f"{path}: {value!r} !~ {pattern}"
    elif kind == "timestamp":
        assert isinstance(value, datetime), path
        assert value.utcoffset() == timedelta(0), f"{path}: not a UTC-aware datetime"
    elif kind == "boolean":
        assert isinstance(value, bool), path
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif kind == "double":
        assert isinstance(value, float), path
    else:  # pragma: no cover - no other types in these outputs
        raise AssertionError(f"{path}: unexpected shape type {kind}")


def check_output(operation: str, output: dict[str, Any]) -> None:
    check_shape(output, MODEL.operation_model(operation).output_shape)


def names(output: Mapping[str, Any]) -> list[str]:
    return [summary["name"] for summary in output["recipes"]]


def all_pages(backend: RegionBackend, **params: Any) -> list[list[str]]:
    pages = []
    token = None
    while True:
        request = dict(params)
        if token is not None:
            request["nextToken"] = token
        output = list_recipes(backend, request)
        check_output("ListRecipes", output)
        pages.append(names(output))
        token = output.get("nextToken")
        if token is None:
            return pages


# ---------------------------------------------------------------------------- ListRecipes


def test_list_is_alphabetical_without_legacy_recipes(backend: RegionBackend) -> None:
    output = list_recipes(backend, {})
    check_output("ListRecipes", output)
    assert names(output) == LISTED
    assert "nextToken" not in output
    assert not {"aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart"} & set(names(output))
    assert len(LISTED) == 22
    for summary in output["recipes"]:
        assert summary["status"] == "ACTIVE"
        assert summary["recipeArn"] == f"arn:aws:personalize:::recipe/{summary['name']}"
        assert summary["creationDateTime"] <= summary["lastUpdatedDateTime"]
        is_domain = summary["name"].startswith(("aws-ecomm-", "aws-vod-"))
        assert ("domain" in summary) == is_domain


@pytest.mark.parametrize(
    ("domain", "expected"), [("ECOMMERCE", ECOMMERCE), ("VIDEO_ON_DEMAND", VIDEO_ON_DEMAND)]
)
def test_domain_filter(backend: RegionBackend, domain: str, expected: list[str]) -> None:
    output = list_recipes(backend, {"domain": domain})
    assert names(output) == expected
    assert {summary["domain"] for summary in output["recipes"]} == {domain}


def test_service_provider_filter_lists_everything(backend: RegionBackend) -> None:
    assert names(list_recipes(backend, {"recipeProvider": "SERVICE"})) == LISTED


@pytest.mark.parametrize(
    "params",
    [{"recipeProvider": "CUSTOM"}, {"domain": "RETAIL"}, {"maxResults": 101}],
    ids=["provider", "domain", "maxResults"],
)
def test_invalid_parameters(backend: RegionBackend, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputException, match="1 validation error detected"):
        list_recipes(backend, params)


@pytest.mark.parametrize("domain", [None, "ECOMMERCE"])
def test_pages_of_two_reconstruct_the_listing(backend: RegionBackend, domain: str | None) -> None:
    filters = {} if domain is None else {"domain": domain}
    pages = all_pages(backend, maxResults=2, **filters)
    expected = names(list_recipes(backend, filters))
    assert [name for page in pages for name in page] == expected
    assert all(len(page) == 2 for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= 2
    assert len(pages) == -(-len(expected) // 2)


def test_page_size_equal_to_the_total_has_no_token(backend: RegionBackend) -> None:
    output = list_recipes(backend, {"maxResults": len(LISTED)})
    assert names(output) == LISTED and "nextToken" not in output


def test_token_of_another_listing_is_rejected(backend: RegionBackend) -> None:
    token = list_recipes(backend, {"domain": "ECOMMERCE", "maxResults": 1})["nextToken"]
    with pytest.raises(InvalidNextTokenException):
        list_recipes(backend, {"nextToken": token})
    with pytest.raises(InvalidNextTokenException):
        list_recipes(backend, {"domain": "VIDEO_ON_DEMAND", "nextToken": token})
    # The same filters accept it.
    assert names(list_recipes(backend, {"domain": "ECOMMERCE", "nextToken": token}))[0] == ECOMMERCE[1]


@pytest.mark.parametrize("token", ["garbage", "cG0xCkxpc3RTb2x1dGlvbnN8CjM=", ""])
def test_foreign_tokens_are_rejected(backend: RegionBackend, token: str) -> None:
    with pytest.raises(InvalidNextTokenException):
        list_recipes(backend, {"nextToken": token})


def test_other_partitions_get_their_own_arns() -> None:
    output = list_recipes(make_backend("cn-north-1"), {"maxResults": 1})
    assert output["recipes"][0]["recipeArn"] == f"arn:aws-cn:personalize:::recipe/{LISTED[0]}"


# ------------------------------------------------------------------------------- Describe


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.name)
def test_every_recipe_describes_and_its_references_resolve(backend: RegionBackend, recipe: Any) -> None:
    arn = f"arn:aws:personalize:::recipe/{recipe.name}"
    output = describe_recipe(backend, {"recipeArn": arn})
    check_output("DescribeRecipe", output)
    detail = output["recipe"]
    assert detail["name"] == recipe.name and detail["recipeArn"] == arn
    assert detail["status"] == "ACTIVE"
    assert detail["recipeType"] == recipe.recipe_type

    algorithm = describe_algorithm(backend, {"algorithmArn": detail["algorithmArn"]})
    check_output("DescribeAlgorithm", algorithm)
    assert algorithm["algorithm"]["algorithmArn"] == detail["algorithmArn"]

    if recipe.feature_transformation is None:
        assert "featureTransformationArn" not in detail
    else:
        transformation = describe_feature_transformation(
            backend, {"featureTransformationArn": detail["featureTransformationArn"]}
        )
        check_output("DescribeFeatureTransformation", transformation)
        assert (
            transformation["featureTransformation"]["featureTransformationArn"]
            == (detail["featureTransformationArn"])
        )
        assert transformation["featureTransformation"]["status"] == "ACTIVE"


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=lambda a: a.name)
def test_every_algorithm_output(backend: RegionBackend, algorithm: Any) -> None:
    arn = f"arn:aws:personalize:::algorithm/{algorithm.name}"
    output = describe_algorithm(backend, {"algorithmArn": arn})
    check_output("DescribeAlgorithm", output)
    detail = output["algorithm"]
    assert detail["name"] == algorithm.name
    assert detail["trainingInputMode"] == "File"
    assert detail["defaultHyperParameters"] == dict(algorithm.hyper_parameters)
    ranges = detail["defaultHyperParameterRanges"]
    ranged = {
        r["name"]
        for key in (
            "integerHyperParameterRanges",
            "continuousHyperParameterRanges",
            "categoricalHyperParameterRanges",
        )
        for r in ranges[key]
    }
    assert ranged <= set(detail["defaultHyperParameters"])


@pytest.mark.parametrize("transformation", FEATURE_TRANSFORMATIONS, ids=lambda t: t.name)
def test_every_feature_transformation_output(backend: RegionBackend, transformation: Any) -> None:
    arn = f"arn:aws:personalize:::feature-transformation/{transformation.name}"
    output = describe_feature_transformation(backend, {"featureTransformationArn": arn})
    check_output("DescribeFeatureTransformation", output)
    assert output["featureTransformation"]["defaultParameters"] == dict(transformation.default_parameters)


def test_sims_recipe_details(backend: RegionBackend) -> None:
    detail = describe_recipe(backend, {"recipeArn": "arn:aws:personalize:::recipe/aws-sims"})["recipe"]
    assert detail["algorithmArn"] == "arn:aws:personalize:::algorithm/aws-sims"
    assert detail["featureTransformationArn"] == "arn:aws:personalize:::feature-transformation/sims"
    assert detail["recipeType"] == "RELATED_ITEMS"
    assert detail["creationDateTime"].isoformat() == "2019-06-10T00:00:00+00:00"


def test_popularity_count_reports_user_personalization(backend: RegionBackend) -> None:
    detail = describe_recipe(backend, {"recipeArn": "arn:aws:personalize:::recipe/aws-popularity-count"})
    assert detail["recipe"]["recipeType"] == "USER_PERSONALIZATION"


DescribeCall = Callable[[RegionBackend, Mapping[str, Any]], dict[str, Any]]
DESCRIBES: list[tuple[DescribeCall, str, str]] = [
    (describe_recipe, "recipeArn", "recipe"),
    (describe_algorithm, "algorithmArn", "algorithm"),
    (describe_feature_transformation, "featureTransformationArn", "feature-transformation"),
]


@pytest.mark.parametrize(("handler", "member", "kind"), DESCRIBES, ids=[d[2] for d in DESCRIBES])
@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:personalize:::{kind}/aws-unknown",
        "arn:aws:personalize:us-east-1:123456789012:{kind}/sims",
        "arn:aws-cn:personalize:::{kind}/sims",  # another partition than the backend's
        "arn:aws:personalize:::dataset-group/sims",
    ],
)
def test_unknown_arns_are_not_found(
    backend: RegionBackend, handler: DescribeCall, member: str, kind: str, arn: str
) -> None:
    arn = arn.format(kind=kind)
    with pytest.raises(ResourceNotFoundException, match=re.escape(f"Resource Arn {arn} does not exist.")):
        handler(backend, {member: arn})


@pytest.mark.parametrize(("handler", "member", "kind"), DESCRIBES, ids=[d[2] for d in DESCRIBES])
@pytest.mark.parametrize(
    "arn", ["not-an-arn", "arn:aws:s3:::bucket/key", "arn:aws:personalize:::x/" + "a" * 256]
)
def test_malformed_arns_are_invalid_input(
    backend: RegionBackend, handler: DescribeCall, member: str, kind: str, arn: str
) -> None:
    with pytest.raises(InvalidInputException, match=member):
        handler(backend, {member: arn})


def test_describe_in_another_partition() -> None:
    backend = make_backend("cn-north-1")
    arn = "arn:aws-cn:personalize:::recipe/aws-sims"
    detail = describe_recipe(backend, {"recipeArn": arn})["recipe"]
    assert detail["recipeArn"] == arn
    assert detail["algorithmArn"] == "arn:aws-cn:personalize:::algorithm/aws-sims"
    with pytest.raises(ResourceNotFoundException):
        describe_recipe(backend, {"recipeArn": "arn:aws:personalize:::recipe/aws-sims"})


def test_outputs_are_fresh_objects(backend: RegionBackend) -> None:
    arn = {"algorithmArn": "arn:aws:personalize:::algorithm/aws-sims"}
    first = describe_algorithm(backend, arn)
    first["algorithm"]["defaultHyperParameters"]["popularity_discount_factor"] = "changed"
    first["algorithm"]["defaultHyperParameterRanges"]["integerHyperParameterRanges"].clear()
    second = describe_algorithm(backend, arn)
    assert second["algorithm"]["defaultHyperParameters"]["popularity_discount_factor"] == "0.5"
    assert second["algorithm"]["defaultHyperParameterRanges"]["integerHyperParameterRanges"]
