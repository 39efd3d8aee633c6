"""Handlers for the AWS-owned catalogue: ListRecipes, DescribeRecipe, DescribeAlgorithm,
DescribeFeatureTransformation.

The catalogue itself is static data (:mod:`.catalogue`); these handlers only shape it into
botocore's parsed output. Every call builds fresh dicts, because the response layer adds
``ResponseMetadata`` to the returned dict and callers may mutate what they get.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from personalize_mock.clock import to_datetime
from personalize_mock.errors import InvalidInputException, ResourceNotFoundException
from personalize_mock.service.core.pagination import DEFAULT_MAX_RESULTS, paginate
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.training.catalogue import (
    CATALOGUE_STATUS,
    DOMAINS,
    RECIPES,
    SERVICE_PROVIDER,
    Algorithm,
    FeatureTransformation,
    Recipe,
    find_algorithm,
    find_feature_transformation,
    find_recipe,
)

# The model's ``Arn`` constraints; botocore does not check pattern or max length client-side
# (behaviour reference §1.1), so the service does.
_ARN_PATTERN = r"arn:([a-z\d-]+):personalize:.*:.*:.+"
_ARN = re.compile(_ARN_PATTERN)
_ARN_MAX = 256


def _validation_error(member: str, value: object, constraint: str) -> InvalidInputException:
    # Worded like the Coral validation messages AWS services return for model constraints.
    return InvalidInputException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"{constraint}"
    )


def _check_arn(member: str, arn: str) -> None:
    if len(arn) > _ARN_MAX:
        raise _validation_error(member, arn, f"Member must have length less than or equal to {_ARN_MAX}")
    if _ARN.fullmatch(arn) is None:
        raise _validation_error(
            member, arn, f"Member must satisfy regular expression pattern: {_ARN_PATTERN}"
        )


def _check_enum(member: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise _validation_error(member, value, f"Member must satisfy enum value set: [{', '.join(allowed)}]")


def _not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Resource Arn {arn} does not exist.")


def _recipe_summary(recipe: Recipe, partition: str) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "name": recipe.name,
        "recipeArn": recipe.arn(partition),
        "status": CATALOGUE_STATUS,
        "creationDateTime": to_datetime(recipe.created),
        "lastUpdatedDateTime": to_datetime(recipe.last_updated),
    }
    if recipe.domain is not None:
        summary["domain"] = recipe.domain
    return summary


def list_recipes(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """ListRecipes: listed recipes in alphabetical order, optionally of one ``domain``.

    Legacy HRNN recipes are not listed (see :mod:`.catalogue`). ``maxResults`` defaults to
    100, so the whole catalogue fits one page unless a smaller page is asked for.
    """
    provider = params.get("recipeProvider")
    domain = params.get("domain")
    _check_enum("recipeProvider", provider, (SERVICE_PROVIDER,))
    _check_enum("domain", domain, DOMAINS)
    max_results = params.get("maxResults")
    if max_results is not None and max_results > DEFAULT_MAX_RESULTS:
        raise _validation_error(
            "maxResults",
            max_results,
            f"Member must have value less than or equal to {DEFAULT_MAX_RESULTS}",
        )

    def keep(recipe: Recipe) -> bool:
        return recipe.listed and (domain is None or recipe.domain == domain)

    # The filters are part of the listing, so a token from a differently filtered call is
    # rejected instead of silently skipping into another sequence.
    listing = f"ListRecipes|{provider or ''}|{domain or ''}"
    page, next_token = paginate(RECIPES, params, listing, keep)
    partition = backend.partition
    output: dict[str, Any] = {"recipes": [_recipe_summary(recipe, partition) for recipe in page]}
    if next_token is not None:
        output["nextToken"] = next_token
    return output


def describe_recipe(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeRecipe: the recipe behind ``recipeArn`` (listed or legacy)."""
    arn: str = params["recipeArn"]
    _check_arn("recipeArn", arn)
    partition = backend.partition
    recipe = find_recipe(arn, partition=partition)
    if recipe is None:
        raise _not_found(arn)
    detail: dict[str, Any] = {
        "name": recipe.name,
        "recipeArn": recipe.arn(partition),
        "algorithmArn": recipe.algorithm_arn(partition),
    }
    transformation_arn = recipe.feature_transformation_arn(partition)
    if transformation_arn is not None:
        detail["featureTransformationArn"] = transformation_arn
    detail.update(
        status=CATALOGUE_STATUS,
        description=recipe.description,
        creationDateTime=to_datetime(recipe.created),
        recipeType=recipe.recipe_type,
        lastUpdatedDateTime=to_datetime(recipe.last_updated),
    )
    return {"recipe": detail}


def _hyper_parameter_ranges(algorithm: Algorithm) -> dict[str, Any]:
    return {
        "integerHyperParameterRanges": [
            {"name": r.name, "minValue": r.min_value, "maxValue": r.max_value, "isTunable": r.is_tunable}
            for r in algorithm.integer_ranges
        ],
        "continuousHyperParameterRanges": [
            {"name": r.name, "minValue": r.min_value, "maxValue": r.max_value, "isTunable": r.is_tunable}
            for r in algorithm.continuous_ranges
        ],
        "categoricalHyperParameterRanges": [
            {"name": r.name, "values": list(r.values), "isTunable": r.is_tunable}
            for r in algorithm.categorical_ranges
        ],
    }


def describe_algorithm(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeAlgorithm: an algorithm a recipe references.

    The real output was never captured: ``algorithmImage``, ``defaultResourceConfig`` and
    ``trainingInputMode`` are plausible placeholders, and ``roleArn`` is left out.
    """
    arn: str = params["algorithmArn"]
    _check_arn("algorithmArn", arn)
    partition = backend.partition
    algorithm = find_algorithm(arn, partition=partition)
    if algorithm is None:
        raise _not_found(arn)
    return {
        "algorithm": {
            "name": algorithm.name,
            "algorithmArn": algorithm.arn(partition),
            "algorithmImage": {"name": algorithm.name, "dockerURI": algorithm.docker_uri},
            "defaultHyperParameters": dict(algorithm.hyper_parameters),
            "defaultHyperParameterRanges": _hyper_parameter_ranges(algorithm),
            "defaultResourceConfig": dict(algorithm.resource_config),
            "trainingInputMode": algorithm.training_input_mode,
            "creationDateTime": to_datetime(algorithm.created),
            "lastUpdatedDateTime": to_datetime(algorithm.last_updated),
        }
    }


def _feature_transformation(transformation: FeatureTransformation, partition: str) -> dict[str, Any]:
    return {
        "name": transformation.name,
        "featureTransformationArn": transformation.arn(partition),
        "defaultParameters": dict(transformation.default_parameters),
        "creationDateTime": to_datetime(transformation.created),
        "lastUpdatedDateTime": to_datetime(transformation.last_updated),
        "status": CATALOGUE_STATUS,
    }


def describe_feature_transformation(backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
    """DescribeFeatureTransformation: a feature transformation a recipe references."""
    arn: str = params["featureTransformationArn"]
    _check_arn("featureTransformationArn", arn)
    partition = backend.partition
    transformation = find_feature_transformation(arn, partition=partition)
    if transformation is None:
        raise _not_found(arn)
    return {"featureTransformation": _feature_transformation(transformation, partition)}
