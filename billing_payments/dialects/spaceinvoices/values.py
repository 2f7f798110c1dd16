# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Typed values of LoopBack filters: instants, numbers, booleans, naturals,
and the regular expressions ``like``/``regexp`` take (turned into LIKE).

Pure functions; they raise ``FilterError`` naming the culprit's path
(``parse_instant`` raises ValueError, for its other callers).
"""

import datetime
import re
from decimal import Decimal

from ...exceptions import FilterError
from ...money import parse_decimal

MAX_NUMBER = Decimal("1e15")
MAX_DECIMALS = 20  # of a number in a filter (PostgreSQL refuses tiny exponents)
# The largest skip/offset/limit: PostgreSQL's OFFSET and LIMIT are bigints.
MAX_NATURAL = 2**63 - 1
INSTANT_TEXT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)
# A number sent as text: ASCII digits only (no "1_000", no "١٢"), as
# JavaScript's Number() reads it; JSON numbers arrive as int or float.
NUMBER_TEXT = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII
)
NATURAL_TEXT = re.compile(r"[0-9]{1,19}", re.ASCII)
# What a boolean of a filter may be (brackets send text).
TRUE_VALUES = ("true", "1", 1)
FALSE_VALUES = ("false", "0", 0, "")
# What PostgreSQL text cannot hold (NUL) or UTF-8 cannot encode (lone
# surrogates, which JSON's \ud800 escapes produce).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable_text(value):
    """False for a string holding NUL or a lone surrogate."""
    return not _UNSTORABLE.search(value)


def parse_number(value):
    """A finite Decimal of a JSON number or of ASCII decimal text.

    Raises ValueError for anything else: booleans, NaN, infinities,
    ``"1_000"``, non-ASCII digits.
    """
    if isinstance(value, str) and not NUMBER_TEXT.fullmatch(value.strip()):
        raise ValueError(value)
    return parse_decimal(value)


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


def parse_instant(value):
    """A date or ISO 8601 timestamp as a naive UTC datetime (ms precision).

    Raises ValueError for anything else. A timestamp without a zone is UTC.
    """
    match = isinstance(value, str) and INSTANT_TEXT.fullmatch(value.strip())
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


def instant(value, path):
    try:
        return parse_instant(value)
    except ValueError as error:
        raise FilterError(
            f"`{value}` is not a valid date (YYYY-MM-DD or ISO 8601).", path
        ) from error


def number(value, path):
    try:
        number = parse_number(value)
    except ValueError as error:
        raise FilterError(f"`{value}` is not a number.", path) from error
    # copy_abs, not abs(): no context rounding, which overflows on 1E999999999.
    if number.copy_abs() >= MAX_NUMBER:
        raise FilterError(f"`{value}` is too large.", path)
    if not number:
        return Decimal(0)  # also for 0E-999999, which PostgreSQL refuses
    # adjusted() first: normalize() rounds 1E-999999 to 0 (an underflow).
    if (
        number.adjusted() < -MAX_DECIMALS
        or number.normalize().as_tuple().exponent < -MAX_DECIMALS
    ):
        raise FilterError(f"`{value}` has more than {MAX_DECIMALS} decimals.", path)
    return number


def boolean(value, path):
    if isinstance(value, bool):
        return value
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise FilterError(f"`{path}` must be true or false.", path)


def natural(value, path):
    """A non-negative integer up to ``MAX_NATURAL`` (brackets send ASCII
    digit strings), or None."""
    if value is None or value == "":
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and NATURAL_TEXT.fullmatch(value.strip()):
        # int() itself strips less than str.strip() (not U+2000 or U+001F).
        number = int(value.strip())
    if number is None or not 0 <= number <= MAX_NATURAL:
        raise FilterError(
            f"`{path}` must be a non-negative integer of at most {MAX_NATURAL}.",
            path,
        )
    return number
