"""Importing DOL LCA and USCIS Data Hub files: every layout, the real samples, idempotency,
the latest quarter winning, blank trailing rows, clear errors, per-employer records."""

from __future__ import annotations

import datetime as dt
import json
import random
import zipfile
from pathlib import Path

import pytest
from conftest import REAL_FIXTURES, needs_real
from data.h1b.lca_files import (
    EMPLOYERS,
    LCA_FY2023,
    LCA_FY2024,
    LCA_FY2025_Q1,
    LCA_FY2025_Q2,
    RESEARCH_TITLES,
    USCIS_A,
    USCIS_B,
    USCIS_C,
    USCIS_D,
    lca_row,
    lca_rows,
    write_csv,
    write_xlsx,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from researchjobs.cli import app
from researchjobs.h1b import values
from researchjobs.h1b.importer import SponsorImportError, import_file
from researchjobs.h1b.layouts import LayoutError, recognise
from researchjobs.h1b.lookup import find_employer
from researchjobs.h1b.records import refresh
from researchjobs.storage.db import open_db

H1B = REAL_FIXTURES / "h1b"
REGISTRY = [
    ("Mayo Clinic", "academic_medical_centre"),
    ("University of Pittsburgh", "university"),
    ("Mass General Brigham", "academic_medical_centre"),
    ("Carnegie Mellon University", "university"),
    ("Cornell University", "university"),
]


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "h1b.db")
    yield database
    database.conn.close()


def table(db, sql: str, params: tuple = ()) -> list[tuple]:
    return [tuple(r) for r in db.conn.execute(sql, params)]


# --------------------------------------------------------------------------- real samples


@needs_real
@pytest.mark.parametrize(
    ("name", "kind", "layout", "rows", "years"),
    [
        ("lca_fy2024_q4_column_subset_sample.csv", "lca", "lca_fy2024+", 50, [2024]),
        ("lca_fy2025_q2_healthcare_research_titles_sample.csv", "lca", "lca_subset", 49, [2025]),
        ("uscis_hub_fy2019_legacy_csv_sample.csv", "uscis", "uscis_legacy_plural", 30, [2019]),
        ("uscis_hub_fy2023_legacy_csv_sample.csv", "uscis", "uscis_legacy", 45, [2023]),
        ("uscis_hub_fy2024_employer_information_naics52_sample.csv", "uscis", "uscis_employer_information", 25, [2024]),
    ],
)
def test_real_samples_each_layout(db, name: str, kind: str, layout: str, rows: int, years: list[int]) -> None:
    result = import_file(db, H1B / name)
    assert (result.kind, result.layout, result.rows_kept, result.fiscal_years) == (kind, layout, rows, years)
    again = import_file(db, H1B / name)
    assert again.skipped_file and "already imported" in again.describe()


@needs_real
def test_real_lca_values(db) -> None:
    import_file(db, H1B / "lca_fy2024_q4_column_subset_sample.csv")
    row = db.conn.execute(
        "SELECT decision_date, fiscal_year, wage_from, wage_annual, employer_fein, naics_code, employer_key"
        " FROM lca_filings WHERE case_number = 'I-200-24190-180614'").fetchone()  # fmt: skip
    # DECISION_DATE 45488 is an Excel serial; the wage keeps its float artefact; FEIN digits only
    assert tuple(row) == ("2024-07-15", 2024, 290014.4, 290014.4, "510103684", "622110",
                          "christiana care health services")  # fmt: skip
    fellow = db.conn.execute("SELECT research, wage_annual FROM lca_filings WHERE employer_name LIKE 'University of Alaska%'").fetchone()
    assert tuple(fellow) == (1, 99049.6)  # SOC 19-2043; $47.62 an hour × 2,080
    fidelity_years = table(db, "SELECT COUNT(*) FROM lca_filings WHERE research = 1 AND soc_code LIKE '15-%'")
    assert fidelity_years == [(0,)]


@needs_real
def test_real_uscis_values(db) -> None:
    import_file(db, H1B / "uscis_hub_fy2024_employer_information_naics52_sample.csv")
    import_file(db, H1B / "uscis_hub_fy2019_legacy_csv_sample.csv")
    fidelity = db.conn.execute(
        "SELECT initial_approvals, initial_denials, continuing_approvals, continuing_denials, naics, zip"
        " FROM uscis_approvals WHERE employer_name = 'FIDELITY INVESTMENTS'").fetchone()  # fmt: skip
    assert tuple(fidelity) == (199, 1, 1391, 19, "52", "02210")  # "1,391" and ZIP 2210
    assert table(db, "SELECT zip FROM uscis_approvals WHERE employer_name = 'BRANDEIS UNIVERSITY'") == [("02453",)]


@needs_real
def test_real_samples_give_hand_computed_records(db) -> None:
    """Counts worked out by hand from the sample rows (see the comments)."""
    for path in sorted(H1B.glob("*.csv")):
        import_file(db, path)
    refresh(db, REGISTRY)
    # Mayo Clinic, FY2025 Q2 extract (no CASE_STATUS column): 10 rows, all research titles —
    # Research Technologist x5 (levels II, II, II, IV, II; wages 58,801.60, 60,266.75, 75,192,
    # 75,495.68, 61,564.67 → median 61,564.67) and Senior Research Technologist x5.
    mayo = find_employer(db, "Mayo Clinic")
    assert mayo.ours
    fy2025, fy2019 = mayo.years
    assert (fy2019["fiscal_year"], fy2019["lca_filed"], fy2019["uscis_continuing_approvals"]) == (2019, 0, 1)
    assert (fy2025["fiscal_year"], fy2025["lca_filed"], fy2025["lca_no_status"], fy2025["lca_research"]) == (2025, 10, 10, 10)
    assert (fy2025["example_title"], fy2025["example_level"], fy2025["example_wage"]) == ("Research Technologist", "II", 61564.67)
    assert mayo.line.startswith(
        "H-1B: filed 10 H-1B LCAs in FY2025 (status not in the data), 10 for research titles, "
        "e.g. Research Technologist, Level II $62k (DOL LCA data)")
    # USCIS FY2019: MAYO CLINIC 0 initial, 1 continuing approval
    assert mayo.line.endswith("USCIS FY2019: 0 initial and 1 continuing approvals")
    # Mass General Brigham: Massachusetts General Physicians Organization x2 and Brigham and
    # Women's Hospital x1 (aliases), all "Clinical Research Fellow": 95,150, 90,750, 104,500.
    mgb = find_employer(db, "Mass General Brigham")
    assert (mgb.years[0]["lca_filed"], mgb.years[0]["lca_research"], mgb.years[0]["example_wage"]) == (3, 3, 95150.0)
    assert {x["external_name"] for x in mgb.links} == {
        "Massachusetts General Physicians Organization", "Brigham and Women's Hospital"}
    # Carnegie Mellon, FY2024 Q4: one certified Senior Robotics Engineer (SOC 15-1252: not
    # research), NAICS 611310.
    cmu = find_employer(db, "Carnegie Mellon University")
    assert (cmu.years[0]["lca_certified"], cmu.years[0]["lca_research"]) == (1, 0)
    assert cmu.line == "H-1B: 1 certified H-1B LCA in FY2024 (DOL LCA data)"
    assert cmu.cap.likelihood == "likely"
    assert "NAICS 611310 (colleges and universities) on 1 of 1 LCAs (DOL LCA data)" in cmu.cap.evidence
    # Cornell: one FY2025 Research Associate; USCIS FY2023 "CORNELL UNIVERSITY" 1 initial; the
    # FY2019 "CORNELL UNIVERSITY ISSO" row only goes to review.
    cornell = find_employer(db, "Cornell University")
    assert [y["fiscal_year"] for y in cornell.years] == [2025, 2023]
    assert cornell.years[1]["uscis_initial_approvals"] == 1
    assert cornell.line.endswith("USCIS FY2023: 1 initial and 0 continuing approvals")
    review = table(db, "SELECT external_name, status FROM employer_links WHERE dataset = 'uscis' AND status = 'review'")
    assert review == [("CORNELL UNIVERSITY ISSO", "review")]
    # University of Pittsburgh: the Clinical Research Coordinator, Level I, $52,650
    assert find_employer(db, "University of Pittsburgh").line == (
        "H-1B: filed 1 H-1B LCA in FY2025 (status not in the data), 1 for research titles, "
        "e.g. Clinical Research Coordinator, Level I $53k (DOL LCA data)")


# --------------------------------------------------------------------------- generated files


@pytest.mark.parametrize(
    ("header", "layout"),
    [(LCA_FY2023, "lca_fy2020+"), (LCA_FY2024, "lca_fy2024+"), (LCA_FY2025_Q1, "lca_fy2024+"),
     (LCA_FY2025_Q2, "lca_fy2025q2+")],
)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_full_width_files_with_blank_tails(db, tmp_path: Path, header: tuple, layout: str, fmt: str) -> None:
    path = tmp_path / f"LCA_Disclosure_Data_FY2025_Q1.{fmt}"
    rows = list(lca_rows(header, 120, fy=2025, quarter=1))
    writer = write_xlsx if fmt == "xlsx" else write_csv
    writer(path, header, rows, blank_tail=300)
    result = import_file(db, path)
    assert (result.layout, result.rows_kept, result.rows_skipped) == (layout, 120, 300)
    dependent = header.index("H-1B_DEPENDENT" if "H-1B_DEPENDENT" in header else "H_1B_DEPENDENT")
    expected = {r[dependent] for r in rows}
    assert {r[0] for r in table(db, "SELECT DISTINCT h1b_dependent FROM lca_filings")} == expected
    feins = table(db, "SELECT COUNT(*) FROM lca_filings WHERE employer_fein IS NOT NULL")[0][0]
    assert feins == (0 if header is LCA_FY2023 else 120)
    (low, high, fy_low, fy_high), = table(
        db, "SELECT MIN(decision_date), MAX(decision_date), MIN(fiscal_year), MAX(fiscal_year) FROM lca_filings")
    assert "2024-10-01" <= low <= high <= "2024-12-31" and (fy_low, fy_high) == (2025, 2025)  # FY2025 Q1


def test_duplicate_case_number_latest_quarter_wins_in_any_import_order(db, tmp_path: Path) -> None:
    rng = random.Random(3)
    same = "I-200-25020-123456"
    q1 = [lca_row(LCA_FY2025_Q1, 1, fy=2025, quarter=1, rng=rng, case_number=same, status="Certified"),
          lca_row(LCA_FY2025_Q1, 2, fy=2025, quarter=1, rng=rng)]
    q2 = [lca_row(LCA_FY2025_Q2, 3, fy=2025, quarter=2, rng=rng, case_number=same, status="Certified - Withdrawn")]
    first = write_xlsx(tmp_path / "LCA_Disclosure_Data_FY2025_Q1.xlsx", LCA_FY2025_Q1, q1)
    second = write_csv(tmp_path / "LCA_Disclosure_Data_FY2025_Q2.csv", LCA_FY2025_Q2, q2)
    import_file(db, second)
    import_file(db, first)  # older quarter imported last: it must not win
    assert table(db, "SELECT case_status, source_file FROM lca_filings WHERE case_number = ?", (same,)) == [
        ("Certified - Withdrawn", second.name)]
    assert table(db, "SELECT COUNT(*) FROM lca_filings") == [(2,)]


def test_reimport_changes_nothing(db, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "LCA_Disclosure_Data_FY2024_Q3.xlsx", LCA_FY2024,
                      lca_rows(LCA_FY2024, 200, fy=2024, quarter=3), blank_tail=50)  # fmt: skip
    import_file(db, path)
    refresh(db, REGISTRY)
    before = [table(db, f"SELECT * FROM {t} ORDER BY 1, 2") for t in ("lca_filings", "sponsor_records", "employer_links")]
    assert import_file(db, path).skipped_file
    forced = import_file(db, path, force=True)
    assert forced.rows_kept == 200
    refresh(db, REGISTRY)
    after = [table(db, f"SELECT * FROM {t} ORDER BY 1, 2") for t in ("lca_filings", "sponsor_records", "employer_links")]
    assert before == after
    assert table(db, "SELECT COUNT(*) FROM h1b_imports") == [(1,)]


def uscis_rows(layout: str) -> list[list]:
    if layout == "D":
        return [["1,314", "2024   ", "LAKESHORE UNIVERSITY HEALTH INC", "0021", "62 - Health Care and Social Assistance",
                 "CHICAGO", "IL", "60611", "12", "1", "30", "0", "4", "0", "1", "0", "5", "1", "2", "0"],
                ["1,315", "2024", "", "", "", "", "", "", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]]  # fmt: skip
    if layout == "C":
        return [["7", "2024", "LAKESHORE UNIVERSITY HEALTH INC", "0021", "62 - Health Care and Social Assistance",
                 "CHICAGO", "IL", "60611", "1,204", "3", "2,050", "7"]]  # fmt: skip
    return [["2023", "LAKESHORE UNIVERSITY HEALTH INC", "14", "0", "31", "1", "62", "0021", "IL", "CHICAGO", "60611"]]


@pytest.mark.parametrize(
    ("header", "rows", "encoding", "delimiter", "expected"),
    [
        (USCIS_A, "A", "utf-8", ",", (2023, 14, 0, 31, 1, "uscis_legacy_plural")),
        (USCIS_B, "B", "utf-8", ",", (2023, 14, 0, 31, 1, "uscis_legacy")),
        (USCIS_C, "C", "utf-8-sig", ",", (2024, 1204, 3, 2050, 7, "uscis_employer_information")),
        # six categories: initial = new employment 12 + new concurrent 1; continuing = 30 + 4 + 5 + 2
        (USCIS_D, "D", "utf-16", "\t", (2024, 13, 1, 41, 1, "uscis_six_category")),
    ],
)
def test_uscis_layouts(db, tmp_path: Path, header, rows, encoding, delimiter, expected) -> None:
    path = write_csv(tmp_path / "export.csv", header, uscis_rows(rows), encoding=encoding, delimiter=delimiter)
    result = import_file(db, path)
    assert result.rows_kept == 1
    got = table(db, "SELECT fiscal_year, initial_approvals, initial_denials, continuing_approvals,"
                    " continuing_denials, layout FROM uscis_approvals")  # fmt: skip
    assert got == [expected]


def test_uscis_year_is_replaced_by_a_newer_file(db, tmp_path: Path) -> None:
    old = write_csv(tmp_path / "h1b_datahubexport-2023.csv", USCIS_B, uscis_rows("B"))
    import_file(db, old)
    newer = uscis_rows("B")
    newer[0][2] = "20"
    import_file(db, write_csv(tmp_path / "export-2023-revised.csv", USCIS_B, newer))
    assert table(db, "SELECT initial_approvals FROM uscis_approvals") == [(20,)]


def test_unknown_layout_is_refused_with_the_expected_columns(db, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "perm.csv", ["CASE_NO_PERM", "EMP_NAME", "JOB_TITLE"], [["A-1", "X", "Y"]])
    with pytest.raises(SponsorImportError) as caught:
        import_file(db, path)
    message = str(caught.value)
    assert "perm.csv" in message and "CASE_NUMBER and EMPLOYER_NAME" in message and "Initial Approval" in message
    assert table(db, "SELECT COUNT(*) FROM h1b_imports") == [(0,)]


def test_damaged_xlsx_imports_nothing(db, tmp_path: Path) -> None:
    good = write_xlsx(tmp_path / "full.xlsx", LCA_FY2024, lca_rows(LCA_FY2024, 3000, fy=2024, quarter=2))
    data = good.read_bytes()
    bad = tmp_path / "LCA_Disclosure_Data_FY2024_Q2.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                body = body[: len(body) // 2] + b"<row r=\"oops\"><c r=\"A9\" t=\"s\"><v>99999999</v></c></row>"
            zout.writestr(item, body)
    assert data
    with pytest.raises(SponsorImportError):
        import_file(db, bad)
    assert table(db, "SELECT COUNT(*) FROM lca_filings") == [(0,)]


def test_cli_import_show_top_and_link(tmp_path: Path, home: Path) -> None:
    runner = CliRunner()
    rng = random.Random(5)
    meridian = EMPLOYERS[1]
    rows = [lca_row(LCA_FY2025_Q2, n, fy=2025, quarter=3, rng=rng, employer=meridian, title=RESEARCH_TITLES[0],
                    status="Certified") for n in range(4)]  # fmt: skip
    rows.append(lca_row(LCA_FY2025_Q2, 9, fy=2025, quarter=3, rng=rng, employer=EMPLOYERS[5], status="Certified",
                        title=("Software Developer", "15-1252.00", "Software Developers", 100_000, "II")))  # fmt: skip
    lca = write_csv(tmp_path / "LCA_Disclosure_Data_FY2025_Q3.csv", LCA_FY2025_Q2, rows)
    (home / "sources.toml").write_text(
        '[[source]]\nid = "greenhouse:meridianoncology"\nfamily = "greenhouse"\n'
        'employer = "Meridian Oncology Research Institute"\nemployer_type = "research_nonprofit"\n'
        'board = "meridianoncology"\n', encoding="utf-8")  # fmt: skip
    bad = write_csv(tmp_path / "other.csv", ["A", "B"], [["1", "2"]])
    result = runner.invoke(app, ["sponsors", "import", str(lca), str(bad)])
    assert result.exit_code == 1, result.output
    assert "5 rows kept" in result.output and "header not recognised" in result.output
    assert "1 linked to our employers (exact 1)" in result.output
    shown = runner.invoke(app, ["sponsors", "show", "Meridian Oncology Research Institute", "--format", "json"])
    record = json.loads(shown.output)
    assert record["line"].startswith("H-1B: 4 certified H-1B LCAs in FY2025, 4 for research titles, "
                                     "e.g. Clinical Research Coordinator, Level I $52k")  # fmt: skip
    assert record["cap_exempt"]["likelihood"] == "likely"
    top = runner.invoke(app, ["sponsors", "top", "--title", "research coordinator", "--format", "json"])
    assert [(r["employer"], r["certified"], r["our_employer"]) for r in json.loads(top.output)] == [
        ("Meridian Oncology Research Institute", 4, "Meridian Oncology Research Institute")]
    assert runner.invoke(app, ["sponsors", "top", "--state", "Massachusetts"]).exit_code == 1
    missing = runner.invoke(app, ["sponsors", "show", "Meridian Oncology Researh Institut"])
    assert missing.exit_code == 0  # the linker finds the close spelling among our employers
    unknown = runner.invoke(app, ["sponsors", "show", "Zebra Widgets"])
    assert unknown.exit_code == 1
    review = runner.invoke(app, ["sponsors", "link", "--review", "--format", "json"])
    assert json.loads(review.output) == []
    assert runner.invoke(app, ["sponsors", "link", "--confirm", "no such key"]).exit_code == 1


# --------------------------------------------------------------------------- pure parts


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=30), st.integers(-10**9, 10**9), st.floats(allow_nan=True),
                 st.dates().map(lambda d: d), st.datetimes()))  # fmt: skip
def test_value_readers_never_raise(value: object) -> None:
    values.iso_date(value)
    values.number(value)
    values.text(value)
    values.naics(value)
    values.zip_code(value)
    found = values.iso_date(value)
    assert found is None or dt.date.fromisoformat(found)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=25), max_size=12))
def test_header_recognition_only_raises_layout_error(header: list[str]) -> None:
    try:
        recognise(header)
    except LayoutError as exc:
        assert "header not recognised" in str(exc)


def test_dates_wages_and_research_titles() -> None:
    assert values.iso_date(45498) == "2024-07-25"  # 45292 is 2024-01-01
    assert values.iso_date("2025-03-01 00:00:00") == "2025-03-01"
    assert values.iso_date("03/01/2025") == "2025-03-01"
    assert values.fiscal_year("2024-10-01") == 2025 and values.fiscal_year("2024-09-30") == 2024
    assert values.fiscal_quarter("2025-01-15") == "2025Q2"
    assert values.annual_wage(38.5, "Hour") == 80080.0
    assert values.annual_wage(82200, "Hour") is None  # a unit error, kept out of medians
    assert values.is_research("29-2011.00", "Clinical Research Coordinator")
    assert not values.is_research("29-1141.00", "Nurse Coordinator")
    assert not values.is_research("13-2099.01", "Associate")
    assert values.is_research("19-4021.00", "Biological Technician")
