"""Generated DOL LCA and USCIS Data Hub files for tests, benchmarks and the demo.

Every column of the real layouts (reference/h1b-and-trials.md §1.3, §2.2), realistic
clinical-research and other rows, and the quirks of the real files: blank formatted rows
after the data, the same CASE_NUMBER in two quarters' files, ``H-1B_DEPENDENT`` spelt with
a hyphen (FY2025 Q1), FEIN columns appearing by year, UTF-16 tab-separated USCIS exports.

``write_xlsx`` writes the workbook XML itself (shared strings, dates as serials with a
date style, like Excel's own files) straight into a zip stream: a 300,000-row sheet takes
seconds, where a general-purpose writer takes about a minute.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# --------------------------------------------------------------------------- layouts

#: FY2023 Q1-Q4 main file, 96 columns, in file order.
LCA_FY2023 = (
    "CASE_NUMBER CASE_STATUS RECEIVED_DATE DECISION_DATE ORIGINAL_CERT_DATE VISA_CLASS JOB_TITLE SOC_CODE "
    "SOC_TITLE FULL_TIME_POSITION BEGIN_DATE END_DATE TOTAL_WORKER_POSITIONS NEW_EMPLOYMENT "
    "CONTINUED_EMPLOYMENT CHANGE_PREVIOUS_EMPLOYMENT NEW_CONCURRENT_EMPLOYMENT CHANGE_EMPLOYER "
    "AMENDED_PETITION EMPLOYER_NAME TRADE_NAME_DBA EMPLOYER_ADDRESS1 EMPLOYER_ADDRESS2 EMPLOYER_CITY "
    "EMPLOYER_STATE EMPLOYER_POSTAL_CODE EMPLOYER_COUNTRY EMPLOYER_PROVINCE EMPLOYER_PHONE EMPLOYER_PHONE_EXT "
    "NAICS_CODE EMPLOYER_POC_LAST_NAME EMPLOYER_POC_FIRST_NAME EMPLOYER_POC_MIDDLE_NAME EMPLOYER_POC_JOB_TITLE "
    "EMPLOYER_POC_ADDRESS1 EMPLOYER_POC_ADDRESS2 EMPLOYER_POC_CITY EMPLOYER_POC_STATE EMPLOYER_POC_POSTAL_CODE "
    "EMPLOYER_POC_COUNTRY EMPLOYER_POC_PROVINCE EMPLOYER_POC_PHONE EMPLOYER_POC_PHONE_EXT EMPLOYER_POC_EMAIL "
    "AGENT_REPRESENTING_EMPLOYER AGENT_ATTORNEY_LAST_NAME AGENT_ATTORNEY_FIRST_NAME AGENT_ATTORNEY_MIDDLE_NAME "
    "AGENT_ATTORNEY_ADDRESS1 AGENT_ATTORNEY_ADDRESS2 AGENT_ATTORNEY_CITY AGENT_ATTORNEY_STATE "
    "AGENT_ATTORNEY_POSTAL_CODE AGENT_ATTORNEY_COUNTRY AGENT_ATTORNEY_PROVINCE AGENT_ATTORNEY_PHONE "
    "AGENT_ATTORNEY_PHONE_EXT AGENT_ATTORNEY_EMAIL_ADDRESS LAWFIRM_NAME_BUSINESS_NAME STATE_OF_HIGHEST_COURT "
    "NAME_OF_HIGHEST_STATE_COURT WORKSITE_WORKERS SECONDARY_ENTITY SECONDARY_ENTITY_BUSINESS_NAME "
    "WORKSITE_ADDRESS1 WORKSITE_ADDRESS2 WORKSITE_CITY WORKSITE_COUNTY WORKSITE_STATE WORKSITE_POSTAL_CODE "
    "WAGE_RATE_OF_PAY_FROM WAGE_RATE_OF_PAY_TO WAGE_UNIT_OF_PAY PREVAILING_WAGE PW_UNIT_OF_PAY "
    "PW_TRACKING_NUMBER PW_WAGE_LEVEL PW_OES_YEAR PW_OTHER_SOURCE PW_OTHER_YEAR PW_SURVEY_PUBLISHER "
    "PW_SURVEY_NAME TOTAL_WORKSITE_LOCATIONS AGREE_TO_LC_STATEMENT H_1B_DEPENDENT WILLFUL_VIOLATOR "
    "SUPPORT_H1B STATUTORY_BASIS APPENDIX_A_ATTACHED PUBLIC_DISCLOSURE PREPARER_LAST_NAME PREPARER_FIRST_NAME "
    "PREPARER_MIDDLE_INITIAL PREPARER_BUSINESS_NAME PREPARER_EMAIL"
).split()


def _insert_after(columns: Sequence[str], after: str, name: str) -> tuple[str, ...]:
    out = list(columns)
    out.insert(out.index(after) + 1, name)
    return tuple(out)


#: FY2024 Q1-Q4: EMPLOYER_FEIN after EMPLOYER_PHONE_EXT (97 columns).
LCA_FY2024 = _insert_after(LCA_FY2023, "EMPLOYER_PHONE_EXT", "EMPLOYER_FEIN")
#: FY2025 Q1 only: the dependency column spelt with a hyphen.
LCA_FY2025_Q1 = tuple("H-1B_DEPENDENT" if c == "H_1B_DEPENDENT" else c for c in LCA_FY2024)
#: FY2025 Q2 onward: LAWFIRM_BUSINESS_FEIN after LAWFIRM_NAME_BUSINESS_NAME (98 columns).
LCA_FY2025_Q2 = _insert_after(LCA_FY2024, "LAWFIRM_NAME_BUSINESS_NAME", "LAWFIRM_BUSINESS_FEIN")

USCIS_A = ("Fiscal Year,Employer,Initial Approvals,Initial Denials,Continuing Approvals,Continuing Denials,"
           "NAICS,Tax ID,State,City,ZIP").split(",")  # fmt: skip
USCIS_B = ("Fiscal Year,Employer,Initial Approval,Initial Denial,Continuing Approval,Continuing Denial,"
           "NAICS,Tax ID,State,City,ZIP").split(",")  # fmt: skip
USCIS_C = ("Line by line,Fiscal Year   ,Employer (Petitioner) Name,Tax ID,Industry (NAICS) Code,Petitioner City,"
           "Petitioner State,Petitioner Zip Code,Initial Approval,Initial Denial,Continuing Approval,"
           "Continuing Denial").split(",")  # fmt: skip
USCIS_D = ("Line by line,Fiscal Year   ,Employer (Petitioner) Name,Tax ID,Industry (NAICS) Code,Petitioner City,"
           "Petitioner State,Petitioner Zip Code,New Employment Approval,New Employment Denial,"
           "Continuation Approval,Continuation Denial,Change with Same Employer Approval,"
           "Change with Same Employer Denial,New Concurrent Approval,New Concurrent Denial,"
           "Change of Employer Approval,Change of Employer Denial,Amended Approval,Amended Denial").split(",")  # fmt: skip

# --------------------------------------------------------------------------- rows

#: Fictional and real-shaped employers: (name, FEIN, NAICS, city, state).
EMPLOYERS = [
    ("Lakeshore University Health, Inc.", "36-4410021", "622110", "Chicago", "IL"),
    ("Meridian Oncology Research Institute", "04-3318852", "541714", "Boston", "MA"),
    ("Bayou Trials Group LLC", "72-1520934", "541714", "Houston", "TX"),
    ("The Regents of the University of Northfield", "94-6002123", "611310", "Northfield", "MN"),
    ("Harborview Clinical Research, LLC", "91-2093417", "541715", "Seattle", "WA"),
    ("Granite State Software Consulting Inc", "02-0581234", "541511", "Nashua", "NH"),
    ("Prairie Valley Medical Center", "47-0376612", "622110", "Omaha", "NE"),
]
RESEARCH_TITLES = [
    ("Clinical Research Coordinator", "29-2011.00", "Medical and Clinical Laboratory Technologists", 52_000, "I"),
    ("Clinical Research Coordinator II", "19-1042.00", "Medical Scientists, Except Epidemiologists", 61_500, "II"),
    ("Research Assistant", "19-4021.00", "Biological Technicians", 47_840, "I"),
    ("Clinical Research Associate", "13-1041.07", "Regulatory Affairs Specialists", 88_000, "II"),
    ("Postdoctoral Research Fellow", "19-1042.00", "Medical Scientists, Except Epidemiologists", 61_008, ""),
    ("Research Scientist I", "19-1029.02", "Molecular and Cellular Biologists", 92_000, "II"),
]
OTHER_TITLES = [
    ("Software Developer", "15-1252.00", "Software Developers", 102_690, "II"),
    ("Hospitalist Physician", "29-1229.00", "Physicians, All Other", 290_014.40000000002, "IV"),
    ("Registered Nurse", "29-1141.00", "Registered Nurses", 38.5, "I"),
    ("Data Scientist", "15-2051.00", "Data Scientists", 118_414, "II"),
]
STATUSES = ["Certified"] * 8 + ["Certified - Withdrawn", "Withdrawn", "Denied"]
STATES = ["MA", "TX", "IL", "MN", "WA", "NE", "NY", "CA"]


def fiscal_quarter_dates(fy: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a federal fiscal quarter (FY starts on 1 October)."""
    start_month = (10 + 3 * (quarter - 1) - 1) % 12 + 1
    year = fy - 1 if start_month >= 10 else fy
    start = dt.date(year, start_month, 1)
    end_month = start_month + 2
    end_year = year + (end_month > 12)
    end_month = (end_month - 1) % 12 + 1
    nxt = dt.date(end_year + (end_month == 12), end_month % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def lca_row(
    header: Sequence[str], n: int, *, fy: int, quarter: int, rng: random.Random, case_number: str | None = None,
    employer: tuple[str, str, str, str, str] | None = None, title: tuple[str, str, str, float, str] | None = None,
    status: str | None = None,
) -> list[Any]:
    """One full-width row in the given header's column order (real value formats)."""
    start, end = fiscal_quarter_dates(fy, quarter)
    decided = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    name, fein, naics, city, state = employer or rng.choice(EMPLOYERS)
    job, soc, soc_title, wage, level = title or rng.choice(RESEARCH_TITLES + OTHER_TITLES)
    unit = "Hour" if wage < 1000 else "Year"
    prefix = {0: "I-200", 1: "I-203", 2: "I-201"}[0 if rng.random() < 0.96 else rng.choice((1, 2))]
    visa = {"I-200": "H-1B", "I-203": "E-3 Australian", "I-201": "H-1B1 Chile"}[prefix]
    dependent = "N/A" if visa != "H-1B" else rng.choice(("No", "No", "Yes"))
    worksite = rng.choice(STATES)
    values: dict[str, Any] = {
        "CASE_NUMBER": case_number or f"{prefix}-{str(fy)[2:]}{decided.timetuple().tm_yday:03d}-{n:06d}",
        "CASE_STATUS": status or rng.choice(STATUSES),
        "RECEIVED_DATE": decided - dt.timedelta(days=7),
        "DECISION_DATE": decided,
        "ORIGINAL_CERT_DATE": None,
        "VISA_CLASS": visa,
        "JOB_TITLE": job,
        "SOC_CODE": soc,
        "SOC_TITLE": soc_title,
        "FULL_TIME_POSITION": "Y",
        "BEGIN_DATE": decided + dt.timedelta(days=30),
        "END_DATE": decided + dt.timedelta(days=30 + 3 * 365),
        "TOTAL_WORKER_POSITIONS": 1,
        "NEW_EMPLOYMENT": rng.choice((0, 1)),
        "CONTINUED_EMPLOYMENT": rng.choice((0, 1)),
        "CHANGE_PREVIOUS_EMPLOYMENT": 0,
        "NEW_CONCURRENT_EMPLOYMENT": 0,
        "CHANGE_EMPLOYER": 0,
        "AMENDED_PETITION": 0,
        "EMPLOYER_NAME": name,
        "TRADE_NAME_DBA": None,
        "EMPLOYER_ADDRESS1": f"{100 + n % 900} Research Parkway",
        "EMPLOYER_CITY": city,
        "EMPLOYER_STATE": state,
        "EMPLOYER_POSTAL_CODE": f"{(n * 7919) % 100000:05d}",
        "EMPLOYER_COUNTRY": "UNITED STATES OF AMERICA",
        "EMPLOYER_PHONE": "+16175550100",
        "EMPLOYER_FEIN": fein,
        "NAICS_CODE": int(naics),
        "EMPLOYER_POC_LAST_NAME": "Okafor",
        "EMPLOYER_POC_FIRST_NAME": "Adaeze",
        "EMPLOYER_POC_JOB_TITLE": "Director, International Scholar Services",
        "EMPLOYER_POC_ADDRESS1": "1 Research Parkway",
        "EMPLOYER_POC_CITY": city,
        "EMPLOYER_POC_STATE": state,
        "EMPLOYER_POC_POSTAL_CODE": "02115",
        "EMPLOYER_POC_COUNTRY": "UNITED STATES OF AMERICA",
        "EMPLOYER_POC_PHONE": "+16175550101",
        "EMPLOYER_POC_EMAIL": "iss@example.org",
        "AGENT_REPRESENTING_EMPLOYER": "No",
        "WORKSITE_WORKERS": 1,
        "SECONDARY_ENTITY": "No",
        "WORKSITE_ADDRESS1": "55 Fruit Street",
        "WORKSITE_CITY": "Boston" if worksite == "MA" else city,
        "WORKSITE_COUNTY": "SUFFOLK",
        "WORKSITE_STATE": worksite,
        "WORKSITE_POSTAL_CODE": "02114",
        "WAGE_RATE_OF_PAY_FROM": wage,
        "WAGE_RATE_OF_PAY_TO": None,
        "WAGE_UNIT_OF_PAY": unit,
        "PREVAILING_WAGE": wage * 0.9,
        "PW_UNIT_OF_PAY": unit,
        "PW_TRACKING_NUMBER": None,
        "PW_WAGE_LEVEL": level or None,
        "PW_OES_YEAR": f"7/1/{fy - 1} - 6/30/{fy}",
        "PW_OTHER_SOURCE": "ACWIA" if not level else None,
        "TOTAL_WORKSITE_LOCATIONS": 1,
        "AGREE_TO_LC_STATEMENT": "Yes",
        "H_1B_DEPENDENT": dependent,
        "H-1B_DEPENDENT": dependent,
        "WILLFUL_VIOLATOR": dependent,
        "SUPPORT_H1B": None,
        "STATUTORY_BASIS": None,
        "APPENDIX_A_ATTACHED": None,
        "PUBLIC_DISCLOSURE": "Disclose Business",
        "PREPARER_LAST_NAME": "Lindqvist",
        "PREPARER_FIRST_NAME": "Maren",
        "PREPARER_BUSINESS_NAME": "International Scholar Services",
        "PREPARER_EMAIL": "preparer@example.org",
        "LAWFIRM_NAME_BUSINESS_NAME": None,
        "LAWFIRM_BUSINESS_FEIN": None,
    }
    return [values.get(column) for column in header]


def lca_rows(header: Sequence[str], count: int, *, fy: int, quarter: int, seed: int = 7, start: int = 0) -> Iterator[list[Any]]:
    rng = random.Random(seed)
    for n in range(start, start + count):
        yield lca_row(header, n, fy=fy, quarter=quarter, rng=rng)


# --------------------------------------------------------------------------- xlsx

_EPOCH = dt.datetime(1899, 12, 30)
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"""


def _column_letters(n: int) -> list[str]:
    out = []
    for i in range(n):
        name, k = "", i + 1
        while k:
            k, rem = divmod(k - 1, 26)
            name = chr(65 + rem) + name
        out.append(name)
    return out


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, blank_tail: int = 0,
               row_count: int | None = None) -> Path:
    """An .xlsx with one sheet: the header, the rows, then ``blank_tail`` formatted empty rows.

    ``row_count`` (data rows), when known, is written as the sheet's <dimension> as Excel does.
    """
    letters = _column_letters(max(len(header), 1))
    strings: dict[str, int] = {}

    def cell(ref: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            serial = (moment - _EPOCH).total_seconds() / 86400
            return f'<c r="{ref}" s="1"><v>{serial:g}</v></c>'
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value!r}</v></c>'
        index = strings.get(value)
        if index is None:
            index = strings[value] = len(strings)
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            dimension = (f'<dimension ref="A1:{letters[-1]}{row_count + blank_tail + 1}"/>' if row_count is not None
                         else "")  # fmt: skip
            sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
                         f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>').encode())  # fmt: skip
            r = 1
            buffer = ['<row r="1">' + "".join(cell(f"{letters[i]}1", v) for i, v in enumerate(header)) + "</row>"]
            for values in rows:
                r += 1
                buffer.append(f'<row r="{r}">' + "".join(cell(f"{letters[i]}{r}", v) for i, v in enumerate(values)) + "</row>")
                if len(buffer) >= 2000:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            for _ in range(blank_tail):  # formatted but empty, as Excel leaves them
                r += 1
                buffer.append(f'<row r="{r}"><c r="A{r}" s="2"/><c r="B{r}" s="2"/></row>')
                if len(buffer) >= 2000:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode())
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as sst:
            sst.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxml'
                      f'formats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())  # fmt: skip
            chunk: list[str] = []
            for text in strings:
                chunk.append(f"<si><t xml:space=\"preserve\">{escape(text)}</t></si>")
                if len(chunk) >= 5000:
                    sst.write("".join(chunk).encode())
                    chunk.clear()
            sst.write(("".join(chunk) + "</sst>").encode())
    return path


# --------------------------------------------------------------------------- csv


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, encoding: str = "utf-8",
              delimiter: str = ",", blank_tail: int = 0) -> Path:
    """A CSV (or, with encoding="utf-16" and a tab, a USCIS Tableau export)."""
    with Path(path).open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for values in rows:
            writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in values])
        for _ in range(blank_tail):
            writer.writerow([""] * len(header))
    return Path(path)


#: The 25 columns of the upstream FY2024 Q4 slice (reference §4), in file order: enough
#: for every field the importer keeps, light enough to write 300,000 rows quickly.
LCA_SUBSET = tuple(c for c in LCA_FY2024 if c in {
    "CASE_NUMBER", "CASE_STATUS", "DECISION_DATE", "EMPLOYER_CITY", "EMPLOYER_FEIN", "EMPLOYER_NAME",
    "EMPLOYER_STATE", "FULL_TIME_POSITION", "H_1B_DEPENDENT", "JOB_TITLE", "NAICS_CODE", "PREVAILING_WAGE",
    "PW_UNIT_OF_PAY", "PW_WAGE_LEVEL", "RECEIVED_DATE", "SOC_CODE", "SOC_TITLE", "TOTAL_WORKER_POSITIONS",
    "VISA_CLASS", "WAGE_RATE_OF_PAY_FROM", "WAGE_RATE_OF_PAY_TO", "WAGE_UNIT_OF_PAY", "WILLFUL_VIOLATOR",
    "WORKSITE_CITY", "WORKSITE_STATE"})


def many_lca_rows(header: Sequence[str], count: int, *, fy: int, quarter: int, seed: int = 7) -> Iterator[list[Any]]:
    """``count`` rows, fast: 2,000 generated rows repeated with fresh case numbers."""
    base = list(lca_rows(header, min(count, 2000), fy=fy, quarter=quarter, seed=seed))
    case = list(header).index("CASE_NUMBER")
    for n in range(count):
        row = list(base[n % len(base)])
        row[case] = f"I-200-{str(fy)[2:]}{n % 365 + 1:03d}-{n:06d}"
        yield row
