# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""LoopBack 3's ``filter`` and ``where``, compiled to Odoo domains.

A filter arrives in either of two encodings of the same object: bracket
notation as the ``qs`` library parses it
(``?filter[where][type][inq][0]=bank&filter[limit]=5``) or one JSON value
(``?filter={"where": {"type": {"inq": ["bank"]}}, "limit": 5}``).

Only the properties a resource declares can be filtered or ordered on, and
only with LoopBack's operators; everything becomes an ORM domain, so record
rules still apply and no request text ever reaches SQL. Anything else is a
``FilterError`` (400).

Two choices where LoopBack depends on its database (Space Invoices runs on
MongoDB):

- ``like``, ``nlike``, ``ilike``, ``nilike`` and ``regexp`` take regular
  expressions, as on MongoDB, from the subset that SQL ``LIKE`` can express:
  literal characters (``\\`` escapes one), ``.``, ``.*``, ``.+``, and ``^``/``$``
  anchors. Without anchors the pattern matches anywhere. Character classes,
  groups, alternation and other quantifiers are refused with a 400.
- A payment ``date`` is the instant at midnight UTC of that day, and
  timestamps are compared at the millisecond precision they are rendered
  with, so that a value copied from a response matches it.
"""

import datetime
import re
from dataclasses import dataclass

from ...exceptions import FilterError
from . import values
from .querystring import ARRAY_LIMIT, MAX_DEPTH

MAX_CONDITIONS = 100  # conditions in one where, inq/nin items included
MAX_ORDER_TERMS = 20
MAX_LIMIT = 100  # Space Invoices returns at most 100 rows per find
FILTER_KEYS = {
    "where",
    "fields",
    "order",
    "limit",
    "skip",
    "offset",
    "include",
    "deleted",
}
NEGATIONS = {"neq": "eq", "nin": "inq", "nlike": "like", "nilike": "ilike"}
COMPARISONS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
PATTERN_OPERATORS = {"like", "nlike", "ilike", "nilike", "regexp"}
OPERATORS = {"eq", "inq", "between", *NEGATIONS, *COMPARISONS, *PATTERN_OPERATORS}
# `options` next to a pattern operator: "i" for case-insensitive.
PATTERN_OPTIONS = ("i", "")
REGEXP_FLAGS = {"i", "g"}  # of a `/pattern/flags` regexp; `g` changes nothing
# The directions of an `order` term (case-insensitive); none is ascending.
ORDER_DIRECTIONS = {"": "asc", "asc": "asc", "desc": "desc", "1": "asc", "-1": "desc"}
MILLISECOND = datetime.timedelta(milliseconds=1)
TRUE_DOMAIN = []
FALSE_DOMAIN = [("id", "=", 0)]


@dataclass(frozen=True)
class Property:
    """A filterable property: its ORM field and how its values are typed.

    ``kind`` is one of "id" (a uuid), "string", "number", "date" (a payment
    date) or "datetime" (a timestamp). ``relation`` names an x2many field
    whose records carry ``field`` (with ``relation_domain`` restricting them).
    """

    field: str
    kind: str
    relation: str = None
    relation_domain: tuple = ()
    orderable: bool = True
    order: str = None  # the ORM order for this property, if not ``field``


@dataclass
class Query:
    """A compiled filter: what to search, in which order, and what to show."""

    domain: list
    order: str
    limit: int = MAX_LIMIT
    offset: int = 0
    fields: tuple = None  # API keys to keep; None = all
    include: tuple = ()
    deleted: bool = False
    excluded: tuple = ()  # API keys to drop


class Schema:
    """The filterable and renderable surface of one resource."""

    def __init__(self, properties, keys, relations, default_order):
        self.properties = properties  # API name → Property
        self.keys = keys  # every key a rendered object may have (for `fields`)
        self.relations = relations  # names `include` accepts
        self.default_order = default_order

    # --- filter -------------------------------------------------------------------

    def compile_filter(self, value):
        value = {} if value is None else value
        if not isinstance(value, dict):
            raise FilterError("`filter` must be an object.", "filter")
        unknown = set(value) - FILTER_KEYS
        if unknown:
            raise FilterError(
                f"Unknown filter key `{sorted(unknown)[0]}`; use one of "
                f"{', '.join(sorted(FILTER_KEYS))}.",
                f"filter.{sorted(unknown)[0]}",
            )
        fields, excluded = self._fields(value.get("fields"))
        deleted = values.boolean(value.get("deleted", False), "filter.deleted")
        skip = value.get("skip", value.get("offset"))
        return Query(
            domain=self.compile_where(value.get("where")),
            order=self._order(value.get("order")),
            limit=min(
                values.natural(value.get("limit"), "filter.limit") or MAX_LIMIT,
                MAX_LIMIT,
            ),
            offset=values.natural(skip, "filter.skip") or 0,
            fields=fields,
            excluded=excluded,
            include=self._include(value.get("include")),
            deleted=deleted,
        )

    def _fields(self, value):
        """(keys to keep or None, keys to drop) of LoopBack's ``fields``."""
        if value is None:
            return None, ()
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            if not all(isinstance(name, str) for name in value):
                raise FilterError("`fields` items must be strings.", "filter.fields")
            value = {name: True for name in value}
        if not isinstance(value, dict):
            raise FilterError(
                "`fields` must be an object or an array.", "filter.fields"
            )
        flags = {}
        for name, flag in value.items():
            if name not in self.keys:
                raise FilterError(
                    f"Unknown property `{name}` in `fields`.", "filter.fields"
                )
            flags[name] = values.boolean(flag, f"filter.fields.{name}")
        kept = tuple(name for name in self.keys if flags.get(name))
        if kept:
            return kept, ()
        return None, tuple(name for name, flag in flags.items() if not flag)

    def _include(self, value):
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            value = [value]
        elif isinstance(value, dict):
            if "relation" in value:
                if value.get("scope"):
                    raise FilterError(
                        "Scoped includes are not supported.", "filter.include"
                    )
                value = [value["relation"]]
            elif any(
                nested not in (None, "", True, {}, []) for nested in value.values()
            ):
                raise FilterError(
                    "Nested includes are not supported.", "filter.include"
                )
            else:
                value = list(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FilterError("`include` must name relations.", "filter.include")
        for name in value:
            if name not in self.relations:
                raise FilterError(
                    f"Unknown relation `{name}`; use one of "
                    f"{', '.join(self.relations)}.",
                    "filter.include",
                )
        return tuple(dict.fromkeys(value))

    def _order(self, value):
        """An ORM order from "prop ASC", ["prop DESC", …] or {prop: "DESC"}."""
        if value is None or value == "" or value == []:
            return self.default_order
        if isinstance(value, str):
            value = [part for part in value.split(",") if part.strip()]
        if isinstance(value, dict):
            value = [f"{name} {direction}" for name, direction in value.items()]
        if not isinstance(value, list):
            raise FilterError(
                "`order` must be a string, an array or an object.", "filter.order"
            )
        if len(value) > MAX_ORDER_TERMS:
            raise FilterError(
                f"`order` takes at most {MAX_ORDER_TERMS} terms.", "filter.order"
            )
        terms = []
        for item in value:
            if not isinstance(item, str):
                raise FilterError("`order` items must be strings.", "filter.order")
            name, _sep, direction = item.strip().partition(" ")
            direction = ORDER_DIRECTIONS.get(direction.strip().lower())
            prop = self.properties.get(name)
            if not prop or not prop.orderable:
                raise FilterError(f"Cannot order by `{name}`.", "filter.order")
            if not direction:
                raise FilterError(
                    f"`{item}`: the direction must be ASC or DESC.", "filter.order"
                )
            terms.append(f"{prop.order or prop.field} {direction}")
        return ", ".join([*terms, "id asc"])

    # --- where --------------------------------------------------------------------

    def compile_where(self, where):
        """An Odoo domain for a LoopBack ``where`` object."""
        if where is None:
            return TRUE_DOMAIN
        counter = [0]
        return self._where(where, "where", 1, counter)

    def _where(self, where, path, depth, counter):
        if depth > MAX_DEPTH:
            raise FilterError("The where clause is nested too deeply.", path)
        if not isinstance(where, dict):
            raise FilterError(f"`{path}` must be an object.", path)
        parts = []
        for key, value in where.items():
            if key in ("and", "or"):
                parts.append(
                    self._junction(key, value, f"{path}.{key}", depth, counter)
                )
            elif key in self.properties:
                parts.append(self._condition(key, value, f"{path}.{key}", counter))
            else:
                raise FilterError(f"Unknown property `{key}`.", f"{path}.{key}")
        return _combine("&", parts)

    def _junction(self, key, value, path, depth, counter):
        if isinstance(value, dict):  # bracket indexes above 20 stay object keys
            raise FilterError(f"`{key}` takes at most {ARRAY_LIMIT + 1} items.", path)
        if not isinstance(value, list) or not value:
            raise FilterError(f"`{key}` must be a non-empty array.", path)
        return _combine(
            "&" if key == "and" else "|",
            [
                self._where(item, f"{path}[{index}]", depth + 1, counter)
                for index, item in enumerate(value)
            ],
        )

    def _condition(self, name, value, path, counter):
        prop = self.properties[name]
        operators = value if isinstance(value, dict) else {"eq": value}
        if not operators:
            raise FilterError(f"`{path}` needs an operator.", path)
        options = operators.get("options")
        operators = {op: v for op, v in operators.items() if op != "options"}
        if options is not None:
            if options not in PATTERN_OPTIONS or not PATTERN_OPERATORS & set(operators):
                raise FilterError(
                    '`options` is "i", next to like, nlike or regexp.',
                    f"{path}.options",
                )
        parts = []
        for operator, operand in operators.items():
            # Each item of an inq/nin list is one more condition.
            items = operand if isinstance(operand, list) else [operand]
            counter[0] += max(len(items), 1) if operator in ("inq", "nin") else 1
            if counter[0] > MAX_CONDITIONS:
                raise FilterError(
                    f"At most {MAX_CONDITIONS} conditions (each item of an "
                    "inq or nin list counts as one).",
                    path,
                )
            if operator not in OPERATORS:
                raise FilterError(
                    f"Unknown operator `{operator}`.", f"{path}.{operator}"
                )
            parts.append(
                _Condition(prop, f"{path}.{operator}").domain(
                    operator, operand, insensitive=options == "i"
                )
            )
        return _combine("&", parts)


def _combine(operator, domains):
    """One prefix-notation domain joining ``domains`` with ``&`` or ``|``."""
    if operator == "|" and TRUE_DOMAIN in domains:
        return TRUE_DOMAIN
    domains = [domain for domain in domains if domain != TRUE_DOMAIN]
    if not domains:
        return TRUE_DOMAIN
    return [operator] * (len(domains) - 1) + [term for d in domains for term in d]


class _Condition:
    """One ``property: {operator: operand}`` turned into a domain."""

    def __init__(self, prop, path):
        self.prop = prop
        self.path = path

    def domain(self, operator, operand, insensitive=False):
        if operator in NEGATIONS:
            positive = self.domain(NEGATIONS[operator], operand, insensitive)
            return self._negate(positive)
        if operator in PATTERN_OPERATORS:
            return self._pattern(operator, operand, insensitive)
        if operator == "between":
            if not isinstance(operand, list) or len(operand) != 2:
                raise FilterError("`between` takes an array of two values.", self.path)
            return _combine(
                "&", [self.domain("gte", operand[0]), self.domain("lte", operand[1])]
            )
        if operator == "inq":
            items = operand if isinstance(operand, list) else [operand]
            if not items:
                return FALSE_DOMAIN
            return _combine("|", [self.domain("eq", item) for item in items])
        if operand is None:
            if operator != "eq":
                raise FilterError(f"`{operator}` cannot compare with null.", self.path)
            return self._wrap([(self.prop.field, "=", False)])
        kind = self.prop.kind
        if kind == "date":
            return self._date(operator, operand)
        if kind == "datetime":
            return self._datetime(operator, operand)
        value = self._scalar(operand)
        return self._wrap([(self.prop.field, COMPARISONS.get(operator, "="), value)])

    # --- per kind -----------------------------------------------------------------

    def _scalar(self, operand):
        if self.prop.kind == "number":
            return values.number(operand, self.path)
        if isinstance(operand, bool) or not isinstance(operand, str | int | float):
            raise FilterError("Expected a string.", self.path)
        value = str(operand)
        if self.prop.kind == "id":
            # Our ids are 32 lowercase hex; accept the dashed uuid form too.
            compact = value.replace("-", "").lower()
            value = compact if re.fullmatch(r"[0-9a-f]{32}", compact) else value
        return value

    def _date(self, operator, operand):
        """A day compared as the instant of its midnight UTC (see module doc)."""
        instant = values.instant(operand, self.path)
        day = instant.date()
        at_midnight = instant == datetime.datetime.combine(day, datetime.time())
        comparison = {
            "eq": "=" if at_midnight else None,  # no day starts at 10:00
            "gt": ">",
            "gte": ">=" if at_midnight else ">",
            "lt": "<" if at_midnight else "<=",
            "lte": "<=",
        }[operator]
        if comparison is None:
            return FALSE_DOMAIN
        return self._wrap([(self.prop.field, comparison, day)])

    def _datetime(self, operator, operand):
        """A timestamp compared at millisecond precision, as rendered."""
        instant = values.instant(operand, self.path)
        name = self.prop.field
        bounds = {
            "eq": [(name, ">=", instant), (name, "<", instant + MILLISECOND)],
            "gt": [(name, ">=", instant + MILLISECOND)],
            "gte": [(name, ">=", instant)],
            "lt": [(name, "<", instant)],
            "lte": [(name, "<", instant + MILLISECOND)],
        }[operator]
        return self._wrap(_combine("&", [[term] for term in bounds]))

    def _pattern(self, operator, operand, insensitive):
        if self.prop.kind in ("number", "datetime"):
            raise FilterError(f"`{operator}` applies to text and dates.", self.path)
        if not isinstance(operand, str):
            raise FilterError(
                f"`{operator}` takes a regular expression string.", self.path
            )
        pattern = operand
        if operator == "regexp":
            match = re.fullmatch(r"/(.*)/([a-z]*)", operand, re.DOTALL)
            if match:
                pattern, flags = match.groups()
                if set(flags) - REGEXP_FLAGS:
                    raise FilterError(f"Unsupported regexp flags `{flags}`.", self.path)
                insensitive = insensitive or "i" in flags
        like = values.regex_to_like(pattern, self.path)
        return self._wrap(
            [
                (
                    self.prop.field,
                    "=ilike" if insensitive or operator == "ilike" else "=like",
                    like,
                )
            ]
        )

    # --- relation and negation ----------------------------------------------------

    def _wrap(self, domain):
        """A domain on ``field`` made a domain on the payment."""
        if not self.prop.relation or domain == FALSE_DOMAIN:
            return domain
        return [(self.prop.relation, "any", [*self.prop.relation_domain, *domain])]

    def _negate(self, positive):
        if positive == FALSE_DOMAIN:
            return TRUE_DOMAIN
        if positive == TRUE_DOMAIN:
            return FALSE_DOMAIN
        if self.prop.relation:
            # Odoo turns "! any" into "not any": "not linked to X", rather
            # than "linked to something other than X".
            return ["!", *positive]
        # As on MongoDB, a negation also matches rows without a value.
        return ["|", (self.prop.field, "=", False), "!", *positive]
