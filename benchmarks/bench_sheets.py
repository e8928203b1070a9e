"""How fast a workbook is read, against the same rows as CSV, measured in the same run.

Run:  python benchmarks/bench_sheets.py [--rows 20000] [--runs 3] [--full]

Writes N rows (data/programs.csv's rows repeated with new ids, N at most the loader's 20,000) once
as .xlsx (XlsxWriter, what Excel-made files look like: shared strings, numbers as numbers) and once
as UTF-8 CSV, then times, median of the runs:

- read: bytes → header and rows of text (geo/sheets.py with python-calamine, against geo/csvread.py);
- with --full also load: the whole validation (geo.programs.load_programs), the same for both, so
  the difference is the reading.

Prints rows per second (CPU time of this process, median) for each and the ratio xlsx / CSV.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlsxwriter

from geo import csvread, headers, programs, sheets


def rows(n: int) -> list[dict[str, str]]:
    base = list(csv.DictReader(io.StringIO(programs.DATA_FILE.read_text(encoding="utf-8-sig"))))
    out = []
    for i in range(n):
        r = dict(base[i % len(base)])
        r["id"] = f"BENCH-{i:05d}"
        r["project_id"], r["record_role"] = "", "whole"
        out.append(r)
    return out


def as_csv(data: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(programs.COLUMNS), lineterminator="\r\n")
    w.writeheader()
    w.writerows(data)
    return buf.getvalue().encode("utf-8")


def as_xlsx(data: list[dict[str, str]]) -> bytes:
    numeric = {"year", "annual_year", "lat", "lon", *programs.BUDGET_COLUMNS}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, programs.COLUMNS)
    for i, r in enumerate(data, start=1):
        for j, c in enumerate(programs.COLUMNS):
            v = r.get(c, "")
            if c in numeric and v:
                ws.write_number(i, j, float(v.replace(",", "")))
            elif v:
                ws.write_string(i, j, v)
    wb.close()
    return buf.getvalue()


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median CPU seconds of the process (calamine's Rust included; a shared machine's waits are not)."""
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--full", action="store_true", help="also time the whole validation")
    args = ap.parse_args()
    data = rows(min(args.rows, csvread.MAX_ROWS))
    n = len(data)
    csv_bytes, xlsx_bytes = as_csv(data), as_xlsx(data)
    print(f"{n:,} rows: CSV {len(csv_bytes) / 1e6:.1f} MB, xlsx {len(xlsx_bytes) / 1e6:.1f} MB")
    t_xlsx = timed(lambda: sheets.read_table(xlsx_bytes, headers.is_known), args.runs)
    t_csv = timed(lambda: csvread.read_table(csv_bytes, set(programs.COLUMNS)), args.runs)
    assert len(sheets.read_table(xlsx_bytes, headers.is_known).rows) == n
    print(f"read  xlsx {n / t_xlsx:>9,.0f} rows/s ({t_xlsx:.2f} s)   CSV {n / t_csv:>9,.0f} rows/s ({t_csv:.2f} s)   "
          f"xlsx/CSV time {t_xlsx / t_csv:.1f}x")  # fmt: skip
    if args.full:
        f_xlsx = timed(lambda: programs.load_programs(xlsx_bytes, name="bench.xlsx"), 1)
        f_csv = timed(lambda: programs.load_programs(csv_bytes, name="bench.csv"), 1)
        print(f"load  xlsx {n / f_xlsx:>9,.0f} rows/s ({f_xlsx:.2f} s)   CSV {n / f_csv:>9,.0f} rows/s "
              f"({f_csv:.2f} s)   xlsx/CSV time {f_xlsx / f_csv:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
