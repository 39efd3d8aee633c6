"""Batch job output (inference and segments), written to S3 when moto answers S3 in process.

At CreateBatchInferenceJob / CreateBatchSegmentJob the input (JSON lines) is read when moto is
active; a missing input object or output bucket, or a line that is not a JSON object, makes
the job end CREATE FAILED. The output is written *when the job becomes ACTIVE*: an action
scheduled on the backend's clock queue at that simulated time, so it runs before the first
Personalize call answered at or after it — typically the Describe call that sees ACTIVE. A
file is never there while the job is still running. Without moto nothing is read or written.

Each input file ``<name>`` gives ``<output path>/<name>.out``, one line per input line.

Batch inference (``{"userId": …}``, ``{"itemId": …}`` or ``{"userId": …, "itemList": […]}``)::

    {"input": {"userId": "u1"}, "output": {"recommendedItems": ["i3", …], "scores": [0.12, …]}, "error": null}

Batch segments, in the developer guide's "Batch segment job output format examples"
(https://docs.aws.amazon.com/personalize/latest/dg/batch-segment-job-output-examples.html)::

    {"input": {"itemId": "i3"}, "output": {"recommendedUsers": ["u7", "u2", …]}}
    {"itemAttributes": "ITEMS.GENRES = \"Comedy\"", "output": {"recommendedUsers": ["u2", …]}}

Answers come from the same engine as the runtime APIs
(:mod:`personalize_mock.service.training.recommendation_engine`), trained on the data visible when the
version's training started: a ``userId`` line gets the user's recommendations, an ``itemId``
line related items (or popular ones for popularity recipes), a line with ``itemList`` that list
ranked for the user (items unknown to the model last, with no score). A segment lists the
model's users, most likely first to interact with the item (or, summed, with the items whose
metadata matches every ``ITEMS.<column> = "<value>"`` condition joined by ``AND``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core import s3_access
from personalize_mock.service.core.bulk import collector_paused
from personalize_mock.service.core.json_documents import load_json_document
from personalize_mock.service.core.lifecycle import ACTIVE
from personalize_mock.service.data.data_views import Row, data_view, text
from personalize_mock.service.data.data_views import number as numeric
from personalize_mock.service.training.recommendation_engine import Model, Ranking, Training, model_for

if TYPE_CHECKING:
    from personalize_mock.service.core.store import RegionBackend
    from personalize_mock.service.inference.batch_jobs import BatchJob

OUTPUT_SUFFIX = ".out"
#: "Your input data can have a maximum of 10 queries" (the Item-Attribute-Affinity recipe page).
MAX_ATTRIBUTE_QUERIES = 10
#: Users of a segment when the training data was not readable (like the synthetic catalogue).
SYNTHETIC_USERS = 100

#: What a job writes for the lines of one input file: (backend, training, model, lines, count).
Responder = Callable[
    ["RegionBackend", Training, Model, Sequence[Mapping[str, Any]], int], list[dict[str, Any]]
]


@dataclass(frozen=True)
class InputFile:
    """The JSON lines of one input object."""

    location: str
    lines: tuple[dict[str, Any], ...]


def read_input(backend: RegionBackend, location: str) -> tuple[list[InputFile] | None, str | None]:
    """(input files, failure reason); files are ``None`` when S3 is not readable in process."""
    try:
        objects = s3_access.read_objects(backend.region, location)
    except s3_access.Unreadable:
        return None, None
    except s3_access.NotFound:
        return None, f"Could not find the object {location}."
    files: list[InputFile] = []
    for source, body in objects:
        lines: list[dict[str, Any]] = []
        for number, raw in enumerate(body.decode("utf-8", "replace").splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                line = load_json_document(raw, f"Line {number} of {source}")
            except InvalidInputException as error:
                return None, error.message
            if not isinstance(line, dict):
                return None, f"Line {number} of {source} is not a JSON object."
            lines.append(line)
        files.append(InputFile(source, tuple(lines)))
    return files, None


def check_files(
    backend: RegionBackend, params: Mapping[str, Any]
) -> tuple[list[InputFile] | None, str | None]:
    """A batch job request's input files and why the job fails for its files, if it does.

    The input is read first; the output bucket is checked only when the input was readable
    (without moto neither can be known, and both are ``None``).
    """
    files, failure = read_input(backend, params["jobInput"]["s3DataSource"]["path"])
    if failure is None and files is not None:
        failure = output_failure(backend, params["jobOutput"]["s3DataDestination"]["path"])
    return files, failure


def output_failure(backend: RegionBackend, path: str) -> str | None:
    """Why the output cannot be written to ``path`` (its bucket is missing in moto), or ``None``."""
    bucket, _ = s3_access.split_s3_url(path)
    if s3_access.bucket_exists(backend.region, bucket) is False:
        # Choice (docs/choices.md): checked at creation, so the job fails instead of losing output.
        return f"Could not find the bucket {bucket} of the output path {path}."
    return None


def plan_output(
    backend: RegionBackend, job: BatchJob, files: Sequence[InputFile], training: Training, *, popular: bool
) -> None:
    """Write a batch inference job's output when it becomes ACTIVE (if moto still answers S3 then)."""
    _plan(backend, job, files, training, partial(_recommendations, popular=popular))


def plan_segments(
    backend: RegionBackend, job: BatchJob, files: Sequence[InputFile], training: Training, *, attributes: bool
) -> None:
    """Write a batch segment job's output when it becomes ACTIVE (if moto still answers S3 then).

    ``attributes``: the lines hold ``itemAttributes`` (Item-Attribute-Affinity), else ``itemId``.
    """
    _plan(backend, job, files, training, partial(segments, attributes=attributes))


def _plan(
    backend: RegionBackend, job: BatchJob, files: Sequence[InputFile], training: Training, respond: Responder
) -> None:
    backend.schedule(job.timeline.settles_at, partial(_write, job, tuple(files), training, respond))


def output_location(output_path: str, input_location: str) -> str:
    """``<output path>/<input file name>.out``."""
    prefix = output_path if output_path.endswith("/") else output_path + "/"
    return prefix + input_location.rsplit("/", 1)[-1] + OUTPUT_SUFFIX


def _write(
    job: BatchJob,
    files: tuple[InputFile, ...],
    training: Training,
    respond: Responder,
    backend: RegionBackend,
    at: float,
) -> None:
    if job.timeline.status(at) != ACTIVE or not s3_access.moto_active():
        return
    output_path = job.job_output["s3DataDestination"]["path"]
    # 10⁵ input lines make several objects each, none in a cycle: see service/core/bulk.py.
    with collector_paused():
        model = model_for(backend, training)
        encoded: dict[str, str] = {}
        for file in files:
            answers = respond(backend, training, model, file.lines, job.num_results)
            body = "".join([_line_text(line, encoded) + "\n" for line in answers]).encode("utf-8")
            s3_access.write_object(backend.region, output_location(output_path, file.location), body)


_LINE_KEYS = ["input", "output", "error"]
#: The JSON text of scores met in output lines (bounded; see :func:`_line_text`).
_SCORE_TEXTS: dict[float, str] = {}
_SCORE_TEXTS_KEPT = 100_000
_OUTPUT_KEYS = ["recommendedItems", "scores"]


def _line_text(line: Mapping[str, Any], encoded: dict[str, str]) -> str:
    """``json.dumps(line)``, built from parts for the common line of a batch inference job.

    A job over 10⁵ users spends more time in ``json.dumps`` of its nested lines than in any
    other single step (docs/performance.md); item ids repeat across lines, so each is
    encoded once (``encoded``), and a score's text is ``repr`` of its float, as ``json``
    writes it. Any other line (an error, segments, a non-float score) goes to ``json.dumps``.
    """
    output = line.get("output")
    if list(line) != _LINE_KEYS or line["error"] is not None or not isinstance(output, dict):
        return json.dumps(line)
    if list(output) != _OUTPUT_KEYS:
        return json.dumps(line)
    items, scores = output["recommendedItems"], output["scores"]
    if not all(type(score) is float and math.isfinite(score) for score in scores):
        return json.dumps(line)
    texts: list[str] = []
    for item in items:
        text = encoded.get(item)
        if text is None:
            text = encoded[item] = json.dumps(item)
        texts.append(text)
    score_texts: list[str] = []
    for score in scores:
        # Scores have 7 decimals, so they repeat across lines too. Only positive ones are
        # kept: 0.0 and -0.0 are one key with two texts.
        text = _SCORE_TEXTS.get(score)
        if text is None:
            text = float.__repr__(score)
            if score > 0.0 and len(_SCORE_TEXTS) < _SCORE_TEXTS_KEPT:
                _SCORE_TEXTS[score] = text
        score_texts.append(text)
    return (
        f'{{"input": {json.dumps(line["input"])}, "output": {{"recommendedItems": [{", ".join(texts)}], '
        f'"scores": [{", ".join(score_texts)}]}}, "error": null}}'
    )


def _recommendations(
    backend: RegionBackend,
    training: Training,
    model: Model,
    lines: Sequence[Mapping[str, Any]],
    count: int,
    *,
    popular: bool,
) -> list[dict[str, Any]]:
    return [answer(model, line, count, popular=popular) for line in lines]


def _scored(ranking: Sequence[Any]) -> dict[str, Any]:
    return {
        "recommendedItems": [entry.item_id for entry in ranking],
        "scores": [entry.score for entry in ranking],
    }


def answer(model: Model, line: Mapping[str, Any], count: int, *, popular: bool = False) -> dict[str, Any]:
    """The output line for one input line."""
    user = line.get("userId")
    if isinstance(line.get("itemList"), list) and user is not None:
        user_id = str(user)
        ranking, unknown = model.rank(
            user_id, model.history(user_id), [str(item) for item in line["itemList"]]
        )
        output = _scored(ranking)
        output["recommendedItems"].extend(unknown)
        return {"input": line, "output": output, "error": None}
    chosen: Ranking
    if "itemId" in line:
        item_id = str(line["itemId"])
        chosen = model.popular(exclude=item_id) if popular else model.related(item_id)
    elif user is not None:
        chosen = model.popular() if popular else model.for_user(str(user), model.history(str(user)))
    else:
        return {"input": line, "output": None, "error": "The input line has neither userId nor itemId."}
    return {"input": line, "output": _scored(chosen.first(count)), "error": None}


# -- user segments -------------------------------------------------------------------------------

_CONDITION = re.compile(
    r"""\s*ITEMS\.([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"""
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s"']+))\s*""",
    re.IGNORECASE,
)
_AND = re.compile(r"AND(?:\s+|$)", re.IGNORECASE)
_ESCAPE = re.compile(r"\\(.)")


def parse_attributes(expression: str) -> list[tuple[str, str]]:
    """``ITEMS.<column> = "<value>" AND …`` as (upper-cased column, value) pairs.

    Values are quoted (``\\`` escapes a quote or any other character) or a bare word such as
    a number. Only ``=`` and ``AND`` exist; anything else raises ``ValueError``.
    """
    conditions: list[tuple[str, str]] = []
    position = 0
    while True:
        match = _CONDITION.match(expression, position)
        if match is None:
            raise ValueError(f'expected ITEMS.<column> = "<value>" at position {position}')
        column, double, single, bare = match.groups()
        raw = next(value for value in (double, single, bare) if value is not None)
        conditions.append((column.upper(), _ESCAPE.sub(r"\1", raw)))
        position = match.end()
        if position == len(expression):
            return conditions
        joined = _AND.match(expression, position)
        if joined is None:
            raise ValueError(f"only AND can join conditions (position {position})")
        position = joined.end()


def _matches(row: Row, conditions: Sequence[tuple[str, str]]) -> bool:
    """Whether an item's metadata meets every condition (one value of a ``|`` list is enough)."""
    for column, expected in conditions:
        value = row.get(column)
        if value is None:
            return False
        wanted = numeric(expected)
        if expected not in text(value).split("|") and (wanted is None or numeric(value) != wanted):
            return False
    return True


def segment_users(model: Model) -> list[str]:
    """The users a segment can hold: those the model learned from (synthetic ones without data)."""
    if model.synthetic:
        return [f"user-{n}" for n in range(1, SYNTHETIC_USERS + 1)]
    return sorted(model.histories)


def segments(
    backend: RegionBackend,
    training: Training,
    model: Model,
    lines: Sequence[Mapping[str, Any]],
    count: int,
    *,
    attributes: bool,
) -> list[dict[str, Any]]:
    """The output lines of a batch segment job for ``lines``: up to ``count`` users each.

    A line's target is its ``itemId`` or the items whose metadata (at training time) matches
    its ``itemAttributes``; only items the model knows count. Users are ranked by the model's
    score for the target (summed over its items), ties by user id.
    """
    catalogue = data_view(backend, training.group_arn, training.at).items if attributes else {}
    targets: list[list[str] | str] = [_target(line, model, catalogue, attributes) for line in lines]
    wanted = sorted({item for target in targets if isinstance(target, list) for item in target})
    # One pass per user over the items of every line (none to score when no line has items).
    users = segment_users(model) if wanted else []
    scores = {user: model.personalized(user, model.history(user), wanted) for user in users}
    output: list[dict[str, Any]] = []
    for line, target in zip(lines, targets, strict=True):
        shell: dict[str, Any] = dict(line) if attributes else {"input": line}
        if isinstance(target, str):
            shell.update({"output": None, "error": target})
        else:
            ranked = sorted(
                ((sum(user_scores[item] for item in target), user) for user, user_scores in scores.items()),
                key=lambda pair: (-pair[0], pair[1]),
            )
            chosen = [user for _, user in ranked[:count]] if target else []
            shell["output"] = {"recommendedUsers": chosen}
        output.append(shell)
    return output


def _target(
    line: Mapping[str, Any], model: Model, catalogue: Mapping[str, Row], attributes: bool
) -> list[str] | str:
    """The known items a segment line asks about, or the error its output line reports."""
    if not attributes:
        if "itemId" not in line:
            return "The input line has no itemId."
        item = str(line["itemId"])
        return [item] if item in model.known else []
    expression = line.get("itemAttributes")
    if not isinstance(expression, str):
        return "The input line has no itemAttributes."
    try:
        conditions = parse_attributes(expression)
    except ValueError as error:
        return f"Invalid itemAttributes {expression!r}: {error}."
    return [item for item, row in catalogue.items() if item in model.known and _matches(row, conditions)]


def too_many_queries(files: Sequence[InputFile]) -> str | None:
    """Why an Item-Attribute-Affinity input fails for holding more than 10 queries, or ``None``."""
    queries = sum(len(file.lines) for file in files)
    if queries > MAX_ATTRIBUTE_QUERIES:
        # Choice (docs/choices.md): the recipe page's limit fails the job, like a bad input file.
        return (
            f"The input holds {queries} queries; the Item-Attribute-Affinity recipe accepts at most "
            f"{MAX_ATTRIBUTE_QUERIES}."
        )
    return None
