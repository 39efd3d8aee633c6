"""Filter expressions: a tokenizer and parser for the language of CreateFilter.

The grammar covers every element and example of the developer guide's filter pages
("Filter expression structure and elements", the item, user segment and action example
pages, "Combining multiple expressions", promotion filters)::

    expression     := clause ("|" clause)*
    clause         := ("INCLUDE" | "EXCLUDE") target "WHERE" condition (("AND" | "OR") condition)*
                      ["IF" user_condition ("AND" user_condition)*]     (ItemID and ActionID only)
    target         := "ItemID" | "UserID" | "ActionID"
    condition      := dataset "." COLUMN predicate
    user_condition := "CurrentUser" "." COLUMN predicate                (no references)
    predicate      := ("IN" | "NOT IN") ("(" values ")" | reference)
                    | ("=" | "!=" | "<" | ">" | "<=" | ">=") (value | "(" value ")")
    values         := value ("," value)*     (a $placeholder or reference stands alone)
    value          := "string" | number | $PLACEHOLDER | reference
    reference      := "CurrentItem" "." COLUMN                          (ItemID WHERE only)
    dataset        := "Items" | "Interactions" | "Users" | "Actions" | "Action_Interactions"

The four orderings need a number (or a placeholder or reference); ``=`` and ``!=`` also take
strings. ``Action`` is read as ``Actions``: the guide's action example page prints
``Action.MEMBERSHIP_LEVEL``. ``CurrentUser`` appears only in IF conditions ("in only an IF
condition", filter expression elements), ``CurrentItem`` only as a value of an ItemID filter,
in brackets or not (``Items.GENRE IN CurrentItem.GENRE`` is the guide's own example).

e.g. ``EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")``,
``INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE``,
``INCLUDE ActionID WHERE Actions.VALUE > ($VALUE)``,
``EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE``,
``INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")``.

:func:`parse` returns a :class:`FilterExpression` (clauses → OR-groups of AND-ed
conditions) that the runtime applies to recommendations; anything else raises
``InvalidInputException`` with the position of the problem. Keywords, targets and dataset
names are accepted in any case and normalised; column names keep the case given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from personalize_mock.errors import InvalidInputException

INCLUDE = "INCLUDE"
EXCLUDE = "EXCLUDE"
ITEM_ID = "ItemID"
USER_ID = "UserID"
ACTION_ID = "ActionID"

ITEMS = "Items"
INTERACTIONS = "Interactions"
USERS = "Users"
ACTIONS = "Actions"
ACTION_INTERACTIONS = "Action_Interactions"
CURRENT_ITEM = "CurrentItem"
CURRENT_USER = "CurrentUser"

IN = "IN"
NOT_IN = "NOT IN"
NOT_EQUAL = "!="
#: Operators that compare one value; the last four need a number (or a placeholder).
COMPARISONS = ("=", NOT_EQUAL, "<", ">", "<=", ">=")
ORDERINGS = frozenset({"<", ">", "<=", ">="})

_TARGETS = {name.lower(): name for name in (ITEM_ID, USER_ID, ACTION_ID)}
_DATASETS = {name.lower(): name for name in (ITEMS, INTERACTIONS, USERS, ACTIONS, ACTION_INTERACTIONS)}
# The action example page of the guide writes ``Action.MEMBERSHIP_LEVEL`` for the Actions
# dataset (https://docs.aws.amazon.com/personalize/latest/dg/action-recommendation-filter-examples.html).
_DATASETS["action"] = ACTIONS
_KEYWORDS = frozenset({"INCLUDE", "EXCLUDE", "WHERE", "AND", "OR", "NOT", "IN", "IF"})
_REFERENCES = {name.lower(): name for name in (CURRENT_ITEM, CURRENT_USER)}
#: Targets whose clauses may end in ``IF CurrentUser…`` (item and action recommendations are
#: asked for a user; user segments are not).
_IF_TARGETS = frozenset({ITEM_ID, ACTION_ID})
#: Datasets a clause of each target may filter on. Item and action filters reach user
#: metadata only through ``IF CurrentUser.…``; user filters (batch segments) use Users and
#: Interactions.
ALLOWED_DATASETS = {
    ITEM_ID: frozenset({ITEMS, INTERACTIONS}),
    USER_ID: frozenset({USERS, INTERACTIONS}),
    ACTION_ID: frozenset({ACTIONS, ACTION_INTERACTIONS}),
}
#: The dataset type (as in CreateDataset, upper case) behind each name used in expressions.
DATASET_TYPES = {
    ITEMS: "ITEMS",
    INTERACTIONS: "INTERACTIONS",
    USERS: "USERS",
    ACTIONS: "ACTIONS",
    ACTION_INTERACTIONS: "ACTION_INTERACTIONS",
    CURRENT_ITEM: "ITEMS",
    CURRENT_USER: "USERS",
}

Value = str | float


@dataclass(frozen=True, slots=True)
class Reference:
    """A value read from the request's item: ``CurrentItem.GENRE`` (related items requests).

    ``CurrentUser`` is never a value: the guide allows it only on the left of an IF condition.
    """

    source: str
    column: str


@dataclass(frozen=True, slots=True)
class Condition:
    """``<dataset>.<column> <operator> <values>``.

    Exactly one of ``values`` (literals: strings, or floats for numbers), ``placeholder``
    (the name after ``$``, whose values come from ``filterValues`` at request time) and
    ``reference`` is given.
    """

    dataset: str
    column: str
    operator: str
    values: tuple[Value, ...] = ()
    placeholder: str | None = None
    reference: Reference | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """One ``INCLUDE``/``EXCLUDE`` clause.

    ``groups`` is the WHERE part in disjunctive form: the clause matches when every condition
    of at least one group holds (AND binds tighter than OR). ``when`` are the ``IF
    CurrentUser…`` conditions; the clause applies only when all of them hold.
    """

    action: str
    target: str
    groups: tuple[tuple[Condition, ...], ...]
    when: tuple[Condition, ...] = ()

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """Every WHERE condition, in the order written."""
        return tuple(condition for group in self.groups for condition in group)


@dataclass(frozen=True, slots=True)
class FilterExpression:
    """A parsed filter expression: its clauses, applied one after the other."""

    clauses: tuple[Clause, ...]

    @property
    def target(self) -> str:
        """What the filter selects: ``ItemID``, ``UserID`` or ``ActionID``."""
        return self.clauses[0].target

    @property
    def placeholders(self) -> tuple[str, ...]:
        """Placeholder names (without ``$``) in order of first use."""
        names: dict[str, None] = {}
        for condition in self.all_conditions():
            if condition.placeholder is not None:
                names.setdefault(condition.placeholder, None)
        return tuple(names)

    def all_conditions(self) -> Iterator[Condition]:
        """Every condition of every clause: the WHERE ones, then the IF ones."""
        for clause in self.clauses:
            yield from clause.conditions
            yield from clause.when

    def columns(self) -> set[tuple[str, str]]:
        """(dataset type, column) pairs the expression reads, for checks against schemas."""
        found: set[tuple[str, str]] = set()
        for condition in self.all_conditions():
            found.add((DATASET_TYPES[condition.dataset], condition.column))
            if condition.reference is not None:
                found.add((DATASET_TYPES[condition.reference.source], condition.reference.column))
        return found


# --------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "string", "number", "placeholder", "name", "op", "punct", "end"
    text: str
    position: int


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<placeholder>\$[A-Za-z_][A-Za-z0-9_]*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|!=|<|>|=)
  | (?P<punct>[(),.|])
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token; raises on a stray character."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            char = text[position]
            hint = " (strings are written in double quotes)" if char == "'" else ""
            raise _error(f"unexpected character {char!r}{hint}", position)
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append(Token(kind, match.group(), position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _error(detail: str, position: int) -> InvalidInputException:
    return InvalidInputException(f"Invalid filter expression: {detail} at position {position}.")


# --------------------------------------------------------------------------------------------
# Parser


def parse(text: str) -> FilterExpression:
    """Parse ``text``; ``InvalidInputException`` with the offending position if it is invalid."""
    return _Parser(tokenize(text)).expression()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        # Every caller checks the token's kind first, so the end token is never consumed.
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, expected: str) -> InvalidInputException:
        token = self.token
        found = "the end of the expression" if token.kind == "end" else repr(token.text)
        return _error(f"expected {expected} but found {found}", token.position)

    def keyword(self, word: str) -> bool:
        """Consume the keyword ``word`` (any case) if it is next."""
        if self.token.kind == "name" and self.token.text.upper() == word:
            self.advance()
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            raise self.fail(word)

    def punct(self, char: str) -> bool:
        if self.token.kind == "punct" and self.token.text == char:
            self.advance()
            return True
        return False

    def expect_punct(self, char: str) -> None:
        if not self.punct(char):
            raise self.fail(f"'{char}'")

    def column(self) -> str:
        if self.token.kind != "name" or self.token.text.upper() in _KEYWORDS:
            raise self.fail("a column name")
        return self.advance().text

    # -- grammar ------------------------------------------------------------------------------

    def expression(self) -> FilterExpression:
        clauses = [self.clause()]
        while self.punct("|"):
            clauses.append(self.clause())
        if self.token.kind != "end":
            raise self.fail("'|', AND, OR or the end of the expression")
        target = clauses[0].target
        for clause in clauses[1:]:
            if clause.target != target:
                raise _error(f"all clauses must filter the same thing; found {target} and {clause.target}", 0)
        return FilterExpression(tuple(clauses))

    def clause(self) -> Clause:
        if self.keyword(INCLUDE):
            action = INCLUDE
        elif self.keyword(EXCLUDE):
            action = EXCLUDE
        else:
            raise self.fail("INCLUDE or EXCLUDE")
        target = _TARGETS.get(self.token.text.lower()) if self.token.kind == "name" else None
        if target is None:
            raise self.fail("ItemID, UserID or ActionID")
        self.advance()
        self.expect_keyword("WHERE")
        groups: list[tuple[Condition, ...]] = []
        group = [self.condition(target)]
        while True:
            if self.keyword("AND"):
                group.append(self.condition(target))
            elif self.keyword("OR"):
                groups.append(tuple(group))
                group = [self.condition(target)]
            else:
                break
        groups.append(tuple(group))
        when: list[Condition] = []
        if self.keyword("IF"):
            if target not in _IF_TARGETS:
                raise _error(
                    "IF CurrentUser conditions are only allowed in ItemID and ActionID filters",
                    self.token.position,
                )
            when.append(self.user_condition(target))
            while self.keyword("AND"):
                when.append(self.user_condition(target))
        return Clause(action, target, tuple(groups), tuple(when))

    def condition(self, target: str) -> Condition:
        start = self.token
        dataset = _DATASETS.get(start.text.lower()) if start.kind == "name" else None
        if dataset is None:
            allowed = " or ".join(sorted(ALLOWED_DATASETS[target]))
            raise self.fail(f"a dataset ({allowed}) followed by '.' and a column")
        if dataset not in ALLOWED_DATASETS[target]:
            allowed = " or ".join(sorted(ALLOWED_DATASETS[target]))
            raise _error(f"{target} filters can only use {allowed} columns, not {dataset}", start.position)
        self.advance()
        self.expect_punct(".")
        column = self.column()
        return self.predicate(dataset, column, target)

    def user_condition(self, target: str) -> Condition:
        start = self.token
        if not (start.kind == "name" and start.text.lower() == CURRENT_USER.lower()):
            raise self.fail("CurrentUser.<column>")
        self.advance()
        self.expect_punct(".")
        column = self.column()
        return self.predicate(CURRENT_USER, column, target, allow_references=False)

    def predicate(
        self, dataset: str, column: str, target: str, *, allow_references: bool = True
    ) -> Condition:
        if self.keyword("NOT"):
            self.expect_keyword("IN")
            return self.membership(dataset, column, NOT_IN, target, allow_references)
        if self.keyword("IN"):
            return self.membership(dataset, column, IN, target, allow_references)
        if self.token.kind != "op":
            raise self.fail("IN, NOT IN, =, !=, <, >, <= or >=")
        operator = self.advance().text
        # The guide brackets a single compared value too: ``Actions.VALUE > ($VALUE)``.
        bracketed = self.punct("(")
        position = self.token.position
        literals, placeholder, reference = self.value(target, allow_references)
        if bracketed:
            self.expect_punct(")")
        if operator in ORDERINGS and literals and not isinstance(literals[0], float):
            raise _error(f"operator {operator} compares numbers; got a string", position)
        return Condition(dataset, column, operator, literals, placeholder, reference)

    def membership(
        self, dataset: str, column: str, operator: str, target: str, allow_references: bool
    ) -> Condition:
        if not self.punct("("):
            # ``Items.GENRE IN CurrentItem.GENRE``: a reference may stand without brackets
            # (item recommendation filter expression examples); nothing else may.
            if allow_references and self.at_reference():
                _, _, bare = self.value(target, allow_references)
                return Condition(dataset, column, operator, reference=bare)
            raise self.fail("'('")
        position = self.token.position
        values: list[Value] = []
        placeholder: str | None = None
        reference: Reference | None = None
        count = 0
        while True:
            literals, found_placeholder, found_reference = self.value(target, allow_references)
            values.extend(literals)
            placeholder = placeholder or found_placeholder
            reference = reference or found_reference
            count += 1
            if not self.punct(","):
                break
        self.expect_punct(")")
        if (placeholder is not None or reference is not None) and count > 1:
            raise _error(
                "a $placeholder or Current… reference must be the only value in an IN list", position
            )
        return Condition(dataset, column, operator, tuple(values), placeholder, reference)

    def at_reference(self) -> bool:
        """Whether the next token names ``CurrentItem`` or ``CurrentUser``."""
        return self.token.kind == "name" and self.token.text.lower() in _REFERENCES

    def value(
        self, target: str, allow_references: bool
    ) -> tuple[tuple[Value, ...], str | None, Reference | None]:
        token = self.token
        if token.kind == "string":
            self.advance()
            return (_unquote(token.text),), None, None
        if token.kind == "number":
            self.advance()
            return (float(token.text),), None, None
        if token.kind == "placeholder":
            self.advance()
            return (), token.text[1:], None
        if allow_references and self.at_reference():
            source = _REFERENCES[token.text.lower()]
            if source == CURRENT_USER:
                raise _error(
                    "CurrentUser can only be used in the IF condition at the end of a clause "
                    "(IF CurrentUser.<column> …)",
                    token.position,
                )
            if target != ITEM_ID:
                raise _error(f"{source} references are only allowed in ItemID filters", token.position)
            self.advance()
            self.expect_punct(".")
            return (), None, Reference(source, self.column())
        raise self.fail('a value ("string", number or $PLACEHOLDER)')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])
