"""List pagination: maxResults pages, opaque nextToken, botocore paginators (behaviour reference §7)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest

from personalize_mock import PersonalizeMock

MakeDatasetGroup = Callable[..., str]
MakeSolution = Callable[..., str]

# operation, result key, identifying field
LISTINGS = {
    "list_dataset_groups": ("datasetGroups", "datasetGroupArn"),
    "list_solutions": ("solutions", "solutionArn"),
    "list_solution_versions": ("solutionVersions", "solutionVersionArn"),
    "list_recipes": ("recipes", "recipeArn"),
}


@pytest.fixture
def world(pm: PersonalizeMock, client: Any, make_solution: MakeSolution) -> dict[str, list[str]]:
    """7 dataset groups; 5 solutions in the first, 2 in the second; 5 + 2 versions."""
    groups = [client.create_dataset_group(name=f"dsg{i}")["datasetGroupArn"] for i in range(7)]
    pm.advance(10)
    first = [make_solution(groups[0], name=f"a{i}", performAutoTraining=False) for i in range(5)]
    second = [make_solution(groups[1], name=f"b{i}", performAutoTraining=False) for i in range(2)]
    versions_a = [
        client.create_solution_version(solutionArn=first[0])["solutionVersionArn"] for _ in range(5)
    ]
    versions_b = [
        client.create_solution_version(solutionArn=second[0])["solutionVersionArn"] for _ in range(2)
    ]
    return {
        "groups": groups,
        "solutions_a": first,
        "solutions_b": second,
        "versions_a": versions_a,
        "versions_b": versions_b,
    }


def walk(client: Any, operation: str, page_size: int = 2, **params: Any) -> tuple[list[str], list[int]]:
    """Every page of ``operation`` by hand: the identifiers in order and the page sizes."""
    key, field = LISTINGS[operation]
    call = getattr(client, operation)
    found: list[str] = []
    sizes: list[int] = []
    token: str | None = None
    while True:
        extra: dict[str, str] = {"nextToken": token} if token else {}
        page = call(maxResults=page_size, **params, **extra)
        sizes.append(len(page[key]))
        found += [item[field] for item in page[key]]
        token = page.get("nextToken")
        if token is None:
            return found, sizes
        assert len(sizes) < 100


def with_paginator(client: Any, operation: str, page_size: int = 2, **params: Any) -> list[str]:
    key, field = LISTINGS[operation]
    paginator = client.get_paginator(operation)
    pages = paginator.paginate(**params, PaginationConfig={"PageSize": page_size})
    return [item[field] for page in pages for item in page[key]]


def whole(client: Any, operation: str, **params: Any) -> list[str]:
    key, field = LISTINGS[operation]
    response = getattr(client, operation)(**params)
    assert "nextToken" not in response
    return [item[field] for item in response[key]]


@pytest.mark.personalize_mock(quotas={"dataset_groups": 10})
def test_list_dataset_groups_pages(client: Any, world: dict[str, list[str]]) -> None:
    found, sizes = walk(client, "list_dataset_groups")
    assert found == world["groups"]
    assert sizes == [2, 2, 2, 1]
    assert with_paginator(client, "list_dataset_groups") == world["groups"]
    assert whole(client, "list_dataset_groups") == world["groups"]


@pytest.mark.personalize_mock(quotas={"dataset_groups": 10})
def test_list_solutions_pages_with_and_without_filter(client: Any, world: dict[str, list[str]]) -> None:
    everything = world["solutions_a"] + world["solutions_b"]
    found, sizes = walk(client, "list_solutions")
    assert found == everything
    assert len(found) == len(set(found))
    assert sizes == [2, 2, 2, 1]
    assert with_paginator(client, "list_solutions") == everything
    first_group = world["groups"][0]
    found, sizes = walk(client, "list_solutions", datasetGroupArn=first_group)
    assert found == world["solutions_a"]
    assert sizes == [2, 2, 1]
    assert with_paginator(client, "list_solutions", datasetGroupArn=first_group) == world["solutions_a"]
    assert walk(client, "list_solutions", datasetGroupArn=world["groups"][1])[0] == world["solutions_b"]
    # A group without solutions: one empty page, no token.
    assert walk(client, "list_solutions", datasetGroupArn=world["groups"][2]) == ([], [0])


@pytest.mark.personalize_mock(quotas={"dataset_groups": 10})
def test_list_solution_versions_pages_with_and_without_filter(
    client: Any, world: dict[str, list[str]]
) -> None:
    everything = world["versions_a"] + world["versions_b"]
    found, _ = walk(client, "list_solution_versions")
    assert found == everything
    assert with_paginator(client, "list_solution_versions") == everything
    solution = world["solutions_a"][0]
    found, sizes = walk(client, "list_solution_versions", solutionArn=solution)
    assert found == world["versions_a"]
    assert sizes == [2, 2, 1]
    assert with_paginator(client, "list_solution_versions", solutionArn=solution) == world["versions_a"]
    assert walk(client, "list_solution_versions", solutionArn=world["solutions_a"][1]) == ([], [0])


def test_list_recipes_pages(pm: PersonalizeMock, client: Any) -> None:
    everything = whole(client, "list_recipes")
    assert len(everything) > 10
    found, sizes = walk(client, "list_recipes")
    assert found == everything
    assert all(size == 2 for size in sizes[:-1])
    assert with_paginator(client, "list_recipes") == everything
    ecommerce = whole(client, "list_recipes", domain="ECOMMERCE")
    assert walk(client, "list_recipes", domain="ECOMMERCE")[0] == ecommerce
    assert with_paginator(client, "list_recipes", page_size=3, domain="ECOMMERCE") == ecommerce


@pytest.mark.personalize_mock(quotas={"dataset_groups": 10})
@pytest.mark.parametrize("page_size", [1, 3, 7, 100])
def test_every_page_size_reconstructs_the_listing(
    client: Any, world: dict[str, list[str]], page_size: int
) -> None:
    for operation in LISTINGS:
        full = whole(client, operation)
        found, sizes = walk(client, operation, page_size=page_size)
        assert found == full, operation
        assert all(size == page_size for size in sizes[:-1])
        assert 0 < sizes[-1] <= page_size or full == []


def test_page_exactly_full_has_no_token(pm: PersonalizeMock, client: Any) -> None:
    for i in range(4):
        client.create_dataset_group(name=f"d{i}")
    response = client.list_dataset_groups(maxResults=4)
    assert len(response["datasetGroups"]) == 4
    assert "nextToken" not in response
    assert client.list_dataset_groups()["datasetGroups"] == response["datasetGroups"]


def test_deletions_and_creations_between_pages(
    pm: PersonalizeMock, client: Any, make_solution: MakeSolution
) -> None:
    dsg = client.create_dataset_group(name="dsg")["datasetGroupArn"]
    pm.advance(10)
    solutions = [make_solution(dsg, name=f"s{i}") for i in range(6)]
    first = client.list_solutions(maxResults=2)
    assert [s["solutionArn"] for s in first["solutions"]] == solutions[:2]
    # The last item of the page and the next one disappear; a new one is created.
    client.delete_solution(solutionArn=solutions[1])
    client.delete_solution(solutionArn=solutions[2])
    pm.settle()
    newer = make_solution(dsg, name="s6")
    rest, _ = walk(client, "list_solutions", page_size=2)
    second = client.list_solutions(maxResults=2, nextToken=first["nextToken"])
    assert [s["solutionArn"] for s in second["solutions"]] == solutions[3:5]
    third = client.list_solutions(maxResults=2, nextToken=second["nextToken"])
    assert [s["solutionArn"] for s in third["solutions"]] == [solutions[5], newer]
    assert "nextToken" not in third
    assert rest == [solutions[0], *solutions[3:], newer]


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("list_dataset_groups", {}),
        ("list_solutions", {}),
        ("list_solution_versions", {}),
        ("list_recipes", {}),
    ],
)
def test_max_results_over_100_is_invalid(
    pm: PersonalizeMock, client: Any, operation: str, params: dict[str, Any]
) -> None:
    with pytest.raises(client.exceptions.InvalidInputException, match="maxResults"):
        getattr(client, operation)(maxResults=101, **params)
    getattr(client, operation)(maxResults=100, **params)


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "!!!not-base64!!!",
        base64.urlsafe_b64encode(b"pm1\nListDatasetGroups\nnot-a-number").decode(),
        base64.urlsafe_b64encode(b"xx1\nListDatasetGroups\n3").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_garbage_token_is_invalid(pm: PersonalizeMock, client: Any, token: str) -> None:
    for operation in LISTINGS:
        with pytest.raises(client.exceptions.InvalidNextTokenException):
            getattr(client, operation)(nextToken=token)


@pytest.mark.personalize_mock(quotas={"dataset_groups": 10})
def test_forged_and_edited_tokens_are_invalid(client: Any, world: dict[str, list[str]]) -> None:
    # A well-formed token of the right listing, made by hand, would have paged from anywhere.
    forged = base64.urlsafe_b64encode(b"pm2\nListDatasetGroups\n1").decode()
    with pytest.raises(client.exceptions.InvalidNextTokenException, match="not valid"):
        client.list_dataset_groups(nextToken=forged)
    genuine = base64.urlsafe_b64decode(client.list_dataset_groups(maxResults=1)["nextToken"])
    edited = genuine[:-1] + bytes([genuine[-1] ^ 1])  # another sequence number, same tag
    with pytest.raises(client.exceptions.InvalidNextTokenException, match="not valid"):
        client.list_dataset_groups(nextToken=base64.urlsafe_b64encode(edited).decode())
    assert client.list_dataset_groups(nextToken=base64.urlsafe_b64encode(genuine).decode())["datasetGroups"]


@pytest.mark.personalize_mock(quotas={"dataset_groups": 10})
def test_token_from_another_listing_is_invalid(client: Any, world: dict[str, list[str]]) -> None:
    groups_token = client.list_dataset_groups(maxResults=1)["nextToken"]
    all_solutions_token = client.list_solutions(maxResults=1)["nextToken"]
    group_token = client.list_solutions(maxResults=1, datasetGroupArn=world["groups"][0])["nextToken"]
    versions_token = client.list_solution_versions(maxResults=1)["nextToken"]
    recipes_token = client.list_recipes(maxResults=1)["nextToken"]
    ecommerce_token = client.list_recipes(maxResults=1, domain="ECOMMERCE")["nextToken"]
    invalid = client.exceptions.InvalidNextTokenException
    with pytest.raises(invalid):
        client.list_solutions(nextToken=groups_token)
    with pytest.raises(invalid):
        client.list_dataset_groups(nextToken=all_solutions_token)
    # Same operation, other filter.
    with pytest.raises(invalid):
        client.list_solutions(nextToken=group_token)
    with pytest.raises(invalid):
        client.list_solutions(nextToken=all_solutions_token, datasetGroupArn=world["groups"][0])
    with pytest.raises(invalid):
        client.list_solution_versions(nextToken=versions_token, solutionArn=world["solutions_a"][0])
    with pytest.raises(invalid):
        client.list_recipes(nextToken=recipes_token, domain="ECOMMERCE")
    with pytest.raises(invalid):
        client.list_recipes(nextToken=ecommerce_token)
    with pytest.raises(invalid):
        client.list_solution_versions(nextToken=recipes_token)
    # Each token still works on its own listing.
    client.list_solutions(nextToken=group_token, datasetGroupArn=world["groups"][0])
    client.list_recipes(nextToken=ecommerce_token, domain="ECOMMERCE")


def test_list_versions_of_unknown_solution_is_not_found(pm: PersonalizeMock, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_solution_versions(solutionArn="arn:aws:personalize:us-east-1:123456789012:solution/none")
    paginator = client.get_paginator("list_solution_versions")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        list(paginator.paginate(solutionArn="arn:aws:personalize:us-east-1:123456789012:solution/none"))


def test_list_solutions_of_unknown_dataset_group_is_empty(pm: PersonalizeMock, client: Any) -> None:
    response = client.list_solutions(
        datasetGroupArn="arn:aws:personalize:us-east-1:123456789012:dataset-group/none"
    )
    assert response["solutions"] == []


def test_summaries_carry_status_and_timestamps(
    pm: PersonalizeMock, client: Any, make_dataset_group: MakeDatasetGroup, make_solution: MakeSolution
) -> None:
    dsg = make_dataset_group()
    solution = make_solution(dsg, performAutoTraining=False)
    client.create_solution_version(solutionArn=solution)
    for operation in ("list_dataset_groups", "list_solutions", "list_solution_versions", "list_recipes"):
        key, _ = LISTINGS[operation]
        for item in getattr(client, operation)()[key]:
            assert {"status", "creationDateTime", "lastUpdatedDateTime"} <= set(item), operation
    (group,) = client.list_dataset_groups()["datasetGroups"]
    assert set(group) == {"name", "datasetGroupArn", "status", "creationDateTime", "lastUpdatedDateTime"}
    (summary,) = client.list_solutions()["solutions"]
    assert set(summary) == {
        "name",
        "solutionArn",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "recipeArn",
    }
    (version,) = client.list_solution_versions()["solutionVersions"]
    assert set(version) == {
        "solutionVersionArn",
        "status",
        "trainingMode",
        "trainingType",
        "creationDateTime",
        "lastUpdatedDateTime",
    }
