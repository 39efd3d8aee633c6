"""Tags on create, TagResource / UntagResource / ListTagsForResource (behaviour reference §5.5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]


def _tags(**pairs: str) -> list[dict[str, str]]:
    return [{"tagKey": key, "tagValue": value} for key, value in pairs.items()]


def _listed(client: Any, arn: str) -> dict[str, str]:
    return {t["tagKey"]: t["tagValue"] for t in client.list_tags_for_resource(resourceArn=arn)["tags"]}


@pytest.fixture
def resources(
    client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> dict[str, str]:
    """One untagged resource of each taggable kind implemented."""
    dsg = make_dataset_group()
    solution = make_solution(dsg, performAutoTraining=False)
    version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    return {"dataset group": dsg, "solution": solution, "solution version": version}


def test_tags_given_on_create(pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup) -> None:
    dsg = make_dataset_group(tags=_tags(team="recs", env="test"))
    assert _listed(client, dsg) == {"team": "recs", "env": "test"}
    solution = client.create_solution(
        name="s",
        datasetGroupArn=dsg,
        recipeArn="arn:aws:personalize:::recipe/aws-sims",
        tags=_tags(owner="me", empty=""),
    )["solutionArn"]
    assert _listed(client, solution) == {"owner": "me", "empty": ""}
    version = client.create_solution_version(solutionArn=solution, tags=_tags(run="1"))["solutionVersionArn"]
    assert _listed(client, version) == {"run": "1"}
    # Tags are per resource: nothing leaks between parent and child.
    assert _listed(client, dsg) == {"team": "recs", "env": "test"}


def test_untagged_resources_list_no_tags(client: Any, resources: dict[str, str]) -> None:
    for arn in resources.values():
        assert client.list_tags_for_resource(resourceArn=arn)["tags"] == []


@pytest.mark.parametrize("kind", ["dataset group", "solution", "solution version"])
def test_tag_and_untag(client: Any, resources: dict[str, str], kind: str) -> None:
    arn = resources[kind]
    assert set(client.tag_resource(resourceArn=arn, tags=_tags(a="1", b="2"))) == {"ResponseMetadata"}
    assert _listed(client, arn) == {"a": "1", "b": "2"}
    client.tag_resource(resourceArn=arn, tags=_tags(b="two", c="3"))
    assert _listed(client, arn) == {"a": "1", "b": "two", "c": "3"}
    assert set(client.untag_resource(resourceArn=arn, tagKeys=["a", "missing"])) == {"ResponseMetadata"}
    assert _listed(client, arn) == {"b": "two", "c": "3"}
    client.untag_resource(resourceArn=arn, tagKeys=["b", "c"])
    assert _listed(client, arn) == {}
    # Other resources are untouched.
    for other_kind, other in resources.items():
        if other_kind != kind:
            assert _listed(client, other) == {}


def test_keys_are_case_sensitive(client: Any, resources: dict[str, str]) -> None:
    arn = resources["solution"]
    client.tag_resource(resourceArn=arn, tags=_tags(Env="A", env="b"))
    assert _listed(client, arn) == {"Env": "A", "env": "b"}


@pytest.mark.parametrize("kind", ["dataset group", "solution", "solution version"])
def test_fifty_one_tags_are_too_many(client: Any, resources: dict[str, str], kind: str) -> None:
    arn = resources[kind]
    client.tag_resource(resourceArn=arn, tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(50)])
    assert len(_listed(client, arn)) == 50
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.tag_resource(resourceArn=arn, tags=_tags(one_more="x"))
    assert len(_listed(client, arn)) == 50
    # Overwriting an existing key does not add a tag.
    client.tag_resource(resourceArn=arn, tags=_tags(k0="new"))
    assert _listed(client, arn)["k0"] == "new"


def test_fifty_one_tags_on_create_are_too_many(pm: PersonalizeMock, client: Any) -> None:
    too_many = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)]
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.create_dataset_group(name="dsg", tags=too_many)
    assert client.list_dataset_groups()["datasetGroups"] == []
    client.create_dataset_group(name="dsg", tags=too_many[:50])


def test_fifty_one_in_one_tag_request_are_too_many(client: Any, resources: dict[str, str]) -> None:
    arn = resources["dataset group"]
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.tag_resource(resourceArn=arn, tags=[{"tagKey": f"k{i}", "tagValue": "v"} for i in range(51)])
    assert _listed(client, arn) == {}


@pytest.mark.personalize_mock(quotas={"tags_per_resource": 2})
def test_tag_quota_option(client: Any, resources: dict[str, str]) -> None:
    arn = resources["solution"]
    client.tag_resource(resourceArn=arn, tags=_tags(a="1", b="2"))
    with pytest.raises(client.exceptions.TooManyTagsException):
        client.tag_resource(resourceArn=arn, tags=_tags(c="3"))


def test_untagging_too_many_keys(client: Any, resources: dict[str, str]) -> None:
    with pytest.raises(client.exceptions.TooManyTagKeysException):
        client.untag_resource(resourceArn=resources["solution"], tagKeys=[f"k{i}" for i in range(51)])


def test_reserved_prefix_is_invalid(client: Any, resources: dict[str, str]) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match="aws:"):
        client.tag_resource(resourceArn=resources["solution"], tags=_tags(**{"aws:owner": "x"}))
    assert _listed(client, resources["solution"]) == {}


def test_tag_resource_and_create_refuse_a_reserved_key_alike(client: Any, resources: dict[str, str]) -> None:
    # One check for both: the prefix in any case, and the message names the key.
    reserved = _tags(**{"AWS:Owner": "x"})
    with pytest.raises(client.exceptions.InvalidInputException) as on_tag:
        client.tag_resource(resourceArn=resources["solution"], tags=reserved)
    with pytest.raises(client.exceptions.InvalidInputException) as on_create:
        client.create_dataset_group(name="reserved-tags", tags=reserved)
    message = on_tag.value.response["Error"]["Message"]
    assert message == on_create.value.response["Error"]["Message"]
    assert message.endswith("reserved for AWS use: AWS:Owner")


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:personalize:us-east-1:123456789012:schema/my-schema",
        "arn:aws:personalize:us-east-1:123456789012:metric-attribution/m",
        "arn:aws:personalize:::recipe/aws-sims",
    ],
)
def test_untaggable_types_are_invalid_input(pm: PersonalizeMock, client: Any, arn: str) -> None:
    with pytest.raises(client.exceptions.InvalidInputException):
        client.tag_resource(resourceArn=arn, tags=_tags(a="1"))
    with pytest.raises(client.exceptions.InvalidInputException):
        client.list_tags_for_resource(resourceArn=arn)
    with pytest.raises(client.exceptions.InvalidInputException):
        client.untag_resource(resourceArn=arn, tagKeys=["a"])


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:personalize:us-east-1:123456789012:dataset-group/none",
        "arn:aws:personalize:us-east-1:123456789012:solution/none",
        "arn:aws:personalize:us-east-1:123456789012:solution/none/0123abcd",
        "arn:aws:personalize:us-east-1:123456789012:campaign/none",
    ],
)
def test_unknown_arns_are_not_found(pm: PersonalizeMock, client: Any, arn: str) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.tag_resource(resourceArn=arn, tags=_tags(a="1"))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.untag_resource(resourceArn=arn, tagKeys=["a"])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_tags_for_resource(resourceArn=arn)


def test_tags_of_a_resource_in_another_region_are_not_found(
    pm: PersonalizeMock, resources: dict[str, str]
) -> None:
    eu = boto3.client("personalize", region_name="eu-west-1")
    with pytest.raises(eu.exceptions.ResourceNotFoundException):
        eu.list_tags_for_resource(resourceArn=resources["solution"])


def test_tags_of_a_deleted_solution(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup
) -> None:
    dsg = make_dataset_group(tags=_tags(a="1"))
    solution = client.create_solution(
        name="s", datasetGroupArn=dsg, recipeArn="arn:aws:personalize:::recipe/aws-sims", tags=_tags(b="2")
    )["solutionArn"]
    client.delete_solution(solutionArn=solution)
    # Readable while being deleted, but no longer changeable.
    assert _listed(client, solution) == {"b": "2"}
    with pytest.raises(client.exceptions.ResourceInUseException):
        client.tag_resource(resourceArn=solution, tags=_tags(c="3"))
    pm.settle()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_tags_for_resource(resourceArn=solution)
    # A new solution with the same name starts without the old tags.
    again = client.create_solution(
        name="s", datasetGroupArn=dsg, recipeArn="arn:aws:personalize:::recipe/aws-sims"
    )
    assert _listed(client, again["solutionArn"]) == {}
