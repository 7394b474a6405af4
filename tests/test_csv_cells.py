"""CSV output cannot smuggle a spreadsheet formula: crawled text starting with = + - @ tab or CR is
prefixed with ' in `jobs`, `export` and `sql` CSV; JSON keeps the text as it is."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from test_cli_foundation import cli

from researchjobs.config import paths
from researchjobs.posting import Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import posting_row, upsert_rows

HOSTILE = {
    "=HYPERLINK(\"https://evil.example.net\",\"Apply\")": "'=HYPERLINK(\"https://evil.example.net\",\"Apply\")",
    "+1 555 0100 Research Line": "'+1 555 0100 Research Line",
    "-2+3 Clinical Trials": "'-2+3 Clinical Trials",
    "@SUM(A1:A9) Health": "'@SUM(A1:A9) Health",
    "\t=1+1 Institute": "'\t=1+1 Institute",
    "\r=1+1 Institute": "'\r=1+1 Institute",
}


def _store(home: Path) -> None:
    db = open_db(paths().ensure().db)
    rows = [
        posting_row(Posting(source_family="greenhouse", source_id="greenhouse:t", source_job_id=str(n),
                            title=f"Clinical Research Coordinator {n}", employer=employer,
                            url=f"https://job-boards.greenhouse.io/t/jobs/{n}"))
        for n, employer in enumerate(HOSTILE)
    ]  # fmt: skip
    upsert_rows(db, rows, now="2026-12-01T00:00:00Z")
    db.conn.close()


def _employers(text: str) -> set[str]:
    return {row["employer"] for row in csv.DictReader(io.StringIO(text, newline=""))}


def test_formula_cells_are_neutralised_in_every_csv(home: Path) -> None:
    _store(home)
    for args in (["jobs", "--format", "csv"], ["export", "--format", "csv"],
                 ["sql", "SELECT employer FROM postings", "--format", "csv"]):  # fmt: skip
        result = subprocess.run([sys.executable, "-m", "researchjobs", *args], capture_output=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert _employers(result.stdout.decode("utf-8")) == set(HOSTILE.values()), args  # bytes: CR kept
    as_json = cli("jobs", "--format", "json")
    assert {row["employer"] for row in json.loads(as_json.stdout)} == set(HOSTILE)


def test_help_says_so() -> None:
    for command in ("jobs", "export", "sql"):
        assert "formula" in " ".join(cli(command, "--help").stdout.split()), command
