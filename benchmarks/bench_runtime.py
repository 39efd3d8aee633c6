"""Runtime at catalogue scale: GetRecommendations, GetPersonalizedRanking and GetActionRecommendations
with 100 / 10,000 / 100,000 items (or actions), with and without a filter, normal and fast mode,
against the runtime client's floor; and learning a model from 10⁶ interactions.

Every size lives in its own region of one active mock (regions are independent backends), so the
batches of all sizes interleave and compare round by round. Each region holds one dataset group:

* an Items dataset listing the whole catalogue (``GENRE`` in ten values) and an Actions dataset
  of as many actions (``CHANNEL`` in ten values);
* :data:`USERS` users with :data:`HISTORY` interactions each (and as many action interactions),
  items drawn with a skew towards the first ones, so the interaction data is the same size at
  every catalogue size: only the catalogue grows;
* campaigns of aws-user-personalization, aws-personalized-ranking and aws-next-best-action, and
  an item filter and an action filter excluding one genre / channel in ten.

The records are added as bulk batches straight into the group's data store (what a finished
import job leaves there): importing 100,000 rows through S3 would only slow the set-up down.

Requests rotate over :data:`ASKED` users that have histories (GetPersonalizedRanking with a fixed
input list of 25 catalogue items per user), so after the warm-up batch every answer comes from
what the model keeps per user: the steady state of a test suite that asks again. What the first
request for a user costs (nothing kept yet) is measured separately, once per fresh user.

The floor is a runtime client of a session without personalize_mock's handlers, with a
``before-call`` handler returning the response personalize_mock gave for the same request (as
``bench_percall`` does for the control plane). Fast mode swaps the active mock's options for
its batches, as ``bench_percall`` does.

Learning: records of :data:`LEARN_USERS` users and :data:`LEARN_ITEMS` items are indexed into a
data view (the data store's work, timed apart), then ``learn_items`` learns from it: its wall
time untraced, then its tracemalloc peak in a second run, then the first personalized request
(co-occurrence rows of the user's items are built then).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from bench_core import Contender, Series, Settings, clean_session, interleave, paired_ratio, perf_counter_ns
from bench_percall import FAKE_KEYS, floor_handler

from personalize_mock import mock_personalize
from personalize_mock.interception.operations import TABLE
from personalize_mock.service.data.data_store import BULK, Batch, group_data
from personalize_mock.service.data.data_views import build_view
from personalize_mock.service.training.recommendation_engine import learn_items

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1")
RECIPE = "arn:aws:personalize:::recipe/"
USERS = 1_000
HISTORY = 20
#: Users the timed requests rotate over.
ASKED = 20
#: Fresh users whose first request is timed once each.
FIRST_CALLS = 10
RANKED_INPUTS = 25
GENRES = 10
T0 = 1_700_000_000
LEARN_USERS = 50_000
LEARN_ITEMS = 10_000

OPERATIONS = ("GetRecommendations", "GetPersonalizedRanking", "GetActionRecommendations")
FLOOR = "floor"
MOCK = "personalize_mock"
FAST = "fast mode"
#: personalize_mock with the operation's handler swapped for one returning the canned response
#: (a new top-level dict around the same entries): what the interception machinery costs
#: without any of the runtime's own work.
STUB = "stub handler"
FAST_STUB = "fast mode, stub handler"
#: Fast mode timed with the process's CPU time instead of the wall clock.
FAST_CPU = "fast mode, CPU time"


def _schema(name: str, fields: list[dict[str, Any]]) -> str:
    return json.dumps(
        {
            "type": "record",
            "name": name,
            "namespace": "com.amazonaws.personalize.schema",
            "fields": fields,
            "version": "1.0",
        }
    )


_ID = {"type": "string"}
SCHEMAS = {
    "INTERACTIONS": [
        {"name": "USER_ID", **_ID},
        {"name": "ITEM_ID", **_ID},
        {"name": "EVENT_TYPE", **_ID},
        {"name": "TIMESTAMP", "type": "long"},
    ],
    "ITEMS": [{"name": "ITEM_ID", **_ID}, {"name": "GENRE", "type": ["null", "string"], "categorical": True}],
    "ACTIONS": [
        {"name": "ACTION_ID", **_ID},
        {"name": "CHANNEL", "type": ["null", "string"], "categorical": True},
    ],
    "ACTION_INTERACTIONS": [
        {"name": "USER_ID", **_ID},
        {"name": "ACTION_ID", **_ID},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", **_ID},
    ],
}


def sizes_for(settings: Settings, smoke: bool = False) -> tuple[int, ...]:
    """Catalogue sizes: 100 / 10,000 / 100,000 (quick: 100 / 1,000 / 10,000)."""
    if smoke:
        return (20, 50, 100)
    return (100, 1_000, 10_000) if settings.quick else (100, 10_000, 100_000)


def learn_size(settings: Settings, smoke: bool = False) -> int:
    """Interactions the learning figure learns from: 10⁶ (quick: 10⁵)."""
    if smoke:
        return 2_000
    return 100_000 if settings.quick else 1_000_000


def label(size: int) -> str:
    return f"{size:,}"


@dataclass
class World:
    """One region's dataset group, its campaigns and filters, and its runtime clients."""

    size: int
    region: str
    campaigns: dict[str, str]
    filters: dict[str, str]
    histories: dict[str, list[str]]
    mock: Any = None
    floor: Any = None
    canned: dict[str, dict[str, Any]] = field(default_factory=dict)


def _records(size: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Interactions and action interactions: USERS users, HISTORY events each, skewed to the head."""
    interactions: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    kinds = ("Taken", "Viewed", "Not Taken")
    for user in range(USERS):
        for event in range(HISTORY):
            at = T0 + user * 600 + event * 30
            interactions.append(
                {
                    "USER_ID": f"u{user}",
                    "ITEM_ID": f"i{int(size * rng.random() ** 2)}",
                    "EVENT_TYPE": "click",
                    "TIMESTAMP": at,
                }
            )
            actions.append(
                {
                    "USER_ID": f"u{user}",
                    "ACTION_ID": f"a{int(size * rng.random() ** 2)}",
                    "EVENT_TYPE": kinds[event % 3],
                    "TIMESTAMP": at,
                }
            )
    return interactions, actions


def _build(pm: Any, size: int, region: str) -> World:
    client = boto3.client("personalize", region_name=region)
    group = client.create_dataset_group(name=f"runtime-{size}")["datasetGroupArn"]
    pm.advance(60)
    for kind, fields in SCHEMAS.items():
        schema = client.create_schema(name=f"runtime-{size}-{kind.lower()}", schema=_schema(kind, fields))
        client.create_dataset(
            name=f"runtime-{size}-{kind.lower()}",
            datasetGroupArn=group,
            datasetType=kind,
            schemaArn=schema["schemaArn"],
        )
    pm.advance(60)
    rng = random.Random(size)
    interactions, action_interactions = _records(size, rng)
    data = group_data(pm.state.backend(region), group)
    visible = pm.now().timestamp()
    items = tuple({"ITEM_ID": f"i{n}", "GENRE": f"g{n % GENRES}"} for n in range(size))
    actions = tuple({"ACTION_ID": f"a{n}", "CHANNEL": f"c{n % GENRES}"} for n in range(size))
    for kind, records in (
        ("INTERACTIONS", interactions),
        ("ITEMS", items),
        ("ACTIONS", actions),
        ("ACTION_INTERACTIONS", action_interactions),
    ):
        data.add(Batch(kind, visible, BULK, tuple(records)))
    pm.advance(1)
    campaigns: dict[str, str] = {}
    for operation, recipe in zip(
        OPERATIONS,
        ("aws-user-personalization", "aws-personalized-ranking", "aws-next-best-action"),
        strict=True,
    ):
        solution = client.create_solution(
            name=f"runtime-{size}-{recipe}", datasetGroupArn=group, recipeArn=RECIPE + recipe
        )["solutionArn"]
        version = client.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        pm.advance(3 * 3600)
        campaigns[operation] = client.create_campaign(
            name=f"runtime-{size}-{recipe}", solutionVersionArn=version
        )["campaignArn"]
    pm.advance(3600)
    filters = {
        "items": client.create_filter(
            name=f"runtime-{size}-items",
            datasetGroupArn=group,
            filterExpression='EXCLUDE ItemID WHERE Items.GENRE IN ("g3")',
        )["filterArn"],
        "actions": client.create_filter(
            name=f"runtime-{size}-actions",
            datasetGroupArn=group,
            filterExpression='EXCLUDE ActionID WHERE Actions.CHANNEL IN ("c3")',
        )["filterArn"],
    }
    pm.advance(60)
    histories: dict[str, list[str]] = {}
    for record in interactions:
        histories.setdefault(record["USER_ID"], []).append(record["ITEM_ID"])
    return World(size, region, campaigns, filters, histories)


def _inputs(world: World, user: str) -> list[str]:
    """The input list a user's GetPersonalizedRanking asks about: 25 catalogue items."""
    rng = random.Random(user)
    return [f"i{rng.randrange(world.size)}" for _ in range(RANKED_INPUTS)]


def request(world: World, operation: str, user: str, filtered: bool) -> dict[str, Any]:
    """The keyword arguments of one request."""
    kwargs: dict[str, Any] = {"campaignArn": world.campaigns[operation], "userId": user}
    if operation == "GetPersonalizedRanking":
        kwargs["inputList"] = _inputs(world, user)
    if filtered:
        kwargs["filterArn"] = world.filters["actions" if operation == "GetActionRecommendations" else "items"]
    return kwargs


METHODS = {
    "GetRecommendations": "get_recommendations",
    "GetPersonalizedRanking": "get_personalized_ranking",
    "GetActionRecommendations": "get_action_recommendations",
}


def _method(client: Any, operation: str) -> Callable[..., Any]:
    method: Callable[..., Any] = getattr(client, METHODS[operation])
    return method


def _asking(
    client: Any, world: World, operation: str, filtered: bool, clock: Callable[[], int] = perf_counter_ns
) -> Contender:
    """Requests rotating over ASKED users (arguments built outside the timer).

    ``clock`` is the wall clock by default; ``time.process_time_ns`` times the CPU the process
    spent instead, which leaves out the time other processes on a shared machine held the CPU.
    """
    call = _method(client, operation)
    asked = [request(world, operation, f"u{user}", filtered) for user in range(ASKED)]

    def run(n: int) -> int:
        chosen = [asked[index % ASKED] for index in range(n)]
        start = clock()
        for kwargs in chosen:
            call(**kwargs)
        return clock() - start

    return run


def _fast(pm: Any, contender: Contender) -> Contender:
    normal = pm.state.options
    fast = dataclasses.replace(normal, fast=True)

    def run(n: int) -> int:
        pm.state.options = fast
        try:
            return contender(n)
        finally:
            pm.state.options = normal

    return run


def _stubbed(operation: str, canned: dict[str, Any], contender: Contender) -> Contender:
    """``contender`` with the operation's handler answering ``canned`` at no cost.

    Only the top-level dict is new (fast mode adds ``ResponseMetadata`` to it); the entries are
    the same objects every time, so this is the machinery's floor, below what any handler that
    hands out new entries can reach.
    """
    handlers = TABLE["personalize-runtime"]
    real = handlers[operation]

    def stub(backend: Any, params: Any) -> dict[str, Any]:
        return dict(canned)

    def run(n: int) -> int:
        handlers[operation] = stub
        try:
            return contender(n)
        finally:
            handlers[operation] = real

    return run


@dataclass
class Runtime:
    sizes: tuple[int, ...]
    #: (operation, filtered) -> contender name ("<mode> @ <size>") -> series (µs per call)
    results: dict[tuple[str, bool], dict[str, Series]] = field(default_factory=dict)
    #: (operation, size) -> median µs of the first request of a fresh user (nothing kept for
    #: the user yet), when the model has just been learned, and after the batches (co-occurrence
    #: rows of most items built by then)
    first_call_us: dict[tuple[str, int], float] = field(default_factory=dict)
    warm_first_call_us: dict[tuple[str, int], float] = field(default_factory=dict)
    #: size -> seconds to build the region (data, three trainings, campaigns, filters)
    build_seconds: dict[int, float] = field(default_factory=dict)
    learning: Learning | None = None


def name(mode: str, size: int) -> str:
    return f"{mode} @ {label(size)}"


def _first_calls(world: World, operation: str, first_user: int) -> float:
    """Median µs of the first request of FIRST_CALLS users never asked before."""
    call = _method(world.mock, operation)
    timings = []
    for user in range(first_user, first_user + FIRST_CALLS):
        kwargs = request(world, operation, f"u{user}", False)
        gc.collect()
        # As in every batch of ``interleave``: no collection of the whole heap inside the timer.
        gc.disable()
        try:
            start = perf_counter_ns()
            call(**kwargs)
            timings.append((perf_counter_ns() - start) / 1000)
        finally:
            gc.enable()
    timings.sort()
    return timings[len(timings) // 2]


def run(settings: Settings, smoke: bool = False) -> Runtime:
    sizes = sizes_for(settings, smoke)
    result = Runtime(sizes)
    quotas = {"solutions_per_dataset_group": 50, "campaigns_per_dataset_group": 50}
    with mock_personalize(quotas=quotas) as pm:
        worlds: dict[int, World] = {}
        for size, region in zip(sizes, REGIONS, strict=False):
            start = time.perf_counter()
            world = worlds[size] = _build(pm, size, region)
            world.mock = boto3.client("personalize-runtime", region_name=region)
            canned = {}
            for operation in OPERATIONS:
                # The first answer also learns the model (outside every timer but this one).
                canned[operation] = _method(world.mock, operation)(**request(world, operation, "u0", False))
                canned[operation].pop("ResponseMetadata", None)
            world.canned = canned
            world.floor = clean_session(**FAKE_KEYS).client("personalize-runtime", region_name=region)
            world.floor.meta.events.register("before-call.personalize-runtime", floor_handler(canned))
            result.build_seconds[size] = time.perf_counter() - start
        for operation in OPERATIONS:
            for size in sizes:
                result.first_call_us[(operation, size)] = _first_calls(worlds[size], operation, ASKED)
        for operation in OPERATIONS:
            for filtered in (False, True):
                contenders: dict[str, Contender] = {}
                for size in sizes:
                    world = worlds[size]
                    contenders[name(FLOOR, size)] = _asking(world.floor, world, operation, filtered)
                    contenders[name(MOCK, size)] = _asking(world.mock, world, operation, filtered)
                    contenders[name(FAST, size)] = _fast(pm, _asking(world.mock, world, operation, filtered))
                    contenders[name(FAST_CPU, size)] = _fast(
                        pm, _asking(world.mock, world, operation, filtered, time.process_time_ns)
                    )
                # The machinery alone (no size dependence): at the smallest size only.
                world = worlds[sizes[0]]
                canned = world.canned[operation]
                asking = _asking(world.mock, world, operation, filtered)
                contenders[name(STUB, sizes[0])] = _stubbed(operation, canned, asking)
                contenders[name(FAST_STUB, sizes[0])] = _fast(pm, _stubbed(operation, canned, asking))
                result.results[(operation, filtered)] = interleave(
                    contenders, settings.calls, settings.rounds
                )
        for operation in OPERATIONS:
            for size in sizes:
                result.warm_first_call_us[(operation, size)] = _first_calls(
                    worlds[size], operation, ASKED + FIRST_CALLS
                )
    result.learning = learn(learn_size(settings, smoke))
    return result


@dataclass
class Learning:
    interactions: int
    users: int
    items: int
    view_seconds: float
    view_peak_mb: float
    learn_seconds: float
    learn_peak_mb: float
    model_mb: float
    first_request_ms: float
    first_request_peak_mb: float


def _learning_records(interactions: int) -> tuple[dict[str, Any], ...]:
    """``interactions`` clicks: LEARN_USERS users (20 each at 10⁶) over LEARN_ITEMS items, skewed."""
    users = min(LEARN_USERS, max(1, interactions // HISTORY))
    items = min(LEARN_ITEMS, max(1, interactions // 100))
    rng = random.Random(1)
    return tuple(
        {
            "USER_ID": f"u{n % users}",
            "ITEM_ID": f"i{int(items * rng.random() ** 2)}",
            "EVENT_TYPE": "click",
            "TIMESTAMP": T0 + n,
        }
        for n in range(interactions)
    )


def _traced(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """``work()``, with tracemalloc's growth kept and peak (MB over what was traced before)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = work()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, (kept - before) / 1e6, (peak - before) / 1e6


def learn(interactions: int) -> Learning:
    """Wall time and tracemalloc peak of indexing ``interactions`` records and learning from them.

    Wall times are taken untraced (tracemalloc slows allocation down several times); the same
    work is then repeated traced for its peak. The data view is the data store's work
    (``build_view``), measured apart from ``learn_items``; the first personalized request builds
    the users-per-item index and the co-occurrence rows of the user's items.
    """
    records = _learning_records(interactions)
    users = len({record["USER_ID"] for record in records})
    items = len({record["ITEM_ID"] for record in records})
    batches = [Batch("INTERACTIONS", 0.0, BULK, records)]

    def learned(view: Any) -> Any:
        return learn_items(view, seed="bench", recipe_name="aws-user-personalization", event_type=None)

    def first_request(model: Any) -> None:
        model.for_user("u1", model.history("u1"))[:25]

    gc.collect()
    start = time.perf_counter()
    view = build_view(batches)
    view_seconds = time.perf_counter() - start
    gc.collect()
    start = time.perf_counter()
    model = learned(view)
    learn_seconds = time.perf_counter() - start
    start = time.perf_counter()
    first_request(model)
    first_request_seconds = time.perf_counter() - start
    del model, view
    view, _, view_peak = _traced(lambda: build_view(batches))
    model, model_mb, learn_peak = _traced(lambda: learned(view))
    _, _, request_peak = _traced(lambda: first_request(model))
    return Learning(
        interactions=interactions,
        users=users,
        items=items,
        view_seconds=view_seconds,
        view_peak_mb=view_peak,
        learn_seconds=learn_seconds,
        learn_peak_mb=learn_peak,
        model_mb=model_mb,
        first_request_ms=first_request_seconds * 1000,
        first_request_peak_mb=request_peak,
    )


# -- the report (benchmarks/run.py prints it) -----------------------------------------------------

#: Targets: mock ÷ floor at the smallest size; largest ÷ smallest size; fast mode at any size;
#: learning from 10⁶ interactions.
FLOOR_LIMIT = 1.3
FLAT_LIMIT = 1.1
FAST_LIMIT_US = 20.0
LEARN_SECONDS = 5.0
LEARN_MB = 500.0
X = "\u00d7"


def _us(value: float) -> str:
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(result: Runtime) -> tuple[list[str], list[Series]]:
    """Markdown lines of the runtime section, and every series (for the noise summary)."""
    sizes = result.sizes
    small, large = sizes[0], sizes[-1]
    at = " / ".join(label(size) for size in sizes)
    lines = [
        f"Normal path, µs per call at {at} items. The stub handler answers a canned response "
        f"through the same machinery at no cost (at {label(small)} items): mock minus stub is the "
        "runtime's own work.",
        "",
        f"| operation | floor µs | personalize_mock µs | stub handler µs | mock ÷ floor @ {label(small)} "
        f"| mock ÷ floor @ {label(large)} | mock @ {label(large)} ÷ @ {label(small)} | target | met? |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    fast_lines = [
        f"Fast mode, µs per call at {at} items (the target is judged on the wall clock).",
        "",
        "| operation | fast mode µs | stub handler, fast mode µs | fast mode, CPU time µs | target | met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    tracked: list[Series] = []
    for (operation, filtered), found in result.results.items():
        tracked.extend(found.values())
        title = operation + (" + filter" if filtered else "")
        mock = [found[name(MOCK, size)] for size in sizes]
        floor = [found[name(FLOOR, size)] for size in sizes]
        fast = [found[name(FAST, size)] for size in sizes]
        stub, fast_stub = found[name(STUB, small)], found[name(FAST_STUB, small)]
        ratio_small = paired_ratio(mock[0], floor[0])
        ratio_large = paired_ratio(mock[-1], floor[-1])
        flat = paired_ratio(mock[-1], mock[0])
        cells = [
            " / ".join(_us(series.median) for series in floor),
            " / ".join(_us(series.median) for series in mock),
            _us(stub.median),
            f"{ratio_small:.2f}{X}",
            f"{ratio_large:.2f}{X}",
            f"{flat:.2f}{X}",
            f"≤ {FLOOR_LIMIT}{X} floor; ≤ {FLAT_LIMIT}{X} across sizes",
            f"{_verdict(ratio_small <= FLOOR_LIMIT)} / {_verdict(flat <= FLAT_LIMIT)}",
        ]
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
        slowest = max(series.median for series in fast)
        fast_cells = [
            " / ".join(_us(series.median) for series in fast),
            _us(fast_stub.median),
            " / ".join(_us(found[name(FAST_CPU, size)].median) for size in sizes),
            f"≤ {FAST_LIMIT_US:.0f} µs at every size",
            _verdict(slowest <= FAST_LIMIT_US),
        ]
        fast_lines.append(f"| {title} | " + " | ".join(fast_cells) + " |")
    lines += ["", *fast_lines]
    lines.append("")
    for title, found in (
        ("just after the model was learned", result.first_call_us),
        ("after the batches above", result.warm_first_call_us),
    ):
        medians = " ; ".join(
            f"{operation}: " + " / ".join(f"{found[(operation, size)] / 1000:,.2f}" for size in sizes) + " ms"
            for operation in OPERATIONS
        )
        lines.append(
            f"First request of a user not asked before, {title} (median of {FIRST_CALLS} users, at "
            f"{at} items, normal path): {medians}."
        )
        lines.append("")
    lines.append(
        "Set-up per size (data, three trainings learned at the first request, campaigns, filters): "
        + ", ".join(f"{label(size)}: {seconds:.1f} s" for size, seconds in result.build_seconds.items())
        + "."
    )
    learning = result.learning
    if learning is not None:
        ok_time = learning.learn_seconds <= LEARN_SECONDS
        ok_memory = learning.learn_peak_mb <= LEARN_MB
        lines += [
            "",
            f"| learning from {learning.interactions:,} interactions ({learning.users:,} users, "
            f"{learning.items:,} items) | wall | tracemalloc peak | target | met? |",
            "|---|---:|---:|---|---|",
            f"| `learn_items` (popularity, histories) | {learning.learn_seconds:.2f} s | "
            f"{learning.learn_peak_mb:,.0f} MB (model keeps {learning.model_mb:,.0f} MB) | "
            f"≤ {LEARN_SECONDS:.0f} s, ≤ {LEARN_MB:.0f} MB | "
            f"{_verdict(ok_time)} / {_verdict(ok_memory)} |",
            f"| first personalized request (users per item, co-occurrence rows of the user's items) | "
            f"{learning.first_request_ms:,.0f} ms | {learning.first_request_peak_mb:,.0f} MB | — | — |",
            f"| data view the model learns from (`build_view`, the data store's index) | "
            f"{learning.view_seconds:.2f} s | {learning.view_peak_mb:,.0f} MB | — | — |",
        ]
    return lines, tracked
