"""Every (operation, modeled error) pair of botocore's Personalize models is reachable.

``REACHED`` maps each pair of personalize, personalize-runtime and personalize-events to a test
(``path::function``) that provokes it through real behaviour, or to ``"inject_error"`` when only
``pm.inject_error`` can produce it (no quota, state or input of the mock leads there). The
first test checks the table against the models and that every named test exists; the
``inject_error`` pairs are provoked here through boto3; pairs that no other test provokes
explicitly have a small dedicated test below.

The table was built by recording, over tests/service/*.py and tests/test_*.py, which test
raised which (operation, code) pair through botocore, leaving out errors produced by
``inject_error``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock

SERVICES = ("personalize", "personalize-runtime", "personalize-events")
INJECT = "inject_error"
HERE = "tests/service/test_error_reachability.py"
ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:personalize:us-east-1:123456789012:"
P, RT, EV = SERVICES
S, T = "tests/service/", "tests/"

REACHED: dict[tuple[str, str, str], str] = {
    (P, "CreateBatchInferenceJob", "InvalidInputException"): S
    + "inference/test_batch_inference_jobs.py::test_user_segmentation_versions_need_batch_segment_jobs",
    (P, "CreateBatchInferenceJob", "ResourceAlreadyExistsException"): S
    + "inference/test_batch_inference_jobs.py::test_job_names_are_unique",
    (P, "CreateBatchInferenceJob", "LimitExceededException"): S
    + "inference/test_batch_inference_jobs.py::test_in_flight_quota",
    (P, "CreateBatchInferenceJob", "ResourceNotFoundException"): S
    + "inference/test_batch_inference_jobs.py::test_create_needs_an_existing_active_solution_version",
    (P, "CreateBatchInferenceJob", "ResourceInUseException"): S
    + "inference/test_batch_inference_jobs.py::test_create_needs_an_existing_active_solution_version",
    (P, "CreateBatchInferenceJob", "TooManyTagsException"): S
    + "inference/test_batch_inference_jobs.py::test_batch_inference_jobs_are_taggable",
    (P, "CreateBatchSegmentJob", "InvalidInputException"): S
    + "inference/test_batch_segment_jobs.py::test_num_results_range",
    (P, "CreateBatchSegmentJob", "ResourceAlreadyExistsException"): S
    + "inference/test_batch_segment_jobs.py::test_job_names_are_unique",
    (P, "CreateBatchSegmentJob", "LimitExceededException"): S
    + "inference/test_batch_segment_jobs.py::test_in_flight_quota",
    (P, "CreateBatchSegmentJob", "ResourceNotFoundException"): S
    + "inference/test_batch_segment_jobs.py::test_create_needs_an_existing_active_solution_version",
    (P, "CreateBatchSegmentJob", "ResourceInUseException"): S
    + "inference/test_batch_segment_jobs.py::test_create_needs_an_existing_active_solution_version",
    (P, "CreateBatchSegmentJob", "TooManyTagsException"): S
    + "inference/test_batch_segment_jobs.py::test_failed_job_and_tags",
    (P, "CreateCampaign", "InvalidInputException"): S
    + "deployment/test_campaigns.py::test_latest_requires_sync_and_sync_requires_latest",
    (P, "CreateCampaign", "ResourceNotFoundException"): S
    + "deployment/test_campaigns.py::test_create_campaign_needs_a_version_arn_not_a_solution_arn",
    (P, "CreateCampaign", "ResourceAlreadyExistsException"): S
    + "deployment/test_campaigns.py::test_create_campaign_with_an_existing_name_is_refused",
    (P, "CreateCampaign", "LimitExceededException"): S
    + "deployment/test_campaigns.py::test_campaign_quota_counts_live_campaigns_of_the_dataset_group",
    (P, "CreateCampaign", "ResourceInUseException"): S
    + "deployment/test_campaigns.py::test_create_campaign_needs_an_active_version",
    (P, "CreateCampaign", "TooManyTagsException"): S
    + "deployment/test_campaigns.py::test_create_campaign_with_too_many_tags_is_refused",
    (P, "CreateDataDeletionJob", "InvalidInputException"): S + "data/test_data_deletion_jobs.py::test_errors",
    (P, "CreateDataDeletionJob", "ResourceNotFoundException"): S
    + "data/test_data_deletion_jobs.py::test_errors",
    (P, "CreateDataDeletionJob", "ResourceAlreadyExistsException"): S
    + "data/test_data_deletion_jobs.py::test_errors",
    (P, "CreateDataDeletionJob", "LimitExceededException"): S
    + "data/test_data_deletion_jobs.py::test_pending_quota_per_dataset_group",
    (P, "CreateDataDeletionJob", "ResourceInUseException"): S
    + "data/test_data_deletion_jobs.py::test_errors",
    (P, "CreateDataDeletionJob", "TooManyTagsException"): S + "data/test_data_deletion_jobs.py::test_errors",
    (P, "CreateDataset", "InvalidInputException"): S
    + "data/test_datasets.py::test_unknown_dataset_type_is_invalid_input",
    (P, "CreateDataset", "ResourceNotFoundException"): S
    + "data/test_datasets.py::test_dataset_group_must_exist_and_be_active",
    (P, "CreateDataset", "ResourceAlreadyExistsException"): S
    + "data/test_datasets.py::test_one_dataset_of_each_type_per_group",
    (P, "CreateDataset", "ResourceInUseException"): S
    + "data/test_datasets.py::test_dataset_group_must_exist_and_be_active",
    (P, "CreateDataset", "TooManyTagsException"): S + "data/test_datasets.py::test_tags_on_datasets",
    (P, "CreateDatasetExportJob", "InvalidInputException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "CreateDatasetExportJob", "ResourceNotFoundException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "CreateDatasetExportJob", "ResourceAlreadyExistsException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "CreateDatasetExportJob", "ResourceInUseException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "CreateDatasetExportJob", "TooManyTagsException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "CreateDatasetGroup", "InvalidInputException"): S
    + "test_validation.py::test_bad_dataset_group_names",
    (P, "CreateDatasetGroup", "ResourceAlreadyExistsException"): S
    + "test_validation.py::test_dataset_group_name_taken",
    (P, "CreateDatasetGroup", "LimitExceededException"): S
    + "test_quotas.py::test_zero_quota_refuses_the_first",
    (P, "CreateDatasetGroup", "TooManyTagsException"): S
    + "core/test_tags.py::test_fifty_one_tags_on_create_are_too_many",
    (P, "CreateDatasetImportJob", "InvalidInputException"): S
    + "data/test_dataset_import_jobs.py::test_data_source_must_be_an_s3_path",
    (P, "CreateDatasetImportJob", "ResourceNotFoundException"): S
    + "data/test_dataset_import_jobs.py::test_dataset_must_exist_and_be_active",
    (P, "CreateDatasetImportJob", "ResourceAlreadyExistsException"): S
    + "data/test_dataset_import_jobs.py::test_duplicate_job_name_already_exists",
    (P, "CreateDatasetImportJob", "LimitExceededException"): S
    + "data/test_dataset_import_jobs.py::test_in_flight_quota_with_the_real_message",
    (P, "CreateDatasetImportJob", "ResourceInUseException"): S
    + "data/test_dataset_import_jobs.py::test_dataset_must_exist_and_be_active",
    (P, "CreateDatasetImportJob", "TooManyTagsException"): S + "data/test_dataset_import_jobs.py::test_tags",
    (P, "CreateEventTracker", "InvalidInputException"): S
    + "events/test_event_trackers.py::test_create_event_tracker_needs_an_existing_active_dataset_group",
    (P, "CreateEventTracker", "ResourceAlreadyExistsException"): S
    + "events/test_event_trackers.py::test_event_tracker_names_are_unique_per_account_and_region",
    (P, "CreateEventTracker", "ResourceNotFoundException"): S
    + "events/test_event_trackers.py::test_create_event_tracker_needs_an_existing_active_dataset_group",
    (P, "CreateEventTracker", "LimitExceededException"): S
    + "events/test_event_trackers.py::test_one_event_tracker_per_dataset_group",
    (P, "CreateEventTracker", "ResourceInUseException"): S
    + "events/test_event_trackers.py::test_create_event_tracker_needs_an_existing_active_dataset_group",
    (P, "CreateEventTracker", "TooManyTagsException"): S
    + "events/test_event_trackers.py::test_event_trackers_are_taggable",
    (P, "CreateFilter", "InvalidInputException"): S
    + "inference/test_filters.py::test_create_filter_rejects_an_invalid_expression",
    (P, "CreateFilter", "ResourceAlreadyExistsException"): S
    + "inference/test_filters.py::test_create_filter_with_a_taken_name_already_exists",
    (P, "CreateFilter", "ResourceNotFoundException"): S
    + "inference/test_filters.py::test_create_filter_needs_an_existing_active_dataset_group",
    (P, "CreateFilter", "LimitExceededException"): S
    + "inference/test_filters.py::test_filters_per_dataset_group_quota",
    (P, "CreateFilter", "TooManyTagsException"): S + "inference/test_filters.py::test_filters_are_taggable",
    (P, "CreateMetricAttribution", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_bad_metric_expressions_are_invalid",
    (P, "CreateMetricAttribution", "ResourceNotFoundException"): S
    + "events/test_metric_attributions.py::test_create_needs_an_existing_active_dataset_group",
    (P, "CreateMetricAttribution", "ResourceAlreadyExistsException"): S
    + "events/test_metric_attributions.py::test_names_are_unique_per_account_and_region",
    (P, "CreateMetricAttribution", "ResourceInUseException"): S
    + "events/test_metric_attributions.py::test_create_needs_an_existing_active_dataset_group",
    (P, "CreateMetricAttribution", "LimitExceededException"): S
    + "events/test_metric_attributions.py::test_one_metric_attribution_per_dataset_group",
    (P, "CreateRecommender", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_create_recommender_needs_a_domain_dataset_group",
    (P, "CreateRecommender", "ResourceAlreadyExistsException"): S
    + "deployment/test_recommenders.py::test_create_recommender_with_an_existing_name_is_refused",
    (P, "CreateRecommender", "ResourceNotFoundException"): S
    + "deployment/test_recommenders.py::test_create_recommender_needs_an_active_dataset_group",
    (P, "CreateRecommender", "LimitExceededException"): S
    + "deployment/test_recommenders.py::test_recommender_quota_counts_live_recommenders_of_the_dataset_group",
    (P, "CreateRecommender", "ResourceInUseException"): S
    + "deployment/test_recommenders.py::test_create_recommender_needs_an_active_dataset_group",
    (P, "CreateRecommender", "TooManyTagsException"): S
    + "deployment/test_recommenders.py::test_create_recommender_with_too_many_tags_is_refused",
    (P, "CreateSchema", "InvalidInputException"): S
    + "data/test_schemas.py::test_input_validation_rejects_an_unknown_domain",
    (P, "CreateSchema", "ResourceAlreadyExistsException"): S
    + "data/test_schemas.py::test_duplicate_schema_name_already_exists",
    (P, "CreateSchema", "LimitExceededException"): S + "data/test_schemas.py::test_schema_quota",
    (P, "CreateSolution", "InvalidInputException"): S + "test_validation.py::test_bad_solution_names",
    (P, "CreateSolution", "ResourceAlreadyExistsException"): S
    + "test_validation.py::test_solution_name_is_unique_in_the_region_not_per_dataset_group",
    (P, "CreateSolution", "ResourceNotFoundException"): S
    + "test_seed_flow.py::test_create_solution_on_unknown_dataset_group_is_not_found",
    (P, "CreateSolution", "LimitExceededException"): S
    + "test_quotas.py::test_quotas_option_lowers_the_limits",
    (P, "CreateSolution", "ResourceInUseException"): S
    + "test_deletes.py::test_create_solution_in_a_dataset_group_being_deleted_is_in_use",
    (P, "CreateSolution", "TooManyTagsException"): T
    + "test_bad_input.py::test_invalid_request_is_refused_and_changes_nothing",
    (P, "CreateSolutionVersion", "InvalidInputException"): S
    + "test_validation.py::test_bad_solution_version_names",
    (P, "CreateSolutionVersion", "ResourceNotFoundException"): S
    + "training/test_update_training.py::test_create_version_of_unknown_solution_is_not_found",
    (P, "CreateSolutionVersion", "LimitExceededException"): S
    + "test_quotas.py::test_quotas_option_lowers_the_limits",
    (P, "CreateSolutionVersion", "ResourceInUseException"): S
    + "training/test_update_training.py::test_create_version_of_a_solution_being_deleted_is_in_use",
    (P, "CreateSolutionVersion", "TooManyTagsException"): T
    + "test_bad_input.py::test_invalid_request_is_refused_and_changes_nothing",
    (P, "DeleteCampaign", "InvalidInputException"): S
    + "deployment/test_campaigns.py::test_delete_campaign_refusals",
    (P, "DeleteCampaign", "ResourceNotFoundException"): S
    + "deployment/test_campaigns.py::test_delete_campaign_refusals",
    (P, "DeleteCampaign", "ResourceInUseException"): S
    + "deployment/test_campaigns.py::test_delete_campaign_refusals",
    (P, "DeleteDataset", "InvalidInputException"): S
    + "data/test_datasets.py::test_delete_dataset_during_an_update_is_in_use",
    (P, "DeleteDataset", "ResourceNotFoundException"): S
    + "data/test_datasets.py::test_delete_dataset_phases_then_not_found",
    (P, "DeleteDataset", "ResourceInUseException"): S
    + "data/test_datasets.py::test_delete_dataset_during_an_update_is_in_use",
    (P, "DeleteDatasetGroup", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "DeleteDatasetGroup", "ResourceNotFoundException"): S
    + "test_deletes.py::test_delete_unknown_resources_is_not_found",
    (P, "DeleteDatasetGroup", "ResourceInUseException"): S
    + "test_deletes.py::test_one_live_solution_among_deleted_ones_still_blocks",
    (P, "DeleteEventTracker", "InvalidInputException"): S
    + "events/test_event_trackers.py::test_delete_event_tracker_goes_pending_in_progress_then_not_found",
    (P, "DeleteEventTracker", "ResourceNotFoundException"): S
    + "events/test_event_trackers.py::test_delete_event_tracker_goes_pending_in_progress_then_not_found",
    (P, "DeleteEventTracker", "ResourceInUseException"): S
    + "events/test_event_trackers.py::test_delete_event_tracker_goes_pending_in_progress_then_not_found",
    (P, "DeleteFilter", "InvalidInputException"): S
    + "inference/test_filters.py::test_delete_filter_goes_pending_in_progress_then_not_found",
    (P, "DeleteFilter", "ResourceNotFoundException"): S
    + "inference/test_filters.py::test_delete_filter_goes_pending_in_progress_then_not_found",
    (P, "DeleteFilter", "ResourceInUseException"): S
    + "inference/test_filters.py::test_delete_filter_goes_pending_in_progress_then_not_found",
    (P, "DeleteMetricAttribution", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_delete_goes_pending_in_progress_then_not_found",
    (P, "DeleteMetricAttribution", "ResourceNotFoundException"): S
    + "events/test_metric_attributions.py::test_delete_goes_pending_in_progress_then_not_found",
    (P, "DeleteMetricAttribution", "ResourceInUseException"): S
    + "events/test_metric_attributions.py::test_delete_goes_pending_in_progress_then_not_found",
    (P, "DeleteRecommender", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_delete_recommender_refusals",
    (P, "DeleteRecommender", "ResourceNotFoundException"): S
    + "deployment/test_recommenders.py::test_delete_recommender_refusals",
    (P, "DeleteRecommender", "ResourceInUseException"): S
    + "deployment/test_recommenders.py::test_delete_recommender_refusals",
    (P, "DeleteSchema", "InvalidInputException"): S
    + "data/test_schemas.py::test_malformed_schema_arn_is_invalid_input",
    (P, "DeleteSchema", "ResourceNotFoundException"): S
    + "data/test_schemas.py::test_delete_schema_is_immediate",
    (P, "DeleteSchema", "ResourceInUseException"): S
    + "data/test_schemas.py::test_slow_schema_delete_keeps_it_describable_but_unusable",
    (P, "DeleteSolution", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "DeleteSolution", "ResourceNotFoundException"): S
    + "test_deletes.py::test_delete_unknown_resources_is_not_found",
    (P, "DeleteSolution", "ResourceInUseException"): S + "test_deletes.py::test_delete_twice_is_in_use",
    (P, "DescribeBatchInferenceJob", "InvalidInputException"): S
    + "inference/test_batch_inference_jobs.py::test_describe_errors",
    (P, "DescribeBatchInferenceJob", "ResourceNotFoundException"): S
    + "inference/test_batch_inference_jobs.py::test_describe_errors",
    (P, "DescribeBatchSegmentJob", "InvalidInputException"): S
    + "inference/test_batch_segment_jobs.py::test_describe_errors",
    (P, "DescribeBatchSegmentJob", "ResourceNotFoundException"): S
    + "inference/test_batch_segment_jobs.py::test_describe_errors",
    (P, "DescribeCampaign", "InvalidInputException"): S
    + "deployment/test_campaigns.py::test_describe_campaign_errors",
    (P, "DescribeCampaign", "ResourceNotFoundException"): S
    + "deployment/test_campaigns.py::test_describe_campaign_errors",
    (P, "DescribeDataDeletionJob", "InvalidInputException"): S
    + "data/test_data_deletion_jobs.py::test_errors",
    (P, "DescribeDataDeletionJob", "ResourceNotFoundException"): S
    + "data/test_data_deletion_jobs.py::test_jobs_go_with_their_dataset_group",
    (P, "DescribeDataset", "InvalidInputException"): S
    + "data/test_datasets.py::test_describe_unknown_or_malformed_dataset",
    (P, "DescribeDataset", "ResourceNotFoundException"): S
    + "data/test_datasets.py::test_describe_unknown_or_malformed_dataset",
    (P, "DescribeDatasetExportJob", "InvalidInputException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "DescribeDatasetExportJob", "ResourceNotFoundException"): S
    + "data/test_datasets.py::test_export_job_in_flight_blocks_delete",
    (P, "DescribeDatasetGroup", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "DescribeDatasetGroup", "ResourceNotFoundException"): S
    + "events/test_metric_attributions.py::test_a_live_metric_attribution_goes_with_its_dataset_group",
    (P, "DescribeDatasetImportJob", "InvalidInputException"): S
    + "data/test_dataset_import_jobs.py::test_input_validation",
    (P, "DescribeDatasetImportJob", "ResourceNotFoundException"): S
    + "data/test_dataset_import_jobs.py::test_describe_unknown_job_is_not_found",
    (P, "DescribeEventTracker", "InvalidInputException"): S
    + "events/test_event_trackers.py::test_describe_event_tracker_errors",
    (P, "DescribeEventTracker", "ResourceNotFoundException"): S
    + "events/test_event_trackers.py::test_describe_event_tracker_errors",
    (P, "DescribeFilter", "InvalidInputException"): S
    + "inference/test_filters.py::test_describe_filter_errors",
    (P, "DescribeFilter", "ResourceNotFoundException"): S
    + "inference/test_filters.py::test_describe_filter_errors",
    (P, "DescribeMetricAttribution", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_describe_errors",
    (P, "DescribeMetricAttribution", "ResourceNotFoundException"): S
    + "events/test_metric_attributions.py::test_describe_errors",
    (P, "DescribeRecommender", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_describe_recommender_errors",
    (P, "DescribeRecommender", "ResourceNotFoundException"): S
    + "deployment/test_recommenders.py::test_describe_recommender_errors",
    (P, "DescribeSchema", "InvalidInputException"): S
    + "data/test_schemas.py::test_malformed_schema_arn_is_invalid_input",
    (P, "DescribeSchema", "ResourceNotFoundException"): S
    + "data/test_schemas.py::test_describe_unknown_schema_is_not_found",
    (P, "DescribeSolution", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "DescribeSolution", "ResourceNotFoundException"): S + "test_seed_flow.py::test_regions_are_isolated",
    (P, "DescribeSolutionVersion", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "DescribeSolutionVersion", "ResourceNotFoundException"): S
    + "test_deletes.py::test_delete_solution_with_only_finished_versions_is_allowed",
    (P, "GetSolutionMetrics", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "GetSolutionMetrics", "ResourceNotFoundException"): S
    + "training/test_solution_metrics.py::test_unknown_version_is_not_found",
    (P, "GetSolutionMetrics", "ResourceInUseException"): S
    + "training/test_solution_metrics.py::test_metrics_of_an_automatic_version",
    (P, "ListBatchInferenceJobs", "InvalidInputException"): S
    + "inference/test_batch_inference_jobs.py::test_list_batch_inference_jobs_by_solution_version",
    (P, "ListBatchInferenceJobs", "InvalidNextTokenException"): S
    + "inference/test_batch_inference_jobs.py::test_list_batch_inference_jobs_by_solution_version",
    (P, "ListBatchSegmentJobs", "InvalidInputException"): S
    + "inference/test_batch_segment_jobs.py::test_list_batch_segment_jobs_by_solution_version",
    (P, "ListBatchSegmentJobs", "InvalidNextTokenException"): S
    + "inference/test_batch_segment_jobs.py::test_list_batch_segment_jobs_by_solution_version",
    (P, "ListCampaigns", "InvalidInputException"): S
    + "deployment/test_campaigns.py::test_list_campaigns_errors",
    (P, "ListCampaigns", "InvalidNextTokenException"): S
    + "deployment/test_campaigns.py::test_list_campaigns_errors",
    (P, "ListDataDeletionJobs", "InvalidInputException"): S
    + "data/test_data_deletion_jobs.py::test_list_is_newest_first_without_a_paginator",
    (P, "ListDataDeletionJobs", "InvalidNextTokenException"): S
    + "data/test_data_deletion_jobs.py::test_list_is_newest_first_without_a_paginator",
    (P, "ListDatasetExportJobs", "InvalidInputException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "ListDatasetExportJobs", "InvalidNextTokenException"): S
    + "data/test_dataset_export_jobs.py::test_errors",
    (P, "ListDatasetGroups", "InvalidNextTokenException"): S
    + "core/test_pagination.py::test_token_from_another_listing_is_invalid",
    (P, "ListDatasetImportJobs", "InvalidInputException"): S
    + "data/test_dataset_import_jobs.py::test_input_validation",
    (P, "ListDatasetImportJobs", "InvalidNextTokenException"): S
    + "data/test_dataset_import_jobs.py::test_list_import_jobs",
    (P, "ListDatasets", "InvalidInputException"): S + "data/test_datasets.py::test_list_datasets",
    (P, "ListDatasets", "InvalidNextTokenException"): S + "data/test_datasets.py::test_list_datasets",
    (P, "ListEventTrackers", "InvalidInputException"): S
    + "events/test_event_trackers.py::test_list_event_trackers_by_dataset_group_with_pages",
    (P, "ListEventTrackers", "InvalidNextTokenException"): S
    + "events/test_event_trackers.py::test_list_event_trackers_by_dataset_group_with_pages",
    (P, "ListFilters", "InvalidInputException"): S + "inference/test_filters.py::test_list_filters_errors",
    (P, "ListFilters", "InvalidNextTokenException"): S
    + "inference/test_filters.py::test_list_filters_errors",
    (P, "ListMetricAttributionMetrics", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_list_metric_attribution_metrics_errors",
    (P, "ListMetricAttributionMetrics", "InvalidNextTokenException"): S
    + "events/test_metric_attributions.py::test_list_metric_attribution_metrics_errors",
    (P, "ListMetricAttributions", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_list_metric_attributions_by_dataset_group",
    (P, "ListMetricAttributions", "InvalidNextTokenException"): S
    + "events/test_metric_attributions.py::test_list_metric_attribution_metrics_errors",
    (P, "ListRecipes", "InvalidNextTokenException"): S
    + "core/test_pagination.py::test_token_from_another_listing_is_invalid",
    (P, "ListRecipes", "InvalidInputException"): S + "test_validation.py::test_bad_enums",
    (P, "ListRecommenders", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_list_recommenders_errors",
    (P, "ListRecommenders", "InvalidNextTokenException"): S
    + "deployment/test_recommenders.py::test_list_recommenders_errors",
    (P, "ListSchemas", "InvalidNextTokenException"): S
    + "data/test_schemas.py::test_list_schemas_rejects_a_foreign_token",
    (P, "ListSolutionVersions", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "ListSolutionVersions", "ResourceNotFoundException"): S
    + "core/test_pagination.py::test_list_versions_of_unknown_solution_is_not_found",
    (P, "ListSolutionVersions", "InvalidNextTokenException"): S
    + "core/test_pagination.py::test_token_from_another_listing_is_invalid",
    (P, "ListSolutions", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "ListSolutions", "InvalidNextTokenException"): S
    + "core/test_pagination.py::test_token_from_another_listing_is_invalid",
    (P, "ListTagsForResource", "InvalidInputException"): S
    + "core/test_tags.py::test_untaggable_types_are_invalid_input",
    (P, "ListTagsForResource", "ResourceNotFoundException"): S
    + "core/test_tags.py::test_tags_of_a_resource_in_another_region_are_not_found",
    (P, "StartRecommender", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_stop_and_start_unknown_or_malformed_arns",
    (P, "StartRecommender", "ResourceNotFoundException"): S
    + "deployment/test_recommenders.py::test_stop_and_start_unknown_or_malformed_arns",
    (P, "StartRecommender", "ResourceInUseException"): S
    + "deployment/test_recommenders.py::test_stop_and_start_from_the_wrong_state_are_refused",
    (P, "StopRecommender", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_stop_and_start_unknown_or_malformed_arns",
    (P, "StopRecommender", "ResourceNotFoundException"): S
    + "deployment/test_recommenders.py::test_stop_and_start_unknown_or_malformed_arns",
    (P, "StopRecommender", "ResourceInUseException"): S
    + "deployment/test_recommenders.py::test_stop_during_an_update_is_refused",
    (P, "StopSolutionVersionCreation", "InvalidInputException"): S + "test_validation.py::test_bad_arns",
    (P, "StopSolutionVersionCreation", "ResourceNotFoundException"): S
    + "training/test_stop.py::test_stop_unknown_version_is_not_found",
    (P, "StopSolutionVersionCreation", "ResourceInUseException"): S
    + "training/test_stop.py::test_stop_failed_is_in_use",
    (P, "TagResource", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_metric_attributions_are_not_taggable",
    (P, "TagResource", "ResourceNotFoundException"): S + "core/test_tags.py::test_unknown_arns_are_not_found",
    (P, "TagResource", "TooManyTagsException"): S + "core/test_tags.py::test_tag_quota_option",
    (P, "TagResource", "ResourceInUseException"): S + "core/test_tags.py::test_tags_of_a_deleted_solution",
    (P, "UntagResource", "InvalidInputException"): S
    + "core/test_tags.py::test_untaggable_types_are_invalid_input",
    (P, "UntagResource", "ResourceNotFoundException"): S
    + "core/test_tags.py::test_unknown_arns_are_not_found",
    (P, "UntagResource", "TooManyTagKeysException"): S + "core/test_tags.py::test_untagging_too_many_keys",
    (P, "UpdateCampaign", "InvalidInputException"): S
    + "deployment/test_campaigns.py::test_update_campaign_refusals",
    (P, "UpdateCampaign", "ResourceNotFoundException"): S
    + "deployment/test_campaigns.py::test_update_campaign_refusals",
    (P, "UpdateCampaign", "ResourceInUseException"): S
    + "deployment/test_campaigns.py::test_update_campaign_refusals",
    (P, "UpdateDataset", "InvalidInputException"): S + "data/test_datasets.py::test_update_dataset_errors",
    (P, "UpdateDataset", "ResourceNotFoundException"): S
    + "data/test_datasets.py::test_update_dataset_errors",
    (P, "UpdateDataset", "ResourceInUseException"): S
    + "data/test_datasets.py::test_update_dataset_needs_an_active_dataset",
    (P, "UpdateMetricAttribution", "InvalidInputException"): S
    + "events/test_metric_attributions.py::test_update_errors",
    (P, "UpdateMetricAttribution", "ResourceNotFoundException"): S
    + "events/test_metric_attributions.py::test_update_errors",
    (P, "UpdateMetricAttribution", "ResourceInUseException"): S
    + "events/test_metric_attributions.py::test_update_before_active_is_in_use",
    (P, "UpdateMetricAttribution", "ResourceAlreadyExistsException"): S
    + "events/test_metric_attributions.py::test_update_errors",
    (P, "UpdateRecommender", "InvalidInputException"): S
    + "deployment/test_recommenders.py::test_update_recommender_refusals",
    (P, "UpdateRecommender", "ResourceNotFoundException"): S
    + "deployment/test_recommenders.py::test_update_recommender_refusals",
    (P, "UpdateRecommender", "ResourceInUseException"): S
    + "deployment/test_recommenders.py::test_update_recommender_refusals",
    (P, "UpdateSolution", "InvalidInputException"): S
    + "training/test_auto_training.py::test_bad_scheduling_expression_is_invalid_on_update",
    (P, "UpdateSolution", "ResourceNotFoundException"): S
    + "training/test_auto_training.py::test_update_of_unknown_or_deleting_solution",
    (P, "UpdateSolution", "ResourceInUseException"): S
    + "training/test_auto_training.py::test_update_of_unknown_or_deleting_solution",
    (RT, "GetActionRecommendations", "InvalidInputException"): S
    + "inference/test_runtime.py::test_action_recommendation_errors",
    (RT, "GetActionRecommendations", "ResourceNotFoundException"): S
    + "inference/test_runtime.py::test_unknown_campaign_recommender_and_filter_are_404",
    (RT, "GetPersonalizedRanking", "InvalidInputException"): S
    + "inference/test_runtime.py::test_personalized_ranking_errors",
    (RT, "GetPersonalizedRanking", "ResourceNotFoundException"): S
    + "inference/test_runtime.py::test_unknown_campaign_recommender_and_filter_are_404",
    (RT, "GetRecommendations", "InvalidInputException"): S
    + "inference/test_runtime.py::test_metadata_needs_an_items_dataset",
    (RT, "GetRecommendations", "ResourceNotFoundException"): S
    + "inference/test_runtime.py::test_unknown_campaign_recommender_and_filter_are_404",
    (EV, "PutActionInteractions", "InvalidInputException"): S
    + "events/test_events.py::test_put_action_interactions_errors",
    (EV, "PutActionInteractions", "ResourceNotFoundException"): S
    + "events/test_events.py::test_put_action_interactions_errors",
    (EV, "PutActionInteractions", "ResourceInUseException"): S
    + "events/test_events.py::test_put_action_interactions_errors",
    (EV, "PutActions", "InvalidInputException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutActions", "ResourceNotFoundException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutActions", "ResourceInUseException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutEvents", "InvalidInputException"): S
    + "events/test_events.py::test_put_events_on_a_failed_or_deleted_tracker_is_invalid_input",
    (EV, "PutItems", "InvalidInputException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutItems", "ResourceNotFoundException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutItems", "ResourceInUseException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutUsers", "InvalidInputException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutUsers", "ResourceNotFoundException"): S + "events/test_events.py::test_put_records_errors",
    (EV, "PutUsers", "ResourceInUseException"): S
    + "events/test_events.py::test_a_dataset_being_deleted_refuses_records",
    # Provoked here (the only other provocation is the fuzzed conformance test).
    (P, "DescribeAlgorithm", "InvalidInputException"): HERE + "::test_describe_algorithm_malformed",
    (P, "DescribeAlgorithm", "ResourceNotFoundException"): HERE + "::test_describe_algorithm_unknown",
    (P, "DescribeFeatureTransformation", "InvalidInputException"): HERE
    + "::test_describe_feature_transformation_malformed",
    (P, "DescribeFeatureTransformation", "ResourceNotFoundException"): HERE
    + "::test_describe_feature_transformation_unknown",
    (P, "DescribeRecipe", "InvalidInputException"): HERE + "::test_describe_recipe_malformed",
    (P, "DescribeRecipe", "ResourceNotFoundException"): HERE + "::test_describe_recipe_unknown",
    (P, "UntagResource", "ResourceInUseException"): HERE + "::test_untag_resource_being_deleted",
    # Only through inject_error: the mock models no quota on datasets, export jobs, tag requests
    # or solution updates; solution version ARNs are random, so they never collide; reading
    # tags is allowed in every status.
    (P, "CreateDataset", "LimitExceededException"): INJECT,
    (P, "CreateDatasetExportJob", "LimitExceededException"): INJECT,
    (P, "CreateSolutionVersion", "ResourceAlreadyExistsException"): INJECT,
    (P, "ListTagsForResource", "ResourceInUseException"): INJECT,
    (P, "TagResource", "LimitExceededException"): INJECT,
    (P, "UpdateSolution", "LimitExceededException"): INJECT,
}


def modeled_pairs() -> set[tuple[str, str, str]]:
    pairs: set[tuple[str, str, str]] = set()
    for service in SERVICES:
        model = boto3.client(service, region_name="us-east-1").meta.service_model
        for operation in model.operation_names:
            for shape in model.operation_model(operation).error_shapes:
                pairs.add((service, operation, shape.name))
    return pairs


def test_every_modeled_error_pair_is_reached_by_a_named_test(monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = modeled_pairs()
    assert sorted(pairs - set(REACHED)) == [], "modeled pairs no test provokes"
    assert sorted(set(REACHED) - pairs) == [], "table entries botocore does not model"
    for target in set(REACHED.values()) - {INJECT}:
        path, *names = target.split("::")
        file = ROOT / path
        assert file.is_file(), target
        monkeypatch.syspath_prepend(str(file.parent))
        found: Any = importlib.import_module(file.stem)
        for name in names:
            found = getattr(found, name, None)
            assert found is not None, f"{target} does not exist"
        assert callable(found), target


INJECTED = sorted(pair for pair, target in REACHED.items() if target == INJECT)


@pytest.mark.parametrize(("service", "operation", "code"), INJECTED)
def test_inject_error_only_pairs_raise_through_botocore(
    pm: PersonalizeMock, service: str, operation: str, code: str
) -> None:
    client = boto3.client(service, region_name="us-east-1")
    pm.inject_error(operation, code)
    method = getattr(client, _snake(client, operation))
    error_class = getattr(client.exceptions, code)
    with pytest.raises(error_class) as raised:
        method(**MINIMAL_PARAMS[operation])
    assert raised.value.response["Error"]["Code"] == code


def _snake(client: Any, operation: str) -> str:
    return {api: py for py, api in client.meta.method_to_api_mapping.items()}[operation]


MINIMAL_PARAMS: dict[str, dict[str, Any]] = {
    "CreateDataset": {
        "name": "d",
        "schemaArn": ARN + "schema/s",
        "datasetGroupArn": ARN + "dataset-group/g",
        "datasetType": "Interactions",
    },
    "CreateDatasetExportJob": {
        "jobName": "j",
        "datasetArn": ARN + "dataset/g/INTERACTIONS",
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "jobOutput": {"s3DataDestination": {"path": "s3://bucket/out/"}},
    },
    "CreateSolutionVersion": {"solutionArn": ARN + "solution/s"},
    "ListTagsForResource": {"resourceArn": ARN + "dataset-group/g"},
    "TagResource": {"resourceArn": ARN + "dataset-group/g", "tags": [{"tagKey": "k", "tagValue": "v"}]},
    "UpdateSolution": {"solutionArn": ARN + "solution/s", "performAutoTraining": False},
}


@pytest.fixture
def client(pm: PersonalizeMock) -> Any:
    return boto3.client("personalize", region_name="us-east-1")


def test_describe_recipe_malformed(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_recipe(recipeArn="arn:aws:personalize")


def test_describe_recipe_unknown(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_recipe(recipeArn="arn:aws:personalize:::recipe/aws-no-such-recipe")


def test_describe_algorithm_malformed(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_algorithm(algorithmArn="not-an-arn")


def test_describe_algorithm_unknown(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_algorithm(algorithmArn="arn:aws:personalize:::algorithm/aws-no-such-algorithm")


def test_describe_feature_transformation_malformed(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.describe_feature_transformation(featureTransformationArn="x" * 257)


def test_describe_feature_transformation_unknown(client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_feature_transformation(
            featureTransformationArn="arn:aws:personalize:::feature-transformation/no-such-transformation"
        )


def test_untag_resource_being_deleted(pm: PersonalizeMock, client: Any) -> None:
    group = client.create_dataset_group(name="g", tags=[{"tagKey": "team", "tagValue": "recs"}])[
        "datasetGroupArn"
    ]
    pm.settle()
    client.delete_dataset_group(datasetGroupArn=group)
    assert client.describe_dataset_group(datasetGroupArn=group)["datasetGroup"]["status"] == "DELETE PENDING"
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.untag_resource(resourceArn=group, tagKeys=["team"])
