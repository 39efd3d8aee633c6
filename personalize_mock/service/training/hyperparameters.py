"""Hyperparameters of a solution: the checks of ``solutionConfig.hpoConfig`` and what HPO picks.

CreateSolution takes fixed values (``solutionConfig.algorithmHyperParameters``) and, for
hyperparameter optimization, ranges to search (``hpoConfig.algorithmHyperParameterRanges``)
and a budget (``hpoConfig.hpoResourceConfig``) [developer guide, "Hyperparameters and HPO",
https://docs.aws.amazon.com/personalize/latest/dg/customizing-solution-config-hpo.html].

:func:`tuned_hyperparameters` is what a trained HPO version reports as
``tunedHPOParams.algorithmHyperParameters``: every hyperparameter of the recipe's algorithm
(the catalogue DescribeAlgorithm serves), its default value replaced by the caller's fixed
value, and each tuned one drawn inside its range — the caller's range where given, else the
algorithm's default range of a tunable hyperparameter. Draws come from BLAKE2b of the
version ARN and the hyperparameter name, so they are the same in every process.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from typing import Any

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.training.catalogue import Algorithm

#: Maxima of ``hpoResourceConfig`` (the HPOResourceConfig reference:
#: https://docs.aws.amazon.com/personalize/latest/dg/API_HPOResourceConfig.html).
MAX_TRAINING_JOBS = 40
MAX_PARALLEL_TRAINING_JOBS = 10
_RESOURCE_LIMITS = (
    ("maxNumberOfTrainingJobs", MAX_TRAINING_JOBS),
    ("maxParallelTrainingJobs", MAX_PARALLEL_TRAINING_JOBS),
)
_COUNT = re.compile(r"\d{1,9}")
#: Digits kept in a drawn continuous value.
_DIGITS = 6

INTEGER = "integerHyperParameterRanges"
CONTINUOUS = "continuousHyperParameterRanges"
CATEGORICAL = "categoricalHyperParameterRanges"

#: A range to search: ("integer", min, max), ("continuous", min, max) or ("categorical", values).
Range = tuple[str, Any, Any]


def _hpo(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    hpo: Mapping[str, Any] = (config or {}).get("hpoConfig") or {}
    return hpo


def check_hpo_config(config: Mapping[str, Any] | None) -> None:
    """Refuse (``InvalidInputException``) an ``hpoConfig`` no HPO job could run with.

    ``hpoResourceConfig`` counts are the model's strings: whole numbers from 1 to their
    documented maximum (40 training jobs, 10 in parallel). Each range names one
    hyperparameter that is neither ranged twice nor fixed in ``algorithmHyperParameters``;
    numeric ranges need ``minValue`` ≤ ``maxValue`` (finite), categorical ones a value.
    """
    hpo = _hpo(config)
    resources: Mapping[str, Any] = hpo.get("hpoResourceConfig") or {}
    for key, limit in _RESOURCE_LIMITS:
        value = resources.get(key)
        if value is None:
            continue
        count = int(value) if _COUNT.fullmatch(value) else 0
        if not 1 <= count <= limit:
            raise InvalidInputException(
                f"hpoConfig.hpoResourceConfig.{key} {value!r} is not valid: "
                f"use a whole number from 1 to {limit}."
            )
    user_ranges(config)


def user_ranges(config: Mapping[str, Any] | None) -> dict[str, Range]:
    """The caller's ranges by hyperparameter name, checked as :func:`check_hpo_config` says."""
    fixed: Mapping[str, str] = (config or {}).get("algorithmHyperParameters") or {}
    ranges: Mapping[str, Any] = _hpo(config).get("algorithmHyperParameterRanges") or {}
    found: dict[str, Range] = {}
    for key in (INTEGER, CONTINUOUS, CATEGORICAL):
        for entry in ranges.get(key) or ():
            name = entry.get("name")
            where = f"hpoConfig.algorithmHyperParameterRanges.{key}"
            if not name:
                raise InvalidInputException(f"Every range of {where} needs a name.")
            if name in found:
                raise InvalidInputException(f"Hyperparameter {name!r} has more than one range in hpoConfig.")
            if name in fixed:
                raise InvalidInputException(
                    f"Hyperparameter {name!r} is both fixed in algorithmHyperParameters and given a range "
                    "in hpoConfig; give one or the other."
                )
            found[name] = _checked(key, name, entry)
    return found


def _checked(key: str, name: str, entry: Mapping[str, Any]) -> Range:
    if key == CATEGORICAL:
        values = tuple(entry.get("values") or ())
        if not values:
            raise InvalidInputException(f"The categorical range of hyperparameter {name!r} lists no values.")
        return ("categorical", values, None)
    low, high = entry.get("minValue"), entry.get("maxValue")
    if low is None or high is None:
        raise InvalidInputException(f"The range of hyperparameter {name!r} needs minValue and maxValue.")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InvalidInputException(
            f"The range of hyperparameter {name!r} needs finite minValue and maxValue."
        )
    if low > high:
        raise InvalidInputException(
            f"The range of hyperparameter {name!r} is not valid: minValue {low} exceeds maxValue {high}."
        )
    return ("integer" if key == INTEGER else "continuous", low, high)


def default_ranges(algorithm: Algorithm) -> dict[str, Range]:
    """The algorithm's tunable default ranges (``isTunable``), by name."""
    found: dict[str, Range] = {}
    for integer in algorithm.integer_ranges:
        if integer.is_tunable:
            found[integer.name] = ("integer", integer.min_value, integer.max_value)
    for continuous in algorithm.continuous_ranges:
        if continuous.is_tunable:
            found[continuous.name] = ("continuous", continuous.min_value, continuous.max_value)
    for categorical in algorithm.categorical_ranges:
        if categorical.is_tunable:
            found[categorical.name] = ("categorical", categorical.values, None)
    return found


def _unit(seed: str, name: str) -> float:
    digest = hashlib.blake2b(f"hpo\x1f{seed}\x1f{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def _draw(searched: Range, u: float) -> str:
    kind, low, high = searched
    if kind == "categorical":
        values: tuple[str, ...] = low
        return str(values[min(len(values) - 1, int(u * len(values)))])
    if kind == "integer":
        return str(min(high, low + int(u * (high - low + 1))))
    value = min(float(high), max(float(low), round(low + u * (high - low), _DIGITS)))
    return repr(value)


def tuned_hyperparameters(
    algorithm: Algorithm, config: Mapping[str, Any] | None, seed: str, *, automl: bool = False
) -> dict[str, str]:
    """What HPO reports for a version: every hyperparameter, fixed ones kept, tuned ones drawn.

    Tuned are the caller's ranges plus the algorithm's tunable hyperparameters that the caller
    neither fixed nor ranged. With AutoML only ``autoMLConfig`` is evaluated (CreateSolution
    docs), so the caller's fixed values and ranges are ignored and the defaults are tuned.
    ``seed`` (the version ARN) makes the draws. Names are in sorted order.
    """
    chosen = dict(algorithm.hyper_parameters)
    searched = default_ranges(algorithm)
    if not automl:
        fixed: Mapping[str, str] = (config or {}).get("algorithmHyperParameters") or {}
        chosen.update(fixed)
        for name in fixed:
            searched.pop(name, None)
        searched.update(user_ranges(config))
    for name, searched_range in searched.items():
        chosen[name] = _draw(searched_range, _unit(seed, name))
    return dict(sorted(chosen.items()))
