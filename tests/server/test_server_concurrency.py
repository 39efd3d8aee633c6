"""Many clients at once: every request answered, no resource lost, creation times ordered."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from server_helpers import Live

THREADS = 8
PER_THREAD = 25


def test_concurrent_clients_lose_nothing(live: Live) -> None:
    start = threading.Barrier(THREADS + 1)

    def create(worker: int) -> list[str]:
        client = live.client()
        start.wait()
        arns = []
        for n in range(PER_THREAD):
            arns.append(client.create_dataset_group(name=f"w{worker}-g{n}")["datasetGroupArn"])
            client.list_dataset_groups(maxResults=5)
        return arns

    def meddle() -> int:
        # Control calls interleave with the API calls: they take the same lock.
        start.wait()
        for _ in range(PER_THREAD):
            live.control("advance", {"seconds": 1})
            live.control("state", method="GET")
        return PER_THREAD

    with ThreadPoolExecutor(THREADS + 1) as pool:
        creators = [pool.submit(create, worker) for worker in range(THREADS)]
        controller = pool.submit(meddle)
        created = [arn for future in creators for arn in future.result()]
        assert controller.result() == PER_THREAD

    client = live.client()
    listed: list[dict[str, Any]] = [
        group
        for page in client.get_paginator("list_dataset_groups").paginate(PaginationConfig={"PageSize": 100})
        for group in page["datasetGroups"]
    ]
    assert len(created) == len(set(created)) == THREADS * PER_THREAD
    assert {group["datasetGroupArn"] for group in listed} == set(created)
    assert len(listed) == len(created)
    # Creation stamps are unique (strictly increasing), whichever thread created what.
    stamps = [group["creationDateTime"] for group in listed]
    assert len(set(stamps)) == len(stamps)
    assert len(live.control("state")["resources"]) == THREADS * PER_THREAD
