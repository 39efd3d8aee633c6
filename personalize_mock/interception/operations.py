"""The one table that maps each Personalize operation to the function that answers it.

An operation missing here raises ``NotImplementedOperation`` (never a network call);
docs/coverage.md lists the same operations and a test keeps the two in agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from personalize_mock.service.core import tags
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data import (
    data_deletion_jobs,
    dataset_export_jobs,
    dataset_groups,
    dataset_import_jobs,
    datasets,
    schemas,
)
from personalize_mock.service.deployment import campaigns, recommenders
from personalize_mock.service.events import event_trackers, events, metric_attributions
from personalize_mock.service.inference import batch_inference_jobs, batch_segment_jobs, filters, runtime
from personalize_mock.service.training import recipes, solution_versions, solutions

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
    "CreateSchema": schemas.create_schema,
    "DescribeSchema": schemas.describe_schema,
    "ListSchemas": schemas.list_schemas,
    "DeleteSchema": schemas.delete_schema,
    "CreateDataset": datasets.create_dataset,
    "DescribeDataset": datasets.describe_dataset,
    "ListDatasets": datasets.list_datasets,
    "UpdateDataset": datasets.update_dataset,
    "DeleteDataset": datasets.delete_dataset,
    "CreateDatasetImportJob": dataset_import_jobs.create_dataset_import_job,
    "DescribeDatasetImportJob": dataset_import_jobs.describe_dataset_import_job,
    "ListDatasetImportJobs": dataset_import_jobs.list_dataset_import_jobs,
    "CreateDatasetExportJob": dataset_export_jobs.create_dataset_export_job,
    "DescribeDatasetExportJob": dataset_export_jobs.describe_dataset_export_job,
    "ListDatasetExportJobs": dataset_export_jobs.list_dataset_export_jobs,
    "CreateDataDeletionJob": data_deletion_jobs.create_data_deletion_job,
    "DescribeDataDeletionJob": data_deletion_jobs.describe_data_deletion_job,
    "ListDataDeletionJobs": data_deletion_jobs.list_data_deletion_jobs,
    # (end of data block)
    # Deployment: campaigns and recommenders
    "CreateCampaign": campaigns.create_campaign,
    "DescribeCampaign": campaigns.describe_campaign,
    "ListCampaigns": campaigns.list_campaigns,
    "UpdateCampaign": campaigns.update_campaign,
    "DeleteCampaign": campaigns.delete_campaign,
    "CreateRecommender": recommenders.create_recommender,
    "DescribeRecommender": recommenders.describe_recommender,
    "ListRecommenders": recommenders.list_recommenders,
    "UpdateRecommender": recommenders.update_recommender,
    "DeleteRecommender": recommenders.delete_recommender,
    "StartRecommender": recommenders.start_recommender,
    "StopRecommender": recommenders.stop_recommender,
    # (end of deployment block)
    # Filters, event trackers, batch inference / segment jobs, metric attributions
    "CreateFilter": filters.create_filter,
    "DescribeFilter": filters.describe_filter,
    "ListFilters": filters.list_filters,
    "DeleteFilter": filters.delete_filter,
    "CreateEventTracker": event_trackers.create_event_tracker,
    "DescribeEventTracker": event_trackers.describe_event_tracker,
    "ListEventTrackers": event_trackers.list_event_trackers,
    "DeleteEventTracker": event_trackers.delete_event_tracker,
    "CreateBatchInferenceJob": batch_inference_jobs.create_batch_inference_job,
    "DescribeBatchInferenceJob": batch_inference_jobs.describe_batch_inference_job,
    "ListBatchInferenceJobs": batch_inference_jobs.list_batch_inference_jobs,
    "CreateBatchSegmentJob": batch_segment_jobs.create_batch_segment_job,
    "DescribeBatchSegmentJob": batch_segment_jobs.describe_batch_segment_job,
    "ListBatchSegmentJobs": batch_segment_jobs.list_batch_segment_jobs,
    "CreateMetricAttribution": metric_attributions.create_metric_attribution,
    "DescribeMetricAttribution": metric_attributions.describe_metric_attribution,
    "ListMetricAttributions": metric_attributions.list_metric_attributions,
    "UpdateMetricAttribution": metric_attributions.update_metric_attribution,
    "DeleteMetricAttribution": metric_attributions.delete_metric_attribution,
    "ListMetricAttributionMetrics": metric_attributions.list_metric_attribution_metrics,
    # (end of extras block)
    # Tags
    "TagResource": tags.tag_resource,
    "UntagResource": tags.untag_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
}

RUNTIME: dict[str, Handler] = {
    "GetRecommendations": runtime.get_recommendations,
    "GetPersonalizedRanking": runtime.get_personalized_ranking,
    "GetActionRecommendations": runtime.get_action_recommendations,
}

EVENTS: dict[str, Handler] = {
    "PutEvents": events.put_events,
    "PutItems": events.put_items,
    "PutUsers": events.put_users,
    "PutActions": events.put_actions,
    "PutActionInteractions": events.put_action_interactions,
}

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
