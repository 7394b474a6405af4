"""The extractor-1.1 facts reach storage: an older database is migrated (m070) and
`reenrich` fills the new columns; `enrich` takes --employer and --location; the first
paragraph's cases behave end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.enrich.facts import EXTRACTOR_VERSION
from researchjobs.posting import Posting
from researchjobs.storage.db import open_db
from researchjobs.storage.postings import posting_row, upsert_rows
from researchjobs.storage.reenrich import reenrich
from researchjobs.storage.schema import M070_FACT_COLUMNS

runner = CliRunner()
SPANISH_CRC = (
    "Clinical Research Coordinator\n\nThe Hispanic Health Research Center coordinates diabetes "
    "prevention trials: consents patients, schedules study visits and enters data in REDCap.\n\n"
    "Qualifications:\n- Bachelor's degree\n- Fluency in Spanish and English required.\n"
)


def test_an_older_database_gets_the_new_columns_and_reenrich_fills_them(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_db(path)
    posting = Posting(source_family="greenhouse", source_id="greenhouse:hhrc", source_job_id="1",
                      title="Clinical Research Coordinator", url="https://job-boards.greenhouse.io/hhrc/jobs/1",
                      description=SPANISH_CRC)
    row = posting_row(posting, {"role_family": "crc", "role_level": "mid", "enrich_version": "1.0.1"})
    upsert_rows(db, [row], now="2026-11-01T00:00:00Z")
    for name in M070_FACT_COLUMNS:  # the database as extractor 1.0 left it
        db.execute(f"ALTER TABLE postings DROP COLUMN {name}")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm070_eligibility_facts'")
    db.conn.commit()
    db.conn.close()

    db = open_db(path)  # migrates
    columns = {row[1] for row in db.execute("PRAGMA table_info(postings)").fetchall()}
    assert set(M070_FACT_COLUMNS) <= columns
    assert db.execute("SELECT role_level_basis FROM postings").fetchone()[0] is None

    result = reenrich(db)
    assert result == {"reenriched": 1, "failed": 0, "version": EXTRACTOR_VERSION}
    stored = dict(zip(("level", "basis", "languages", "clinical", "version"), db.execute(
        "SELECT role_level, role_level_basis, languages_required, clinical_research, enrich_version FROM postings"
    ).fetchone(), strict=True))
    assert stored == {"level": "entry", "basis": "inferred", "languages": '["Spanish"]', "clinical": 1,
                      "version": EXTRACTOR_VERSION}
    assert reenrich(db)["reenriched"] == 0  # nothing stale left


def test_enrich_takes_employer_and_location(tmp_path: Path) -> None:
    file = tmp_path / "posting.txt"
    file.write_text(SPANISH_CRC, encoding="utf-8")
    result = runner.invoke(app, ["enrich", str(file), "--employer", "University of Rochester",
                                 "--location", "Rochester, NY"])
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert (facts["city"], facts["state"], facts["employer"]) == ("Rochester", "NY", "University of Rochester")
    assert facts["employer_type_inferred"] == "university" and facts["cap_exempt"] == "likely"
    # the first paragraph: an unnumbered CRC with no figure is entry, Spanish is required
    assert (facts["role_level"], facts["role_level_basis"]) == ("entry", "inferred")
    assert facts["languages_required"] == ["Spanish"]
    assert facts["facts_json"]["languages_required"]["evidence"] == "Fluency in Spanish and English required."

    without = json.loads(runner.invoke(app, ["enrich", str(file)]).output)
    assert without["city"] is None and without["cap_exempt"] == "unknown"
