"""Metric expressions of metric attributions: which dataset column a metric adds up.

In the data family because the answer is a dataset column: DeleteDataset needs it to know
which datasets a metric attribution references, and metric attributions (the events family,
above data) need it to check their metrics.
"""

from __future__ import annotations

import re

from personalize_mock.errors import InvalidInputException

_SUM = re.compile(
    r"\s*SUM\s*\(\s*(ITEMS|INTERACTIONS)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", re.IGNORECASE
)
_SAMPLECOUNT = re.compile(r"\s*SAMPLECOUNT\s*\(\s*\)\s*", re.IGNORECASE)


def expression_column(expression: str) -> tuple[str, str] | None:
    """(dataset type, column) that a ``SUM(…)`` expression adds up; ``None`` for SAMPLECOUNT().

    ``InvalidInputException`` for anything else.
    """
    match = _SUM.fullmatch(expression)
    if match is not None:
        return match.group(1).upper(), match.group(2)
    if _SAMPLECOUNT.fullmatch(expression):
        return None
    raise InvalidInputException(
        f"Invalid metric expression {expression!r}: use SUM(Items.<COLUMN>), "
        "SUM(Interactions.<COLUMN>) or SAMPLECOUNT()."
    )
