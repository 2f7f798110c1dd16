# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Decoding a LoopBack parameter from the query string, in both encodings.

``?filter={"where": ...}`` (one JSON value) or bracket notation as the
``qs`` library parses it (``?filter[where][type][inq][0]=bank``): both give
the same plain object. Pure: it reads a werkzeug MultiDict.
"""

import json
import re

from ...exceptions import FilterError

MAX_DEPTH = 8  # nesting of a bracket key (and of and/or in a where)
ARRAY_LIMIT = 20  # qs: a bracket index above 20 makes an object key, not an item

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
