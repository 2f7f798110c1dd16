# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice statistics (spend per offering) as an XLSX workbook.

Takes the rows of ``account.move._billing_offering_stats`` and writes one
sheet: a bold, frozen header with an autofilter, one typed row per offering
(amounts are numbers with the currency's decimals, not text) and a totals row
of SUM formulas with their computed values cached for viewers that do not
recalculate.
"""

import io
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    # (English header, width, row key, numeric); callers translate the headers
    ("Offering", 36, "offering_name", False),
    ("Offering UUID", 34, "uuid", False),
    ("Category", 22, "category", False),
    ("Service provider", 30, "provider_name", False),
    ("Service provider UUID", 34, "provider_uuid", False),
    ("Price", 14, "price", True),
    ("Tax", 14, "tax", True),
    ("Total", 14, "total", True),
]


def stats_table_rows(stats):
    """Flatten ``_billing_offering_stats`` rows into the sheet's columns."""
    return [
        {
            "offering_name": row["product"].name or "",
            "uuid": row["product"].uuid,
            "category": row["product"].categ_id.name or "",
            "provider_name": row["provider"].name or "",
            "provider_uuid": row["provider"].uuid,
            "price": row["price"],
            "tax": row["tax"],
            "total": row["total"],
        }
        for row in stats
    ]


def _number_format(decimal_places):
    return "#,##0" + ("." + "0" * decimal_places if decimal_places else "")


def write_invoice_stats_xlsx(
    rows, title, currency_name="", decimal_places=2, labels=None
):
    """The workbook's bytes; ``rows`` as returned by ``stats_table_rows``.

    ``labels`` maps the English headers (and "Total") to the user's
    language; this module has no ORM, so the model translates them.
    """
    labels = labels or {}
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(title[:31])
    bold = workbook.add_format({"bold": True, "bottom": 1})
    money = workbook.add_format({"num_format": _number_format(decimal_places)})
    bold_money = workbook.add_format(
        {"bold": True, "top": 1, "num_format": _number_format(decimal_places)}
    )
    bold_text = workbook.add_format({"bold": True, "top": 1})

    for col, (header, width, _key, numeric) in enumerate(COLUMNS):
        header = labels.get(header, header)
        label = f"{header} ({currency_name})" if numeric and currency_name else header
        sheet.write_string(0, col, label, bold)
        sheet.set_column(col, col, width)
    for row_index, row in enumerate(rows, start=1):
        for col, (_header, _width, key, numeric) in enumerate(COLUMNS):
            if numeric:
                sheet.write_number(row_index, col, float(row[key]), money)
            else:
                sheet.write_string(row_index, col, row[key])

    last = len(rows)  # zero-based index of the last data row
    total_row = last + 1
    sheet.write_string(total_row, 0, labels.get("Total", "Total"), bold_text)
    for col, (_header, _width, key, numeric) in enumerate(COLUMNS):
        if not numeric:
            if col:
                sheet.write_blank(total_row, col, None, bold_text)
            continue
        letter = xl_col_to_name(col)
        total = sum((Decimal(row[key]) for row in rows), Decimal(0))
        formula = f"=SUM({letter}2:{letter}{last + 1})" if rows else "=0"
        sheet.write_formula(total_row, col, formula, bold_money, float(total))

    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last, 1), len(COLUMNS) - 1)
    workbook.close()
    return output.getvalue()


def xlsx_response(filename, content):
    """An HTTP download of an XLSX file."""
    return request.make_response(
        content,
        headers=[
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Disposition", content_disposition(filename)),
        ],
    )
