"""Which .xlsx reader for DOL LCA files: python-calamine, fastexcel, openpyxl read-only, or ours.

Each reader reads the same generated full-width (98-column) LCA workbook in its own
process; we record wall time, rows/s and peak RSS. openpyxl read-only is timed on the
first OPENPYXL_ROWS rows only (a whole large sheet takes many minutes) and its rate
extrapolated. The bench extra installs the three libraries: pip install -e '.[bench]'.

    python bench/bench_xlsx_readers.py [ROWS]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from data.h1b.lca_files import LCA_FY2025_Q2, many_lca_rows, write_xlsx  # noqa: E402

OPENPYXL_ROWS = 20_000
WANTED = sorted({0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 19, 20, 23, 24, 30, 31, 68, 69, 70, 71, 72, 73, 74, 75, 76, 78, 86})

READERS = {
    "python-calamine (iter_rows)": """
from python_calamine import CalamineWorkbook
n = sum(1 for _ in CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).iter_rows())
""",
    "fastexcel (load_sheet → Arrow, all columns as strings)": """
import fastexcel
n = fastexcel.read_excel(PATH).load_sheet(0, header_row=None, dtypes="string").to_arrow().num_rows
""",
    f"openpyxl read-only (first {OPENPYXL_ROWS:,} rows)": f"""
import openpyxl, warnings
warnings.simplefilter("ignore")
ws = openpyxl.load_workbook(PATH, read_only=True, data_only=True).worksheets[0]
n = 0
for _ in ws.iter_rows(values_only=True):
    n += 1
    if n >= {OPENPYXL_ROWS}:
        break
""",
    "researchjobs.h1b.xlsx, all 98 columns": """
from researchjobs.h1b.xlsx import Workbook
with Workbook.open(PATH) as book:
    n = sum(1 for _ in book.rows())
""",
    "researchjobs.h1b.xlsx, the importer's 29 columns": f"""
from researchjobs.h1b.xlsx import Workbook
with Workbook.open(PATH) as book:
    n = sum(1 for _ in book.rows(frozenset({WANTED})))
""",
}
WRAP = """
import json, resource, sys, time
PATH = sys.argv[1]
t = time.perf_counter()
{body}
print(json.dumps({{"rows": n, "seconds": time.perf_counter() - t,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "LCA_Disclosure_Data_FY2025_Q2.xlsx"
        t = time.perf_counter()
        write_xlsx(path, LCA_FY2025_Q2, many_lca_rows(LCA_FY2025_Q2, rows, fy=2025, quarter=2), row_count=rows)
        print(f"workbook: {rows:,} rows × 98 columns, {path.stat().st_size / 1e6:.0f} MB (written in "
              f"{time.perf_counter() - t:.1f} s)")
        print("| reader | rows read | seconds | rows/s | peak RSS |")
        print("|---|---|---|---|---|")
        for name, body in READERS.items():
            out = subprocess.run([sys.executable, "-c", WRAP.format(body=body), str(path)], capture_output=True,
                                 text=True, env={**os.environ, "PYTHONPATH": str(HERE.parent)})  # fmt: skip
            if out.returncode:
                print(f"| {name} | failed: {out.stderr.strip().splitlines()[-1]} | | | |")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {name} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows'] / r['seconds']:,.0f} | {r['rss_mib']:.0f} MiB |",
                  flush=True)


if __name__ == "__main__":
    main()
