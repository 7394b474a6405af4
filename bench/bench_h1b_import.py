"""H-1B import benchmark: ``sponsors import`` of a generated LCA workbook vs the reader alone.

The floor is the same streaming reader (researchjobs.h1b.xlsx) reading the same file and
the same columns the importer asks for, measured in the same run: the ratio is what
value conversion, name keys, research classification and the SQLite upserts cost on top
of reading. Peak RSS of each, in its own process.

    python bench/bench_h1b_import.py [ROWS [full|subset]]
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

from data.h1b.lca_files import LCA_FY2025_Q2, LCA_SUBSET, many_lca_rows, write_xlsx  # noqa: E402

READ = """
import json, resource, sys, time
from researchjobs.h1b.files import open_table
from researchjobs.h1b.layouts import recognise
t = time.perf_counter()
table = open_table(sys.argv[1])
header = next(table.rows)
table.set_columns(set(recognise(header).columns.values()))
n = sum(1 for _ in table.rows)
print(json.dumps({"rows": n, "seconds": time.perf_counter() - t,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
IMPORT = """
import json, resource, sys, time
from researchjobs.h1b.importer import import_file
from researchjobs.storage.db import open_db
db = open_db(sys.argv[2])
t = time.perf_counter()
result = import_file(db, sys.argv[1])
print(json.dumps({"rows": result.rows_kept, "seconds": time.perf_counter() - t,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(HERE.parent)})  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    header = LCA_SUBSET if len(sys.argv) > 2 and sys.argv[2] == "subset" else LCA_FY2025_Q2
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "LCA_Disclosure_Data_FY2025_Q2.xlsx"
        t = time.perf_counter()
        write_xlsx(path, header, many_lca_rows(header, rows, fy=2025, quarter=2), blank_tail=rows // 4, row_count=rows)
        made = time.perf_counter() - t
        print(f"workbook: {rows:,} rows × {len(header)} columns + {rows // 4:,} blank formatted rows, "
              f"{path.stat().st_size / 1e6:.0f} MB, written in {made:.1f} s")
        # Interleaved, best of three each: load from other processes hits both alike.
        readers, imports = [], []
        for i in range(3):
            readers.append(child(READ, str(path)))
            imports.append(child(IMPORT, str(path), str(Path(folder) / f"db{i}.db")))
        reader = min(readers, key=lambda r: r["seconds"])
        best = min(imports, key=lambda r: r["seconds"])
        print(f"reader alone (importer's columns): {reader['seconds']:.1f} s, {reader['rows'] / reader['seconds']:,.0f} rows/s, "
              f"peak RSS {reader['rss_mib']:.0f} MiB")
        print(f"sponsors import (read, convert, upsert, one transaction): {best['seconds']:.1f} s, "
              f"{best['rows'] / best['seconds']:,.0f} rows/s, peak RSS {best['rss_mib']:.0f} MiB")
        print(f"ratio import / reader: {best['seconds'] / reader['seconds']:.2f}×")


if __name__ == "__main__":
    main()
