"""The one table that maps each Personalize operation to the function that answers it.

An operation missing here raises ``NotImplementedOperation`` (never a network call);
docs/coverage.md lists the same operations and a test keeps the two in agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .service import dataset_groups, recipes, solution_versions, solutions, tags
from .service.store import RegionBackend

Handler = Callable[[RegionBackend, Mapping[str, Any]], dict[str, Any]]

CONTROL_PLANE: dict[str, Handler] = {
    # Dataset groups
    "CreateDatasetGroup": dataset_groups.create_dataset_group,
    "DescribeDatasetGroup": dataset_groups.describe_dataset_group,
    "ListDatasetGroups": dataset_groups.list_dataset_groups,
    "DeleteDatasetGroup": dataset_groups.delete_dataset_group,
    # Solutions
    "CreateSolution": solutions.create_solution,
    "DescribeSolution": solutions.describe_solution,
    "ListSolutions": solutions.list_solutions,
    "UpdateSolution": solutions.update_solution,
    "DeleteSolution": solutions.delete_solution,
    # Solution versions
    "CreateSolutionVersion": solution_versions.create_solution_version,
    "DescribeSolutionVersion": solution_versions.describe_solution_version,
    "ListSolutionVersions": solution_versions.list_solution_versions,
    "StopSolutionVersionCreation": solution_versions.stop_solution_version_creation,
    "GetSolutionMetrics": solution_versions.get_solution_metrics,
    # Recipes and the AWS-owned catalogue
    "ListRecipes": recipes.list_recipes,
    "DescribeRecipe": recipes.describe_recipe,
    "DescribeAlgorithm": recipes.describe_algorithm,
    "DescribeFeatureTransformation": recipes.describe_feature_transformation,
    # Data: schemas, datasets, dataset import / export jobs, data deletion jobs
    # (end of data block)
    # Deployment: campaigns and recommenders
    # (end of deployment block)
    # Filters, event trackers, batch inference / segment jobs, metric attributions
    # (end of extras block)
    # Tags
    "TagResource": tags.tag_resource,
    "UntagResource": tags.untag_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
}

RUNTIME: dict[str, Handler] = {}

EVENTS: dict[str, Handler] = {}

TABLE: dict[str, dict[str, Handler]] = {
    "personalize": CONTROL_PLANE,
    "personalize-runtime": RUNTIME,
    "personalize-events": EVENTS,
}


def handler_for(service: str, operation: str) -> Handler | None:
    """The handler of ``service``'s ``operation``, or ``None`` when it is not implemented."""
    return TABLE[service].get(operation)


def implemented_operation(operation: str) -> str:
    """The service that implements ``operation``; ``ValueError`` if none does."""
    for service, handlers in TABLE.items():
        if operation in handlers:
            return service
    raise ValueError(f"{operation!r} is not an operation personalize_mock implements (see docs/coverage.md)")
