# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain helpers with no ORM: models and dialects import them, never the reverse."""

import datetime
import re
import uuid
from urllib.parse import urlsplit

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Waldur's limit on the customers the invoice growth shows one by one; the
# API and the growth export wizard both enforce it.
GROWTH_MAX_CUSTOMERS = 20


def normalize_uuid(value):
    """Return the 32-hex form of a uuid given hyphenated or plain, or None.

    Waldur clients send hyphenated uuids (``str(UUID)``) while we render the
    plain hex form, so every lookup goes through here.
    """
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip()).hex
    except ValueError:
        return None


def is_http_url(value):
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# Dates before this year are refused: PostgreSQL and Python disagree on them
# (year 0, proleptic calendars), and no invoice or payment is that old.
MIN_DATE_YEAR = 1000


def parse_iso_date(value):
    """A ``YYYY-MM-DD`` string as a date; anything else raises ValueError.

    Years before ``MIN_DATE_YEAR`` are refused too.
    """
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise ValueError(value)
    date = datetime.date.fromisoformat(value)
    if date.year < MIN_DATE_YEAR:
        raise ValueError(value)
    return date


# Markup that no PDF, PNG, JPEG or WebP file starts with.
_HTML_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|object|embed|svg|meta)\b",
    re.IGNORECASE,
)


def proof_is_markup(content, mimetype):
    """True for a file dressed as a proof that is markup: HTML in its first
    KiB, or a "PDF" without the ``%%EOF`` trailer in its last KiB."""
    if _HTML_MARKUP.search(content[:1024]):
        return True
    return mimetype == "application/pdf" and b"%%EOF" not in content[-1024:]


def sniff_proof_mimetype(content):
    """The mimetype of an accepted proof file, judged by its first bytes.

    Only PDF, PNG, JPEG and WebP are accepted as proof of payment; anything
    else (whatever its name says) gives None.
    """
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None
