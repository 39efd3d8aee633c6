"""The one table that maps each Personalize operation to the function that answers it.

An operation missing here raises ``NotImplementedOperation`` (never a network call);
docs/coverage.md lists the same operations and a test keeps the two in agreement.

Each entry names its handler as ``"family.module:function"`` under ``personalize_mock.service``.
The module is imported at the first call of one of its operations, not when the table loads:
importing every family costs tens of milliseconds that a process calling three operations
should not pay (issue "a first call as cheap as the rest"). The resolved function then
replaces the entry, so later lookups are a plain dict hit. tests/interception/test_operations.py
resolves every entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from personalize_mock.service.core.store import RegionBackend

Handler = Callable[[RegionBackend, Mapping[str, Any]], dict[str, Any]]

_SERVICE_PACKAGE = "personalize_mock.service"


class Deferred:
    """A table entry whose handler module is imported on first use.

    Calling it (or :meth:`resolve`) imports the module, and, if the table still holds this
    entry (a test may have patched it), puts the real function in its place.
    """

    __slots__ = ("operation", "table", "target")

    def __init__(self, table: dict[str, Handler], operation: str, target: str) -> None:
        self.table = table
        self.operation = operation
        self.target = target

    def resolve(self) -> Handler:
        """The function named by :attr:`target`, which also replaces this entry in its table."""
        module_name, _, function_name = self.target.partition(":")
        handler: Handler = getattr(
            importlib.import_module(f"{_SERVICE_PACKAGE}.{module_name}"), function_name
        )
        if self.table.get(self.operation) is self:
            self.table[self.operation] = handler
        return handler

    def __call__(self, backend: RegionBackend, params: Mapping[str, Any]) -> dict[str, Any]:
        return self.resolve()(backend, params)

    def __repr__(self) -> str:
        return f"Deferred({self.target!r})"


def _deferred(targets: dict[str, str]) -> dict[str, Handler]:
    table: dict[str, Handler] = {}
    for operation, target in targets.items():
        table[operation] = Deferred(table, operation, target)
    return table


CONTROL_PLANE: dict[str, Handler] = _deferred(
    {
        # Dataset groups
        "CreateDatasetGroup": "data.dataset_groups:create_dataset_group",
        "DescribeDatasetGroup": "data.dataset_groups:describe_dataset_group",
        "ListDatasetGroups": "data.dataset_groups:list_dataset_groups",
        "DeleteDatasetGroup": "data.dataset_groups:delete_dataset_group",
        # Solutions
        "CreateSolution": "training.solutions:create_solution",
        "DescribeSolution": "training.solutions:describe_solution",
        "ListSolutions": "training.solutions:list_solutions",
        "UpdateSolution": "training.solutions:update_solution",
        "DeleteSolution": "training.solutions:delete_solution",
        # Solution versions
        "CreateSolutionVersion": "training.solution_versions:create_solution_version",
        "DescribeSolutionVersion": "training.solution_versions:describe_solution_version",
        "ListSolutionVersions": "training.solution_versions:list_solution_versions",
        "StopSolutionVersionCreation": "training.solution_versions:stop_solution_version_creation",
        "GetSolutionMetrics": "training.solution_versions:get_solution_metrics",
        # Recipes and the AWS-owned catalogue
        "ListRecipes": "training.recipes:list_recipes",
        "DescribeRecipe": "training.recipes:describe_recipe",
        "DescribeAlgorithm": "training.recipes:describe_algorithm",
        "DescribeFeatureTransformation": "training.recipes:describe_feature_transformation",
        # Data: schemas, datasets, dataset import / export jobs, data deletion jobs
        "CreateSchema": "data.schemas:create_schema",
        "DescribeSchema": "data.schemas:describe_schema",
        "ListSchemas": "data.schemas:list_schemas",
        "DeleteSchema": "data.schemas:delete_schema",
        "CreateDataset": "data.datasets:create_dataset",
        "DescribeDataset": "data.datasets:describe_dataset",
        "ListDatasets": "data.datasets:list_datasets",
        "UpdateDataset": "data.datasets:update_dataset",
        "DeleteDataset": "data.datasets:delete_dataset",
        "CreateDatasetImportJob": "data.dataset_import_jobs:create_dataset_import_job",
        "DescribeDatasetImportJob": "data.dataset_import_jobs:describe_dataset_import_job",
        "ListDatasetImportJobs": "data.dataset_import_jobs:list_dataset_import_jobs",
        "CreateDatasetExportJob": "data.dataset_export_jobs:create_dataset_export_job",
        "DescribeDatasetExportJob": "data.dataset_export_jobs:describe_dataset_export_job",
        "ListDatasetExportJobs": "data.dataset_export_jobs:list_dataset_export_jobs",
        "CreateDataDeletionJob": "data.data_deletion_jobs:create_data_deletion_job",
        "DescribeDataDeletionJob": "data.data_deletion_jobs:describe_data_deletion_job",
        "ListDataDeletionJobs": "data.data_deletion_jobs:list_data_deletion_jobs",
        # (end of data block)
        # Deployment: campaigns and recommenders
        "CreateCampaign": "deployment.campaigns:create_campaign",
        "DescribeCampaign": "deployment.campaigns:describe_campaign",
        "ListCampaigns": "deployment.campaigns:list_campaigns",
        "UpdateCampaign": "deployment.campaigns:update_campaign",
        "DeleteCampaign": "deployment.campaigns:delete_campaign",
        "CreateRecommender": "deployment.recommenders:create_recommender",
        "DescribeRecommender": "deployment.recommenders:describe_recommender",
        "ListRecommenders": "deployment.recommenders:list_recommenders",
        "UpdateRecommender": "deployment.recommenders:update_recommender",
        "DeleteRecommender": "deployment.recommenders:delete_recommender",
        "StartRecommender": "deployment.recommenders:start_recommender",
        "StopRecommender": "deployment.recommenders:stop_recommender",
        # (end of deployment block)
        # Filters, event trackers, batch inference / segment jobs, metric attributions
        "CreateFilter": "inference.filters:create_filter",
        "DescribeFilter": "inference.filters:describe_filter",
        "ListFilters": "inference.filters:list_filters",
        "DeleteFilter": "inference.filters:delete_filter",
        "CreateEventTracker": "events.event_trackers:create_event_tracker",
        "DescribeEventTracker": "events.event_trackers:describe_event_tracker",
        "ListEventTrackers": "events.event_trackers:list_event_trackers",
        "DeleteEventTracker": "events.event_trackers:delete_event_tracker",
        "CreateBatchInferenceJob": "inference.batch_inference_jobs:create_batch_inference_job",
        "DescribeBatchInferenceJob": "inference.batch_inference_jobs:describe_batch_inference_job",
        "ListBatchInferenceJobs": "inference.batch_inference_jobs:list_batch_inference_jobs",
        "CreateBatchSegmentJob": "inference.batch_segment_jobs:create_batch_segment_job",
        "DescribeBatchSegmentJob": "inference.batch_segment_jobs:describe_batch_segment_job",
        "ListBatchSegmentJobs": "inference.batch_segment_jobs:list_batch_segment_jobs",
        "CreateMetricAttribution": "events.metric_attributions:create_metric_attribution",
        "DescribeMetricAttribution": "events.metric_attributions:describe_metric_attribution",
        "ListMetricAttributions": "events.metric_attributions:list_metric_attributions",
        "UpdateMetricAttribution": "events.metric_attributions:update_metric_attribution",
        "DeleteMetricAttribution": "events.metric_attributions:delete_metric_attribution",
        "ListMetricAttributionMetrics": "events.metric_attributions:list_metric_attribution_metrics",
        # (end of extras block)
        # Tags
        "TagResource": "core.tags:tag_resource",
        "UntagResource": "core.tags:untag_resource",
        "ListTagsForResource": "core.tags:list_tags_for_resource",
    }
)

RUNTIME: dict[str, Handler] = _deferred(
    {
        "GetRecommendations": "inference.runtime:get_recommendations",
        "GetPersonalizedRanking": "inference.runtime:get_personalized_ranking",
        "GetActionRecommendations": "inference.runtime:get_action_recommendations",
    }
)

EVENTS: dict[str, Handler] = _deferred(
    {
        "PutEvents": "events.events:put_events",
        "PutItems": "events.events:put_items",
        "PutUsers": "events.events:put_users",
        "PutActions": "events.events:put_actions",
        "PutActionInteractions": "events.events:put_action_interactions",
    }
)

TABLE: dict[str, dict[str, Handler]] = {
    "personalize": CONTROL_PLANE,
    "personalize-runtime": RUNTIME,
    "personalize-events": EVENTS,
}


def handler_for(service: str, operation: str) -> Handler | None:
    """The handler of ``service``'s ``operation``, or ``None`` when it is not implemented."""
    handler = TABLE[service].get(operation)
    if type(handler) is Deferred:
        return handler.resolve()
    return handler


def implemented_operation(operation: str) -> str:
    """The service that implements ``operation``; ``ValueError`` if none does."""
    for service, handlers in TABLE.items():
        if operation in handlers:
            return service
    raise ValueError(f"{operation!r} is not an operation personalize_mock implements (see docs/coverage.md)")
