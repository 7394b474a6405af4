"""A 300,000-row LCA workbook imports in constant memory (peak RSS does not grow with rows).

Marked slow: it writes a 300k-row .xlsx (once per session) and imports it and a 30k-row
one in subprocesses, so each peak RSS is that import's alone. Speed is measured in
bench/bench_h1b_import.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from data.h1b.lca_files import LCA_SUBSET, many_lca_rows, write_xlsx

from researchjobs.storage.sponsors import IMPORT_CACHE_KIB

pytestmark = pytest.mark.slow

CHILD = """
import json, resource, sys
from researchjobs.h1b.importer import import_file
from researchjobs.storage.db import open_db
result = import_file(open_db(sys.argv[2]), sys.argv[1])
print(json.dumps({"kept": result.rows_kept, "skipped": result.rows_skipped,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.fixture(scope="session")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("lca_large")
    return {n: write_xlsx(folder / f"LCA_Disclosure_Data_FY2025_Q{1 if n < 100_000 else 2}.xlsx", LCA_SUBSET,
                          many_lca_rows(LCA_SUBSET, n, fy=2025, quarter=2), blank_tail=n // 10,
                          row_count=n)
            for n in (30_000, 300_000)}  # fmt: skip


def _import(path: Path, db: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(db)], capture_output=True, text=True,
                         timeout=240, env=env, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_300k_rows_import_in_constant_memory(workbooks: dict[int, Path], tmp_path: Path) -> None:
    small = _import(workbooks[30_000], tmp_path / "small.db")
    large = _import(workbooks[300_000], tmp_path / "large.db")
    assert (small["kept"], small["skipped"]) == (30_000, 3_000)
    assert (large["kept"], large["skipped"]) == (300_000, 30_000)
    # Ten times the rows, bounded memory: what grows is SQLite's page cache, capped for the
    # import at IMPORT_CACHE_KIB (a small database never fills it), and nothing per row.
    cache_mib = IMPORT_CACHE_KIB / 1024
    assert large["rss_mib"] - small["rss_mib"] < cache_mib + 25, (small, large)
    assert large["rss_mib"] < 400, large  # the interpreter, Scrapy-free imports, the capped cache
