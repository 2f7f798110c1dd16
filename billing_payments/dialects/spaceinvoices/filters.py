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
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from ...money import parse_decimal

MAX_DEPTH = 8  # nesting of a bracket key or of and/or
MAX_CONDITIONS = 100  # conditions in one where
MAX_LIMIT = 100  # Space Invoices returns at most 100 rows per find
ARRAY_LIMIT = 20  # qs: a bracket index above 20 makes an object key, not an item

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
MILLISECOND = datetime.timedelta(milliseconds=1)
TRUE_DOMAIN = []
FALSE_DOMAIN = [("id", "=", 0)]


class FilterError(Exception):
    """A filter that cannot be understood (400); ``path`` names the culprit."""

    def __init__(self, message, path=""):
        super().__init__(message)
        self.message = message
        self.path = path


# --- decoding the query string ---------------------------------------------------

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def decode_param(args, name):
    """The object sent as ``?name=<JSON>`` or in bracket notation; None if absent."""
    bracket_keys = [key for key in args if key.startswith(name + "[")]
    values = args.getlist(name)
    if values and bracket_keys:
        raise FilterError(f"`{name}` is sent twice, as JSON and in brackets.", name)
    if bracket_keys:
        return _bracket_object(args, name, bracket_keys)
    if not values:
        return None
    if len(values) > 1:
        raise FilterError(f"`{name}` is sent more than once.", name)
    try:
        value = json.loads(values[0]) if values[0].strip() else {}
    except ValueError as error:
        raise FilterError(f"`{name}` is not valid JSON: {error}", name) from error
    if not isinstance(value, dict):
        raise FilterError(f"`{name}` must be a JSON object.", name)
    return value


def _bracket_object(args, name, keys):
    tree = {}
    for key in keys:
        segments = _segments(key, name)
        values = args.getlist(key)
        _insert(tree, segments, values[0] if len(values) == 1 else values, key)
    return _with_arrays(tree)


def _segments(key, name):
    rest, position, segments = key[len(name) :], 0, []
    while position < len(rest):
        match = _SEGMENT.match(rest, position)
        if not match:
            raise FilterError(f"Malformed parameter `{key}`.", key)
        segments.append(match.group(1))
        position = match.end()
    if len(segments) > MAX_DEPTH:
        raise FilterError(f"`{key}` is nested too deeply.", key)
    return segments


def _insert(node, segments, value, key):
    *parents, last = segments
    for segment in parents:
        segment = _push_index(node, segment)
        child = node.setdefault(segment, {})
        if not isinstance(child, dict):
            raise FilterError(f"`{key}` conflicts with another parameter.", key)
        node = child
    if last == "" and isinstance(value, list):  # a[]=x&a[]=y: one item each
        for item in value:
            node[_push_index(node, last)] = item
        return
    last = _push_index(node, last)
    if last in node:
        if isinstance(node[last], dict):
            raise FilterError(f"`{key}` conflicts with another parameter.", key)
        previous = node[last] if isinstance(node[last], list) else [node[last]]
        value = previous + (value if isinstance(value, list) else [value])
    node[last] = value


def _push_index(node, segment):
    """``a[]=x`` appends, as ``qs`` does: the next free index."""
    if segment != "":
        return segment
    return str(sum(1 for key in node if key.isdigit()))


def _with_arrays(node):
    """Objects keyed 0..20 become arrays (in index order, gaps closed), as in qs."""
    if not isinstance(node, dict):
        return node
    node = {key: _with_arrays(value) for key, value in node.items()}
    if node and all(key.isdigit() and int(key) <= ARRAY_LIMIT for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


# --- what a resource exposes to filters ------------------------------------------


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
        deleted = _boolean(value.get("deleted", False), "filter.deleted")
        skip = value.get("skip", value.get("offset"))
        return Query(
            domain=self.compile_where(value.get("where")),
            order=self._order(value.get("order")),
            limit=min(
                _natural(value.get("limit"), "filter.limit") or MAX_LIMIT, MAX_LIMIT
            ),
            offset=_natural(skip, "filter.skip") or 0,
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
            flags[name] = _boolean(flag, f"filter.fields.{name}")
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
        terms = []
        for item in value:
            if not isinstance(item, str):
                raise FilterError("`order` items must be strings.", "filter.order")
            name, _sep, direction = item.strip().partition(" ")
            direction = {
                "": "asc",
                "asc": "asc",
                "desc": "desc",
                "1": "asc",
                "-1": "desc",
            }.get(direction.strip().lower())
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
            if options not in ("i", "") or not PATTERN_OPERATORS & set(operators):
                raise FilterError(
                    '`options` is "i", next to like, nlike or regexp.',
                    f"{path}.options",
                )
        parts = []
        for operator, operand in operators.items():
            counter[0] += 1
            if counter[0] > MAX_CONDITIONS:
                raise FilterError(f"At most {MAX_CONDITIONS} conditions.", path)
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
            return _number(operand, self.path)
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
        instant = _instant(operand, self.path)
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
        instant = _instant(operand, self.path)
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
                if set(flags) - {"i", "g"}:
                    raise FilterError(f"Unsupported regexp flags `{flags}`.", self.path)
                insensitive = insensitive or "i" in flags
        like = regex_to_like(pattern, self.path)
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


# --- values ----------------------------------------------------------------------


def regex_to_like(pattern, path=""):
    """A SQL LIKE pattern matching what the regular expression ``pattern`` does.

    Only the subset described in the module docstring is accepted.
    """
    anchored_start = pattern.startswith("^")
    anchored_end = pattern.endswith("$") and not pattern.endswith("\\$")
    body = pattern[1 if anchored_start else 0 : -1 if anchored_end else None]
    out, index = [], 0
    while index < len(body):
        char = body[index]
        following = body[index + 1 : index + 2]
        if char == "\\":
            if not following or following.isalnum():
                raise FilterError(
                    f"Unsupported escape `\\{following}` in `{pattern}`.", path
                )
            out.append(_like_literal(following))
            index += 2
        elif char == ".":
            wildcard = {"*": "%", "+": "_%"}.get(following)
            out.append(wildcard or "_")
            index += 2 if wildcard else 1
        elif char in "[](){}|?*+^$":
            raise FilterError(
                f"Unsupported regular expression `{pattern}`: use literal text, "
                "`.`, `.*`, `.+`, `^` and `$`.",
                path,
            )
        else:
            out.append(_like_literal(char))
            index += 1
    like = "".join(out)
    if not anchored_start and not like.startswith("%"):
        like = "%" + like
    if not anchored_end and not (like.endswith("%") and not like.endswith("\\%")):
        like += "%"
    return like


def _like_literal(char):
    return "\\" + char if char in "%_\\" else char


_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_instant(value):
    """A date or ISO 8601 timestamp as a naive UTC datetime (ms precision).

    Raises ValueError for anything else. A timestamp without a zone is UTC.
    """
    match = isinstance(value, str) and _DATETIME.fullmatch(value.strip())
    if not match:
        raise ValueError(value)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        instant = datetime.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:3].ljust(3, "0")) * 1000,
        )
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            instant -= sign * datetime.timedelta(
                hours=int(digits[:2]), minutes=int(digits[2:])
            )
    except OverflowError as error:
        raise ValueError(value) from error
    if not 1 <= instant.year <= 9998:  # room for the millisecond bounds
        raise ValueError(value)
    return instant


def _instant(value, path):
    try:
        return parse_instant(value)
    except ValueError as error:
        raise FilterError(
            f"`{value}` is not a valid date (YYYY-MM-DD or ISO 8601).", path
        ) from error


def _number(value, path):
    try:
        number = parse_decimal(value)
    except ValueError as error:
        raise FilterError(f"`{value}` is not a number.", path) from error
    if abs(number) >= Decimal("1e15"):
        raise FilterError(f"`{value}` is too large.", path)
    return number


def _boolean(value, path):
    if isinstance(value, bool):
        return value
    if value in ("true", "1", 1):
        return True
    if value in ("false", "0", 0, ""):
        return False
    raise FilterError(f"`{path}` must be true or false.", path)


def _natural(value, path):
    """A non-negative integer (brackets send strings), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FilterError(f"`{path}` must be a non-negative integer.", path)
    try:
        number = int(value) if isinstance(value, int | str) else None
    except ValueError:
        number = None
    if number is None or number < 0:
        raise FilterError(f"`{path}` must be a non-negative integer.", path)
    return number
