# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Django REST framework's page-number pagination, as Waldur answers lists.

A list is a bare JSON array; ``X-Result-Count`` carries the total and ``Link``
the first/prev/next/last pages. ``Pagination`` is pure (query arguments and
URL in, numbers and headers out); the two page classes fetch the rows.
"""

import math
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from odoo.http import request

from ...exceptions import InvalidPage
from .. import common
from .query import QueryParameter, parse_ascii_int

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 300
PAGE = QueryParameter(
    "page",
    "1-based page number, or last. A page out of range is a 404.",
    {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "last"}]},
)
PAGE_SIZE = QueryParameter(
    "page_size",
    f"Rows per page (default {DEFAULT_PAGE_SIZE}); a larger value is capped at "
    f"{MAX_PAGE_SIZE}, an invalid one gives the default (as DRF does).",
    # Any other text is accepted and ignored: say so, so that clients and
    # fuzzers do not expect a 400 for it.
    {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string"}]},
)
PAGE_PARAMETERS = (PAGE, PAGE_SIZE)


def _replace_query_param(url, key, value):
    """DRF's helper: the URL with ``key`` set, query re-encoded and sorted."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = [str(value)]
    query = urlencode(sorted(params.items()), doseq=True)
    return urlunsplit((scheme, netloc, path, query, fragment))


def _positive_int(value, cutoff):
    number = parse_ascii_int(value)
    if number <= 0:
        raise ValueError(value)
    return min(number, cutoff)


class Pagination:
    """Page ``page`` of ``count`` rows, with ``Link`` and ``X-Result-Count``.

    The rules are Django REST framework's: ``page`` is 1-based (``last`` is
    accepted) and out of range → InvalidPage; a missing or invalid
    ``page_size`` falls back to the default, a large one is capped. ``args``
    are the query arguments and ``url`` the request URL the links vary.
    """

    def __init__(
        self,
        args,
        url,
        count,
        default_size=DEFAULT_PAGE_SIZE,
        max_size=MAX_PAGE_SIZE,
    ):
        try:
            self.size = _positive_int(args[PAGE_SIZE.name], max_size)
        except (KeyError, ValueError):
            self.size = default_size
        self.url = url
        self.count = count
        self.num_pages = max(1, math.ceil(self.count / self.size))
        raw_page = args.get(PAGE.name, "1")
        if raw_page == "last":
            self.number = self.num_pages
        else:
            try:
                self.number = parse_ascii_int(raw_page)
            except ValueError as error:
                raise InvalidPage() from error
        if not 1 <= self.number <= self.num_pages:
            raise InvalidPage()
        self.offset = (self.number - 1) * self.size

    def _link(self, number):
        return _replace_query_param(
            self.url, PAGE.name, None if number == 1 else number
        )

    def headers(self):
        links = [(self._link(1), "first")]
        if self.number > 1:
            links.append((self._link(self.number - 1), "prev"))
        if self.number < self.num_pages:
            links.append((self._link(self.number + 1), "next"))
        links.append((self._link(self.num_pages), "last"))
        return {
            "X-Result-Count": str(self.count),
            "Link": ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links),
        }


def _request_args_and_url():
    httprequest = request.httprequest
    # The page links are built on Odoo's trusted base URL, never on the
    # request's Host header.
    return httprequest.args, common.request_url()


class PageNumberPage(Pagination):
    """One page of an ORM search of the current request: ``records``."""

    def __init__(self, model, domain, order, count=None, **kwargs):
        # Without read access a list is empty rather than an error.
        # ``count``: the model's own exact count of ``domain``, when it has a
        # faster one than ``search_count`` (invoices: kept counts).
        readable = model.has_access("read")
        count = (count or model.search_count)(domain) if readable else 0
        super().__init__(*_request_args_and_url(), count, **kwargs)
        self.records = model.browse()
        if self.count:
            self.records = model.search(
                domain, order=order, limit=self.size, offset=self.offset
            )


class SequencePage(Pagination):
    """One page of rows already computed (e.g. grouped totals): ``rows``."""

    def __init__(self, rows, **kwargs):
        super().__init__(*_request_args_and_url(), len(rows), **kwargs)
        self.rows = rows[self.offset : self.offset + self.size]


def page_response(model, domain, order, render_page, rows, count=None):
    """A page of ``model`` as a bare JSON array with pagination headers.

    The page is fingerprinted before it is rendered (``rows``, a
    ``fingerprint.Rows`` of the page's records): a client that holds it gets
    a body-less 304 and nothing is rendered. ``render_page`` renders the
    page's records at once (resources read their related records in bulk).
    """
    page = PageNumberPage(model, domain, order, count=count)
    validator = common.Validator.of(rows, page.records.ids, page.count)
    return validator.not_modified() or validator.json_response(
        render_page(page.records), headers=page.headers()
    )


def rows_response(rows, render_row):
    """A page of computed ``rows`` as a bare JSON array with pagination headers."""
    page = SequencePage(rows)
    return common.json_response(
        [render_row(row) for row in page.rows], headers=page.headers()
    )
