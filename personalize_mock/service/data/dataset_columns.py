"""Checks that columns named by filter and metric expressions exist in the group's datasets.

A column is checked only when the dataset group has a dataset of that type (whose schema
then lists the columns); before the dataset exists anything is accepted.
"""

from __future__ import annotations

from collections.abc import Iterable

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.lifecycle import DELETING
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.datasets import datasets
from personalize_mock.service.data.schemas import schemas


def check_columns(
    backend: RegionBackend, group_arn: str, columns: Iterable[tuple[str, str]], now: float, what: str
) -> None:
    """``InvalidInputException`` for a (dataset type, column) whose dataset's schema lacks it.

    Column names are compared without regard to case. ``what`` names the expression in the
    message ("filter expression", "metric expression").
    """
    fields_by_type: dict[str, frozenset[str]] = {}
    for dataset in datasets(backend).live(now, group_arn):
        if dataset.status(now) in DELETING:
            continue
        # A dataset's schema exists while the dataset does: DeleteSchema refuses a schema in use.
        schema = schemas(backend).get(dataset.schema_arn(now), now)
        fields_by_type[dataset.dataset_type] = frozenset(field.upper() for field in schema.fields)
    for dataset_type, column in sorted(columns):
        fields = fields_by_type.get(dataset_type)
        if fields is not None and column.upper() not in fields:
            raise InvalidInputException(
                f"The {what} uses {column}, which is not a column of the {dataset_type} dataset of "
                f"dataset group {group_arn}."
            )
