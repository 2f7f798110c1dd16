# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts as Decimals: the ORM stores monetary values as floats, the APIs
render them as exact decimal strings or numbers. Convert through ``repr`` so
that 0.1 stays 0.1 and never becomes 0.1000000000000000055511151231257827."""

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation


def to_decimal(value):
    """An exact Decimal of an Odoo amount (floats go through their repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def quantize(value, places):
    """``value`` (None counts as 0) with exactly ``places`` decimals, half-even.

    A zero is always positive: Odoo's float amounts can be ``-0.0`` (and
    ``-0.001`` rounds to zero), which would render as ``-0.00``.
    """
    result = to_decimal(value or 0).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN
    )
    return result if result else abs(result)


def parse_decimal(value):
    """A finite Decimal of a number sent by a client (JSON number or string).

    Booleans, NaN, infinities and anything not numeric raise ValueError.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise ValueError(value) from error
    if not number.is_finite():
        raise ValueError(value)
    return number
