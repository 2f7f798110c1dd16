# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice statistics (spend per offering) as an XLSX workbook.

One writer, ``write_stats_xlsx``, for both statistics exports: one invoice's
(``write_invoice_stats_xlsx``: the rows of
``account.move._billing_offering_stats``, columns ``COLUMNS``) and a
selection of invoices' (``write_selection_stats_xlsx``: a row per invoice and
offering, columns ``SELECTION_COLUMNS``). Each writes one sheet an accountant
can hand on:

- a header block (title, then label/value lines: company, invoice(s),
  customer, billing period, dates as date cells, currency, generation time);
- the table: a bold header row (frozen, repeated on every printed page, with
  an autofilter over the data), one typed row per offering (quantities and
  amounts are numbers with the right decimals, not text; billing periods are
  date cells; the uuids on the right) and a totals row of SUM formulas with
  their computed values cached for viewers that do not recalculate;
- print setup (landscape, one page wide, page numbers in the footer) and the
  document's properties.

The workbook is written in xlsxwriter's ``constant_memory`` mode: each row
goes to a temporary file as soon as the next one starts, so ``rows`` may be
any iterable (a generator over batched reads) and memory stays flat however
many rows there are. This module has no ORM: the model passes every text,
translated.
"""

import datetime
import io
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SHEET_MAX_ROWS = 1_048_576  # rows of one XLSX sheet
STATS_BATCH = 2000  # offerings read per grouped query when exporting

# (English header, width, row key, kind); kind is "text", "integer" (a
# number without separators, e.g. the Waldur number), "month" (a date cell
# shown as the month), "quantity" or "money". Callers translate the headers
# through ``labels``.
COLUMNS = [
    ("Offering", 36, "offering_name", "text"),
    ("Category", 22, "category", "text"),
    ("Service provider", 30, "provider_name", "text"),
    ("Quantity", 12, "quantity", "quantity"),
    ("Price", 16, "price", "money"),
    ("Tax", 16, "tax", "money"),
    ("Total", 16, "total", "money"),
    ("Offering UUID", 34, "uuid", "text"),
    ("Service provider UUID", 34, "provider_uuid", "text"),
]
# A selection of invoices: the invoice's columns, then those of one invoice.
SELECTION_COLUMNS = [
    ("Invoice", 20, "invoice_name", "text"),
    ("Invoice number (Waldur)", 12, "invoice_number", "integer"),
    ("Customer", 30, "customer_name", "text"),
    ("Billing period", 16, "billing_period", "month"),
    *COLUMNS,
    ("Invoice UUID", 34, "invoice_uuid", "text"),
]
MONEY_KEYS = [key for _header, _width, key, kind in COLUMNS if kind == "money"]
TEXT_KINDS = ("text",)
DATE_KINDS = ("month",)

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONTH_FORMAT = "mmmm yyyy"
INTEGER_FORMAT = "0"


def offering_values(row):
    """One ``_billing_offering_stats`` row as the values of ``COLUMNS``."""
    product, provider = row["product"], row["provider"]
    return {
        "offering_name": product.name or "",
        "uuid": product.uuid or "",
        "category": product.categ_id.name or "",
        "provider_name": provider.name or "",
        "provider_uuid": provider.uuid or "",
        "quantity": row["quantity"],
        "price": row["price"],
        "tax": row["tax"],
        "total": row["total"],
    }


def stats_table_rows(stats):
    """Flatten ``_billing_offering_stats`` rows into the sheet's columns.

    A generator: it keeps nothing of the rows it has passed on.
    """
    for row in stats:
        yield offering_values(row)


def selection_table_rows(stats):
    """Flatten ``_billing_selection_offering_stats`` rows (an offering's, with
    its ``invoice``, ``invoice_name`` and Waldur ``number``) into
    ``SELECTION_COLUMNS``. A generator, like ``stats_table_rows``.
    """
    for row in stats:
        invoice = row["invoice"]
        yield {
            "invoice_name": row["invoice_name"],
            "invoice_number": row["number"],
            "customer_name": invoice.commercial_partner_id.display_name or "",
            "billing_period": invoice.billing_period_start,
            "invoice_uuid": invoice.uuid or "",
            **offering_values(row),
        }


def header_block_rows(header):
    """The sheet rows the header block takes: the title, its lines, a gap."""
    return 1 + len(header or ()) + 1


def sheet_rows_needed(row_count, header=None):
    """The sheet rows an export of ``row_count`` offerings takes."""
    return header_block_rows(header) + 1 + row_count + 1  # table header, totals


def number_format(decimal_places):
    return "#,##0" + ("." + "0" * decimal_places if decimal_places else "")


def safe_sheet_name(name):
    """``name`` as Excel accepts a sheet name (31 characters, no []:*?/\\)."""
    for char in "[]:*?/\\":
        name = name.replace(char, "-")
    return name.strip("'")[:31] or "Sheet1"


def write_invoice_stats_xlsx(rows, title, currency_name="", decimal_places=2, **kw):
    """One invoice's statistics; ``rows`` as ``stats_table_rows`` yields.

    The keyword arguments are those of ``write_stats_xlsx``.
    """
    return write_stats_xlsx(rows, title, COLUMNS, currency_name, decimal_places, **kw)


def write_selection_stats_xlsx(rows, title, currency_name="", decimal_places=2, **kw):
    """A selection of invoices' statistics, a row per invoice and offering;
    ``rows`` as ``selection_table_rows`` yields (in one currency).

    The keyword arguments are those of ``write_stats_xlsx``.
    """
    return write_stats_xlsx(
        rows, title, SELECTION_COLUMNS, currency_name, decimal_places, **kw
    )


def write_stats_xlsx(
    rows,
    title,
    columns,
    currency_name="",
    decimal_places=2,
    labels=None,
    *,
    sheet_name=None,
    header=None,
    quantity_places=2,
    properties=None,
):
    """The workbook's bytes: ``rows`` (any iterable of dicts) in ``columns``.

    ``columns`` are (English header, width, row key, kind) as in ``COLUMNS``;
    the "money" columns get totals. ``labels`` maps the English headers (and
    "Total", "Page", "of") to the user's language. ``header`` is the header
    block: (label, value) pairs under the title, a value being text, a
    ``date`` or a naive ``datetime`` (written as date cells). ``properties``
    are xlsxwriter's document properties (title, company, author...).
    """
    labels = labels or {}
    header = list(header or ())
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {"constant_memory": True, "strings_to_numbers": False}
    )
    workbook.set_properties({"title": title, **(properties or {})})
    sheet = workbook.add_worksheet(safe_sheet_name(sheet_name or title))

    money_format = number_format(decimal_places)
    head_style = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    head_number_style = workbook.add_format(
        {"bold": True, "bottom": 1, "text_wrap": True, "align": "right"}
    )
    styles = {
        "text": None,
        "money": workbook.add_format({"num_format": money_format}),
        "quantity": workbook.add_format({"num_format": number_format(quantity_places)}),
        "integer": workbook.add_format({"num_format": INTEGER_FORMAT}),
        "month": workbook.add_format({"num_format": MONTH_FORMAT, "align": "left"}),
    }

    _write_header_block(workbook, sheet, title, header)

    # The table.
    head_row = header_block_rows(header)
    last_col = len(columns) - 1
    for col, (name, width, _key, kind) in enumerate(columns):
        name = labels.get(name, name)
        if kind == "money" and currency_name:
            name = f"{name} ({currency_name})"
        sheet.write_string(
            head_row,
            col,
            name,
            head_number_style if kind not in TEXT_KINDS else head_style,
        )
        sheet.set_column(col, col, width)

    write_string, write_number = sheet.write_string, sheet.write_number
    write_datetime = sheet.write_datetime
    # (column, row key, style, is a date): text has no style, others are
    # date cells or numbers.
    plan = [
        (col, key, styles[kind], kind in DATE_KINDS)
        for col, (_n, _w, key, kind) in enumerate(columns)
    ]
    money_keys = [key for _n, _w, key, kind in columns if kind == "money"]
    totals = dict.fromkeys(money_keys, Decimal(0))
    row_index = head_row
    for row in rows:
        row_index += 1
        if row_index >= SHEET_MAX_ROWS - 1:
            raise ValueError(f"more rows than a sheet holds ({SHEET_MAX_ROWS})")
        for col, key, style, is_date in plan:
            value = row[key]
            if style is None:
                write_string(row_index, col, value)
            elif is_date:
                if value:
                    write_datetime(row_index, col, value, style)
            else:
                write_number(row_index, col, float(value), style)
        for key in money_keys:
            totals[key] += row[key]
    first_data, last_data = head_row + 1, row_index

    total_row = last_data + 1
    _write_totals(
        workbook, sheet, columns, (first_data, last_data), totals, money_format, labels
    )

    sheet.freeze_panes(head_row + 1, 0)
    sheet.autofilter(head_row, 0, max(last_data, head_row + 1), last_col)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    sheet.repeat_rows(head_row)
    sheet.print_area(0, 0, total_row, last_col)
    page, of = labels.get("Page", "Page"), labels.get("of", "of")
    sheet.set_footer(f"&L{_footer_text(title)}&R{page} &P {of} &N")
    workbook.close()
    return output.getvalue()


def _write_header_block(workbook, sheet, title, header):
    """The title and the header block's label/value lines, from row 0.

    constant_memory mode: rows strictly in order, top down.
    """
    title_style = workbook.add_format({"bold": True, "font_size": 14})
    label_style = workbook.add_format({"bold": True})
    date_style = workbook.add_format({"num_format": DATE_FORMAT, "align": "left"})
    datetime_style = workbook.add_format(
        {"num_format": DATETIME_FORMAT, "align": "left"}
    )
    sheet.write_string(0, 0, title, title_style)
    for row_index, (label, value) in enumerate(header, start=1):
        sheet.write_string(row_index, 0, label, label_style)
        if isinstance(value, datetime.datetime):
            sheet.write_datetime(row_index, 1, value, datetime_style)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row_index, 1, value, date_style)
        elif value not in (None, False, ""):
            sheet.write_string(row_index, 1, str(value))


def _write_totals(workbook, sheet, columns, data_rows, totals, money_format, labels):
    """The totals row under the data: SUM formulas over the money columns,
    their values (``totals``) cached for viewers that do not recalculate."""
    first_data, last_data = data_rows
    total_row = last_data + 1
    total_text_style = workbook.add_format({"bold": True, "top": 1})
    total_money_style = workbook.add_format(
        {"bold": True, "top": 1, "num_format": money_format}
    )
    sheet.write_string(total_row, 0, labels.get("Total", "Total"), total_text_style)
    for col, (_name, _width, key, kind) in enumerate(columns):
        if kind != "money":
            if col:
                sheet.write_blank(total_row, col, None, total_text_style)
            continue
        if last_data >= first_data:
            start = xl_rowcol_to_cell(first_data, col)
            end = xl_rowcol_to_cell(last_data, col)
            formula = f"=SUM({start}:{end})"
        else:
            formula = "=0"
        sheet.write_formula(
            total_row, col, formula, total_money_style, float(totals[key])
        )


def _footer_text(text):
    """``text`` safe in a header/footer (``&`` starts a control code there)."""
    return text.replace("&", "&&")


def xlsx_response(filename, content):
    """An HTTP download of an XLSX file."""
    return request.make_response(
        content,
        headers=[
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Disposition", content_disposition(filename)),
        ],
    )
