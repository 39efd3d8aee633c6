"""One lifecycle that calls every implemented control-plane operation with response validation on.

Each response is checked against botocore's output shape by ``validate_responses``; an
``after-call`` hook records which operations answered, and the test fails if any operation of
the table was not exercised, so a newly added operation must join this walk.
"""

from __future__ import annotations

import json

import boto3

from personalize_mock import PersonalizeMock
from personalize_mock.interception.operations import CONTROL_PLANE

RECIPE = "arn:aws:personalize:::recipe/"
ROLE = "arn:aws:iam::123456789012:role/personalize"
INTERACTIONS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Interactions",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [
            {"name": "USER_ID", "type": "string"},
            {"name": "ITEM_ID", "type": "string"},
            {"name": "EVENT_TYPE", "type": "string"},
            {"name": "TIMESTAMP", "type": "long"},
        ],
        "version": "1.0",
    }
)
ITEMS_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "Items",
        "namespace": "com.amazonaws.personalize.schema",
        "fields": [{"name": "ITEM_ID", "type": "string"}, {"name": "GENRE", "type": "string"}],
        "version": "1.0",
    }
)


def test_every_control_plane_operation_answers_in_the_shape_botocore_expects(pm: PersonalizeMock) -> None:
    client = boto3.client("personalize", region_name="us-east-1")
    called: set[str] = set()
    client.meta.events.register("after-call.personalize", lambda model, **_: called.add(model.name))

    # Catalogue
    client.list_recipes()
    client.describe_recipe(recipeArn=RECIPE + "aws-user-personalization")
    client.describe_algorithm(algorithmArn="arn:aws:personalize:::algorithm/aws-user-personalization")
    client.describe_feature_transformation(
        featureTransformationArn="arn:aws:personalize:::feature-transformation/sims"
    )

    # Data
    schema = client.create_schema(name="interactions", schema=INTERACTIONS_SCHEMA)["schemaArn"]
    items_schema = client.create_schema(name="items", schema=ITEMS_SCHEMA)["schemaArn"]
    client.describe_schema(schemaArn=schema)
    client.list_schemas()
    group = client.create_dataset_group(name="group")["datasetGroupArn"]
    pm.settle()
    client.describe_dataset_group(datasetGroupArn=group)
    client.list_dataset_groups()
    dataset = client.create_dataset(
        name="interactions", schemaArn=schema, datasetGroupArn=group, datasetType="Interactions"
    )["datasetArn"]
    items = client.create_dataset(
        name="items", schemaArn=items_schema, datasetGroupArn=group, datasetType="Items"
    )["datasetArn"]
    pm.settle()
    client.update_dataset(datasetArn=items, schemaArn=items_schema)
    client.describe_dataset(datasetArn=dataset)
    client.list_datasets(datasetGroupArn=group)
    job = client.create_dataset_import_job(
        jobName="import",
        datasetArn=dataset,
        dataSource={"dataLocation": "s3://bucket/interactions.csv"},
        roleArn=ROLE,
    )["datasetImportJobArn"]
    client.describe_dataset_import_job(datasetImportJobArn=job)
    client.list_dataset_import_jobs(datasetArn=dataset)
    pm.settle()
    export = client.create_dataset_export_job(
        jobName="export",
        datasetArn=dataset,
        roleArn=ROLE,
        jobOutput={"s3DataDestination": {"path": "s3://bucket/export/"}},
    )["datasetExportJobArn"]
    client.describe_dataset_export_job(datasetExportJobArn=export)
    client.list_dataset_export_jobs(datasetArn=dataset)
    deletion = client.create_data_deletion_job(
        jobName="deletion",
        datasetGroupArn=group,
        dataSource={"dataLocation": "s3://bucket/users.csv"},
        roleArn=ROLE,
    )["dataDeletionJobArn"]
    client.describe_data_deletion_job(dataDeletionJobArn=deletion)
    client.list_data_deletion_jobs(datasetGroupArn=group)

    # Solutions and versions
    solution = client.create_solution(
        name="solution", datasetGroupArn=group, recipeArn=RECIPE + "aws-user-personalization"
    )["solutionArn"]
    client.describe_solution(solutionArn=solution)
    client.list_solutions(datasetGroupArn=group)
    client.update_solution(solutionArn=solution, performAutoTraining=False)
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    stopped = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    client.stop_solution_version_creation(solutionVersionArn=stopped)
    pm.settle()
    client.describe_solution_version(solutionVersionArn=version)
    client.list_solution_versions(solutionArn=solution)
    client.get_solution_metrics(solutionVersionArn=version)
    segments = client.create_solution(
        name="segments", datasetGroupArn=group, recipeArn=RECIPE + "aws-item-affinity"
    )["solutionArn"]
    segment_version = client.create_solution_version(solutionArn=segments)["solutionVersionArn"]
    pm.settle()

    # Extras
    filter_arn = client.create_filter(
        name="no-clicks",
        datasetGroupArn=group,
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    )["filterArn"]
    client.describe_filter(filterArn=filter_arn)
    client.list_filters(datasetGroupArn=group)
    tracker = client.create_event_tracker(name="tracker", datasetGroupArn=group)["eventTrackerArn"]
    client.describe_event_tracker(eventTrackerArn=tracker)
    client.list_event_trackers(datasetGroupArn=group)
    attribution = client.create_metric_attribution(
        name="attribution",
        datasetGroupArn=group,
        metrics=[{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}],
        metricsOutputConfig={"roleArn": ROLE},
    )["metricAttributionArn"]
    pm.settle()
    client.describe_metric_attribution(metricAttributionArn=attribution)
    client.list_metric_attributions(datasetGroupArn=group)
    client.list_metric_attribution_metrics(metricAttributionArn=attribution)
    client.update_metric_attribution(
        metricAttributionArn=attribution,
        addMetrics=[{"eventType": "view", "metricName": "views", "expression": "SAMPLECOUNT()"}],
    )
    pm.settle()
    batch = client.create_batch_inference_job(
        jobName="batch",
        solutionVersionArn=version,
        jobInput={"s3DataSource": {"path": "s3://bucket/in.json"}},
        jobOutput={"s3DataDestination": {"path": "s3://bucket/out/"}},
        roleArn=ROLE,
    )["batchInferenceJobArn"]
    client.describe_batch_inference_job(batchInferenceJobArn=batch)
    client.list_batch_inference_jobs(solutionVersionArn=version)
    segment_job = client.create_batch_segment_job(
        jobName="segment",
        solutionVersionArn=segment_version,
        jobInput={"s3DataSource": {"path": "s3://bucket/items.json"}},
        jobOutput={"s3DataDestination": {"path": "s3://bucket/segments/"}},
        roleArn=ROLE,
    )["batchSegmentJobArn"]
    client.describe_batch_segment_job(batchSegmentJobArn=segment_job)
    client.list_batch_segment_jobs(solutionVersionArn=segment_version)

    # Deployment
    campaign = client.create_campaign(name="campaign", solutionVersionArn=version)["campaignArn"]
    pm.settle()
    client.describe_campaign(campaignArn=campaign)
    client.list_campaigns(solutionArn=solution)
    client.update_campaign(campaignArn=campaign, minProvisionedTPS=2)
    pm.settle()
    domain_group = client.create_dataset_group(name="shop", domain="ECOMMERCE")["datasetGroupArn"]
    pm.settle()
    # A recommender trains on its group's interactions, like a solution version: import some
    # (without moto the file is not read, and the data counts as enough).
    shop_schema = client.create_schema(
        name="shop-interactions", schema=INTERACTIONS_SCHEMA, domain="ECOMMERCE"
    )["schemaArn"]
    shop_interactions = client.create_dataset(
        name="shop-interactions",
        schemaArn=shop_schema,
        datasetGroupArn=domain_group,
        datasetType="Interactions",
    )["datasetArn"]
    pm.settle()
    client.create_dataset_import_job(
        jobName="shop-import",
        datasetArn=shop_interactions,
        dataSource={"dataLocation": "s3://bucket/shop-interactions.csv"},
        roleArn=ROLE,
    )
    pm.settle()
    recommender = client.create_recommender(
        name="for-you",
        datasetGroupArn=domain_group,
        recipeArn=RECIPE + "aws-ecomm-recommended-for-you",
    )["recommenderArn"]
    pm.settle()
    client.describe_recommender(recommenderArn=recommender)
    client.list_recommenders(datasetGroupArn=domain_group)
    client.update_recommender(
        recommenderArn=recommender, recommenderConfig={"minRecommendationRequestsPerSecond": 2}
    )
    pm.settle()
    client.stop_recommender(recommenderArn=recommender)
    pm.settle()
    client.start_recommender(recommenderArn=recommender)
    pm.settle()

    # Tags
    client.tag_resource(resourceArn=solution, tags=[{"tagKey": "team", "tagValue": "recs"}])
    assert client.list_tags_for_resource(resourceArn=solution)["tags"] == [
        {"tagKey": "team", "tagValue": "recs"}
    ]
    client.untag_resource(resourceArn=solution, tagKeys=["team"])

    # Teardown, children first
    client.delete_recommender(recommenderArn=recommender)
    client.delete_campaign(campaignArn=campaign)
    client.delete_filter(filterArn=filter_arn)
    client.delete_event_tracker(eventTrackerArn=tracker)
    client.delete_metric_attribution(metricAttributionArn=attribution)
    pm.settle()
    client.delete_solution(solutionArn=solution)
    client.delete_solution(solutionArn=segments)
    client.delete_dataset(datasetArn=dataset)
    client.delete_dataset(datasetArn=items)
    client.delete_dataset(datasetArn=shop_interactions)
    pm.settle()
    client.delete_schema(schemaArn=schema)
    client.delete_dataset_group(datasetGroupArn=group)
    client.delete_dataset_group(datasetGroupArn=domain_group)
    pm.settle()
    for describe, key, arn in [
        (client.describe_dataset_group, "datasetGroupArn", group),
        (client.describe_solution, "solutionArn", solution),
        (client.describe_campaign, "campaignArn", campaign),
        (client.describe_dataset, "datasetArn", dataset),
    ]:
        try:
            describe(**{key: arn})
        except client.exceptions.ResourceNotFoundException:
            pass
        else:
            raise AssertionError(f"{arn} still exists after the teardown")

    missing = sorted(set(CONTROL_PLANE) - called)
    assert missing == [], f"operations not exercised (and so not shape-checked): {missing}"
