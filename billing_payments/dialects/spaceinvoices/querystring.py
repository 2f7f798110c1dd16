# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Decoding a LoopBack parameter from the query string, in both encodings.

``?filter={"where": ...}`` (one JSON value) or bracket notation as the
``qs`` library parses it (``?filter[where][type][inq][0]=bank``): both give
the same plain object. Pure: it reads a werkzeug MultiDict.

A decoded object holds no NUL character and no lone surrogate (PostgreSQL
and UTF-8 cannot carry them), is nested at most ``MAX_JSON_DEPTH`` deep, and
bracket notation sends at most ``MAX_PARAMETERS`` values; anything else is a
``FilterError`` (400).
"""

import json
import re

from ...exceptions import FilterError
from .values import is_storable_text

MAX_DEPTH = 8  # nesting of a bracket key (and of and/or in a where)
ARRAY_LIMIT = 20  # qs: a bracket index above 20 makes an object key, not an item
MAX_JSON_DEPTH = 32  # of a JSON value (a where nests and/or at most MAX_DEPTH)
MAX_PARAMETERS = 1000  # bracket values of one parameter (qs' parameterLimit)

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def decode_param(args, name):
    """The object sent as ``?name=<JSON>`` or in bracket notation; None if absent."""
    bracket_keys = [key for key in args if key.startswith(name + "[")]
    values = args.getlist(name)
    if values and bracket_keys:
        raise FilterError(f"`{name}` is sent twice, as JSON and in brackets.", name)
    if bracket_keys:
        if sum(len(args.getlist(key)) for key in bracket_keys) > MAX_PARAMETERS:
            raise FilterError(
                f"`{name}` takes at most {MAX_PARAMETERS} bracket parameters.", name
            )
        return _checked(_bracket_object(args, name, bracket_keys), name)
    if not values:
        return None
    if len(values) > 1:
        raise FilterError(f"`{name}` is sent more than once.", name)
    try:
        value = json.loads(values[0]) if values[0].strip() else {}
    except RecursionError as error:
        raise _too_deep(name) from error
    except ValueError as error:
        raise FilterError(f"`{name}` is not valid JSON: {error}", name) from error
    if not isinstance(value, dict):
        raise FilterError(f"`{name}` must be a JSON object.", name)
    return _checked(value, name)


def _too_deep(name):
    return FilterError(f"`{name}` is nested deeper than {MAX_JSON_DEPTH} levels.", name)


def _checked(value, name):
    """``value``, once no string in it (key or value) holds what no column
    can store and it is nested at most ``MAX_JSON_DEPTH`` deep.

    Iterative, so that a deep value cannot exhaust Python's stack.
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not is_storable_text(item):
                raise FilterError(
                    f"`{name}` holds a NUL character or a lone surrogate.", name
                )
            continue
        if isinstance(item, dict):
            children = [*item, *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(name)
        stack.extend((child, depth + 1) for child in children)
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
