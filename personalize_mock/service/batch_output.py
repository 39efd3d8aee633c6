"""Batch inference output, written to S3 when moto answers S3 in process.

At CreateBatchInferenceJob the input (JSON lines: ``{"userId": …}``, ``{"itemId": …}``, or
``{"userId": …, "itemList": […]}``) is read when moto is active; a missing input object or
output bucket, or a line that is not a JSON object, makes the job end CREATE FAILED. The
output is written *when the job becomes ACTIVE*: an action scheduled on the backend's clock
queue at that simulated time, so it runs before the first Personalize call answered at or
after it — typically the DescribeBatchInferenceJob that sees ACTIVE. A file is never there
while the job is still running. Without moto nothing is read or written.

Each input file ``<name>`` gives ``<output path>/<name>.out``, one line per input line::

    {"input": {"userId": "u1"}, "output": {"recommendedItems": ["i3", …], "scores": [0.12, …]}, "error": null}

Recommendations come from the same engine as the runtime APIs
(:mod:`personalize_mock.service.recommendation_engine`), trained on the data visible when the
version's training started: a ``userId`` line gets the user's recommendations, an ``itemId``
line related items (or popular ones for popularity recipes), a line with ``itemList`` that list
ranked for the user (items unknown to the model last, with no score).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from . import s3_access
from .lifecycle import ACTIVE
from .recommendation_engine import Model, Ranking, Training, model_for

if TYPE_CHECKING:
    from .batch_jobs import BatchJob
    from .store import RegionBackend

OUTPUT_SUFFIX = ".out"


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
                line = json.loads(raw)
            except ValueError as error:
                return None, f"Invalid JSON in line {number} of {source}: {error}."
            if not isinstance(line, dict):
                return None, f"Line {number} of {source} is not a JSON object."
            lines.append(line)
        files.append(InputFile(source, tuple(lines)))
    return files, None


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
    """Write the job's output when it becomes ACTIVE (if moto still answers S3 then)."""
    backend.schedule(job.timeline.settles_at, partial(_write, job, tuple(files), training, popular))


def output_location(output_path: str, input_location: str) -> str:
    """``<output path>/<input file name>.out``."""
    prefix = output_path if output_path.endswith("/") else output_path + "/"
    return prefix + input_location.rsplit("/", 1)[-1] + OUTPUT_SUFFIX


def _write(
    job: BatchJob,
    files: tuple[InputFile, ...],
    training: Training,
    popular: bool,
    backend: RegionBackend,
    at: float,
) -> None:
    if job.timeline.status(at) != ACTIVE or not s3_access.moto_active():
        return
    model = model_for(backend, training)
    output_path = job.job_output["s3DataDestination"]["path"]
    for file in files:
        lines = [json.dumps(answer(model, line, job.num_results, popular=popular)) for line in file.lines]
        body = "".join(line + "\n" for line in lines).encode("utf-8")
        s3_access.write_object(backend.region, output_location(output_path, file.location), body)


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
    return {"input": line, "output": _scored(chosen[:count]), "error": None}
