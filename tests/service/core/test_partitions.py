"""ARN partitions come from botocore's partition data, new partitions included."""

from __future__ import annotations

import boto3
import pytest

from personalize_mock import mock_personalize
from personalize_mock.service.core.partitions import partition_for


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-west-3", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-south-7", "aws-cn"),  # not listed: matched by the partition's regionRegex
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
        ("mars-central-1", "aws"),  # claimed by no partition
    ],
)
def test_partition_of_each_region(region: str, partition: str) -> None:
    assert partition_for(region) == partition


@pytest.mark.parametrize(
    ("region", "partition"),
    [("eu-isoe-west-1", "aws-iso-e"), ("us-isof-south-1", "aws-iso-f"), ("eusc-de-east-1", "aws-eusc")],
)
def test_arns_carry_the_partition(region: str, partition: str) -> None:
    with mock_personalize():
        client = boto3.client("personalize", region_name=region)
        arn = client.create_dataset_group(name="g")["datasetGroupArn"]
    assert arn.startswith(f"arn:{partition}:personalize:{region}:")
