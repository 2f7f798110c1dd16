# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoice growth as an XLSX workbook with a native line chart.

Takes the figures of ``account.move._billing_growth`` already flattened into
plain values (period labels, named series of numbers) and writes one sheet:
a bold, frozen header, one row per billing period, one column per top
customer, then *Others* and *Total*; amounts are numbers with the currency's
decimals, not text. A line chart of every column sits next to the table and
the sheet prints landscape on one page wide. No ORM here: the caller
translates the labels.
"""

import io
import re

import xlsxwriter

SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _number_format(decimal_places):
    return "#,##0" + ("." + "0" * decimal_places if decimal_places else "")


def growth_columns(customers, other, total, labels=None):
    """The value columns, ``[(header, values), ...]``, in the sheet's order."""
    labels = labels or {}
    return [
        *customers,
        (labels.get("Others", "Others"), list(other)),
        (labels.get("Total", "Total"), list(total)),
    ]


def write_growth_xlsx(
    periods,
    customers,
    other,
    total,
    title="Invoice Growth",
    currency_name="",
    decimal_places=2,
    labels=None,
):
    """The workbook's bytes.

    ``periods`` are the row labels (one per billing period), ``customers``
    ``(name, values)`` pairs (one value per period), ``other`` and ``total``
    one value per period. ``labels`` maps "Period", "Others" and "Total" to
    the user's language.
    """
    labels = labels or {}
    columns = growth_columns(customers, other, total, labels)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet_name = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31].strip() or "Sheet1"
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    money = workbook.add_format({"num_format": _number_format(decimal_places)})
    bold_money = workbook.add_format(
        {"bold": True, "num_format": _number_format(decimal_places)}
    )

    sheet.write_string(0, 0, labels.get("Period", "Period"), bold)
    sheet.set_column(0, 0, 12)
    for col, (header, _values) in enumerate(columns, start=1):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, max(14, min(len(header) + 2, 40)))
    last_col = len(columns)
    for row, period in enumerate(periods, start=1):
        sheet.write_string(row, 0, period)
        for col, (_header, values) in enumerate(columns, start=1):
            cell_format = bold_money if col == last_col else money
            sheet.write_number(row, col, float(values[row - 1]), cell_format)
    last_row = len(periods)

    chart = workbook.add_chart({"type": "line"})
    for col in range(1, last_col + 1):
        chart.add_series(
            {
                "name": [sheet_name, 0, col],
                "categories": [sheet_name, 1, 0, max(last_row, 1), 0],
                "values": [sheet_name, 1, col, max(last_row, 1), col],
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": title})
    chart.set_x_axis({"name": labels.get("Period", "Period")})
    chart.set_y_axis(
        {
            "name": currency_name,
            "num_format": _number_format(decimal_places),
            "major_gridlines": {"visible": True},
        }
    )
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 860, "height": 420})
    sheet.insert_chart(last_row + 2, 0, chart)

    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_header(
        "&L&B" + title.replace("&", "&&") + "&R" + currency_name.replace("&", "&&")
    )
    workbook.close()
    return output.getvalue()
