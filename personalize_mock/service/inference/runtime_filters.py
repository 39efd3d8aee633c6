"""Filters at request time: bind a filter's placeholders to ``filterValues`` and test candidates.

The parsed expression (:mod:`personalize_mock.service.inference.filter_expressions`) is applied to the
data visible *now* — item, action and user metadata, the requesting user's interactions — not
to the data the model trained on, so an item bought a second ago is already excluded by
``EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")``.

Semantics, after the developer guide's filter pages:

* Clauses chained with ``|`` are first evaluated on their own; a candidate passes when it
  matches one of the INCLUDE clauses (if there are any) and none of the EXCLUDE clauses:
  ``Include A | Include B | Exclude C | Exclude D`` is ``(A or B) - (C or D)``, in any order
  ("Combining multiple expressions",
  https://docs.aws.amazon.com/personalize/latest/dg/multiple-expression-example.html).
  A clause whose ``IF CurrentUser…`` conditions fail is skipped.
* Within a clause AND binds tighter than OR.
* Categorical values (``a|b``) match when any of their parts does; a missing column matches
  nothing, so ``NOT IN`` and ``!=`` hold. On interactions, ``NOT IN`` / ``!=`` mean "no
  interaction of those types".
* ``IN`` / ``NOT IN`` match exact strings; ``=`` / ``!=`` compare as numbers when both sides
  read as numbers (``$AGE`` arrives as text), as exact strings otherwise; the orderings
  compare numbers only. Event types ignore case, and ``"*"`` stands for every event type
  ("Guidelines and requirements", "Filter expression structure and elements").
* A placeholder an ``EXCLUDE`` clause leaves without a value makes its condition false —
  "that portion of the expression is not used" (model documentation).

Binding is cached (:func:`bind_filter`): the checked values per filter and ``filterValues``,
and per data view the :class:`BoundFilter` itself, which remembers its verdict on each
candidate. A request walking a ranking to fill ``numResults`` then costs a dict lookup per
candidate once any request has tested it.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence

from personalize_mock.errors import InvalidInputException
from personalize_mock.service.core.lifecycle import ACTIVE
from personalize_mock.service.core.store import RegionBackend
from personalize_mock.service.data.data_views import DataView, Interaction, Row, number, text
from personalize_mock.service.inference.filter_expressions import (
    ACTION_ID,
    ACTION_INTERACTIONS,
    ACTIONS,
    CURRENT_USER,
    IN,
    INCLUDE,
    INTERACTIONS,
    ITEM_ID,
    ITEMS,
    NOT_EQUAL,
    NOT_IN,
    Clause,
    Condition,
    FilterExpression,
    Value,
)
from personalize_mock.service.inference.filters import Filter, get_filter
from personalize_mock.service.training.recommendation_engine import Scored

_ORDERINGS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
#: The operator each negation negates.
_NEGATED = {NOT_IN: IN, NOT_EQUAL: "="}
#: The column whose values ignore case and accept the ``"*"`` wildcard.
_EVENT_TYPE = "EVENT_TYPE"


def _action_event_type(value: str) -> str:
    # PutActionInteractions takes "Not Taken" where the guide's filter example writes
    # "NOT_TAKEN" (action recommendation filter expression examples); both name one type.
    return value.upper().replace(" ", "_")


#: How event types of each interactions dataset compare: without case.
_EVENT_TYPE_FOLDS: dict[str, Callable[[str], str]] = {
    INTERACTIONS: str.upper,
    ACTION_INTERACTIONS: _action_event_type,
}
#: Datasets whose conditions read the requesting user's own interactions or metadata.
_USER_DATASETS = frozenset({INTERACTIONS, ACTION_INTERACTIONS, CURRENT_USER})
#: Bindings kept per backend (a filter with one set of filterValues each) and bound filters
#: kept per binding.
_BINDINGS_KEPT = 256
_BOUND_KEPT = 1024
#: Selections kept per bound filter (one per ranking and numResults asked).
_FIRSTS_KEPT = 1024
_TARGET_NAMES = {ITEM_ID: "items", ACTION_ID: "actions"}


def parse_filter_values(raw: str, name: str) -> tuple[str, ...]:
    """The values of one ``filterValues`` entry: ``"\\"shoes\\",\\"boots\\""`` → (shoes, boots).

    Values are comma-separated and usually double-quoted (quotes may hold commas and ``\\"``);
    bare values (``10``) are accepted too.
    """
    values: list[str] = []
    index, size = 0, len(raw)
    while index <= size:
        while index < size and raw[index] == " ":
            index += 1
        if index < size and raw[index] == '"':
            index += 1
            chars: list[str] = []
            while index < size and raw[index] != '"':
                if raw[index] == "\\" and index + 1 < size:
                    index += 1
                chars.append(raw[index])
                index += 1
            if index >= size:
                raise InvalidInputException(f"filterValues {name}: unterminated quoted value in {raw!r}.")
            index += 1
            value = "".join(chars)
            while index < size and raw[index] == " ":
                index += 1
        else:
            end = raw.find(",", index)
            end = size if end < 0 else end
            value = raw[index:end].strip()
            index = end
        if index < size and raw[index] != ",":
            raise InvalidInputException(f"filterValues {name}: expected ',' between values in {raw!r}.")
        if value:
            values.append(value)
        index += 1
    if not values:
        raise InvalidInputException(f"filterValues {name} has no value.")
    return tuple(values)


class BoundFilter:
    """A filter ready to test candidates of one request."""

    def __init__(
        self,
        rules: FilterExpression,
        values: Mapping[str, tuple[str, ...]],
        view: DataView,
        *,
        user_id: str | None,
        current_item: str | None,
    ) -> None:
        self.rules = rules
        self.values = values
        self.actions = rules.target == ACTION_ID
        self.metadata = view.actions if self.actions else view.items
        self.users = view.users
        self.user_id = user_id
        self.current_item = current_item
        own: Sequence[Interaction] = ()
        if user_id:
            own = (view.actions_by_user if self.actions else view.by_user).get(user_id, ())
        self.own_by_target: dict[str, list[Row]] = {}
        for event in own:
            self.own_by_target.setdefault(event.target, []).append(event.row)
        self._current_item_row = view.items.get(current_item or "", {})
        self._user_row = self.users.get(user_id or "", {})
        # IF conditions depend on the user only: decide once per clause.
        self.applies = [
            all(self._holds(condition, "") for condition in clause.when) for clause in rules.clauses
        ]
        # Verdicts so far: everything a verdict reads is fixed for this object's lifetime.
        self._kept: dict[str, bool] = {}
        # Per ranking (by identity: the entry holds the ranking, so no other object can have
        # its id while the entry exists) and count: the entries that passed.
        self._firsts: dict[tuple[int, int], tuple[Iterable[Scored], tuple[Scored, ...]]] = {}

    def first(self, ranked: Iterable[Scored], count: int) -> tuple[Scored, ...]:
        """The first ``count`` entries of ``ranked`` that pass, best first.

        ``ranked`` is read only as far as needed; the answer is kept (a ranking never changes)
        and the same tuple is handed out again.
        """
        key = (id(ranked), count)
        known = self._firsts.get(key)
        if known is not None:
            return known[1]
        chosen: list[Scored] = []
        if count > 0:
            for entry in ranked:
                if self.keep(entry.item_id):
                    chosen.append(entry)
                    if len(chosen) >= count:
                        break
        if len(self._firsts) >= _FIRSTS_KEPT:
            self._firsts.clear()
        found = tuple(chosen)
        self._firsts[key] = (ranked, found)
        return found

    def keep(self, target: str) -> bool:
        """Whether ``target`` (an item or action id) passes the filter.

        It must match one of the applicable INCLUDE clauses, if there is one, and none of the
        applicable EXCLUDE clauses.
        """
        found = self._kept.get(target)
        if found is None:
            found = self._kept[target] = self._decide(target)
        return found

    def _decide(self, target: str) -> bool:
        has_include = included = False
        for clause, applies in zip(self.rules.clauses, self.applies, strict=True):
            if not applies:
                continue
            if clause.action == INCLUDE:
                has_include = True
                # One matching INCLUDE clause is enough: skip the others.
                included = included or self._matches(clause, target)
            elif self._matches(clause, target):
                return False
        return included or not has_include

    # -- conditions --------------------------------------------------------------------------

    def _matches(self, clause: Clause, target: str) -> bool:
        return any(all(self._holds(c, target) for c in group) for group in clause.groups)

    def _operands(self, condition: Condition) -> Sequence[Value] | None:
        if condition.placeholder is not None:
            return self.values.get(condition.placeholder)
        reference = condition.reference
        if reference is not None:
            # The parser allows only CurrentItem references.
            return _cells(self._current_item_row, reference.column)
        return condition.values

    def _holds(self, condition: Condition, target: str) -> bool:
        operands = self._operands(condition)
        if operands is None:
            return False
        dataset = condition.dataset
        if dataset in (ITEMS, ACTIONS):
            return _compare(
                condition.operator, _cells(self.metadata.get(target, {}), condition.column), operands
            )
        if dataset == CURRENT_USER:
            return _compare(condition.operator, _cells(self._user_row, condition.column), operands)
        rows = self.own_by_target.get(target, ())
        fold = _EVENT_TYPE_FOLDS[dataset] if condition.column.upper() == _EVENT_TYPE else None
        negated = _NEGATED.get(condition.operator)
        if negated is not None:
            # "Interactions.EVENT_TYPE NOT IN (...)": no interaction of those types.
            return not any(_compare(negated, _cells(row, condition.column), operands, fold) for row in rows)
        return any(
            _compare(condition.operator, _cells(row, condition.column), operands, fold) for row in rows
        )


def _cells(row: Row, column: str) -> list[str]:
    value = row.get(column.upper())
    if value is None or value == "":
        return []
    return text(value).split("|")


def _equal(cell: str, operand: Value, *, numeric: bool, fold: Callable[[str], str] | None) -> bool:
    if isinstance(operand, float):
        return number(cell) == operand
    if fold is not None:
        return operand == "*" or fold(cell) == fold(operand)
    if numeric:
        left, right = number(cell), number(operand)
        if left is not None and right is not None:
            return left == right
    return cell == operand


def _compare(
    op: str, cells: Sequence[str], operands: Sequence[Value], fold: Callable[[str], str] | None = None
) -> bool:
    """Whether ``cells`` (one value's parts) satisfy ``op`` against ``operands``.

    ``fold``: the cells are event types, equal when ``fold`` makes them equal; ``"*"``
    matches every one.
    """
    if op in _NEGATED:
        return not _compare(_NEGATED[op], cells, operands, fold)
    if op == IN or op == "=":
        numeric = op == "="
        return any(
            _equal(cell, operand, numeric=numeric, fold=fold) for cell in cells for operand in operands
        )
    compare = _ORDERINGS[op]
    for cell in cells:
        left = number(cell)
        if left is None:
            continue
        for operand in operands:
            right = number(operand)
            if right is not None and compare(left, right):
                return True
    return False


class _Binding:
    """A filter with checked ``filterValues``: what binding it to a request needs, kept."""

    __slots__ = ("bound", "filter", "needs_user", "reads_item", "values", "view")

    def __init__(self, item: Filter, values: Mapping[str, tuple[str, ...]]) -> None:
        self.filter = item
        self.values = values
        conditions = list(item.rules.all_conditions())
        # What a verdict reads beyond item metadata: the user's data, the request's item.
        self.needs_user = any(condition.dataset in _USER_DATASETS for condition in conditions)
        self.reads_item = any(condition.reference is not None for condition in conditions)
        self.view: DataView | None = None
        self.bound: dict[tuple[str | None, str | None], BoundFilter] = {}

    def bind(self, view: DataView, user_id: str | None, current_item: str | None) -> BoundFilter:
        """The filter bound for a request on ``view``, shared by requests that read the same data.

        A filter that reads neither the user's data nor the request's item is bound once per
        view, whoever asks.
        """
        if view is not self.view:
            # Another view: the data may differ, so verdicts start over.
            self.view, self.bound = view, {}
        key = (user_id if self.needs_user else None, current_item if self.reads_item else None)
        found = self.bound.get(key)
        if found is None:
            if len(self.bound) >= _BOUND_KEPT:
                self.bound.clear()
            found = self.bound[key] = BoundFilter(
                self.filter.rules, self.values, view, user_id=key[0], current_item=key[1]
            )
        return found


# Per backend (weakly, so a reset mock frees them): (filter ARN, filterValues) -> binding.
_BINDINGS: weakref.WeakKeyDictionary[
    RegionBackend, dict[tuple[str, tuple[tuple[str, str], ...]], _Binding]
] = weakref.WeakKeyDictionary()


def bind_filter(
    backend: RegionBackend,
    arn: str,
    filter_values: Mapping[str, str] | None,
    *,
    group_arn: str,
    target: str,
    view: DataView,
    user_id: str | None,
    current_item: str | None,
    now: float,
    what: str = "filterArn",
) -> BoundFilter:
    """The filter ``arn`` bound to ``filter_values`` for one request.

    ``ResourceNotFoundException`` when it does not exist; ``InvalidInputException`` when it
    is not ACTIVE, belongs to another dataset group, filters something other than
    ``target``, lacks a value an INCLUDE clause needs, or needs a user and none was given.
    """
    item: Filter = get_filter(backend, arn, now)
    status = item.status(now)
    if status != ACTIVE:
        # Choice (docs/choices.md): a filter that exists but is not ACTIVE is InvalidInputException.
        raise InvalidInputException(f"Filter {arn} is in {status} state; only an ACTIVE filter can be used.")
    if item.dataset_group_arn != group_arn:
        raise InvalidInputException(
            f"Filter {arn} belongs to dataset group {item.dataset_group_arn}, not to {group_arn}."
        )
    rules = item.rules
    if rules.target != target:
        raise InvalidInputException(
            f"Filter {arn} filters {rules.target}; this request recommends {_TARGET_NAMES[target]} "
            f"and needs a filter of {target}."
        )
    bindings = _BINDINGS.setdefault(backend, {})
    key = (arn, tuple(sorted(filter_values.items())) if filter_values else ())
    binding = bindings.get(key)
    if binding is None or binding.filter is not item:
        # Values that were refused are not kept: they are checked (and refused) again.
        binding = _Binding(item, _checked_values(arn, rules, dict(filter_values or {})))
        if len(bindings) >= _BINDINGS_KEPT:
            bindings.clear()
        bindings[key] = binding
    if binding.needs_user and not user_id:
        raise InvalidInputException(f"Filter {arn} ({what}) uses the user's data; provide a userId.")
    return binding.bind(view, user_id, current_item)


def _checked_values(
    arn: str, rules: FilterExpression, given: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """The parsed ``filterValues`` of a request, refused unless they fit the filter's placeholders."""
    known = set(rules.placeholders)
    for name in sorted(set(given) - known):
        # Choice (docs/choices.md): a key that is no placeholder of the filter is refused.
        raise InvalidInputException(
            f"filterValues has {name}, which is not a placeholder of filter {arn} "
            f"(placeholders: {', '.join(sorted(known)) or 'none'})."
        )
    values = {name: parse_filter_values(raw, name) for name, raw in given.items()}
    for clause in rules.clauses:
        if clause.action != INCLUDE:
            continue
        for condition in (*clause.conditions, *clause.when):
            wanted = condition.placeholder
            if wanted is not None and wanted not in values:
                raise InvalidInputException(
                    f"Filter {arn} needs a value for ${wanted}: provide it in filterValues "
                    "(INCLUDE expressions need every placeholder)."
                )
    return values
