# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice statistics XLSX writer against plain xlsxwriter.

Writes the same statistic rows (100,000 by default) twice per repetition:
with ``write_invoice_stats_xlsx`` (header block, typed cells, totals
formulas, print setup) and with a plain xlsxwriter loop (the same cells and
number formats, ``constant_memory`` too, nothing else). Speed is the best of
``--repeat`` timed runs; peak memory is measured in one more run of each
under ``tracemalloc`` (which slows Python down, so it is not timed). No
database: the rows are generated in memory, lazily, as the model's batched
reads feed them.

    python3 bench/xlsx_export.py [--rows 100000] [--repeat 3]
"""

import argparse
import datetime
import importlib.util
import io
import sys
import time
import tracemalloc
import uuid
from decimal import Decimal
from pathlib import Path

import xlsxwriter

REPO_ROOT = Path(__file__).resolve().parent.parent
WRITER_PATH = REPO_ROOT / "billing_payments" / "export" / "invoice_stats_xlsx.py"
TARGET_SPEED_RATIO = 0.7
TARGET_PEAK_MB = 100


def load_writer():
    """The writer module, loaded from its file (it needs no Odoo registry)."""
    spec = importlib.util.spec_from_file_location("invoice_stats_xlsx", WRITER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stat_rows(count):
    """``count`` rows as ``stats_table_rows`` yields them, made lazily."""
    providers = [(f"Provider {i}", uuid.uuid4().hex) for i in range(8)]
    categories = [f"Category {i}" for i in range(10)]
    for i in range(count):
        price = Decimal(i % 9973) / 100 + Decimal("1.00")
        tax = (price / 5).quantize(Decimal("0.01"))
        provider_name, provider_uuid = providers[i % 8]
        yield {
            "offering_name": f"Offering {i}",
            "uuid": f"{i:032x}",
            "category": categories[i % 10],
            "provider_name": provider_name,
            "provider_uuid": provider_uuid,
            "quantity": float(i % 17 + 1),
            "price": price,
            "tax": tax,
            "total": price + tax,
        }


def write_ours(writer, count):
    header = [
        ("Company", "Bench Company"),
        ("Invoice", "INV/2026/00014"),
        ("Invoice number (Waldur)", "100014"),
        ("Customer", "Bench Customer"),
        ("Billing period", "October 2026"),
        ("Invoice date", datetime.date(2026, 10, 31)),
        ("Due date", datetime.date(2026, 11, 30)),
        ("Currency", "EUR"),
        ("Generated on (UTC)", datetime.datetime(2026, 12, 2, 0, 0)),
    ]
    return writer.write_invoice_stats_xlsx(
        stat_rows(count),
        title="Invoice statistics: INV/2026/00014",
        currency_name="EUR",
        header=header,
        sheet_name="Statistics",
        properties={"company": "Bench Company", "author": "bench"},
    )


def write_plain(writer, count):
    """The same cells with xlsxwriter alone: a header row, then the rows."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet("Statistics")
    styles = {
        "money": workbook.add_format({"num_format": "#,##0.00"}),
        "quantity": workbook.add_format({"num_format": "#,##0.00"}),
    }
    for col, (name, _width, _key, _kind) in enumerate(writer.COLUMNS):
        sheet.write_string(0, col, name)
    plan = [
        (col, key, styles.get(kind))
        for col, (_name, _width, key, kind) in enumerate(writer.COLUMNS)
    ]
    for row_index, row in enumerate(stat_rows(count), start=1):
        for col, key, style in plan:
            if style is None:
                sheet.write_string(row_index, col, row[key])
            else:
                sheet.write_number(row_index, col, float(row[key]), style)
    workbook.close()
    return output.getvalue()


def best_time(function, repeat):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(function())
        timings.append(time.perf_counter() - start)
    return min(timings), size


def peak_mb(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    writer = load_writer()
    results = {}
    for name, function in (("ours", write_ours), ("plain", write_plain)):
        seconds, size = best_time(lambda f=function: f(writer, args.rows), args.repeat)
        peak = peak_mb(lambda f=function: f(writer, args.rows))
        results[name] = (seconds, size, peak)
    print(f"{args.rows:,} statistic rows, best of {args.repeat} runs")
    print(f"{'writer':<8}{'seconds':>10}{'rows/s':>12}{'file MB':>10}{'peak MB':>10}")
    for name, (seconds, size, peak) in results.items():
        print(
            f"{name:<8}{seconds:>10.2f}{args.rows / seconds:>12,.0f}"
            f"{size / 2**20:>10.1f}{peak:>10.1f}"
        )
    ratio = results["plain"][0] / results["ours"][0]
    print(f"speed ours/plain: {ratio:.2f} (target >= {TARGET_SPEED_RATIO})")
    print(f"peak ours: {results['ours'][2]:.1f} MB (target < {TARGET_PEAK_MB} MB)")
    return (
        0 if ratio >= TARGET_SPEED_RATIO and results["ours"][2] < TARGET_PEAK_MB else 1
    )


if __name__ == "__main__":
    sys.exit(main())
