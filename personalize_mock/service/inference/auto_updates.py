"""Automatic updates: campaigns of some recipes pick up new items every two hours.

Nothing runs in the background: the update in force is derived from the simulated clock when
a request (or a batch inference job) asks which model a version serves.
"""

from __future__ import annotations

import dataclasses
import math
import weakref

from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_views import counting_batches, same_batches
from personalize_mock.service.training.recommendation_engine import Training

#: Recipes whose versions the service updates by itself every two hours, for new items or actions:
#: "With User-Personalization-v2, User-Personalization, or Next-Best-Action, Amazon Personalize
#: automatically updates your latest solution version every two hours to include new items or
#: actions in recommendations. Your campaign automatically uses the updated solution version."
#: (https://docs.aws.amazon.com/personalize/latest/dg/update-campaigns.html)
AUTO_UPDATE_RECIPES = frozenset(
    {"aws-user-personalization", "aws-user-personalization-v2", "aws-next-best-action"}
)
AUTO_UPDATE_INTERVAL = 2 * 3600.0
#: Per backend: (version's model key, update time) -> the training a campaign serves then.
_UPDATES: weakref.WeakKeyDictionary[RegionBackend, dict[tuple[str, float], Training]] = (
    weakref.WeakKeyDictionary()
)
_UPDATES_KEPT = 4096


def auto_updated(backend: RegionBackend, training: Training, now: float) -> Training:
    """The training a campaign of an auto-updating recipe serves at ``now``.

    Choice (docs/choices.md): updates happen every two hours from the start of the version's
    training, strictly before ``now``; an update learns from the data visible at its time
    (new items, and the interactions that came with them). An update that finds the same data
    as the version's training is the version's own model (nothing is learned again). The data
    visible at a past time never changes, so the answer is kept per version and update time.
    """
    ticks = math.ceil((now - training.at) / AUTO_UPDATE_INTERVAL) - 1
    if ticks < 1:
        return training
    at = training.at + ticks * AUTO_UPDATE_INTERVAL
    kept = _UPDATES.setdefault(backend, {})
    key = (training.key, at)
    found = kept.get(key)
    if found is None:
        trained = counting_batches(backend, training.group_arn, training.at)
        if same_batches(trained, counting_batches(backend, training.group_arn, at)):
            found = training
        else:
            found = dataclasses.replace(training, key=f"{training.key}@update:{at!r}", at=at)
        if len(kept) >= _UPDATES_KEPT:
            kept.clear()
        kept[key] = found
    return found


def updated_training(backend: RegionBackend, training: Training, recipe_name: str, now: float) -> Training:
    """What a version of ``recipe_name`` trained as ``training`` serves at ``now``: its latest
    automatic update for the recipes that have them, else its own training."""
    if recipe_name not in AUTO_UPDATE_RECIPES:
        return training
    return auto_updated(backend, training, now)
