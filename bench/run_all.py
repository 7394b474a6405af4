"""Run every benchmark in turn and keep its output in bench/out/ (``make bench``).

Each benchmark prints its own figures and the ratio to a floor measured in the same
run; bench/RESULTS.md records a run with the machine it ran on.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("ingest", ["bench_ingest.py", "100000", "20000"]),
    ("enrich", ["bench_enrich.py", "3000"]),
    ("crawl", ["bench_crawl.py", "100000"]),
    ("crawl_workday", ["bench_crawl_workday.py"]),
    ("match", ["bench_match.py", "100000", "1000"]),
    ("query", ["bench_query.py", "100000", "1000000"]),
    ("digest", ["bench_digest.py"]),
    ("offline", ["bench_offline.py", "3"]),
    ("xlsx_readers", ["bench_xlsx_readers.py", "100000"]),
    ("h1b_import", ["bench_h1b_import.py", "200000"]),
]


def main(only: list[str]) -> int:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}")  # fmt: skip
    failures = 0
    for name, argv in BENCHES:
        if only and name not in only:
            continue
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(HERE / argv[0]), *argv[1:]], capture_output=True, text=True)
        text = result.stdout + (result.stderr if result.returncode else "")
        (out / f"{name}.txt").write_text(text)
        print(text.rstrip())
        print(f"   ({time.perf_counter() - started:.0f} s, exit {result.returncode})")
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
