"""The AWS-owned catalogue as data: contents checked against behaviour reference §6."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from personalize_mock.service.training import catalogue
from personalize_mock.service.training.catalogue import (
    ALGORITHMS,
    ALGORITHMS_BY_NAME,
    FEATURE_TRANSFORMATIONS,
    FEATURE_TRANSFORMATIONS_BY_NAME,
    LAST_UPDATED,
    RECIPES,
    RECIPES_BY_NAME,
    find_algorithm,
    find_feature_transformation,
    find_recipe,
    parse_catalogue_arn,
    recipe_arn,
)

# §6.1: recipe -> (algorithm, feature transformation or None).
CUSTOM_RECIPES = {
    "aws-user-personalization-v2": ("aws-user-personalization-v2", None),
    "aws-user-personalization": ("aws-user-personalization", None),
    "aws-trending-now": ("aws-trending-now-custom", None),
    "aws-popularity-count": ("aws-popularity-count", "sims"),
    "aws-personalized-ranking-v2": ("aws-personalized-ranking-v2", None),
    "aws-personalized-ranking": ("aws-personalized-ranking", "JSON-percentile-filtering"),
    "aws-semantic-similarity": ("aws-semantic-similarity", "aws-semantic-similarity"),
    "aws-similar-items": ("aws-similar-items", None),
    "aws-sims": ("aws-sims", "sims"),
    "aws-next-best-action": ("aws-next-best-action", None),
    "aws-item-affinity": ("aws-item-affinity", "item-affinity"),
    "aws-item-attribute-affinity": ("aws-item-attribute-affinity", "item-attribute-affinity"),
    "aws-hrnn": ("aws-hrnn", "JSON-percentile-filtering"),
    "aws-hrnn-metadata": ("aws-hrnn-metadata", "featurize_metadata"),
    "aws-hrnn-coldstart": ("aws-hrnn-coldstart", "featurize_coldstart"),
}

CUSTOM_CATEGORIES = {
    "aws-user-personalization-v2": "USER_PERSONALIZATION",
    "aws-user-personalization": "USER_PERSONALIZATION",
    "aws-trending-now": "POPULAR_ITEMS",
    "aws-popularity-count": "POPULAR_ITEMS",
    "aws-personalized-ranking-v2": "PERSONALIZED_RANKING",
    "aws-personalized-ranking": "PERSONALIZED_RANKING",
    "aws-semantic-similarity": "RELATED_ITEMS",
    "aws-similar-items": "RELATED_ITEMS",
    "aws-sims": "RELATED_ITEMS",
    "aws-next-best-action": "PERSONALIZED_ACTIONS",
    "aws-item-affinity": "USER_SEGMENTATION",
    "aws-item-attribute-affinity": "USER_SEGMENTATION",
    "aws-hrnn": "USER_PERSONALIZATION",
    "aws-hrnn-metadata": "USER_PERSONALIZATION",
    "aws-hrnn-coldstart": "USER_PERSONALIZATION",
}

# §6.2, with the behaviour family of each use case.
DOMAIN_RECIPES = {
    "aws-ecomm-customers-who-viewed-x-also-viewed": ("ECOMMERCE", "RELATED_ITEMS"),
    "aws-ecomm-frequently-bought-together": ("ECOMMERCE", "RELATED_ITEMS"),
    "aws-ecomm-popular-items-by-purchases": ("ECOMMERCE", "POPULAR_ITEMS"),
    "aws-ecomm-popular-items-by-views": ("ECOMMERCE", "POPULAR_ITEMS"),
    "aws-ecomm-recommended-for-you": ("ECOMMERCE", "USER_PERSONALIZATION"),
    "aws-vod-because-you-watched-x": ("VIDEO_ON_DEMAND", "RELATED_ITEMS"),
    "aws-vod-more-like-x": ("VIDEO_ON_DEMAND", "RELATED_ITEMS"),
    "aws-vod-most-popular": ("VIDEO_ON_DEMAND", "POPULAR_ITEMS"),
    "aws-vod-trending-now": ("VIDEO_ON_DEMAND", "POPULAR_ITEMS"),
    "aws-vod-top-picks": ("VIDEO_ON_DEMAND", "USER_PERSONALIZATION"),
}

LEGACY = {"aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart"}


def _date(recipe_name: str) -> str:
    created = RECIPES_BY_NAME[recipe_name].created
    return datetime.fromtimestamp(created, timezone.utc).date().isoformat()


def test_catalogue_holds_exactly_the_reference_recipes() -> None:
    assert set(RECIPES_BY_NAME) == set(CUSTOM_RECIPES) | set(DOMAIN_RECIPES)
    assert len(RECIPES) == len(RECIPES_BY_NAME)


@pytest.mark.parametrize("name", sorted(CUSTOM_RECIPES))
def test_custom_recipe_algorithm_transformation_and_category(name: str) -> None:
    recipe = RECIPES_BY_NAME[name]
    assert (recipe.algorithm, recipe.feature_transformation) == CUSTOM_RECIPES[name]
    assert recipe.category == CUSTOM_CATEGORIES[name]
    assert recipe.domain is None


@pytest.mark.parametrize("name", sorted(DOMAIN_RECIPES))
def test_domain_recipe_domain_and_category(name: str) -> None:
    recipe = RECIPES_BY_NAME[name]
    assert (recipe.domain, recipe.category) == DOMAIN_RECIPES[name]
    assert recipe.recipe_type == recipe.category
    assert recipe.listed


def test_recipe_type_is_the_category_except_popularity_count() -> None:
    differing = {r.name: r.recipe_type for r in RECIPES if r.recipe_type != r.category}
    # The Popularity-Count page states USER_PERSONALIZATION (reference §6.1, §10.6).
    assert differing == {"aws-popularity-count": "USER_PERSONALIZATION"}
    assert RECIPES_BY_NAME["aws-popularity-count"].category == "POPULAR_ITEMS"
    assert {r.category for r in RECIPES} == catalogue.CATEGORIES


def test_only_the_two_documented_recipes_support_update_training() -> None:
    assert {r.name for r in RECIPES if r.supports_update_training} == {
        "aws-user-personalization",
        "aws-hrnn-coldstart",
    }


def test_legacy_hrnn_recipes_are_unlisted_but_findable() -> None:
    assert {r.name for r in RECIPES if not r.listed} == LEGACY
    for name in LEGACY:
        assert find_recipe(recipe_arn("aws", name)) is RECIPES_BY_NAME[name]


def test_recipes_are_alphabetical_and_seq_is_the_position() -> None:
    names = [r.name for r in RECIPES]
    assert names == sorted(names)
    assert [r.seq for r in RECIPES] == list(range(len(RECIPES)))


def test_dates_follow_the_reference() -> None:
    assert _date("aws-item-affinity") == "2021-07-15"
    assert _date("aws-item-attribute-affinity") == "2021-08-25"
    assert _date("aws-next-best-action") == "2023-08-11"
    assert _date("aws-personalized-ranking-v2") == "2024-01-01"
    for name in ("aws-user-personalization", "aws-sims", "aws-personalized-ranking", "aws-hrnn"):
        assert _date(name) == "2019-06-10"
    everything: list[catalogue.Recipe | catalogue.Algorithm | catalogue.FeatureTransformation] = [
        *RECIPES,
        *ALGORITHMS,
        *FEATURE_TRANSFORMATIONS,
    ]
    assert {entry.last_updated for entry in everything} == {LAST_UPDATED}
    assert all(entry.created <= LAST_UPDATED for entry in everything)


def test_descriptions_are_one_plain_sentence() -> None:
    for recipe in RECIPES:
        text = recipe.description
        assert text[0].isupper() and text.endswith("."), recipe.name
        assert ". " not in text and "\n" not in text, recipe.name


def test_every_reference_resolves_and_nothing_is_orphaned() -> None:
    assert {r.algorithm for r in RECIPES} == set(ALGORITHMS_BY_NAME)
    assert {r.feature_transformation for r in RECIPES} - {None} == set(FEATURE_TRANSFORMATIONS_BY_NAME)
    assert [a.name for a in ALGORITHMS] == sorted(ALGORITHMS_BY_NAME)
    assert [t.name for t in FEATURE_TRANSFORMATIONS] == sorted(FEATURE_TRANSFORMATIONS_BY_NAME)


def test_default_hyperparameters_from_the_reference() -> None:
    def defaults(name: str) -> dict[str, str]:
        return dict(ALGORITHMS_BY_NAME[name].hyper_parameters)

    assert defaults("aws-user-personalization") == {
        "hidden_dimension": "149",
        "bptt": "32",
        "recency_mask": "true",
        "min_user_history_length_percentile": "0.0",
        "max_user_history_length_percentile": "0.99",
        "exploration_weight": "0.3",
        "exploration_item_age_cut_off": "30.0",
    }
    assert defaults("aws-hrnn")["hidden_dimension"] == "43"
    assert defaults("aws-personalized-ranking")["hidden_dimension"] == "149"
    assert defaults("aws-sims") == {
        "popularity_discount_factor": "0.5",
        "min_cointeraction_count": "3",
        "min_user_history_length_percentile": "0.005",
        "max_user_history_length_percentile": "0.995",
        "min_item_interaction_count_percentile": "0.01",
        "max_item_interaction_count_percentile": "0.9",
    }
    assert defaults("aws-similar-items") == {"item_id_hidden_dim": "100", "item_metadata_hidden_dim": "100"}
    assert (
        defaults("aws-item-affinity")
        == defaults("aws-item-attribute-affinity")
        == {"hidden_dimension": "149"}
    )
    hidden = next(r for r in ALGORITHMS_BY_NAME["aws-hrnn"].integer_ranges if r.name == "hidden_dimension")
    assert (hidden.min_value, hidden.max_value, hidden.is_tunable) == (32, 256, True)
    assert dict(FEATURE_TRANSFORMATIONS_BY_NAME["sims"].default_parameters) == {
        key: value for key, value in defaults("aws-sims").items() if key.endswith("percentile")
    }


@pytest.mark.parametrize("algorithm", ALGORITHMS, ids=lambda a: a.name)
def test_every_default_lies_in_its_range(algorithm: catalogue.Algorithm) -> None:
    defaults = dict(algorithm.hyper_parameters)
    assert len(defaults) == len(algorithm.hyper_parameters), "duplicate parameter"
    for integer in algorithm.integer_ranges:
        assert integer.min_value <= int(defaults[integer.name]) <= integer.max_value
    for continuous in algorithm.continuous_ranges:
        assert continuous.min_value <= float(defaults[continuous.name]) <= continuous.max_value
    for categorical in algorithm.categorical_ranges:
        assert defaults[categorical.name] in categorical.values
    assert algorithm.training_input_mode == "File"


def test_find_accepts_any_partition_unless_one_is_required() -> None:
    sims = RECIPES_BY_NAME["aws-sims"]
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        assert find_recipe(f"arn:{partition}:personalize:::recipe/aws-sims") is sims
    assert find_recipe("arn:aws-cn:personalize:::recipe/aws-sims", partition="aws") is None
    assert find_recipe("arn:aws-cn:personalize:::recipe/aws-sims", partition="aws-cn") is sims
    assert find_algorithm("arn:aws:personalize:::algorithm/aws-trending-now-custom") is not None
    assert find_feature_transformation("arn:aws:personalize:::feature-transformation/sims") is not None


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:personalize:::recipe/aws-nope",
        "arn:aws:personalize:::algorithm/aws-sims",  # right name, wrong kind
        "arn:aws:personalize:us-east-1:123456789012:recipe/aws-sims",  # catalogue ARNs have no region
        "arn:aws:personalize:::recipe/",
        "arn:aws:personalize:::recipe/aws-sims/extra",
        "aws-sims",
        "",
    ],
)
def test_find_recipe_rejects(arn: str) -> None:
    assert find_recipe(arn) is None


def test_arn_helpers_round_trip() -> None:
    recipe = RECIPES_BY_NAME["aws-personalized-ranking"]
    assert recipe.arn("aws") == "arn:aws:personalize:::recipe/aws-personalized-ranking"
    assert recipe.algorithm_arn("aws-cn") == "arn:aws-cn:personalize:::algorithm/aws-personalized-ranking"
    assert (
        recipe.feature_transformation_arn("aws")
        == "arn:aws:personalize:::feature-transformation/JSON-percentile-filtering"
    )
    assert RECIPES_BY_NAME["aws-similar-items"].feature_transformation_arn("aws") is None
    assert parse_catalogue_arn(recipe.arn("aws-iso")) == ("aws-iso", "recipe", "aws-personalized-ranking")


def test_entries_are_frozen_and_slotted() -> None:
    entries = (RECIPES[0], ALGORITHMS[0], FEATURE_TRANSFORMATIONS[0], ALGORITHMS[0].integer_ranges[0])
    for entry in entries:
        assert not hasattr(entry, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            entry.name = "changed"  # type: ignore[misc]
